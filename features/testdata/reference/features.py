#!/usr/bin/python3
"""Independent numpy/scipy reference for windpm's feature groups time,
spectral, ISO 20816-21 / VDI 3834-1, orders, gear, envelope shares and
third-octave shares (features/group_*.go).

It writes, beside itself:
  synth_*.bin      synthetic signals, float64 little-endian, made here from
                   a seeded numpy generator
  cases.json       every case: signal source, rate, unit and kinematics
  reference.json   {case: {column: value or null}} computed below
  shares.json      the same for the envelope-share and band-share groups
                   (the cases with "bearing" get envelope shares)

CWRU cases read ../shared/data/cwru (scipy.io.loadmat, the *_DE_time
variable); they are skipped in the Go test when the data is absent.

Rerun from the repository root:
    /usr/bin/python3 features/testdata/reference/features.py
(numpy 1.24 / scipy 1.10 from Debian produced the committed files).

The definitions follow docs/features.md; the code is written from them, not
ported from the Go code, and uses numpy/scipy building blocks
(scipy.stats.kurtosis/skew, scipy.signal.welch, numpy.fft.rfft).
"""

import json
import math
import os

import numpy as np
import scipy.io
import scipy.signal
import scipy.stats

HERE = os.path.dirname(os.path.abspath(__file__))
CWRU = os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "cwru")
G = 9.80665

# ---------------------------------------------------------------- signals


def synth_signals():
    """Three deterministic synthetic captures (2 s each)."""
    rng = np.random.default_rng(20250301)
    out = {}
    # 1. gearbox-like, in g: shaft 30 Hz (1800 rpm), 2x and 3x lines, a
    # 25-tooth mesh at 750 Hz amplitude-modulated at the shaft rate
    # (sidebands), its 2nd harmonic, noise and a DC offset.
    fs, n = 12000.0, 24000
    t = np.arange(n) / fs
    fsh = 30.0
    x = (0.05 + 0.2 * np.sin(2 * np.pi * fsh * t) + 0.15 * np.sin(2 * np.pi * 2 * fsh * t + 0.3)
         + 0.05 * np.sin(2 * np.pi * 3 * fsh * t + 1.1)
         + 0.4 * (1 + 0.3 * np.cos(2 * np.pi * fsh * t)) * np.sin(2 * np.pi * 25 * fsh * t)
         + 0.1 * np.sin(2 * np.pi * 50 * fsh * t + 0.7)
         + 0.02 * rng.standard_normal(n))
    out["synth_gear"] = (x, fs)
    # 2. generator-like, in m/s2 at 25.6 kHz: broadband noise with sparse
    # decaying 3 kHz bursts (impulsive, high kurtosis) and a 100 Hz line.
    fs, n = 25600.0, 51200
    t = np.arange(n) / fs
    x = 0.5 * rng.standard_normal(n) + 1.5 * np.sin(2 * np.pi * 100 * t)
    for start in range(500, n - 2000, 2741):
        m = np.arange(1500)
        x[start:start + 1500] += 8.0 * np.exp(-m / 150.0) * np.sin(2 * np.pi * 3000 * m / fs)
    out["synth_impulsive"] = (x, fs)
    # 3. velocity in mm/s at 5 kHz: 15 Hz shaft (900 rpm) with 1x, 2x and
    # low-pass noise.
    fs, n = 5000.0, 10000
    t = np.arange(n) / fs
    b, a = scipy.signal.butter(2, 400, fs=fs)
    x = (2.0 * np.sin(2 * np.pi * 15 * t) + 0.7 * np.sin(2 * np.pi * 30 * t + 0.5)
         + scipy.signal.lfilter(b, a, rng.standard_normal(n)))
    out["synth_velocity"] = (x, fs)
    return out


