#!/usr/bin/env bash
# The cost of one capture in a fleet scan, for docs/scale.md: a synthetic
# fleet of realistic capture lengths (windpm synth --seconds 10: two
# 256,000-sample gearbox/generator captures and one 25,600-sample main
# bearing capture per turbine-day, with SCADA), scanned whole with one
# worker, then in 3 shards one after the other, then merged by windpm
# report, then a run with nothing new. Each a whole process timed by GNU
# time: wall, user and system CPU seconds, peak RSS. Bytes read are the
# captures' size (each is read once, hashed and decoded from memory).
#
#   bench/scale.sh [--raw FILE] [--turbines 9] [--days 10] [--seconds 10]
#
# Needs Go and /usr/bin/time (Debian package time).
set -euo pipefail
cd "$(dirname "$0")/.."

raw="" turbines=9 days=10 seconds=10
while [ $# -gt 0 ]; do
	case "$1" in
	--raw) raw=$2; shift 2 ;;
	--turbines) turbines=$2; shift 2 ;;
	--days) days=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	*) echo "scale.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
. bench/lib.sh
bench_setup scale.sh windpm-scale

bench_machine | tee -a "$raw"
echo "# $(go version); windpm $(git describe --always --dirty 2>/dev/null || echo '?')" | tee -a "$raw"
"$bin" synth --out "$work/f" --turbines "$turbines" --days "$days" --seconds "$seconds" --seed 1 >/dev/null
n=$(find "$work/f/fleet" -name '*.wav' | wc -l)
bytes=$(find "$work/f/fleet" -name '*.wav' -printf '%s\n' | awk '{s+=$1} END {print s}')
echo "# fleet: $turbines turbines x 3 sensors x $days days, --seconds $seconds: $n captures, $bytes bytes of WAV" | tee -a "$raw"
echo "# columns: run wall_s peak_rss_kb user_s sys_s" | tee -a "$raw"
args=(--fleet "$work/f/fleet" --scada "$work/f/scada")
timed whole-jobs1 "$bin" scan "${args[@]}" --out "$work/whole" --jobs 1
timed whole-jobs2 "$bin" scan "${args[@]}" --out "$work/whole2" --jobs 2
for k in 1 2 3; do
	timed "shard-$k-of-3" "$bin" scan "${args[@]}" --out "$work/sharded" --jobs 1 --shard "$k/3"
done
timed report-3 "$bin" report --from "$work/sharded" --out "$work/sharded"
timed nothing-new "$bin" scan "${args[@]}" --out "$work/whole" --jobs 1

/usr/bin/python3 - "$raw" "$n" "$bytes" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    if line.startswith("#") or not line.strip():
        continue
    name, wall, rss, user, sys_ = line.split()[:5]
    rows[name] = (float(wall), float(user) + float(sys_), int(rss) / 1024)
n, nbytes = int(sys.argv[2]), int(sys.argv[3])
w = rows["whole-jobs1"]
print("\ncaptures %d, %.0f KB of WAV each (read once)" % (n, nbytes / n / 1024))
print("whole scan, 1 worker: %.1f ms CPU per capture, peak RSS %.0f MiB" % (1000 * w[1] / n, w[2]))
w2 = rows["whole-jobs2"]
print("whole scan, --jobs 2: %.1f ms CPU per capture, %.1f captures/s, peak RSS %.0f MiB" % (1000 * w2[1] / n, n / w2[0], w2[2]))
shards = [rows["shard-%d-of-3" % k] for k in (1, 2, 3)]
print("3 shards: CPU %s s (sum %.1f), peak RSS %s MiB; report %.2f s, %.0f MiB" % (
    " / ".join("%.1f" % s[1] for s in shards), sum(s[1] for s in shards),
    " / ".join("%.0f" % s[2] for s in shards), rows["report-3"][0], rows["report-3"][2]))
print("nothing new: %.2f s, %.0f MiB" % (rows["nothing-new"][0], rows["nothing-new"][2]))
PY
