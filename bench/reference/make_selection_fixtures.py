#!/usr/bin/python3
"""Writes test/fixtures/selection.json: scikit-learn's and scipy's numbers that test/selection.test.ts compares
src/selection/ against. Run with Debian's python3-sklearn and python3-scipy:

    /usr/bin/python3 bench/reference/make_selection_fixtures.py

- univariate: scipy.stats.f_oneway (F), sklearn.feature_selection.f_classif (F again: its one-pass sums cancel
  on the large-offset case, so it is recorded but compared only elsewhere) and scipy.stats.kruskal (H,
  tie-corrected) per column, on
  continuous data, data rounded to few distinct values (many ties), a large offset (1e6 + small noise: a naive
  one-pass variance cancels), 2, 3 and 4 classes of unequal sizes. Columns constant overall are left out (scipy
  refuses them); a column constant within each class but not across them gives F = inf.
- logistic: LogisticRegression(penalty='l1', solver='saga', C) at several C on z-scored data, binary and 3-class,
  tol 1e-10 and max_iter 1e6 so that saga has converged: coefficients, intercepts, the support (|coef| > 0 for some
  class), saga's epochs, and the training and held-out accuracy; and LogisticRegression(C=1) (l2, the downstream
  classifier) solved by newton-cg at tol 1e-12 (lbfgs stops on its own ftol, about 1e-5 away from the optimum
  here), with its probabilities on held-out rows.
"""
import json
import os
import warnings

import numpy as np
import scipy
import sklearn
from scipy.stats import f_oneway, kruskal
from sklearn.feature_selection import f_classif
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(20261207)
warnings.simplefilter("ignore")


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).reshape(-1)]


def univariate_case(name, x, y):
    F, _ = f_classif(x, y)
    groups = [[x[y == c, j] for c in np.unique(y)] for j in range(x.shape[1])]
    F1 = [float(f_oneway(*g).statistic) for g in groups]
    H = [float(kruskal(*[x[y == c, j] for c in np.unique(y)]).statistic) for j in range(x.shape[1])]
    return {"name": name, "n": int(x.shape[0]), "d": int(x.shape[1]), "classes": int(y.max() + 1),
            "x": floats(x), "y": [int(v) for v in y], "F": [float(v) if np.isfinite(v) else str(v) for v in F1],
            "fClassif": [float(v) if np.isfinite(v) else str(v) for v in F],
            "H": H}


def labels(sizes):
    y = np.concatenate([np.full(s, c) for c, s in enumerate(sizes)])
    return rng.permutation(y)


univariate = []
y = labels([13, 17])
x = rng.normal(size=(30, 6)) + 0.8 * y[:, None] * (np.arange(6) % 2)
univariate.append(univariate_case("binary continuous", x, y))
y = labels([9, 14, 20])
x = np.round(rng.normal(size=(43, 7)) + 0.5 * y[:, None], 0)  # many ties
univariate.append(univariate_case("three classes with ties", x, y))
y = labels([6, 11, 8, 15])
x = 1e6 + 1e-3 * (rng.normal(size=(40, 5)) + y[:, None] * np.array([0, 0.3, 1, 2, 0.1]))
univariate.append(univariate_case("four classes, large offset", x, y))
y = labels([5, 7])
x = np.column_stack([y * 2.0 + 1, rng.integers(0, 3, size=12).astype(float), rng.normal(size=12)])
univariate.append(univariate_case("constant within classes", x, y))


def logistic_case(name, sizes, d, informative, cs):
    y = labels(sizes)
    k = len(sizes)
    centers = rng.normal(size=(k, informative)) * 1.2
    x = rng.normal(size=(len(y), d))
    x[:, :informative] += centers[y]
    x = (x - x.mean(0)) / x.std(0)
    n_train = int(0.75 * len(y))
    xt, yt, xv, yv = x[:n_train], y[:n_train], x[n_train:], y[n_train:]
    fits = []
    for c in cs:
        m = LogisticRegression(penalty="l1", C=c, solver="saga", tol=1e-10, max_iter=1_000_000).fit(xt, yt)
        coef = m.coef_
        fits.append({"C": c, "coef": floats(coef), "intercept": floats(m.intercept_),
                     "support": [int(j) for j in np.flatnonzero(np.abs(coef).max(0) > 0)],
                     "trainAccuracy": float(m.score(xt, yt)), "testAccuracy": float(m.score(xv, yv)),
                     "iterations": int(np.max(m.n_iter_))})
    l2 = LogisticRegression(solver="newton-cg", tol=1e-12, max_iter=100000).fit(xt, yt)
    return {"name": name, "n": n_train, "d": d, "classes": k, "x": floats(xt), "y": [int(v) for v in yt],
            "testX": floats(xv), "testY": [int(v) for v in yv], "l1": fits,
            "l2": {"coef": floats(l2.coef_), "intercept": floats(l2.intercept_),
                   "testProba": floats(l2.predict_proba(xv)), "testAccuracy": float(l2.score(xv, yv))}}


logistic = [
    logistic_case("binary", [40, 40], 12, 3, [0.02, 0.05, 0.2, 1.0]),
    logistic_case("three classes", [30, 25, 35], 10, 3, [0.02, 0.05, 0.2, 1.0]),
]

out = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "selection.json")
with open(out, "w") as f:
    json.dump({"versions": {"sklearn": sklearn.__version__, "scipy": scipy.__version__, "numpy": np.__version__},
               "univariate": univariate, "logistic": logistic}, f)
print(f"wrote {os.path.normpath(out)}")
