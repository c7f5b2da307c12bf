#!/usr/bin/python3
"""Reference values for features/kurtogram.go and features/group_bearing.go.

An independent numpy/scipy port of Antoni's fast kurtogram (Fast_Kurtogram.m,
filter-bank option, 'kurt2'; Antoni 2007, MSSP 21:108-124), written from the
MATLAB structure (recursive K_wpQ, lfilter, slicing) rather than from the Go
code, and of the bearing feature group's rules (band choice, Butterworth
band-pass + sosfiltfilt + hilbert envelope, Hann envelope spectrum, line
search, local median noise floor).

Rerun from the repository root (needs ../shared/data/cwru):

    /usr/bin/python3 features/testdata/kurtogram/kurtogram.py

It writes reference.json beside this script and prints the time of the
kurtogram and of the whole bearing group per signal (for docs/features.md).
"""

import json
import os
import sys
import time

import numpy as np
import scipy.io as sio
from scipy.signal import butter, firwin, hilbert, lfilter, sosfiltfilt

EPS = np.finfo(float).eps
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "cwru")

# ---------------------------------------------------------------- kurtogram


def filters():
    """Antoni's analytic generating filters."""
    N = 16
    fc = 0.4
    h = firwin(N + 1, fc) * np.exp(2j * np.pi * np.arange(N + 1) * 0.125)
    n = np.arange(2, N + 2)
    g = h[(1 - n) % N] * (-1.0) ** (1 - n)
    N = int(np.fix(3 / 2 * N))
    h1 = firwin(N + 1, 2 / 3 * fc) * np.exp(2j * np.pi * np.arange(N + 1) * 0.25 / 3)
    h2 = h1 * np.exp(2j * np.pi * np.arange(N + 1) / 6)
    h3 = h1 * np.exp(2j * np.pi * np.arange(N + 1) / 3)
    return h, g, h1, h2, h3


def kurt(x):
    """'kurt2': kurtosis of the (complex) envelope, minus 2 (complex) or 3 (real)."""
    if np.all(x == 0):
        return 0.0
    x = x - np.mean(x)
    E = np.mean(np.abs(x) ** 2)
    if E < EPS:
        return 0.0
    K = np.mean(np.abs(x) ** 4) / E ** 2
    return K - (2.0 if np.iscomplexobj(x) else 3.0)


def dbfb(x, h, g):
    a = lfilter(h, 1, x)[1::2]
    d = lfilter(g, 1, x)[1::2]
    return a, d


def tbfb(x, h1, h2, h3):
    return (lfilter(h1, 1, x)[2::3], lfilter(h2, 1, x)[2::3], lfilter(h3, 1, x)[2::3])


def k_wpq_local(x, h, g, h1, h2, h3, nlevel, level):
    a, d = dbfb(x, h, g)
    N = len(a)
    d = d * (-1.0) ** np.arange(1, N + 1)
    K1 = kurt(a[len(h) - 1:])
    K2 = kurt(d[len(g) - 1:])
    if level > 2:
        a1, a2, a3 = tbfb(a, h1, h2, h3)
        d1, d2, d3 = tbfb(d, h1, h2, h3)
        Ka = [kurt(v[len(h) - 1:]) for v in (a1, a2, a3)]
        Kd = [kurt(v[len(h) - 1:]) for v in (d1, d2, d3)]
    else:
        Ka = [0.0] * 3
        Kd = [0.0] * 3
    if level == 1:
        K = np.array([[K1] * 3 + [K2] * 3])
        KQ = np.array([Ka + Kd])
    if level > 1:
        Kal, KaQ = k_wpq_local(a, h, g, h1, h2, h3, nlevel, level - 1)
        Kdl, KdQ = k_wpq_local(d, h, g, h1, h2, h3, nlevel, level - 1)
        w = Kal.shape[1]
        K = np.vstack([np.hstack([np.full(w, K1), np.full(w, K2)]), np.hstack([Kal, Kdl])])
        long_ = KaQ.shape[1] // 3
        top = np.hstack([np.full(long_, v) for v in Ka + Kd])
        KQ = np.vstack([top, np.hstack([KaQ, KdQ])])
    if level == nlevel:
        K1 = kurt(x)
        K = np.vstack([np.full(K.shape[1], K1), K])
        a1, a2, a3 = tbfb(x, h1, h2, h3)
        Ka = [kurt(v[len(h) - 1:]) for v in (a1, a2, a3)]
        long_ = KQ.shape[1] // 3
        top = np.hstack([np.full(long_, v) for v in Ka])
        KQ = np.vstack([top, KQ[:-2, :]])
    return K, KQ