CASES = [
    {"name": "synth_gear", "file": "synth_gear.bin", "rate_hz": 12000, "unit": "g",
     "rpm": 1800, "gear_teeth": 25, "iso_group": "gearbox", "bearing": "6205"},
    {"name": "synth_impulsive", "file": "synth_impulsive.bin", "rate_hz": 25600, "unit": "m/s2",
     "rpm": 0, "gear_teeth": 0, "iso_group": "generator"},
    {"name": "synth_velocity", "file": "synth_velocity.bin", "rate_hz": 5000, "unit": "mm/s",
     "rpm": 900, "gear_teeth": 0, "iso_group": "main_bearing"},
    # CWRU drive-end channels with the catalogue's rate and rpm; the ISO
    # groups and the 105 tooth count are hypothetical, chosen to exercise
    # every band and the gear columns on real data.
    {"name": "cwru_97", "cwru": "97.mat", "rate_hz": 48000, "unit": "g",
     "rpm": 1796, "gear_teeth": 0, "iso_group": "generator", "bearing": "6205"},
    {"name": "cwru_105", "cwru": "105.mat", "rate_hz": 12000, "unit": "g",
     "rpm": 1797, "gear_teeth": 25, "iso_group": "gearbox", "bearing": "6205"},
    {"name": "cwru_130", "cwru": "130.mat", "rate_hz": 12000, "unit": "g",
     "rpm": 1796, "gear_teeth": 0, "iso_group": "main_bearing", "bearing": "6205"},
]

# ---------------------------------------------------------------- helpers


def go_round(v):
    """Go's math.Round for v >= 0: halves away from zero."""
    return math.floor(v + 0.5)


def bin_freqs(count, n, fs):
    """f_k = k·fs/n, evaluated as (k·fs)/n."""
    return np.arange(count) * fs / n


def nan():
    return float("nan")


# ---------------------------------------------------------------- time


def time_features(x):
    mu = np.mean(x)
    d = x - mu
    rms = math.sqrt(np.mean(d * d))
    peak = np.max(np.abs(d))
    mabs = np.mean(np.abs(d))
    msqrt = np.mean(np.sqrt(np.abs(d)))
    return {
        "mean": mu,
        "std": np.std(x),
        "rms": rms,
        "peak": peak,
        "peak_to_peak": np.ptp(x),
        "crest_factor": peak / rms,
        "kurtosis_pearson": scipy.stats.kurtosis(x, fisher=False, bias=True),
        "skewness": scipy.stats.skew(x, bias=True),
        "shape_factor": rms / mabs,
        "impulse_factor": peak / mabs,
        "clearance_factor": peak / msqrt ** 2,
    }


# ---------------------------------------------------------------- spectral

BANDS = [10 * 2 ** k for k in range(11)]


def spectral_features(x, fs):
    n = len(x)
    seg = min(n, max(1, int(go_round(fs))))
    _, p = scipy.signal.welch(x, fs=fs, window="hann", nperseg=seg, noverlap=seg // 2,
                              detrend="constant", scaling="density", average="mean")
    f = bin_freqs(len(p), seg, fs)
    df = fs / seg
    out = {"total_power": np.sum(p) * df}
    for lo, hi in zip(BANDS[:-1], BANDS[1:]):
        m = (f >= lo) & (f < hi)
        out["band_power_%g_%g_hz" % (lo, hi)] = np.sum(p[m]) * df if hi <= fs / 2 and m.any() else nan()
    q, fq = p[1:], f[1:]
    s = np.sum(q)
    c = np.sum(fq * q) / s
    out["spectral_centroid_hz"] = c
    out["spectral_spread_hz"] = math.sqrt(np.sum((fq - c) ** 2 * q) / s)
    pr = q[q > 0] / s
    out["spectral_entropy"] = -np.sum(pr * np.log(pr)) / math.log(len(q))
    out["spectral_flatness"] = 0.0 if np.any(q <= 0) else math.exp(np.mean(np.log(q))) / np.mean(q)
    # Dominant peaks: local maxima (strictly above the left neighbour, not
    # below the right), largest first, at least 3 bins apart.
    cand = [k for k in range(1, len(p) - 1) if p[k] > p[k - 1] and p[k] >= p[k + 1]]
    cand.sort(key=lambda k: -p[k])
    taken = []
    for k in cand:
        if len(taken) == 3:
            break
        if any(abs(k - j) < 3 for j in taken):
            continue
        taken.append(k)
    for i in range(3):
        fk, ak = nan(), nan()
        if i < len(taken):
            k = taken[i]
            w = p[k - 1:k + 2]
            fk = np.sum(f[k - 1:k + 2] * w) / np.sum(w)
            ak = math.sqrt(2 * np.sum(w) * df)
        out["peak%d_freq_hz" % (i + 1)] = fk
        out["peak%d_amp" % (i + 1)] = ak
    return out


