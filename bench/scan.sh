#!/usr/bin/env bash
# Scan throughput and memory (see bench/README.md and docs/performance.md):
# `windpm scan` over synthetic fleets of about 1,000 and 10,000 captures
# (6 and 56 turbines × 3 sensors × 60 days, the demo's capture lengths),
# each a whole process timed by GNU time: a first scan (features, scores,
# alarms, report), a second with nothing new, and a --rescore (scores,
# alarms and report only). Beside them, in the same run, the numpy/scipy
# peer computes the same feature set over the 1,000-capture fleet
# (bench/features_numpy.py), the part of the scan a numpy script would
# have to do.
#
#   bench/scan.sh [--raw FILE] [--sizes "6 56"] [--days 60] [--jobs 2]
#
# Needs Go, /usr/bin/time (Debian package time), and for the peer
# /usr/bin/python3 with python3-numpy, python3-scipy and python3-yaml.
set -euo pipefail
cd "$(dirname "$0")/.."

raw="" sizes="6 56" days=60 jobs=2
while [ $# -gt 0 ]; do
	case "$1" in
	--raw) raw=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	--days) days=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	*) echo "scan.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
. bench/lib.sh
bench_setup scan.sh windpm-scanbench
timed_grep=scan:

bench_machine | tee -a "$raw"
echo "# $(go version); windpm $(git describe --always --dirty 2>/dev/null || echo '?'); jobs $jobs" | tee -a "$raw"

first=""
for t in $sizes; do
	fleet=$work/fleet-$t
	"$bin" synth --out "$fleet" --turbines "$t" --days "$days" --seed 1 >/dev/null
	n=$(($(wc -l <"$fleet/fleet/manifest.csv") - 1))
	echo "# $t turbines: $n captures, $(du -sh "$fleet/fleet" | cut -f1) of WAV" | tee -a "$raw"
	out=$work/scan-$t
	timed "scan-$n" "$bin" scan --fleet "$fleet/fleet" --scada "$fleet/scada" --out "$out" --jobs "$jobs"
	timed "nothing-new-$n" "$bin" scan --fleet "$fleet/fleet" --scada "$fleet/scada" --out "$out" --jobs "$jobs"
	timed "rescore-$n" "$bin" scan --fleet "$fleet/fleet" --scada "$fleet/scada" --out "$out" --jobs "$jobs" --rescore
	if [ -z "$first" ]; then
		first=$n
		if [ -x /usr/bin/python3 ]; then
			timed "numpy-features-$n" /usr/bin/python3 bench/features_numpy.py --assets "$fleet/fleet/assets.yaml" --jobs "$jobs" "$fleet/fleet/manifest.csv"
		fi
	fi
	rm -rf "$fleet" "$out"
done

/usr/bin/python3 - "$raw" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    if line.startswith("#") or not line.strip():
        continue
    name, wall, rss, user, sys_ = line.split()[:5]
    rows[name] = (float(wall), int(rss) / 1024, float(user) + float(sys_))
print("\n| run | captures | wall s | captures/s | CPU s | peak RSS MiB |")
print("|---|---|---|---|---|---|")
for name, (wall, rss, cpu) in rows.items():
    n = int(name.rsplit("-", 1)[1])
    rate = "%.1f" % (n / wall) if wall > 0 else "—"
    print("| %s | %d | %.1f | %s | %.1f | %.0f |" % (name.rsplit("-", 1)[0], n, wall, rate, cpu, rss))
PY
