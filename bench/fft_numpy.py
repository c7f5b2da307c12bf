#!/usr/bin/python3
"""Times numpy.fft.rfft and numpy.fft.irfft at the sizes of the Go benchmarks.

Run with Debian's numpy (the pyenv python3 first on PATH has none):

    /usr/bin/python3 bench/fft_numpy.py [--sizes 4096,8192,...] [--repeat 5]

For each size it times rfft(x) (and irfft(X, n)) with timeit: `number` calls
per repeat, chosen so that one repeat lasts about 0.2 s, and reports the
median over repeats of the time per call. Output lines use the Go benchmark
format, so bench/fft.py and benchstat read them like the Go results:

    BenchmarkForward/n=4096/lib=numpy 	 1000 	 41000 ns/op
"""
import argparse
import statistics
import timeit

import numpy as np

SIZES = [4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576,
         120000, 243938, 256000, 262139]


def bench(stmt, target=0.2, repeat=5):
    t = timeit.Timer(stmt)
    stmt()  # warm numpy's plan cache
    number = 1
    while True:
        dt = t.timeit(number)
        if dt >= target / 4 or number >= 1 << 20:
            break
        number *= 4
    number = max(1, int(number * target / max(dt, 1e-9)))
    per_call = [t.timeit(number) / number for _ in range(repeat)]
    return number, statistics.median(per_call)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--target", type=float, default=0.2, help="seconds per repeat")
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    for n in map(int, args.sizes.split(",")):
        x = rng.standard_normal(n)
        X = np.fft.rfft(x)
        for name, stmt in [("Forward", lambda: np.fft.rfft(x)),
                           ("Inverse", lambda: np.fft.irfft(X, n))]:
            number, sec = bench(stmt, args.target, args.repeat)
            print(f"Benchmark{name}/n={n}/lib=numpy \t{number}\t{sec * 1e9:.0f} ns/op", flush=True)


if __name__ == "__main__":
    main()
