#!/usr/bin/python3
"""Reference values of numpy.fft.rfft / numpy.fft.irfft for fft/plan_test.go.

Rerun from the repository root with Debian's numpy:

    /usr/bin/python3 fft/testdata/fft/gen_numpy.py

Inputs are not stored: they come from splitmix64 (Steele, Lea & Flood 2014)
seeded per case, mapped to doubles as 2*(z >> 11)*2^-53 - 1, which Go
regenerates bit for bit (splitmix in plan_test.go). Files, all little-endian:

  rfft_<n>.bin   uint64 n, uint64 seed, uint64 count, then count records
                 (uint64 k, float64 re, float64 im) of numpy.fft.rfft(x)[k]
                 where x = splitmix(seed, n). Every bin, or every 7th for
                 the largest size to keep the file small.
  irfft_<n>.bin  uint64 n, uint64 seed, then n float64 of
                 numpy.fft.irfft(X, n) where X[k] = u[2k] + 1j*u[2k+1] and
                 u = splitmix(seed, 2*(n//2+1)); the imaginary parts of
                 X[0] (and X[n/2] for even n) are deliberately non-zero, so
                 the file also checks that they are ignored.
"""
import os
import struct

import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
M1 = np.uint64(0xBF58476D1CE4E5B9)
M2 = np.uint64(0x94D049BB133111EB)


def splitmix(seed, n):
    """n doubles in [-1, 1) from splitmix64 started at state seed."""
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + np.arange(1, n + 1, dtype=np.uint64) * GOLDEN
        z = (z ^ (z >> np.uint64(30))) * M1
        z = (z ^ (z >> np.uint64(27))) * M2
        z = z ^ (z >> np.uint64(31))
    return 2.0 * (z >> np.uint64(11)).astype(np.float64) * 2.0**-53 - 1.0


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for n, step in [(1, 1), (2, 1), (7, 1), (1000, 1), (4096, 1), (4099, 1), (120000, 7)]:
        seed = 1000 + n
        x = splitmix(seed, n)
        X = np.fft.rfft(x)
        ks = np.arange(0, len(X), step)
        with open(os.path.join(here, f"rfft_{n}.bin"), "wb") as f:
            f.write(struct.pack("<QQQ", n, seed, len(ks)))
            rec = np.zeros(len(ks), dtype=[("k", "<u8"), ("re", "<f8"), ("im", "<f8")])
            rec["k"], rec["re"], rec["im"] = ks, X[ks].real, X[ks].imag
            f.write(rec.tobytes())
    for n in [1, 2, 7, 1000, 4099]:
        seed = 2000 + n
        u = splitmix(seed, 2 * (n // 2 + 1))
        X = u[0::2] + 1j * u[1::2]
        y = np.fft.irfft(X, n)
        with open(os.path.join(here, f"irfft_{n}.bin"), "wb") as f:
            f.write(struct.pack("<QQ", n, seed))
            f.write(y.astype("<f8").tobytes())
    print("numpy", np.__version__)


if __name__ == "__main__":
    main()
