#!/usr/bin/env bash
# Side-by-side benchmark of the feature table (see bench/README.md):
# `windpm features` against bench/features_numpy.py (the repository's
# numpy/scipy reference implementations of the same feature groups), each at
# --jobs 1 and 2, in interleaved rounds, every run a whole process timed by
# GNU time (wall seconds, peak RSS, CPU seconds).
#
#   bench/features.sh [--rounds 3] [--turbines 5 --days 10 --seconds 10]
#                     [--data DIR] [--raw FILE]
#   bench/features.sh --memory [--raw FILE] FLEET_DIR...   # windpm --jobs 2 only
#
# Throughput data: `windpm synth` gearbox (gbx_hss) and generator captures
# at 25.6 kHz (256,000 samples with --seconds 10), 2 per turbine-day;
# main-bearing captures (2560 Hz) are left out of the manifest. --data DIR
# reuses a fleet made by an earlier run (DIR/fleet/manifest.csv).
# --memory runs windpm alone on every capture of each given fleet.
#
# Needs Go, /usr/bin/python3 with Debian's python3-numpy, python3-scipy and
# python3-yaml, and /usr/bin/time (Debian package time).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3 turbines=5 days=10 seconds=10 data="" raw="" memory=0 fleets=()
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift 2 ;;
	--turbines) turbines=$2; shift 2 ;;
	--days) days=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--data) data=$2; shift 2 ;;
	--raw) raw=$2; shift 2 ;;
	--memory) memory=1; shift ;;
	-*) echo "features.sh: unknown argument $1" >&2; exit 2 ;;
	*) fleets+=("$1"); shift ;;
	esac
done

[ -x /usr/bin/python3 ] || { echo "features.sh: /usr/bin/python3 missing (apt-get install python3-numpy python3-scipy python3-yaml)" >&2; exit 2; }
. bench/lib.sh
bench_setup features.sh windpm-featbench

bench_machine | tee -a "$raw"
echo "# $(go version); windpm $(git describe --always --dirty 2>/dev/null || echo '?'); $(/usr/bin/python3 -c 'import numpy, scipy; print("numpy", numpy.__version__, "scipy", scipy.__version__)')" | tee -a "$raw"

if [ $memory = 1 ]; then
	[ ${#fleets[@]} -gt 0 ] || { echo "features.sh: --memory needs fleet folders" >&2; exit 2; }
	for dir in "${fleets[@]}"; do
		m=$dir/fleet/manifest.csv
		n=$(($(wc -l <"$m") - 1))
		echo "# $dir: $n captures, $(du -sh "$dir/fleet" | cut -f1) of WAV; rates: $(awk -F, 'NR>1{print $2}' "$m" | sort | uniq -c | tr -s ' ' | tr '\n' ';')" | tee -a "$raw"
		timed "memory-$n" "$bin" features --assets "$dir/fleet/assets.yaml" --jobs 2 -o "$work/m.parquet" "$m"
		rm -f "$work/m.parquet"
	done
	exit 0
fi

[ ${#fleets[@]} -eq 0 ] || { echo "features.sh: fleet folders go with --memory (or use --data DIR)" >&2; exit 2; }
if [ -z "$data" ]; then
	data=$work/fleet
	"$bin" synth --out "$data" --turbines "$turbines" --days "$days" --seconds "$seconds" --seed 1 >/dev/null
fi
assets=$data/fleet/assets.yaml
# Beside the full manifest: its paths are relative to the manifest.
manifest=$data/fleet/manifest-25k.csv
awk -F, 'NR == 1 || $2 == 25600' "$data/fleet/manifest.csv" >"$manifest"
n=$(($(wc -l <"$manifest") - 1))
[ "$n" -gt 0 ] || { echo "features.sh: no 25.6 kHz captures in $data" >&2; exit 1; }
echo "# $n captures of $(/usr/bin/python3 -c "import scipy.io.wavfile as w, sys; print(len(w.read(sys.argv[1])[1]))" "$data/fleet/$(awk -F, 'NR == 2 {print $1}' "$manifest")") samples at 25.6 kHz; $rounds rounds" | tee -a "$raw"

for r in $(seq "$rounds"); do
	for j in 1 2; do
		timed "windpm-jobs$j" "$bin" features --assets "$assets" --jobs $j -o "$work/x.parquet" "$manifest"
		rm -f "$work/x.parquet"
	done
	for j in 1 2; do
		timed "numpy-jobs$j" /usr/bin/python3 bench/features_numpy.py --assets "$assets" --jobs $j "$manifest"
	done
done

# Medians over rounds, captures/s and peak RSS, ratios windpm / numpy.
/usr/bin/python3 - "$raw" "$n" <<'EOF'
import statistics, sys
raw, n = sys.argv[1], int(sys.argv[2])
runs = {}
for line in open(raw):
    if line.startswith("#") or not line.strip():
        continue
    name, wall, rss, user, sys_ = line.split()[:5]
    runs.setdefault(name, []).append((float(wall), int(rss), float(user) + float(sys_)))
def med(name):
    w = [x[0] for x in runs[name]]; m = [x[1] for x in runs[name]]; c = [x[2] for x in runs[name]]
    return (n / statistics.median(w), n / max(w), n / min(w),
            statistics.median(m) / 1024, min(m) / 1024, max(m) / 1024, 1e3 * statistics.median(c) / n)
print("\n| jobs | windpm captures/s (min–max) | numpy captures/s (min–max) | windpm/numpy | windpm peak RSS MiB (min–max) | numpy peak RSS MiB (min–max) | windpm CPU ms/capture | numpy CPU ms/capture |")
print("|---|---|---|---|---|---|---|---|")
for j in (1, 2):
    w, p = med("windpm-jobs%d" % j), med("numpy-jobs%d" % j)
    print("| %d | %.2f (%.2f–%.2f) | %.2f (%.2f–%.2f) | %.2f | %.0f (%.0f–%.0f) | %.0f (%.0f–%.0f) | %.0f | %.0f |" %
          (j, w[0], w[1], w[2], p[0], p[1], p[2], w[0] / p[0], w[3], w[4], w[5], p[3], p[4], p[5], w[6], p[6]))
EOF
