#!/usr/bin/env bash
# Runs the side-by-side FFT benchmark (see bench/README.md); arguments go to
# bench/fft.py, e.g. bench/fft.sh --rounds 5 --raw /tmp/fft.txt
set -euo pipefail
cd "$(dirname "$0")/.."
exec /usr/bin/python3 bench/fft.py "$@"
