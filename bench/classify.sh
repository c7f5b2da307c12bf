#!/usr/bin/env bash
# windpm evaluate against scikit-learn on the CWRU features (see
# docs/evaluation.md, "Fault classification"): the same table, features,
# folds and options; random forest over seeds 1..SEEDS (both tools), logistic
# regression once (it has no randomness), for three feature sets: the
# default level-free columns (classifier.LevelFreeFeatures), every column
# (--features all) and the columns of the original feature set v1 (the
# "standard" features, before the envelope and third-octave shares).
# Prints a Markdown table of macro-F1, balanced accuracy and macro AUROC per
# feature set, grouping and model, then the per-fold macro-F1.
#
#   bench/classify.sh [--seeds 5] [--work DIR] [--windpm BIN] > bench/results/classify-DATE.txt
#
# --windpm BIN uses a built binary instead of building ./cmd/windpm.
#
# Needs Go, /usr/bin/python3 with Debian's python3-sklearn, and the CWRU
# data at ../shared/data/cwru.
set -euo pipefail
cd "$(dirname "$0")/.."

seeds=5 work="" bin=""
while [ $# -gt 0 ]; do
	case "$1" in
	--seeds) seeds=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	--windpm) bin=$2; shift 2 ;;
	*) echo "classify.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ -n "$work" ] || work=$(mktemp -d)
mkdir -p "$work"
data=$(cd ../shared/data/cwru && pwd)

if [ -n "$bin" ]; then
	cp "$bin" "$work/windpm"
else
	go build -o "$work/windpm" ./cmd/windpm
fi
# The 12 kHz drive-end records of fault sizes 0.007-0.021 in and the normal
# baseline (97, 48 kHz, resampled to 12 kHz): the 0.028 in records are left
# out (no outer-race record, NTN bearings). Paths made absolute.
awk -F, -v d="$data" 'NR == 1 { print; next } $7 != "0.028" { print d "/" $0 }' "$data/catalog.csv" > "$work/catalog.csv"
"$work/windpm" features --manifest "$work/catalog.csv" --channel DE --segment 1 --resample 12000 \
	-o "$work/cwru.parquet" 2>"$work/features.err" >&2

# Feature sets: name and --features value ("" = the default).
v1='mean,std,rms,peak,peak_to_peak,crest_factor,kurtosis_pearson,skewness,shape_factor,impulse_factor,clearance_factor,total_power,band_power_*,spectral_*,peak?_*,velocity_*,acceleration_*,iso_*,order_*,bp*_db,bsf*_db,ftf*_db,envelope_band_*,gmf_*,gear_ser'
for set in levelfree all v1; do
	case $set in
	levelfree) fl="" ;;
	all) fl="all" ;;
	v1) fl="$v1" ;;
	esac
	for group in load_hp fault_diameter_in; do
		"$work/windpm" evaluate "$work/cwru.parquet" --label fault --group "$group" --block-class normal --features "$fl" \
			--model logreg --json --export-csv "$work/folds-$set-$group.csv" > "$work/windpm-$set-$group-logreg.json" 2>/dev/null
		/usr/bin/python3 bench/classify_sklearn.py "$work/folds-$set-$group.csv" --model logreg --json > "$work/sklearn-$set-$group-logreg.json"
		for seed in $(seq 1 "$seeds"); do
			"$work/windpm" evaluate "$work/cwru.parquet" --label fault --group "$group" --block-class normal --features "$fl" \
				--model forest --seed "$seed" --json > "$work/windpm-$set-$group-forest-$seed.json" 2>/dev/null
			/usr/bin/python3 bench/classify_sklearn.py "$work/folds-$set-$group.csv" --model forest --seed "$seed" --json \
				> "$work/sklearn-$set-$group-forest-$seed.json"
		done
	done
done

/usr/bin/python3 - "$work" "$seeds" <<'PY'
import glob, json, statistics, sys
work, seeds = sys.argv[1], int(sys.argv[2])
SETS = ["levelfree", "all", "v1"]
def load(tool, group, model, set="levelfree"):
    files = sorted(glob.glob(f"{work}/{tool}-{set}-{group}-{model}*.json"))
    return [json.load(open(f)) for f in files]
def fmt(vals):
    if len(vals) == 1:
        return f"{vals[0]:.3f}"
    return f"{statistics.mean(vals):.3f} ± {statistics.stdev(vals):.3f}"
print(f"runs: random forest seeds 1..{seeds} (mean ± sd), logistic regression once\n")
print("| features | grouping | model | tool | macro-F1 | balanced accuracy | macro AUROC |")
print("|---|---|---|---|---|---|---|")
for set in SETS:
  nf = len(load("windpm", "load_hp", "logreg", set)[0]["features"])
  for group in ["load_hp", "fault_diameter_in"]:
    for model in ["forest", "logreg"]:
        for tool in ["windpm", "sklearn"]:
            r = load(tool, group, model, set)
            name = "windpm" if tool == "windpm" else r[0]["tool"]
            print(f"| {set} ({nf}) | {group} | {model} | {name} | {fmt([x['macro_f1'] for x in r])} | "
                  f"{fmt([x['balanced_accuracy'] for x in r])} | {fmt([x['auroc_macro'] for x in r])} |")
print("\nper-fold macro-F1 (forest: mean over seeds)\n")
print("| features | grouping | model | tool | per fold (test group: macro-F1) |")
print("|---|---|---|---|---|")
for set in SETS:
  for group in ["load_hp", "fault_diameter_in"]:
    for model in ["forest", "logreg"]:
        for tool in ["windpm", "sklearn"]:
            r = load(tool, group, model, set)
            folds = r[0]["folds"]
            cells = []
            for k, f in enumerate(folds):
                if tool == "windpm":
                    v = [x["folds"][k]["metrics"]["macro_f1"] for x in r]
                else:
                    v = [x["folds"][k]["macro_f1"] for x in r]
                cells.append(f"{f['name']}: {statistics.mean(v):.3f}")
            print(f"| {set} | {group} | {model} | {tool} | " + ", ".join(cells) + " |")
print("\nconfusion of the pooled out-of-fold predictions, seed 1 (rows true, columns predicted; classes", 
      load("windpm", "load_hp", "forest")[0]["classes"], ")\n")
for set in SETS:
  for group in ["load_hp", "fault_diameter_in"]:
    for model in ["forest", "logreg"]:
        for tool in ["windpm", "sklearn"]:
            r = load(tool, group, model, set)[0]
            print(f"{set:9} {group:18} {model:7} {tool:8} {r['confusion']}")
PY
