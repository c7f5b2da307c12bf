#!/usr/bin/python3
"""Nested feature-set selection: does the choice of features, made inside
the training sizes only, still reach the leave-one-fault-size-out score?

docs/evaluation.md chooses windpm's default (level-free) feature set with
knowledge of the test folds. This check removes that knowledge: for each
outer fold (one fault size held out), every candidate set below is scored
by an inner leave-one-group-out over the remaining folds only (train on
one size, test on the other, both ways, pooled macro-F1); the best
candidate is then trained on all of the outer training rows and predicts
the held-out size. The outer predictions are pooled and scored as in
bench/classify_sklearn.py (f1_score(average="macro")).

Input: the CSV of `windpm evaluate TABLE --features all --export-csv F`
(every column with a value; fold, label, ... then the features). Model:
SimpleImputer(median) + RandomForestClassifier(n_estimators=100,
max_features="sqrt", class_weight="balanced"), as the peer.

    /usr/bin/python3 bench/classify_nested.py FOLDS.csv [--seeds 5]

Needs Debian's python3-sklearn.
"""
import argparse
import csv
import fnmatch
import statistics

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.metrics import f1_score
from sklearn.pipeline import make_pipeline

META = ["fold", "fold_name", "label", "group", "recording", "segment"]
# classifier.LevelFreeFeatures (models/classifier/dataset.go)
LEVEL_FREE = ["crest_factor", "kurtosis_pearson", "skewness", "shape_factor", "impulse_factor",
              "clearance_factor", "spectral_centroid_hz", "spectral_spread_hz", "spectral_entropy",
              "spectral_flatness", "peak?_freq_hz", "order_energy_*", "*_db", "envelope_band_*",
              "gear_ser", "env_share_*", "third_octave_share_*"]
SHARES = ["env_share_*", "third_octave_share_*"]


def match(cols, pats, minus=()):
    return [c for c in cols if any(fnmatch.fnmatchcase(c, p) for p in pats)
            and not any(fnmatch.fnmatchcase(c, p) for p in minus)]


def candidates(cols):
    """The feature sets considered (every one was looked at in the
    exploration that docs/evaluation.md describes)."""
    return {
        "v1": match(cols, ["*"], SHARES),
        "all": list(cols),
        "level-free": match(cols, LEVEL_FREE),
        "level-free v1": match(cols, LEVEL_FREE, SHARES),
        "shares": match(cols, SHARES),
        "level-free, no envelope shares": match(cols, LEVEL_FREE, ["env_share_*"]),
        "level-free, no third-octave shares": match(cols, LEVEL_FREE, ["third_octave_share_*"]),
    }


def fit_predict(X, y, tr, te, seed):
    m = make_pipeline(SimpleImputer(strategy="median"),
                      RandomForestClassifier(n_estimators=100, max_features="sqrt",
                                             class_weight="balanced", random_state=seed))
    m.fit(X[tr], y[tr])
    return m.predict(X[te])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--seeds", type=int, default=5)
    a = ap.parse_args()
    rows = list(csv.DictReader(open(a.csv)))
    cols = [c for c in rows[0] if c not in META]
    X = np.array([[float(r[c]) if r[c] != "" else np.nan for c in cols] for r in rows])
    y = np.array([r["label"] for r in rows])
    fold = np.array([int(r["fold"]) for r in rows])
    names = {int(r["fold"]): r["fold_name"] for r in rows}
    cands = candidates(cols)
    idx = {k: [cols.index(c) for c in v] for k, v in cands.items()}
    scores, chosen = [], []
    for seed in range(1, a.seeds + 1):
        pred = np.empty(len(y), dtype=object)
        for k in sorted(names):
            outer_tr = fold != k
            inner_folds = sorted(set(fold[outer_tr]))
            best, best_f1 = None, -1.0
            for name, j in idx.items():
                Xs = X[:, j]
                ip = np.empty(len(y), dtype=object)
                for m in inner_folds:
                    tr, te = outer_tr & (fold != m), outer_tr & (fold == m)
                    ip[te] = fit_predict(Xs, y, tr, te, seed)
                f1 = f1_score(y[outer_tr], ip[outer_tr], average="macro")
                if f1 > best_f1:
                    best, best_f1 = name, f1
            chosen.append(f"seed {seed}, test {names[k]}: {best} (inner {best_f1:.3f})")
            pred[fold == k] = fit_predict(X[:, idx[best]], y, outer_tr, fold == k, seed)
        scores.append(f1_score(y, pred, average="macro"))
    for c in chosen:
        print(c)
    sd = statistics.stdev(scores) if len(scores) > 1 else 0.0
    print(f"nested macro-F1 over seeds 1..{a.seeds}: {statistics.mean(scores):.3f} ± {sd:.3f} "
          f"({', '.join(f'{s:.3f}' for s in scores)})")


if __name__ == "__main__":
    main()