def fast_kurtogram(x, fs, nlevel):
    """Returns (matrix clipped at 0, Level_w, selected band dict)."""
    N = len(x)
    if nlevel > np.log2(N) - 7:
        raise ValueError("too many levels")
    x = x - np.mean(x)
    h, g, h1, h2, h3 = filters()
    KD, KQ = k_wpq_local(x, h, g, h1, h2, h3, nlevel, nlevel)
    K = np.zeros((2 * nlevel, 3 * 2 ** nlevel))
    K[0, :] = KD[0, :]
    for i in range(1, nlevel):
        K[2 * i - 1, :] = KD[i, :]
        K[2 * i, :] = KQ[i - 1, :]
    K[2 * nlevel - 1, :] = KD[nlevel, :]
    K = np.clip(K, 0, np.inf)
    lw = np.arange(1, nlevel + 1)
    lw = np.vstack([lw, lw + np.log2(3) - 1]).T.ravel()
    level_w = np.concatenate([[0.0], lw[: 2 * nlevel - 1]])
    row, col = np.unravel_index(np.argmax(K), K.shape)
    fi = col / 3 / 2 ** (nlevel + 1) + 2.0 ** (-2 - level_w[row])
    bw = fs * 2.0 ** -(level_w[row] + 1)
    best = dict(row=int(row), col=int(col), level=float(level_w[row]), center_hz=float(fs * fi),
                bandwidth_hz=float(bw), kurtosis=float(K[row, col]))
    return K, level_w, best


def default_levels(n):
    return min(7, int(np.floor(np.log2(n))) - 7)


# ---------------------------------------------------------------- bearing group

SLIP = 0.02          # line search tolerance, relative (Randall & Antoni 2011: 1-2 % slip)
NYQ_FRACTION = 0.45  # upper band edges are kept below 0.45*fs
COLUMNS = ["bpfo_db", "bpfo_2x_db", "bpfo_3x_db", "bpfi_db", "bpfi_2x_db", "bpfi_3x_db",
           "bpfi_sb_minus_db", "bpfi_sb_plus_db", "bsf_db", "bsf_2x_db", "bsf_3x_db", "bsf_4x_db",
           "bsf_6x_db", "ftf_db", "ftf_2x_db", "ftf_3x_db",
           "envelope_band_lo_hz", "envelope_band_hi_hz", "envelope_band_kurtosis"]


def orders_6205():
    d, D, n = 0.3126, 1.537, 9
    r = d / D
    return dict(bpfo=n / 2 * (1 - r), bpfi=n / 2 * (1 + r), bsf=D / (2 * d) * (1 - r * r), ftf=(1 - r) / 2)


def lines(orders, rpm):
    fr = rpm / 60
    out = []
    for fam, hs in (("bpfo", (1, 2, 3)), ("bpfi", (1, 2, 3))):
        for h in hs:
            f = h * orders[fam] * fr
            out.append((f, SLIP * f))
        if fam == "bpfi":
            f = orders["bpfi"] * fr
            out.append((f - fr, SLIP * f))
            out.append((f + fr, SLIP * f))
    for h in (1, 2, 3, 4, 6):
        f = h * orders["bsf"] * fr
        out.append((f, SLIP * f))
    for h in (1, 2, 3):
        f = h * orders["ftf"] * fr
        out.append((f, SLIP * f))
    return out


def choose_band(x, fs, min_bw):
    n = len(x)
    need = int(np.floor(np.log2(fs / min_bw) - 1)) + 1
    nlevel = min(default_levels(n), need)
    if nlevel < 1:
        return None
    K, level_w, _ = fast_kurtogram(x, fs, nlevel)
    best = None
    cols = K.shape[1]
    for r in range(K.shape[0]):
        bw = fs * 2.0 ** -(level_w[r] + 1)
        nb = int(round(fs / 2 / bw))
        span = cols // nb
        for b in range(nb):
            lo = b * bw
            hi = min(lo + bw, NYQ_FRACTION * fs)
            if not (lo > 0 and hi - lo >= min_bw):
                continue
            k = K[r, b * span]
            if best is None or k > best[2]:
                best = (lo, hi, k)
    return best


def line_db(A, binhz, f, tol, width):
    last = len(A) - 1
    k0 = int(np.floor(f / binhz + 0.5))
    w = int(tol / binhz)
    if f + tol > width or k0 - w < 3 or k0 + w > last:
        return float("nan")
    amp = A[k0 - w: k0 + w + 1].max()
    e = w + 2
    W = max(int(5 * tol / binhz), e + 10)
    ks = np.arange(max(1, k0 - W), min(last, k0 + W) + 1)
    ks = ks[np.abs(ks - k0) > e]
    if len(ks) == 0:
        return float("nan")
    floor = np.median(A[ks])
    if floor <= 0 or amp <= 0:
        return float("nan")
    return float(20 * np.log10(amp / floor))


