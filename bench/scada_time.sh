#!/usr/bin/env bash
# Issue 9's timing criterion: ingest, flags, fit and score of one turbine's
# period (La Haute Borne R80711, 14,348 rows) as a fresh `windpm` process:
# `windpm scada events exact_2017/R80711 --fit-from 2017-08-09 --fit-to
# 2017-10-01`, timed by hyperfine (Debian's; --warmup 3, --runs N, no
# shell), with the machine's load before and after, since a shared 2-core
# machine's wall times depend on it. CPU seconds (user + system) are the
# figure least moved by load.
#
#   bench/scada_time.sh [--runs 30] [--raw FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=30 raw=""
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--raw) raw=$2; shift 2 ;;
	*) echo "usage: bench/scada_time.sh [--runs N] [--raw FILE]" >&2; exit 2 ;;
	esac
done
command -v hyperfine >/dev/null || { echo "bench/scada_time.sh: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
data=../shared/data/scada/la_haute_borne/exact_2017/R80711
[ -d "$data" ] || { echo "bench/scada_time.sh: $data not found" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/windpm" ./cmd/windpm
out=${raw:-/dev/stdout}
{
	echo "# bench/scada_time.sh $(date -u +%FT%TZ) at $(git rev-parse --short HEAD), $(nproc) cores, load before $(cut -d' ' -f1-3 /proc/loadavg)"
	hyperfine -N --warmup 3 --runs "$runs" --export-json "$tmp/h.json" \
		"$tmp/windpm scada events $data --fit-from 2017-08-09 --fit-to 2017-10-01" 2>&1 | grep -E 'Time|Range' | sed 's/^ *//'
	/usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
t = sorted(r["times"])
print("wall s: min %.3f median %.3f max %.3f; cpu (user+system) s: mean %.3f; runs %d" % (t[0], t[len(t) // 2], t[-1], r["user"] + r["system"], len(t)))
' "$tmp/h.json"
	echo "# load after $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out"
