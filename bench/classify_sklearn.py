#!/usr/bin/python3
"""scikit-learn peer of `windpm evaluate`: the same rows, features and folds.

Reads the CSV that `windpm evaluate --export-csv FILE` writes (columns fold,
fold_name, label, group, recording, segment, then the features; empty =
null), and for every fold trains on the other folds and predicts it, with

  forest: SimpleImputer(median) + RandomForestClassifier(n_estimators=100,
          max_features="sqrt", class_weight="balanced" unless --unweighted)
  logreg: SimpleImputer(median) + StandardScaler + LogisticRegression(C=1,
          lbfgs, multinomial, class_weight="balanced" unless --unweighted)

fitted on the training rows of the fold only, exactly as windpm does. The
metrics are scikit-learn's on the pooled out-of-fold predictions:
f1_score(average="macro"), balanced_accuracy_score and
roc_auc_score(multi_class="ovr", average="macro"), plus macro-F1 per fold.

    /usr/bin/python3 bench/classify_sklearn.py FOLDS.csv --model forest [--seed 1] [--json]
    /usr/bin/python3 bench/classify_sklearn.py --bench-train [--rounds 5]

--bench-train times RandomForestClassifier(n_estimators=100,
max_features="sqrt", n_jobs=1).fit on 1000 rows × 60 features of 4 classes,
10 informative (feature j of class c shifted by 0.7·((c + j) mod 4)), the
rule of models/forest's BenchmarkTrain (same shape and structure, numpy's
random numbers), and prints the median of --rounds fits.

Needs Debian's python3-sklearn (apt-get install python3-sklearn).
"""
import argparse
import csv
import json
import sys

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, confusion_matrix, f1_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    head, rows = rows[0], rows[1:]
    fold = np.array([int(r[0]) for r in rows])
    names = {int(r[0]): r[1] for r in rows}
    label = np.array([r[2] for r in rows])
    x = np.array([[float(v) if v != "" else np.nan for v in r[6:]] for r in rows])
    return head[6:], fold, [names[k] for k in sorted(names)], label, x


def model(kind, seed, weighted):
    cw = "balanced" if weighted else None
    if kind == "forest":
        return make_pipeline(SimpleImputer(strategy="median"),
                             RandomForestClassifier(n_estimators=100, max_features="sqrt", class_weight=cw,
                                                    random_state=seed, n_jobs=1))
    return make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                         LogisticRegression(C=1.0, class_weight=cw, max_iter=10000))


def bench_train(rounds):
    import time
    rng = np.random.default_rng(1)
    y = np.arange(1000) % 4
    x = rng.normal(size=(1000, 60))
    for j in range(10):
        x[:, j] += ((y + j) % 4) * 0.7
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        RandomForestClassifier(n_estimators=100, max_features="sqrt", random_state=1, n_jobs=1).fit(x, y)
        times.append(time.perf_counter() - t)
    print(f"scikit-learn {sklearn.__version__} RandomForestClassifier(100 trees).fit 1000×60, n_jobs=1: "
          f"median {sorted(times)[len(times) // 2]:.3f} s over {rounds} ({', '.join(f'{v:.3f}' for v in times)})")


def main():
    if "--bench-train" in sys.argv:
        rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 5
        bench_train(rounds)
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--model", choices=["forest", "logreg"], default="forest")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--unweighted", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()

    feats, fold, names, label, x = read(a.csv)
    classes = sorted(set(label))
    y = np.array([classes.index(v) for v in label])
    proba = np.zeros((len(y), len(classes)))
    per_fold = []
    for k, name in enumerate(names):
        test, train = fold == k, fold != k
        m = model(a.model, a.seed, not a.unweighted).fit(x[train], y[train])
        p = m.predict_proba(x[test])
        proba[np.ix_(test, m.classes_)] = p  # classes absent from training: 0
        pred = proba[test].argmax(axis=1)
        per_fold.append({"name": name, "train_rows": int(train.sum()), "test_rows": int(test.sum()),
                         "macro_f1": f1_score(y[test], pred, average="macro", zero_division=0),
                         "balanced_accuracy": balanced_accuracy_score(y[test], pred)})
    pred = proba.argmax(axis=1)
    out = {
        "tool": "scikit-learn " + sklearn.__version__,
        "model": a.model,
        "features": len(feats),
        "rows": len(y),
        "classes": classes,
        "macro_f1": f1_score(y, pred, average="macro", zero_division=0),
        "balanced_accuracy": balanced_accuracy_score(y, pred),
        "accuracy": float((pred == y).mean()),
        "auroc_macro": roc_auc_score(y, proba, multi_class="ovr", average="macro"),
        "confusion": confusion_matrix(y, pred, labels=range(len(classes))).tolist(),
        "per_class_f1": dict(zip(classes, f1_score(y, pred, average=None, labels=range(len(classes)), zero_division=0).tolist())),
        "folds": per_fold,
    }
    if a.json:
        json.dump(out, sys.stdout, indent=1)
        print()
        return
    print(f"{out['tool']} {a.model}: {len(y)} rows × {len(feats)} features, {len(classes)} classes")
    for f in per_fold:
        print(f"  fold {f['name']:>8}: train {f['train_rows']:4d} test {f['test_rows']:4d} "
              f"macro-F1 {f['macro_f1']:.3f} balanced accuracy {f['balanced_accuracy']:.3f}")
    print(f"macro-F1 {out['macro_f1']:.3f}   balanced accuracy {out['balanced_accuracy']:.3f}   "
          f"accuracy {out['accuracy']:.3f}   macro AUROC {out['auroc_macro']:.3f}")


if __name__ == "__main__":
    main()