def bearing(x, fs, rpm, orders):
    x = np.asarray(x, dtype=float)
    x = x - np.mean(x)
    n = len(x)
    ls = lines(orders, rpm)
    min_bw = max(f + t for f, t in ls)
    band = choose_band(x, fs, min_bw)
    if band is None:
        lo, hi = fs / 8, 3 * fs / 8
    else:
        lo, hi = band[0], band[1]
    sos = butter(4, [lo, hi], "bandpass", fs=fs, output="sos")
    env = np.abs(hilbert(sosfiltfilt(sos, x)))
    sk = np.mean(env ** 4) / np.mean(env ** 2) ** 2 - 2
    e = env - np.mean(env)
    w = np.hanning(n + 1)[:-1]  # periodic Hann = scipy.signal.get_window('hann', n)
    A = np.abs(np.fft.rfft(e * w)) * 2 / np.sum(w)
    A[0] /= 2
    if n % 2 == 0:
        A[-1] /= 2
    binhz = fs / n
    vals = [line_db(A, binhz, f, t, hi - lo) for f, t in ls]
    return dict(zip(COLUMNS, vals + [lo, hi, float(sk)]))


# ---------------------------------------------------------------- signals

MASK = (1 << 64) - 1


def synthetic():
    """Bearing-like impact train: 3 kHz bursts at BPFO of a 6205 at 1800 rpm,
    a 30 Hz shaft line and uniform noise from splitmix64 (seed 1); the Go test
    rebuilds it with the same formula."""
    fs, n = 20000.0, 32768
    rate = orders_6205()["bpfo"] * 30.0
    state = 1
    u = np.empty(n)
    for i in range(n):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z = z ^ (z >> 31)
        u[i] = (z >> 11) * 2.0 ** -53
    t = np.arange(n) / fs
    x = 0.5 * np.sin(2 * np.pi * 30.0 * t) + (u - 0.5)
    zeta, fn = 0.05, 3000.0
    wn = 2 * np.pi * fn
    wd = wn * np.sqrt(1 - zeta * zeta)
    j = 0
    while True:
        tj = 0.003 + j / rate
        if tj >= n / fs:
            break
        i0 = int(np.ceil(tj * fs))
        i1 = min(n, i0 + 400)
        tau = np.arange(i0, i1) / fs - tj
        x[i0:i1] += np.exp(-zeta * wn * tau) * np.sin(wd * tau)
        j += 1
    return x, fs, 1800.0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--bench":
        bench()
        return
    cat = {"105": 1797.0, "130": 1796.0, "118": 1796.0}
    sigs = []
    for rec, rpm in cat.items():
        m = sio.loadmat(os.path.join(DATA, rec + ".mat"))
        sigs.append(("cwru" + rec, m["X%s_DE_time" % rec].ravel().astype(float), 12000.0, rpm))
    x, fs, rpm = synthetic()
    sigs.append(("synthetic", x, fs, rpm))
    orders = orders_6205()
    out = dict(orders_6205=orders, signals=[])
    for name, x, fs, rpm in sigs:
        nlevel = default_levels(len(x))
        t0 = time.perf_counter()
        K, level_w, best = fast_kurtogram(x, fs, nlevel)
        t1 = time.perf_counter()
        feats = bearing(x, fs, rpm, orders)
        t2 = time.perf_counter()
        print("%-10s n=%d levels=%d  kurtogram %.1f ms  bearing group %.1f ms  best %s" %
              (name, len(x), nlevel, 1e3 * (t1 - t0), 1e3 * (t2 - t1), best))
        print("           ", {k: round(v, 2) for k, v in feats.items()})
        out["signals"].append(dict(name=name, n=len(x), rate_hz=fs, rpm=rpm, levels=nlevel,
                                   level_w=level_w.tolist(), matrix=K.tolist(), max=best,
                                   bearing=feats))
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))


def bench():
    """Same signal as BenchmarkBearingGroup: 256,000 samples at 25.6 kHz."""
    fs, n = 25600.0, 256000
    x, _, _ = synthetic()
    x = np.tile(x, n // len(x) + 1)[:n]
    orders = orders_6205()
    ts = []
    for _ in range(5):
        t0 = time.perf_counter()
        fast_kurtogram(x, fs, default_levels(n))
        t1 = time.perf_counter()
        bearing(x, fs, 1800.0, orders)
        t2 = time.perf_counter()
        ts.append((t1 - t0, t2 - t1))
    k = min(t[0] for t in ts)
    b = min(t[1] for t in ts)
    print("bench n=256000 fs=25600: full kurtogram (%d levels) %.1f ms, bearing group %.1f ms (best of 5)" %
          (default_levels(n), 1e3 * k, 1e3 * b))


if __name__ == "__main__":
    main()
