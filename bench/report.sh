#!/usr/bin/env bash
# `windpm report` over shards whose scores and alarms are long (see
# bench/README.md and docs/performance.md): a synthetic fleet scanned in
# 4 shards, each shard's scores.parquet and alarms.parquet made K times
# longer by bench/inflate (every row K times in a row, as a long history
# would be), then `windpm report --from OUT --out MERGED`, timed by GNU
# time for each K. With --before REV the same runs are made, in turn, with
# windpm built at REV (the peer: the previous merge).
#
#   bench/report.sh [--raw FILE] [--ks "1 20 80"] [--before REV]
#
# Needs Go and /usr/bin/time (Debian package time).
set -euo pipefail
cd "$(dirname "$0")/.."

raw="" ks="1 20 80" before=""
while [ $# -gt 0 ]; do
	case "$1" in
	--raw) raw=$2; shift 2 ;;
	--ks) ks=$2; shift 2 ;;
	--before) before=$2; shift 2 ;;
	*) echo "report.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
. bench/lib.sh
bench_setup report.sh windpm-reportbench

bench_machine | tee -a "$raw"
echo "# $(go version); windpm $(git describe --always --dirty 2>/dev/null || echo '?')${before:+; before: $before}" | tee -a "$raw"
bins="now:$bin"
if [ -n "$before" ]; then
	git worktree add -q --detach "$work/before" "$before"
	(cd "$work/before" && CGO_ENABLED=0 go build -o "$work/windpm-before" ./cmd/windpm)
	git worktree remove --force "$work/before"
	bins="before:$work/windpm-before $bins"
fi
go build -o "$work/inflate" ./bench/inflate

fleet=$work/fleet
"$bin" synth --out "$fleet" --turbines 12 --days 30 --seed 1 >/dev/null
out=$work/scan
for k in 1 2 3 4; do
	"$bin" scan --fleet "$fleet/fleet" --out "$out" --shard "$k/4" >/dev/null
done
cp -r "$out" "$work/scan-1"
for k in $ks; do
	rm -rf "$out"
	cp -r "$work/scan-1" "$out"
	scores=$("$work/inflate" -k "$k" "$out"/shards/*/scores.parquet | awk '{ n += $2 } END { print n }')
	alarms=$("$work/inflate" -k "$k" "$out"/shards/*/alarms.parquet | awk '{ n += $2 } END { print n }')
	echo "# K=$k: the shards hold $scores scores rows and $alarms alarms rows, $(du -ch "$out"/shards/*/scores.parquet "$out"/shards/*/alarms.parquet | tail -1 | cut -f1) on disk" | tee -a "$raw"
	for b in $bins; do
		rm -rf "$work/merged"
		timed "${b%%:*}-report-k$k" "${b#*:}" report --from "$out" --out "$work/merged"
	done
done
