#!/usr/bin/python3
"""Reference values for models.ledoitWolf: scikit-learn's ledoit_wolf
(Debian python3-sklearn) on fixed correlated data, written to
ledoitwolf.json. Run from this folder: /usr/bin/python3 ledoitwolf.py"""
import json

import numpy as np
import sklearn
from sklearn.covariance import ledoit_wolf

rng = np.random.default_rng(20261124)
cases = []
for n, p in [(30, 4), (12, 8), (200, 3)]:
    a = rng.normal(size=(p, p))
    x = rng.normal(size=(n, p)) @ a + rng.normal(size=p)
    cov, shrink = ledoit_wolf(x, assume_centered=False)
    cases.append({"x": x.tolist(), "mean": x.mean(axis=0).tolist(), "cov": cov.tolist(), "shrinkage": shrink})
with open("ledoitwolf.json", "w") as f:
    json.dump({"sklearn": sklearn.__version__, "cases": cases}, f, indent=1)
