#!/usr/bin/python3
"""The numpy/scipy peer of `windpm features` for bench/features.sh.

It computes feature set v2 — the time, spectral, ISO, orders, bearing,
gear groups and the share columns (env_share_*, third_octave_share_*) —
for every capture of a windpm manifest, with the repository's
own independent numpy/scipy reference implementations:

  features/testdata/reference/features.py   time_features, spectral_features,
                                            iso_features, order_features,
                                            gear_features, env_share_features_orders,
                                            band_share_features
  features/testdata/kurtogram/kurtogram.py  bearing (fast kurtogram band,
                                            Butterworth + sosfiltfilt +
                                            Hilbert envelope, line search)

called with what windpm's feature groups get: the WAV's rate, the
manifest's rpm and unit, and from the assets file each sensor's ISO group,
bearing defect orders and gear teeth (like `windpm features --assets`).

    /usr/bin/python3 bench/features_numpy.py --assets A.yaml [--jobs N] [--csv OUT.csv] MANIFEST.csv

It prints one line (rows, columns, seconds, jobs) and writes nothing else
unless --csv is given (a table with the path and every feature column, for
checking the values against windpm's Parquet).
"""

import argparse
import csv
import math
import multiprocessing
import os
import sys
import time

import numpy as np
import scipy.io.wavfile
import yaml

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "features", "testdata", "reference"))
sys.path.insert(0, os.path.join(ROOT, "features", "testdata", "kurtogram"))

import features as ref  # noqa: E402  (features/testdata/reference/features.py)
import kurtogram as kg  # noqa: E402  (features/testdata/kurtogram/kurtogram.py)


def read_assets(path):
    """{(turbine, sensor): (iso_group, bearing orders or None, gear teeth)}."""
    with open(path) as fh:
        doc = yaml.safe_load(fh)
    out = {}
    for t in doc.get("turbines") or []:
        for s in t.get("sensors") or []:
            orders = ((s.get("bearing") or {}).get("orders")) or None
            if orders is not None:
                orders = {k: float(orders[k]) for k in ("bpfo", "bpfi", "bsf", "ftf")}
            teeth = int((s.get("gear") or {}).get("teeth") or 0)
            out[(str(t["id"]), str(s["id"]))] = (s.get("iso_group") or "", orders, teeth)
    return out


def read_manifest(path):
    base = os.path.dirname(os.path.abspath(path))
    jobs = []
    with open(path, newline="") as fh:
        for r in csv.DictReader(fh):
            rpm = float(r["rpm"]) if r.get("rpm") else 0.0
            jobs.append((os.path.join(base, r["path"]), rpm, r.get("unit", ""),
                         r.get("turbine", ""), r.get("sensor", "")))
    return jobs


ASSETS = {}


def init(assets):
    global ASSETS
    ASSETS = assets


def nan_bearing():
    return {c: float("nan") for c in kg.COLUMNS}


def compute(job):
    path, rpm, unit, turbine, sensor = job
    fs, x = scipy.io.wavfile.read(path)
    x = np.asarray(x, dtype=np.float64)
    fs = float(fs)
    group, orders, teeth = ASSETS.get((turbine, sensor), ("", None, 0))
    row = {}
    row.update(ref.time_features(x))
    row.update(ref.spectral_features(x, fs))
    row.update(ref.iso_features(x, fs, unit, group))
    row.update(ref.order_features(x, fs, rpm))
    row.update(kg.bearing(x, fs, rpm, orders) if orders is not None and rpm > 0 else nan_bearing())
    row.update(ref.gear_features(x, fs, rpm, teeth))
    row.update(ref.env_share_features_orders(x, fs, rpm, orders))
    row.update(ref.band_share_features(x, fs))
    return path, {k: float(v) for k, v in row.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("manifest")
    ap.add_argument("--assets", required=True)
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (1: none, in this process)")
    ap.add_argument("--csv", help="write the feature table here")
    a = ap.parse_args()
    t0 = time.perf_counter()
    assets = read_assets(a.assets)
    jobs = read_manifest(a.manifest)
    if a.jobs <= 1:
        init(assets)
        rows = map(compute, jobs)
        pool = None
    else:
        pool = multiprocessing.Pool(a.jobs, initializer=init, initargs=(assets,))
        rows = pool.imap(compute, jobs, chunksize=1)  # input order, like windpm
    writer, fh, ncols, n = None, None, 0, 0
    for path, row in rows:
        n += 1
        ncols = len(row)
        if a.csv:
            if writer is None:
                fh = open(a.csv, "w", newline="")
                writer = csv.writer(fh)
                writer.writerow(["path"] + list(row))
            writer.writerow([path] + ["" if math.isnan(v) else repr(v) for v in row.values()])
    if pool is not None:
        pool.close()
        pool.join()
    if fh is not None:
        fh.close()
    print("features_numpy: %d rows × %d features in %.1f s (%d jobs)" %
          (n, ncols, time.perf_counter() - t0, a.jobs))


if __name__ == "__main__":
    main()
