#!/usr/bin/python3
"""Reference values for the spectral kernels of windpm's fft package.

Writes one JSON file per kernel beside this script, from scipy/numpy
(Debian python3-scipy 1.10, python3-numpy 1.24). Floats are written with
repr, so they round-trip exactly. The Go tests read these files; they never
run Python.

Rerun from the repository root:

    /usr/bin/python3 fft/testdata/reference/reference.py
"""
import json
import os

import numpy as np
import scipy
from scipy import integrate, signal

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261124)


def dump(name, obj):
    obj["generator"] = "reference.py, scipy %s, numpy %s" % (scipy.__version__, np.__version__)
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(obj, f, separators=(",", ":"))


def arr(a):
    return [float(v) for v in np.asarray(a, dtype=float).ravel()]


def test_signal(n, fs, tones):
    """White noise plus tones (f, amplitude) and a DC offset."""
    t = np.arange(n) / fs
    x = 0.3 + 0.5 * rng.standard_normal(n)
    for f, a in tones:
        x += a * np.cos(2 * np.pi * f * t + 0.3)
    return x


# Windows: scipy names and our ParseWindow names.
WINDOWS = [("boxcar", "rectangular"), ("hann", "hann"), ("hamming", "hamming"),
           ("blackmanharris", "blackmanharris"), ("flattop", "flattop")]

cases = []
for sname, gname in WINDOWS:
    for n in (1, 2, 7, 64, 257):
        cases.append({"window": gname, "n": n, "symmetric": False,
                      "w": arr(signal.get_window(sname, n, fftbins=True))})
        cases.append({"window": gname, "n": n, "symmetric": True,
                      "w": arr(getattr(signal.windows, sname)(n, sym=True))})
dump("windows.json", {"cases": cases})

# Amplitude spectrum: |rfft(w·x)|/Σw, doubled except DC and Nyquist.
cases = []
for n, wname in ((1000, "hann"), (1001, "flattop"), (512, "rectangular"), (999, "blackmanharris")):
    fs = 1000.0
    x = test_signal(n, fs, [(50.0, 2.0), (123.4, 0.7)])
    w = signal.get_window({"rectangular": "boxcar"}.get(wname, wname), n, fftbins=True)
    a = np.abs(np.fft.rfft(w * x)) / w.sum()
    if n % 2 == 0:
        a[1:-1] *= 2
    else:
        a[1:] *= 2
    cases.append({"n": n, "window": wname, "x": arr(x), "amp": arr(a)})
dump("amplitude.json", {"cases": cases})

