#!/usr/bin/env bash
# A scan with its fleet, SCADA and outputs in object storage against the
# same scan on local folders, for docs/scale.md: a synthetic fleet
# (windpm synth --seconds 10) copied into a bucket of a MinIO server on
# loopback (internal/s3test, built from the Go module proxy and cached),
# scanned s3:// -> s3:// and folder -> folder with one worker, then a run
# with nothing new of each. Each a whole process timed by GNU time (wall,
# user and system CPU seconds, peak RSS); the MinIO server's own CPU time
# over the bucket runs is read from /proc.
#
#   bench/bucket.sh [--raw FILE] [--turbines 6] [--days 10] [--seconds 10]
#
# Needs Go and /usr/bin/time (Debian package time).
set -euo pipefail
cd "$(dirname "$0")/.."

raw="" turbines=6 days=10 seconds=10
while [ $# -gt 0 ]; do
	case "$1" in
	--raw) raw=$2; shift 2 ;;
	--turbines) turbines=$2; shift 2 ;;
	--days) days=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	*) echo "bucket.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
. bench/lib.sh
bench_setup bucket.sh windpm-bucket
go build -o "$work/s3server" ./internal/s3test/cmd/s3server

bench_machine | tee -a "$raw"
echo "# $(go version); windpm $(git describe --always --dirty 2>/dev/null || echo '?')" | tee -a "$raw"
"$bin" synth --out "$work/f" --turbines "$turbines" --days "$days" --seconds "$seconds" --seed 1 >/dev/null
n=$(find "$work/f/fleet" -name '*.wav' | wc -l)
bytes=$(find "$work/f/fleet" -name '*.wav' -printf '%s\n' | awk '{s+=$1} END {print s}')
echo "# fleet: $turbines turbines x 3 sensors x $days days, --seconds $seconds: $n captures, $bytes bytes of WAV" | tee -a "$raw"

"$work/s3server" -bucket plant -data "$work/minio" -put "$work/f" >"$work/env" 2>"$work/s3server.err" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 600); do
	grep -q '^# s3://' "$work/env" 2>/dev/null && break
	kill -0 $server 2>/dev/null || { cat "$work/s3server.err" >&2; exit 1; }
	sleep 1
done
# shellcheck disable=SC1091
. "$work/env"
url=$(sed -n 's/^# \(s3:.*\)$/\1/p' "$work/env")
base=${url%%\?*} query=${url#*\?}
s3() { echo "$base/$1?$query"; }
minio_pid=$(pgrep -P "$server" | head -n1)
minio_cpu() { awk '{print ($14 + $15) / 100}' "/proc/$minio_pid/stat"; }

echo "# columns: run wall_s peak_rss_kb user_s sys_s (minio_cpu_s for bucket runs)" | tee -a "$raw"
timed local-whole "$bin" scan --fleet "$work/f/fleet" --scada "$work/f/scada" --out "$work/scan" --jobs 1
before=$(minio_cpu)
timed s3-whole "$bin" scan --fleet "$(s3 fleet)" --scada "$(s3 scada)" --out "$(s3 scan)" --jobs 1
echo "minio s3-whole $(awk -v a="$before" -v b="$(minio_cpu)" 'BEGIN {print b - a}')" | tee -a "$raw"
timed local-nothing "$bin" scan --fleet "$work/f/fleet" --scada "$work/f/scada" --out "$work/scan" --jobs 1
before=$(minio_cpu)
timed s3-nothing "$bin" scan --fleet "$(s3 fleet)" --scada "$(s3 scada)" --out "$(s3 scan)" --jobs 1
echo "minio s3-nothing $(awk -v a="$before" -v b="$(minio_cpu)" 'BEGIN {print b - a}')" | tee -a "$raw"

/usr/bin/python3 - "$raw" "$n" <<'PY'
import sys
rows, minio = {}, {}
for line in open(sys.argv[1]):
    if line.startswith("#") or not line.strip():
        continue
    f = line.split()
    if f[0] == "minio":
        minio[f[1]] = float(f[2])
        continue
    rows[f[0]] = (float(f[1]), float(f[3]) + float(f[4]), int(f[2]) / 1024)
n = int(sys.argv[2])
print("\n%-14s %8s %8s %10s %9s %12s" % ("run", "wall s", "CPU s", "ms CPU/cap", "RSS MiB", "MinIO CPU s"))
for k in ("local-whole", "s3-whole", "local-nothing", "s3-nothing"):
    w, c, r = rows[k]
    print("%-14s %8.2f %8.2f %10.1f %9.0f %12s" % (k, w, c, 1000 * c / n, r, "%.2f" % minio[k] if k in minio else "-"))
PY
