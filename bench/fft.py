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

--sweep times windpm and FFTW (unless --libs says otherwise) at every
length in [4096, 1048576] whose prime factors are 2, 3 and 5 (375 lengths)
plus a fixed sample of other lengths (primes, 7-, 11- and 13-smooth,
random; see sweep_sizes), with shorter timings (--benchtime 0.05s, FFTW and
numpy 0.05 s per repeat, one repeat) so that a round takes a few minutes,
and ends with a summary: how many 5-smooth lengths are within 2x of FFTW,
the worst ten, and the worst ratio of the other lengths (bound 4x).
--from-raw also prints that summary when the raw file holds a sweep.

--metric cpu makes the tables (and the summary) of the thread CPU time per
call that the windpm benchmarks and FFTW's timer report next to the wall
time (cpu-ns/op): on a machine shared with other work, the time the calls
actually ran, which preemption does not stretch (caches are still shared).
The raw file keeps both.

--step adds the feature step of issue #5 (BenchmarkFeatureStep in
fft/step_bench_test.go against bench/fft_step_fftw.c: statistics, Welch PSD
and envelope spectrum of one 256,000-sample capture) to every round, and
--no-fft leaves the transforms out (the step alone).
"""
import argparse
import collections
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINE = re.compile(r"^Benchmark(Forward|Inverse|FeatureStep)/n=(\d+)/lib=(\w+)(?:-\d+)?\s+(\d+)\s+([\d.]+) ns/op")
CPU = re.compile(r"\s([\d.]+) cpu-ns/op")
LIBS = ["windpm", "gonum", "godsp", "numpy", "fftw"]


def smooth5(n):
    """Reports whether the prime factors of n are all 2, 3 or 5."""
    for f in (2, 3, 5):
        while n % f == 0:
            n //= f
    return n == 1


def largest_prime_factor(n):
    p, f = 1, 2
    while f * f <= n:
        while n % f == 0:
            p, n = f, n // f
        f += 1
    return max(p, n)


def is_prime(n):
    return n > 1 and largest_prime_factor(n) == n


def sweep_sizes():
    """Returns the 5-smooth lengths in [4096, 1048576] and a fixed sample of
    other lengths there: 8 primes, 8 lengths each whose largest prime factor
    is 7, 11 and 13, and 8 uniformly random lengths that are not 5-smooth
    (random.Random(5), so every run times the same sample)."""
    lo, hi = 4096, 1048576
    smooth = [n for n in range(lo, hi + 1) if smooth5(n)]
    r = random.Random(5)
    other = []

    def pick(pred, count):
        got = 0
        while got < count:
            # Log-uniform, so that small and large lengths are both sampled.
            n = int(lo * (hi / lo) ** r.random())
            if lo <= n <= hi and n not in other and pred(n):
                other.append(n)
                got += 1

    pick(is_prime, 8)
    for p in (7, 11, 13):
        pick(lambda n, p=p: largest_prime_factor(n) == p, 8)
    pick(lambda n: not smooth5(n), 8)
    return smooth, sorted(other)


def print_summary(results):
    """Prints, per direction, how many 5-smooth lengths are within 2x of
    FFTW (fftw/windpm >= 0.5), the ten worst of them, and the worst ratio
    among the other lengths (bound 4x: >= 0.25)."""
    for direction in ["Forward", "Inverse"]:
        ratio = {}
        for (d, n, lib), v in results.items():
            if d == direction and lib == "fftw" and results.get((d, n, "windpm")):
                ratio[n] = statistics.median(v) / statistics.median(results[(d, n, "windpm")])
        if not ratio:
            continue
        sm = sorted((r, n) for n, r in ratio.items() if smooth5(n))
        ot = sorted((r, n) for n, r in ratio.items() if not smooth5(n))
        ok = sum(1 for r, _ in sm if r >= 0.5)
        print(f"\n{direction}: {ok} of {len(sm)} lengths with factors 2, 3, 5 within 2x of FFTW "
              f"(fftw/windpm >= 0.5); worst ten (n fftw/windpm):")
        print("  " + ", ".join(f"{n} {r:.2f}" for r, n in sm[:10]))
        if ot:
            ok4 = sum(1 for r, _ in ot if r >= 0.25)
            print(f"{direction}: {ok4} of {len(ot)} other lengths within 4x (fftw/windpm >= 0.25); "
                  f"worst five: " + ", ".join(f"{n} {r:.2f}" for r, n in ot[:5]))


def parse(line, metric):
    """Returns the key (direction, n, lib) and the time in ms of a result
    line, or None: metric "wall" is ns/op, "cpu" the cpu-ns/op field (lines
    without it, e.g. numpy's, are left out)."""
    m = LINE.match(line)
    if not m:
        return None
    if metric == "cpu":
        c = CPU.search(line)
        if not c:
            return None
        return (m[1], int(m[2]), m[3]), float(c[1]) / 1e6
    return (m[1], int(m[2]), m[3]), float(m[5]) / 1e6


def run(cmd, **kw):
    line = " ".join(cmd)
    print("+", line if len(line) < 300 else line[:300] + " …", file=sys.stderr, flush=True)
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--benchtime", default="0.3s", help="go test -benchtime per benchmark")
    ap.add_argument("--sizes", default="", help="comma-separated sizes (default: the standard set of fft_bench_test.go)")
    ap.add_argument("--from-raw", default="", help="print the tables of a --raw file instead of running")
    ap.add_argument("--raw", default="", help="write every result line here")
    ap.add_argument("--libs", default="", help="comma-separated subset of " + ",".join(LIBS) + " (default: all)")
    ap.add_argument("--sweep", action="store_true",
                    help="every 5-smooth length in [4096, 1048576] and a sample of others, windpm and FFTW")
    ap.add_argument("--metric", default="wall", choices=["wall", "cpu"],
                    help="tables of wall time (ns/op) or of thread CPU time (cpu-ns/op: windpm and FFTW only)")
    ap.add_argument("--plan-seconds", default="",
                    help="limit of FFTW's planning per plan (fftw_set_timelimit; default none)")
    ap.add_argument("--wisdom", default="",
                    help="FFTW wisdom file kept between runs (default: a temporary one; the first round plans)")
    ap.add_argument("--step", action="store_true", help="also time the feature step (windpm and FFTW)")
    ap.add_argument("--no-fft", action="store_true", help="leave the transforms out (with --step)")
    args = ap.parse_args()
    if args.sweep:
        if args.sizes:
            ap.error("--sweep and --sizes exclude each other")
        smooth, other = sweep_sizes()
        args.sizes = ",".join(map(str, smooth + other))
        if not args.libs:
            args.libs = "windpm,fftw"
        if args.benchtime == ap.get_default("benchtime"):
            args.benchtime = "0.05s"
    libs = args.libs.split(",") if args.libs else list(LIBS)
    if "windpm" not in libs:
        ap.error("--libs must include windpm (the ratios are against it)")

    if args.from_raw:
        results = collections.defaultdict(list)
        with open(args.from_raw) as f:
            for line in f:
                kv = parse(line, args.metric)
                if kv:
                    results[kv[0]].append(kv[1])
        rounds = max(len(v) for v in results.values())
        print(f"({args.metric} time)")
        print_tables(results, rounds)
        if len({k[1] for k in results}) > 100:
            print_summary(results)
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
    env = dict(os.environ, FFTW_WISDOM=os.path.abspath(args.wisdom) if args.wisdom else os.path.join(tmp, "wisdom"))
    # One repeat of 0.05 s per size and direction in a sweep (the median is
    # over the rounds), 3 of 0.2 s otherwise.
    repeat, target = ("1", "0.05") if args.sweep else ("3", "0.2")
    env["FFTW_BENCH_SECONDS"] = target
    if args.plan_seconds:
        env["FFTW_PLAN_SECONDS"] = args.plan_seconds

    sizes = args.sizes.split(",") if args.sizes else []
    size_re = "(" + "|".join(sizes) + ")" if sizes else r"\d+"
    results = collections.defaultdict(list)
    # Raw lines are written as they come, so that an interrupted run keeps
    # the rounds it finished.
    raw = open(args.raw, "w") if args.raw else None
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
        numpy_cmd = ["/usr/bin/python3", os.path.join(ROOT, "bench", "fft_numpy.py"),
                     "--repeat", repeat, "--target", target]
        if sizes:
            numpy_cmd += ["--sizes", ",".join(sizes)]
        if "numpy" in libs and not args.no_fft:
            outs.append(run(numpy_cmd))
        if fftw and "fftw" in libs and not args.no_fft:
            outs.append(run([fftw, repeat] + sizes, env=env))
        for out in outs:
            for line in out.splitlines():
                if raw and LINE.match(line):
                    raw.write(line + "\n")
                kv = parse(line, args.metric)
                if kv:
                    results[kv[0]].append(kv[1])
            if raw:
                raw.flush()
    if raw:
        raw.close()
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"({args.metric} time)")
    print_tables(results, args.rounds)
    if args.sweep:
        print_summary(results)


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
