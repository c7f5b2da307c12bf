#!/usr/bin/python3
"""The textbook peer of `windpm diagnose`, and the comparison on CWRU.

Peer (a textbook envelope analysis, Randall & Antoni 2011, with Antoni's
fast kurtogram): for one channel,

  1. the band of largest spectral kurtosis of the fast kurtogram (Antoni
     2007; the numpy port in features/testdata/kurtogram/kurtogram.py,
     default levels min(7, log2(n) - 7)), as it comes: a band from 0 Hz is
     a low-pass, a band to Nyquist a high-pass, the whole band no filter;
  2. 4th-order Butterworth band-pass, zero phase (scipy sosfiltfilt), Hilbert
     envelope (scipy.signal.hilbert), mean removed, Hann amplitude spectrum;
  3. for each family line - BPFO, BPFI, 2xBSF (ball), FTF - the largest bin
     within +-2 % of the kinematic frequency; the family whose line is
     largest wins;
  4. 'none' when that line is below the same threshold windpm uses:
     10*log10(log2(m/1e-3)) + 6 dB above the local median floor (m bins
     searched; the floor as kurtogram.py's line_db), so that the two differ
     only in the analysis, not in the alarm level.

Usage, from the repository root (needs ../shared/data/cwru):

    /usr/bin/python3 bench/diagnose_scipy.py > bench/results/diagnose-scipy.txt
    go run ./cmd/windpm diagnose --json --channel DE --bearing 6205 \\
        --manifest ../shared/data/cwru/catalog.csv > /tmp/windpm-diagnose.json
    /usr/bin/python3 bench/diagnose_scipy.py --compare /tmp/windpm-diagnose.json \\
        bench/results/diagnose-scipy.txt > bench/results/diagnose-compare.txt

The first writes the peer's verdict per record (all 12 kHz drive-end
records of catalog.csv, and 97 at its 48 kHz); the last joins windpm's JSON
with it and prints the per-record table and the summaries of
docs/evaluation.md.
"""

import csv
import json
import math
import os
import sys
import time

import numpy as np
import scipy.io as sio
from scipy.signal import butter, hilbert, sosfiltfilt

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "features", "testdata", "kurtogram"))
import kurtogram as kg  # noqa: E402  (the fast-kurtogram port and line_db)

DATA = os.path.join(HERE, "..", "..", "shared", "data", "cwru")
SLIP = 0.02
P_FA = 1e-3
MARGIN_DB = 6.0
VERDICT = {"bpfo": "outer_race", "bpfi": "inner_race", "bsf": "ball", "ftf": "cage"}


def threshold_db(m):
    return 10 * math.log10(math.log2(m / P_FA)) + MARGIN_DB


def read_de(path):
    m = sio.loadmat(path)
    key = [k for k in m if k.endswith("_DE_time")][0]
    return np.asarray(m[key], dtype=float).ravel()


def peer(x, fs, rpm, orders):
    x = x - np.mean(x)
    n = len(x)
    _, _, best = kg.fast_kurtogram(x, fs, kg.default_levels(n))
    lo = best["center_hz"] - best["bandwidth_hz"] / 2
    hi = best["center_hz"] + best["bandwidth_hz"] / 2
    if lo < 1e-6 * fs and hi > 0.499 * fs:
        y = x  # level 0: the whole band, no filter
        lo, hi = 0.0, fs / 2
    elif lo < 1e-6 * fs:
        y = sosfiltfilt(butter(4, hi, "lowpass", fs=fs, output="sos"), x)
        lo = 0.0
    elif hi > 0.499 * fs:
        y = sosfiltfilt(butter(4, lo, "highpass", fs=fs, output="sos"), x)
        hi = fs / 2
    else:
        y = sosfiltfilt(butter(4, [lo, hi], "bandpass", fs=fs, output="sos"), x)
    env = np.abs(hilbert(y))
    e = env - np.mean(env)
    w = np.hanning(n + 1)[:-1]
    A = np.abs(np.fft.rfft(e * w)) * 2 / np.sum(w)
    binhz = fs / n
    fr = rpm / 60
    lines = {"bpfo": orders["bpfo"] * fr, "bpfi": orders["bpfi"] * fr,
             "bsf": 2 * orders["bsf"] * fr, "ftf": orders["ftf"] * fr}
    amps = {}
    for fam, f in lines.items():
        k0 = int(np.floor(f / binhz + 0.5))
        wb = int(SLIP * f / binhz)
        amps[fam] = A[k0 - wb: k0 + wb + 1].max()
    fam = max(amps, key=amps.get)
    f = lines[fam]
    db = kg.line_db(A, binhz, f, SLIP * f, hi - lo)
    m = 2 * int(SLIP * f / binhz) + 1
    verdict = VERDICT[fam] if (not math.isnan(db) and db >= threshold_db(m)) else "none"
    return verdict, fam, db, lo, hi


