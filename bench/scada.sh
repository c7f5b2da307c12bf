#!/usr/bin/env bash
# Side-by-side benchmark of the SCADA pipeline on La Haute Borne 2017
# (../shared/data/scada): `windpm scada powercurve` (ingest, flags, curves,
# CSV out), `windpm scada ingest` (the same plus the Parquet table) and
# bench/scada_powercurve_pandas.py (the independent pandas implementation of
# the same flags and curves); `windpm scada events --fit-from --fit-to`
# (ingest, flags, fit and score of the four temperature models, events) and
# bench/scada_nbm_sklearn.py (the pandas/scikit-learn peer, its two model
# variants and injections included, so it does more work). For one turbine
# (R80711) and all four, in interleaved rounds; every run a whole process
# timed by GNU time (wall seconds, CPU seconds, peak RSS). It also checks
# that the curves agree.
#
#   bench/scada.sh [--rounds 3] [--raw FILE]
#
# Needs Go, /usr/bin/python3 with Debian's python3-pandas and
# python3-sklearn, /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3 raw=""
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift 2 ;;
	--raw) raw=$2; shift 2 ;;
	*) echo "usage: bench/scada.sh [--rounds N] [--raw FILE]" >&2; exit 2 ;;
	esac
done
data=../shared/data/scada/la_haute_borne/exact_2017
[ -d "$data" ] || { echo "bench/scada.sh: $data not found" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/windpm" ./cmd/windpm
out=${raw:-/dev/stdout}
: >"$tmp/raw"
run() { # label, command...
	local label=$1; shift
	/usr/bin/time -f "$label %e s wall %U+%S s cpu %M KB" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
	cat "$tmp/t" >>"$tmp/raw"
}
echo "# bench/scada.sh $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >"$tmp/head"
for r in $(seq "$rounds"); do
	for scope in R80711 all; do
		in=$data; [ $scope = all ] || in=$data/$scope
		run "round $r $scope windpm-powercurve" "$tmp/windpm" scada powercurve "$in" --out "$tmp/go_$scope.csv"
		run "round $r $scope windpm-ingest" "$tmp/windpm" scada ingest "$in" -o "$tmp/s_$scope.parquet"
		run "round $r $scope pandas" /usr/bin/python3 bench/scada_powercurve_pandas.py --out "$tmp/pd_$scope.csv" "$in"
		run "round $r $scope windpm-events" "$tmp/windpm" scada events "$in" --fit-from 2017-08-09 --fit-to 2017-10-01
		run "round $r $scope sklearn-nbm" /usr/bin/python3 bench/scada_nbm_sklearn.py "$in"
	done
done
/usr/bin/python3 - "$tmp" >>"$tmp/raw" <<'PY'
import sys, pandas as pd, numpy as np
d = sys.argv[1]
for scope in ['R80711', 'all']:
    a, b = pd.read_csv(f'{d}/pd_{scope}.csv'), pd.read_csv(f'{d}/go_{scope}.csv')
    m = a.merge(b, on=['turbine', 'bin_m_s'], suffixes=('_pd', '_go'))
    rel = max(((m[c + '_pd'] - m[c + '_go']).abs() / np.maximum(m[c + '_pd'].abs(), 1)).max()
              for c in ['wind_speed_norm_m_s', 'power_kw', 'power_std_kw'])
    print(f'check {scope}: {len(a)} pandas bins, {len(b)} windpm bins, {len(m)} shared, counts equal {bool((m.count_pd == m.count_go).all())}, max relative difference {rel:.1e}')
PY
cat "$tmp/head" "$tmp/raw" >"$out"
