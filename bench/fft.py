#!/usr/bin/python3
"""Side-by-side real-FFT benchmark: windpm, gonum, go-dsp, numpy and FFTW.

From the repository root:

    /usr/bin/python3 bench/fft.py [--rounds 5] [--benchtime 0.3s] [--raw FILE]

It builds the fft package's test binary once, and FFTW's timer
(bench/fft_fftw.c) if libfftw3-dev is installed, then runs in interleaved
rounds: Go benchmarks (windpm, gonum, go-dsp), numpy (bench/fft_numpy.py),
FFTW. Each tool reports one time per call per round; the table shows the
median over rounds in milliseconds per call, and ratios peer/windpm
(> 1 means windpm is faster). --raw keeps every line in Go benchmark
format for benchstat (benchstat -col /lib FILE).

--step adds the feature step of issue #5 (BenchmarkFeatureStep in
fft/step_bench_test.go against bench/fft_step_fftw.c: statistics, Welch PSD
and envelope spectrum of one 256,000-sample capture) to every round, and
--no-fft leaves the transforms out (the step alone).
"""
import argparse
import collections
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINE = re.compile(r"^Benchmark(Forward|Inverse|FeatureStep)/n=(\d+)/lib=(\w+)(?:-\d+)?\s+(\d+)\s+([\d.]+) ns/op")
LIBS = ["windpm", "gonum", "godsp", "numpy", "fftw"]


def run(cmd, **kw):
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--benchtime", default="0.3s", help="go test -benchtime per benchmark")
    ap.add_argument("--sizes", default="", help="comma-separated sizes (default: the standard set of fft_bench_test.go)")
    ap.add_argument("--from-raw", default="", help="print the tables of a --raw file instead of running")
    ap.add_argument("--raw", default="", help="write every result line here")
    ap.add_argument("--libs", default="", help="comma-separated subset of " + ",".join(LIBS) + " (default: all)")
    ap.add_argument("--step", action="store_true", help="also time the feature step (windpm and FFTW)")
    ap.add_argument("--no-fft", action="store_true", help="leave the transforms out (with --step)")
    args = ap.parse_args()
    libs = args.libs.split(",") if args.libs else list(LIBS)
    if "windpm" not in libs:
        ap.error("--libs must include windpm (the ratios are against it)")

    if args.from_raw:
        results = collections.defaultdict(list)
        with open(args.from_raw) as f:
            for line in f:
                m = LINE.match(line)
                if m:
                    results[(m[1], int(m[2]), m[3])].append(float(m[5]) / 1e6)
        rounds = max(len(v) for v in results.values())
        print_tables(results, rounds)
        return

    tmp = tempfile.mkdtemp(prefix="windpm-bench-")
    gobin = os.path.join(tmp, "fft.test")
    run(["go", "test", "-c", "-o", gobin, "./fft"], cwd=ROOT)
    fftw = None
    if os.path.exists("/usr/include/fftw3.h") and shutil.which("cc"):
        fftw = os.path.join(tmp, "fft_fftw")
        run(["cc", "-O2", "-o", fftw, os.path.join(ROOT, "bench", "fft_fftw.c"), "-lfftw3", "-lm"])
        step = os.path.join(tmp, "fft_step_fftw")
        if args.step:
            run(["cc", "-O2", "-o", step, os.path.join(ROOT, "bench", "fft_step_fftw.c"), "-lfftw3", "-lm"])
    else:
        print("libfftw3-dev not installed: FFTW column left empty", file=sys.stderr)
    env = dict(os.environ, FFTW_WISDOM=os.path.join(tmp, "wisdom"))

    sizes = args.sizes.split(",") if args.sizes else []
    size_re = "(" + "|".join(sizes) + ")" if sizes else r"\d+"
    results = collections.defaultdict(list)
    raw = []
    for r in range(args.rounds):
        print(f"round {r + 1}/{args.rounds}", file=sys.stderr, flush=True)
        go_libs = "(" + "|".join(lib for lib in libs if lib in ("windpm", "gonum", "godsp")) + ")"
        outs = []
        if args.step:
            outs.append(run([gobin, "-test.run", "^$", "-test.bench", "^BenchmarkFeatureStep$",
                             "-test.benchtime", "1s", "-test.benchmem"], cwd=os.path.join(ROOT, "fft")))
            if fftw and "fftw" in libs:
                outs.append(run([step, "3"], env=env))
        if not args.no_fft:
            outs.append(run([gobin, "-test.run", "^$", "-test.bench",
                             f"^Benchmark(Forward|Inverse)$/^n={size_re}$/^lib={go_libs}$",
                             "-test.benchtime", args.benchtime, "-test.benchmem"]
                            + (["-fft.sizes", ",".join(sizes)] if sizes else []), cwd=os.path.join(ROOT, "fft")))
        numpy_cmd = ["/usr/bin/python3", os.path.join(ROOT, "bench", "fft_numpy.py"), "--repeat", "3"]
        if sizes:
            numpy_cmd += ["--sizes", ",".join(sizes)]
        if "numpy" in libs and not args.no_fft:
            outs.append(run(numpy_cmd))
        if fftw and "fftw" in libs and not args.no_fft:
            outs.append(run([fftw, "3"] + sizes, env=env))
        for out in outs:
            for line in out.splitlines():
                m = LINE.match(line)
                if m:
                    raw.append(line)
                    results[(m[1], int(m[2]), m[3])].append(float(m[5]) / 1e6)
    if args.raw:
        with open(args.raw, "w") as f:
            f.write("\n".join(raw) + "\n")
    shutil.rmtree(tmp, ignore_errors=True)
    print_tables(results, args.rounds)


def print_tables(results, rounds):
    """Prints one Markdown table per direction: median ms per call and peer/windpm."""
    for direction in ["Forward", "Inverse", "FeatureStep"]:
        ns = sorted({k[1] for k in results if k[0] == direction},
                    key=lambda n: (n & (n - 1) != 0, n))
        if not ns:
            continue
        present = [lib for lib in LIBS if any(k[0] == direction and k[2] == lib for k in results)]
        peers = [lib for lib in present if lib != "windpm"]
        print(f"\n{direction} (ms per call, median of {rounds} rounds; ratio = peer / windpm)\n")
        head = ["n"] + [f"{lib} ms" for lib in present] + [f"{lib}/windpm" for lib in peers]
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for n in ns:
            med = {lib: statistics.median(results[(direction, n, lib)])
                   for lib in present if results.get((direction, n, lib))}
            cells = [str(n)] + [fmt_ms(med[lib]) if lib in med else "—" for lib in present]
            for lib in peers:
                ok = lib in med and "windpm" in med
                cells.append(f"{med[lib] / med['windpm']:.2f}" if ok else "—")
            print("| " + " | ".join(cells) + " |")


def fmt_ms(v):
    """Three significant digits at least, three decimals at most below 1 ms."""
    return f"{v:.3f}" if v >= 0.1 else f"{v:.4f}"


if __name__ == "__main__":
    main()