# Welch PSD.
fs = 1000.0
x = test_signal(4096, fs, [(50.0, 2.0), (201.3, 0.5)])
x[3000:3010] += 8.0  # a transient, so that mean and median differ
cases = []
for kw in (
    dict(nperseg=256),
    dict(nperseg=256, scaling="spectrum"),
    dict(nperseg=256, average="median"),
    dict(nperseg=256, noverlap=0, average="median"),  # 16 segments: even median
    dict(nperseg=255, noverlap=100, window="flattop"),
    dict(nperseg=512, noverlap=0, detrend=False, window="hamming", scaling="spectrum"),
    dict(nperseg=300, noverlap=299 // 2 + 70, average="median", window="blackmanharris"),
    dict(nperseg=4096),
):
    f, p = signal.welch(x, fs=fs, **kw)
    c = {k: v for k, v in kw.items()}
    c["psd"] = arr(p)
    cases.append(c)
dump("welch.json", {"fs": fs, "x": arr(x), "cases": cases})

# Butterworth designs (sos) and their application.
designs = [
    (4, [500.0, 2000.0], "bandpass", 12000.0),
    (4, [2000.0, 4000.0], "bandpass", 12000.0),
    (3, [20.0, 40.0], "bandpass", 25600.0),
    (6, [1000.0, 1500.0], "bandpass", 48000.0),
    (5, [100.0], "lowpass", 1000.0),
    (4, [3000.0], "lowpass", 12000.0),
    (3, [10.0], "highpass", 1000.0),
    (8, [5000.0], "highpass", 25600.0),
    (1, [0.1], "lowpass", 1.0),
    (2, [0.1, 0.3], "bandpass", 1.0),
]
fx = test_signal(800, 12000.0, [(1000.0, 1.0), (3000.0, 0.5)])
cases = []
for order, wn, btype, fsd in designs:
    sos = signal.butter(order, wn if len(wn) > 1 else wn[0], btype, fs=fsd, output="sos")
    c = {"order": order, "cutoff": wn, "btype": btype, "fs": fsd, "sos": arr(sos),
         "zi": arr(signal.sosfilt_zi(sos)),
         "sosfilt": arr(signal.sosfilt(sos, fx)),
         "sosfiltfilt": arr(signal.sosfiltfilt(sos, fx))}
    cases.append(c)
dump("filter.json", {"x": arr(fx), "cases": cases})

# Hilbert and the band-passed envelope.
cases = []
for n in (500, 501):
    x = test_signal(n, 12000.0, [(1500.0, 1.0)])
    h = signal.hilbert(x)
    cases.append({"n": n, "x": arr(x), "imag": arr(h.imag), "abs": arr(np.abs(h))})
fs = 12000.0
n = 1200
t = np.arange(n) / fs
# A bearing-like signal: a 3 kHz carrier modulated at 105 Hz, in noise.
xe = (1 + 0.8 * np.cos(2 * np.pi * 105.0 * t)) * np.sin(2 * np.pi * 3000.0 * t) + 0.3 * rng.standard_normal(n)
env = []
for lo, hi in ((2000.0, 4000.0), (0.0, 0.0), (0.0, 4000.0), (1000.0, 0.0)):
    if lo and hi:
        sos = signal.butter(4, [lo, hi], "bandpass", fs=fs, output="sos")
    elif hi:
        sos = signal.butter(4, hi, "lowpass", fs=fs, output="sos")
    elif lo:
        sos = signal.butter(4, lo, "highpass", fs=fs, output="sos")
    else:
        sos = None
    y = signal.sosfiltfilt(sos, xe) if sos is not None else xe
    e = np.abs(signal.hilbert(y))
    em = e - e.mean()
    w = signal.get_window("hann", n)
    a = np.abs(np.fft.rfft(w * em)) / w.sum()
    a[1:-1] *= 2
    env.append({"lo": lo, "hi": hi, "envelope": arr(e), "spectrum": arr(a)})
dump("hilbert.json", {"cases": cases, "envelope": {"fs": fs, "x": arr(xe), "cases": env}})

# Polyphase resampling.
x = test_signal(600, 48000.0, [(1000.0, 1.0), (9000.0, 0.3)])
cases = []
for up, down in ((1, 4), (3, 2), (2, 3), (1, 2), (5, 1), (4, 6), (1, 1), (7, 13)):
    cases.append({"up": up, "down": down, "y": arr(signal.resample_poly(x, up, down))})
# Options: another Kaiser beta, and windpm's CleanDecimation filter (beta 8,
# 2*32*q+1 taps, cutoff 11/12 of the output Nyquist) passed as an array.
cases.append({"up": 1, "down": 4, "beta": 8.0,
              "y": arr(signal.resample_poly(x, 1, 4, window=("kaiser", 8.0)))})
h = signal.firwin(2 * 32 * 4 + 1, (11 / 12) / 4, window=("kaiser", 8.0))
cases.append({"up": 1, "down": 4, "beta": 8.0, "halflen": 32, "cutoff": 11 / 12,
              "y": arr(signal.resample_poly(x, 1, 4, window=h))})
h = signal.firwin(2 * 32 * 3 + 1, (11 / 12) / 3, window=("kaiser", 8.0))
cases.append({"up": 2, "down": 3, "beta": 8.0, "halflen": 32, "cutoff": 11 / 12,
              "y": arr(signal.resample_poly(x, 2, 3, window=h))})
dump("resample.json", {"x": arr(x), "cases": cases})

# Order-domain resampling: trapezoid shaft angle and numpy.interp.
fs = 2000.0
n = 1000
t = np.arange(n) / fs
rpm = 1200.0 + 600.0 * t / t[-1]
angle = integrate.cumulative_trapezoid(rpm / 60.0, dx=1 / fs, initial=0)
x = np.sin(2 * np.pi * 3.0 * angle) + 0.2 * rng.standard_normal(n)
cases = []
for spr in (16, 32, 100):
    grid = np.arange(int(np.floor(angle[-1] * spr)) + 1) / spr
    cases.append({"spr": spr, "y": arr(np.interp(grid, angle, x))})
dump("order.json", {"fs": fs, "rpm": arr(rpm), "angle": arr(angle), "x": arr(x), "cases": cases})
