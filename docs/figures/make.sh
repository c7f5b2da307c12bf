#!/usr/bin/env bash
# Regenerates the figures of docs/spectra.md from the CWRU recordings in
# ../shared/data/cwru and a synthetic fleet made here.
#   docs/figures/make.sh            (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/../.."
go build -o /tmp/windpm-figures ./cmd/windpm
w=/tmp/windpm-figures
cwru=../shared/data/cwru
out=docs/figures

$w spectrum --envelope --channel DE --rate 12000 --bearing 6205 --out $out/cwru-105-envelope.png $cwru/105.mat
$w spectrum --envelope --channel DE --rate 12000 --bearing 6205 --out $out/cwru-130-envelope.png $cwru/130.mat
$w spectrum --envelope --channel DE --rate 48000 --bearing 6205 --out $out/cwru-97-envelope.png $cwru/97.mat

fleet=$(mktemp -d)
trap 'rm -rf "$fleet"' EXIT
$w synth --out "$fleet" --turbines 3 --days 7 --seed 1
# rpm of a capture, from the fleet's manifest (WAV files do not carry it).
rpm() { awk -F, -v p="$1" '$1 == p { print $3 }' "$fleet/fleet/manifest.csv"; }
last=20250307T
or=$(cd "$fleet/fleet" && ls WT01/gbx_hss/$last*.wav)
gear=$(cd "$fleet/fleet" && ls WT02/gbx_hss/$last*.wav)
healthy=$(cd "$fleet/fleet" && ls WT03/gbx_hss/$last*.wav)
orders="--bpfo 5.2 --bpfi 7.8 --bsf 2.4 --ftf 0.4" # the gbx_hss bearing in assets.yaml
$w spectrum --envelope $orders --rpm "$(rpm "$or")" --out $out/synth-WT01-gbx-envelope.png "$fleet/fleet/$or"
$w spectrum --envelope $orders --rpm "$(rpm "$healthy")" --out $out/synth-WT03-gbx-envelope.png "$fleet/fleet/$healthy"
r=$(rpm "$gear")
gmf=$(awk -v r="$r" 'BEGIN { print 25 * r / 60 }')
lo=$(awk -v g="$gmf" -v r="$r" 'BEGIN { print g - 6 * r / 60 }')
hi=$(awk -v g="$gmf" -v r="$r" 'BEGIN { print g + 6 * r / 60 }')
$w spectrum --rpm "$r" --teeth 25 --min-freq "$lo" --max-freq "$hi" --out $out/synth-WT02-gbx-mesh.png "$fleet/fleet/$gear"
echo "gear capture: $gear at $r rpm, mesh $gmf Hz"