# ---------------------------------------------------------------- ISO

ISO_BANDS = [  # column, lo, hi, velocity
    ("velocity_rms_10_1000_hz_mm_s", 10, 1000, True),
    ("velocity_rms_0p1_10_hz_mm_s", 0.1, 10, True),
    ("acceleration_rms_0p1_10_hz_m_s2", 0.1, 10, False),
    ("acceleration_rms_10_2000_hz_m_s2", 10, 2000, False),
    ("acceleration_rms_10_5000_hz_m_s2", 10, 5000, False),
]

# VDI 3834-1:2009 Table 1 (= ISO 10816-21:2015 Annex A): B/C and C/D.
ZONES = {
    "nacelle_tower": [("acceleration_rms_0p1_10_hz_m_s2", 0.3, 0.5), ("velocity_rms_0p1_10_hz_mm_s", 60, 100)],
    "main_bearing": [("acceleration_rms_0p1_10_hz_m_s2", 0.3, 0.5), ("velocity_rms_10_1000_hz_mm_s", 2.0, 3.2)],
    "gearbox": [("acceleration_rms_0p1_10_hz_m_s2", 0.3, 0.5), ("acceleration_rms_10_2000_hz_m_s2", 7.5, 12),
                ("velocity_rms_10_1000_hz_mm_s", 3.5, 5.6)],
    "generator": [("acceleration_rms_10_5000_hz_m_s2", 10, 16), ("velocity_rms_10_1000_hz_mm_s", 6.0, 10)],
}


def iso_features(x, fs, unit, group):
    out = {c: nan() for c, _, _, _ in ISO_BANDS}
    out["iso_zone_velocity"] = nan()
    out["iso_zone"] = nan()
    if unit not in ("g", "m/s2", "mm/s"):
        return out
    scale = G if unit == "g" else 1.0
    vel_in = unit == "mm/s"
    n = len(x)
    X = np.fft.rfft(x - np.mean(x))
    f = bin_freqs(len(X), n, fs)
    c = np.full(len(X), 2.0)
    c[0] = 1
    if n % 2 == 0:
        c[-1] = 1
    pw = c * np.abs(X) ** 2
    for col, lo, hi, vel in ISO_BANDS:
        if hi > fs / 2 or lo < fs / n or (vel_in and not vel):
            continue
        m = (f >= lo) & (f <= hi)
        if vel and not vel_in:
            v = math.sqrt(np.sum(pw[m] / (2 * np.pi * f[m]) ** 2)) / n * scale * 1000
        else:
            v = math.sqrt(np.sum(pw[m])) / n * scale
        out[col] = v
    for col, bc, cd in ZONES.get(group, []):
        v = out[col]
        if math.isnan(v):
            continue
        z = 4.0 if v >= cd else 3.0 if v >= bc else 2.0
        if col.startswith("velocity"):
            out["iso_zone_velocity"] = z
        if math.isnan(out["iso_zone"]) or z > out["iso_zone"]:
            out["iso_zone"] = z
    return out


# ---------------------------------------------------------------- spectrum, orders, gear


def amplitude_spectrum(x):
    """Hann (periodic) peak-scaled one-sided amplitude spectrum of x − mean."""
    n = len(x)
    w = scipy.signal.get_window("hann", n)
    a = np.abs(np.fft.rfft(w * (x - np.mean(x)))) / np.sum(w)
    a[1:] *= 2
    if n % 2 == 0:
        a[-1] /= 2
    return a


def line_amp(a, bin_hz, freq, tol):
    """Largest bin within tol of freq (at least the nearest bin)."""
    k = int(go_round(freq / bin_hz))
    if k >= len(a):
        return 0.0
    w = int(tol / bin_hz)
    return float(np.max(a[max(0, k - w):min(len(a) - 1, k + w) + 1]))


# Octave bands centred on these orders, c/sqrt(2) to c*sqrt(2), after a
# sub-synchronous band 0 to 1/sqrt(2).
ORDER_CENTRES = [1, 2, 4, 8, 16, 32, 64, 128]