def run_peer():
    orders = kg.orders_6205()
    print("record\tfault\tdiameter_in\tload_hp\tverdict\tfamily\tdb\tband_lo_hz\tband_hi_hz\tms")
    with open(os.path.join(DATA, "catalog.csv")) as f:
        for row in csv.DictReader(f):
            fs = float(row["sample_rate_hz"])
            x = read_de(os.path.join(DATA, row["path"]))
            t0 = time.perf_counter()
            v, fam, db, lo, hi = peer(x, fs, float(row["rpm"]), orders)
            ms = 1e3 * (time.perf_counter() - t0)
            print("%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%.0f\t%.0f\t%.0f" % (
                row["cwru_file"], row["fault"], row["fault_diameter_in"] or "-", row["load_hp"],
                v, fam, db, lo, hi, ms))


def compare(windpm_json, peer_txt):
    with open(windpm_json) as f:
        wp = {os.path.basename(r["path"]).split(".")[0]: r for r in json.load(f)}
    rows = []
    with open(peer_txt) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            rows.append(r)
    cat = {}
    with open(os.path.join(DATA, "catalog.csv")) as f:
        for r in csv.DictReader(f):
            cat[r["cwru_file"]] = r
    print("| record | fault | size in | load hp | OR pos | windpm | score | spectrum | peer |")
    print("|---|---|---|---|---|---|---|---|---|")
    stats = {}
    for r in rows:
        rec = r["record"]
        w = wp[rec]
        c = cat[rec]
        truth = c["fault"] if c["fault"] != "normal" else "none"
        ok_w = w["verdict"] == truth
        ok_p = r["verdict"] == truth
        score = w["families"][0]["score"]
        spectrum = w["families"][0].get("spectrum", "") if score > 0 else "-"
        pos = ("@" + c["or_position"]) if c["or_position"] else ""
        print("| %s | %s | %s | %s | %s | %s%s | %.1f | %s | %s%s |" % (
            rec, c["fault"], r["diameter_in"], r["load_hp"], pos,
            w["verdict"], "" if ok_w else " ✗", score, spectrum, r["verdict"], "" if ok_p else " ✗"))
        if c["sample_rate_hz"] != "12000":
            continue
        for key in (("fault", c["fault"]), ("fault_size", c["fault"] + " " + r["diameter_in"]),
                    ("all", "all 12 kHz DE")):
            s = stats.setdefault(key, [0, 0, 0])
            s[0] += 1
            s[1] += ok_w
            s[2] += ok_p
    for kind, title in (("all", "overall"), ("fault", "by fault type"), ("fault_size", "by fault type and size")):
        print()
        print("| %s | records | windpm correct | peer correct |" % title)
        print("|---|---|---|---|")
        for key in sorted(k for k in stats if k[0] == kind):
            n, a, b = stats[key]
            print("| %s | %d | %d (%.0f %%) | %d (%.0f %%) |" % (key[1], n, a, 100 * a / n, b, 100 * b / n))
    labels = ["inner_race", "outer_race", "ball", "cage", "none"]
    for name, get in (("windpm", lambda r: wp[r["record"]]["verdict"]), ("peer", lambda r: r["verdict"])):
        conf = {}
        for r in rows:
            if cat[r["record"]]["sample_rate_hz"] != "12000":
                continue
            conf[(cat[r["record"]]["fault"], get(r))] = conf.get((cat[r["record"]]["fault"], get(r)), 0) + 1
        print()
        print("| %s: true \\ verdict | %s |" % (name, " | ".join(labels)))
        print("|---|" + "---|" * len(labels))
        for t in ["inner_race", "outer_race", "ball"]:
            print("| %s | %s |" % (t, " | ".join(str(conf.get((t, v), 0)) for v in labels)))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        run_peer()
