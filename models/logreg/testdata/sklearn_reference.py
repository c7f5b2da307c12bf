#!/usr/bin/python3
"""Reference coefficients for logreg's tests from scikit-learn.

Writes sklearn_reference.json: a small 3-class, 4-feature dataset (seeded,
overlapping classes so that the penalty matters), already standardised, and
the coefficients, intercepts and probabilities of scikit-learn's
LogisticRegression (multinomial, L2, lbfgs, tight tolerance) for two
penalties and with class_weight="balanced".

    /usr/bin/python3 models/logreg/testdata/sklearn_reference.py
"""
import json
import os

import numpy as np
import sklearn
from scipy.optimize import minimize
from scipy.special import logsumexp
from sklearn.linear_model import LogisticRegression

rng = np.random.RandomState(7)
sizes = [40, 25, 10]  # imbalanced, so that class weights matter
centres = np.array([[0, 0, 0, 0], [1.5, 0.5, -1, 0], [0, 2, 1, -1]], float)
x = np.vstack([rng.normal(size=(m, 4)) + centres[c] for c, m in enumerate(sizes)])
y = np.concatenate([[c] * m for c, m in enumerate(sizes)])
x = (x - x.mean(axis=0)) / x.std(axis=0)



def objective(theta, c, w):
    """C·Σ w_i·(−log p_i,y_i) + ½‖W‖² and its gradient; theta holds per
    class 4 weights then the intercept."""
    t = theta.reshape(3, 5)
    z = x @ t[:, :4].T + t[:, 4]
    lse = logsumexp(z, axis=1)
    rows = np.arange(len(y))
    f = c * np.sum(w * (lse - z[rows, y])) + 0.5 * np.sum(t[:, :4] ** 2)
    r = np.exp(z - lse[:, None])
    r[rows, y] -= 1
    r *= w[:, None]
    g = np.zeros((3, 5))
    g[:, :4] = c * r.T @ x + t[:, :4]
    g[:, 4] = c * r.sum(axis=0)
    return f, g.ravel()


cases = []
for c, weight in [(1.0, None), (0.1, None), (1.0, "balanced")]:
    m = LogisticRegression(C=c, class_weight=weight, solver="lbfgs", tol=1e-12, max_iter=100000)
    m.fit(x, y)
    # scikit-learn stops L-BFGS on a relative decrease of 64·eps, before the
    # gradient is small (about 3e-4 here): the exact optimum of the same
    # objective, from scipy with tight tolerances, is kept as well.
    w = np.ones(len(y)) if weight is None else (len(y) / (3 * np.bincount(y)))[y]
    opt = minimize(objective, np.zeros(15), args=(c, w), jac=True, method="L-BFGS-B",
                   options={"gtol": 1e-13, "ftol": 1e-16, "maxiter": 100000})
    t = opt.x.reshape(3, 5)
    assert np.abs(t[:, :4] - m.coef_).max() < 2e-4, "sklearn's objective differs"
    cases.append({
        "c": c,
        "class_weight": weight or "",
        "coef": m.coef_.tolist(),
        "intercept": m.intercept_.tolist(),
        "proba": m.predict_proba(x[:5]).tolist(),
        "optimum_coef": t[:, :4].tolist(),
        "optimum_intercept": t[:, 4].tolist(),
        "optimum_gradient": float(np.abs(opt.jac).max()),
    })

out = {"sklearn": sklearn.__version__, "x": x.tolist(), "y": y.tolist(), "cases": cases}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sklearn_reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