def order_features(x, fs, rpm):
    cols = ["order_%dx" % h for h in (1, 2, 3)] + ["order_energy_subsync"] + \
        ["order_energy_%gx" % c for c in ORDER_CENTRES]
    out = {c: nan() for c in cols}
    if not rpm > 0:
        return out
    n = len(x)
    a = amplitude_spectrum(x)
    bin_hz = fs / n
    f = bin_freqs(len(a), n, fs)
    fsh = rpm / 60
    for h in (1, 2, 3):
        fh = h * fsh
        if fh <= fs / 2:
            out["order_%dx" % h] = line_amp(a, bin_hz, fh, max(0.02 * fh, 2 * bin_hz))
    p = a ** 2 / 2
    if n % 2 == 0:
        p[-1] = a[-1] ** 2
    total = np.sum(p[1:])
    bands = [("order_energy_subsync", 0.0, fsh / math.sqrt(2))] + \
        [("order_energy_%gx" % c, c * fsh / math.sqrt(2), c * fsh * math.sqrt(2)) for c in ORDER_CENTRES]
    for col, lo_hz, hi_hz in bands:
        if hi_hz > fs / 2:
            continue
        m = (f >= lo_hz) & (f < hi_hz)
        m[0] = False
        out[col] = np.sum(p[m]) / total
    return out


def gear_features(x, fs, rpm, teeth):
    out = {"gmf_1x": nan(), "gmf_2x": nan(), "gmf_3x": nan(), "gear_ser": nan()}
    if teeth <= 0 or not rpm > 0:
        return out
    n = len(x)
    a = amplitude_spectrum(x)
    bin_hz = fs / n
    fsh = rpm / 60
    gmf = teeth * fsh
    for h in (1, 2, 3):
        fh = h * gmf
        if fh <= fs / 2:
            out["gmf_%dx" % h] = line_amp(a, bin_hz, fh, min(0.02 * fh, 0.4 * fsh))
    if gmf + 3 * fsh <= fs / 2:
        # Sideband energy ratio (Hanson, Kolt & Tjaden 2007): the first 3
        # shaft-rate sidebands on each side over the mesh line.
        mesh = line_amp(a, bin_hz, gmf, 0.02 * gmf)
        if mesh > 0:
            s = 0.0
            for k in (1, 2, 3):
                for fb in (gmf - k * fsh, gmf + k * fsh):
                    s += line_amp(a, bin_hz, fb, min(0.02 * fb, 0.4 * fsh))
            out["gear_ser"] = s / mesh
    return out


# ---------------------------------------------------------------- shares
# The envelope-share and band-share groups (features/group_envshare.go,
# group_bandshare.go); written to shares.json.

BEARINGS = {"6205": (0.3126, 1.537, 9)}  # ball and pitch diameter (in), balls


def defect_orders(name):
    d, D, n = BEARINGS[name]
    r = d / D
    return {"bpfo": n / 2 * (1 - r), "bpfi": n / 2 * (1 + r), "bsf": D / (2 * d) * (1 - r * r),
            "ftf": (1 - r) / 2}


ENV_BANDS = [("low", 1 / 24, 1 / 4), ("high", 1 / 4, 0.45), ("wide", 1 / 12, 0.45)]
FAMILIES = ["bpfo", "bpfi", "bsf", "ftf"]


def line_power(A, binhz, f, tol, width):
    """max(A^2 - floor^2, 0) of the line at f: the largest bin within
    floor(tol/binhz) bins of the nearest bin, over the median of the bins
    within max(floor(5 tol/binhz), w + 12) outside w + 2 (and not DC); 0
    when the line cannot be read."""
    last = len(A) - 1
    k0 = int(np.floor(f / binhz + 0.5))
    w = int(tol / binhz)
    if not f > 0 or f + tol > width or k0 - w < 3 or k0 + w > last:
        return 0.0
    amp = A[k0 - w:k0 + w + 1].max()
    e = w + 2
    W = max(int(5 * tol / binhz), e + 10)
    ks = np.arange(max(1, k0 - W), min(last, k0 + W) + 1)
    ks = ks[np.abs(ks - k0) > e]
    if len(ks) == 0:
        return 0.0
    floor = np.median(A[ks])
    if not floor > 0:
        return 0.0
    return max(amp * amp - floor * floor, 0.0)


def env_share_features(x, fs, rpm, bearing):
    return env_share_features_orders(x, fs, rpm, defect_orders(bearing) if bearing else None)


def env_share_features_orders(x, fs, rpm, o):
    """env_share_* for defect orders o ({bpfo, bpfi, bsf, ftf} as multiples
    of shaft speed; None: no bearing)."""
    out = {"env_share_%s_%s" % (f, b): nan() for b, _, _ in ENV_BANDS for f in FAMILIES}
    if not o or not rpm > 0:
        return out
    fund = {"bpfo": o["bpfo"], "bpfi": o["bpfi"], "bsf": 2 * o["bsf"], "ftf": o["ftf"]}
    fr = rpm / 60
    x = x - np.mean(x)
    n = len(x)
    binhz = fs / n
    win = scipy.signal.get_window("hann", n)
    for band, lo, hi in ENV_BANDS:
        sos = scipy.signal.butter(4, [lo * fs, hi * fs], "bandpass", fs=fs, output="sos")
        env = np.abs(scipy.signal.hilbert(scipy.signal.sosfiltfilt(sos, x)))
        env = env - np.mean(env)
        A = np.abs(np.fft.rfft(env * win)) * 2 / np.sum(win)
        width = (hi - lo) * fs
        E = {f: sum(line_power(A, binhz, h * fund[f] * fr, 0.02 * h * fund[f] * fr, width) for h in (1, 2, 3))
             for f in FAMILIES}
        total = sum(E.values())
        if total > 0:
            for f in FAMILIES:
                out["env_share_%s_%s" % (f, band)] = E[f] / total
    return out


THIRD_OCTAVES = [100, 125, 160, 200, 250, 315, 400, 500, 630, 800, 1000, 1250, 1600, 2000, 2500,
                 3150, 4000, 5000, 6300, 8000, 10000]


def band_share_features(x, fs):
    n = len(x)
    seg = min(n, max(1, int(go_round(fs))))
    _, p = scipy.signal.welch(x, fs=fs, window="hann", nperseg=seg, noverlap=seg // 2,
                              detrend="constant", scaling="density", average="mean")
    f = bin_freqs(len(p), seg, fs)
    q, fq = p[1:], f[1:]
    total = np.sum(q)
    out = {}
    for i, c in enumerate(THIRD_OCTAVES):
        fm = 1000 * 10 ** ((i - 10) / 10)  # IEC 61260-1 base-10 centre
        lo, hi = fm * 10 ** (-1 / 20), fm * 10 ** (1 / 20)
        m = (fq >= lo) & (fq < hi)
        out["third_octave_share_%d_hz" % c] = np.sum(q[m]) / total if hi <= fs / 2 and m.any() and total > 0 else nan()
    return out


# ---------------------------------------------------------------- main


def load(case, synth):
    if "file" in case:
        return synth[case["name"]][0]
    path = os.path.join(CWRU, case["cwru"])
    if not os.path.exists(path):
        return None
    m = scipy.io.loadmat(path)
    key = [k for k in m if k.endswith("_DE_time")][0]
    return np.asarray(m[key], dtype=np.float64).ravel()


def main():
    synth = synth_signals()
    for name, (x, _) in synth.items():
        x.astype("<f8").tofile(os.path.join(HERE, name + ".bin"))
    ref, shares = {}, {}
    for case in CASES:
        x = load(case, synth)
        if x is None:
            print("skip", case["name"], "(no shared data)")
            continue
        fs = float(case["rate_hz"])
        row = {}
        row.update(time_features(x))
        row.update(spectral_features(x, fs))
        row.update(iso_features(x, fs, case["unit"], case["iso_group"]))
        row.update(order_features(x, fs, case["rpm"]))
        row.update(gear_features(x, fs, case["rpm"], case["gear_teeth"]))
        ref[case["name"]] = {k: (None if math.isnan(v) else float(v)) for k, v in row.items()}
        sh = {}
        sh.update(env_share_features(x, fs, case["rpm"], case.get("bearing")))
        sh.update(band_share_features(x, fs))
        shares[case["name"]] = {k: (None if math.isnan(v) else float(v)) for k, v in sh.items()}
        print(case["name"], len(x), "samples,", len(row), "+", len(sh), "columns")
    with open(os.path.join(HERE, "cases.json"), "w") as fh:
        json.dump(CASES, fh, indent=1)
    with open(os.path.join(HERE, "reference.json"), "w") as fh:
        json.dump(ref, fh, indent=1, sort_keys=True)
    with open(os.path.join(HERE, "shares.json"), "w") as fh:
        json.dump(shares, fh, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
