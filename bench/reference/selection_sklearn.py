#!/usr/bin/python3
"""scikit-learn's feature selection on the folds bench/reference/selection-run.mjs gives it (docs/selection.md).

    /usr/bin/python3 bench/reference/selection_sklearn.py IN.json  > OUT.json

IN.json: {"x": rows, "y": class indices, "folds": [seed][fold] = test rows, "seeds", "k": panel sizes}.
On each training fold, preprocessing as the package's: log(|x + 1|) when every training value is >= 0, then the
z-score with the training mean and population std (0 -> 1); then three rankings:
- anova: f_classif's F, descending (NaN last);
- l1-logistic: LogisticRegression(penalty='l1', solver='saga', warm_start=True) along the package's path: C_min =
  1 / (n max|X^T (y - p)|) at W = 0 with the intercept fitted, 30 values over 4 decades above it, features in
  order of entry (ties by |coefficient|), the rest by the last solution's |gradient|; stops once max(k) entered;
- forest: RandomForestClassifier(n_estimators=100, random_state=seed).feature_importances_, descending.
For each k the downstream classifier is LogisticRegression() (l2, C = 1, lbfgs) on the training fold's top k
(the z-scored values), scored once on the test fold: accuracy and ROC AUC. One thread (OMP/OPENBLAS = 1).
Prints JSON: {"versions", "methods": {name: [{seed, fold, ranking (first max k), seconds, scores: {k: {...}}}]}}.
"""
import json
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

warnings.simplefilter("ignore", ConvergenceWarning)
warnings.simplefilter("ignore", RuntimeWarning)


def preprocess(x, train):
    xt = x[train]
    log = bool((xt >= 0).all())
    f = (lambda v: np.log(np.abs(v + 1))) if log else (lambda v: v)
    lt = f(xt)
    mean = lt.mean(0)
    std = lt.std(0)
    std[~(std > 1e-150)] = 1
    return lambda rows: (f(x[rows]) - mean) / std


def l1_path(x, y, max_k, steps=30, decades=4):
    n, d = x.shape
    p = y.mean()
    top = np.abs(x.T @ (p - y)).max() / n
    c_min = 1 / (n * top)
    entered = np.full(d, -1)
    strength = np.zeros(d)
    m = LogisticRegression(penalty="l1", solver="saga", warm_start=True, tol=1e-4, max_iter=1000)
    count = 0
    for s in range(steps):
        if count >= max_k:
            break
        m.set_params(C=c_min * 10 ** (decades * (s + 1) / steps))
        m.fit(x, y)
        w = np.abs(m.coef_).sum(0)
        for j in np.flatnonzero((w > 0) & (entered < 0)):
            entered[j] = s
            strength[j] = w[j]
            count += 1
    if hasattr(m, "coef_"):
        z = x @ m.coef_[0] + m.intercept_[0]
        grad = np.abs(x.T @ (1 / (1 + np.exp(-z)) - y)) / n
    else:
        grad = np.zeros(d)
    key = [((entered[j] if entered[j] >= 0 else np.inf), -strength[j] if entered[j] >= 0 else -grad[j], j)
           for j in range(d)]
    return [j for *_, j in sorted(key)]


def main():
    doc = json.load(open(sys.argv[1]))
    x = np.asarray(doc["x"], dtype=np.float64)
    y = np.asarray(doc["y"])
    ks = doc["k"]
    max_k = max(ks)
    if len(np.unique(y)) != 2:
        raise SystemExit("selection_sklearn.py: two classes only (the l1 path's gradient is the binary one)")
    out = {"anova": [], "l1-logistic": [], "forest": []}
    for seed, folds in zip(doc["seeds"], doc["folds"]):
        for f, test in enumerate(folds):
            test = np.asarray(test)
            train = np.setdiff1d(np.arange(len(y)), test)
            t = preprocess(x, train)
            xt, xv = t(train), t(test)
            yt, yv = y[train], y[test]
            for name in out:
                started = time.perf_counter()
                if name == "anova":
                    F, _ = f_classif(xt, yt)
                    F = np.where(np.isnan(F), -np.inf, F)
                    ranking = sorted(range(x.shape[1]), key=lambda j: (-F[j], j))
                elif name == "l1-logistic":
                    ranking = l1_path(xt, yt, max_k)
                else:
                    rf = RandomForestClassifier(n_estimators=100, random_state=seed).fit(xt, yt)
                    imp = rf.feature_importances_
                    ranking = sorted(range(x.shape[1]), key=lambda j: (-imp[j], j))
                seconds = time.perf_counter() - started
                scores = {}
                for k in ks:
                    cols = ranking[:k]
                    m = LogisticRegression().fit(xt[:, cols], yt)
                    proba = m.predict_proba(xv[:, cols])[:, 1]
                    scores[str(k)] = {"accuracy": float(m.score(xv[:, cols], yv)),
                                      "auc": float(roc_auc_score(yv, proba))}
                out[name].append({"seed": seed, "fold": f + 1, "ranking": [int(j) for j in ranking[:max_k]],
                                  "seconds": seconds, "scores": scores})
                print(f"  sklearn {name} seed {seed} fold {f + 1}: {seconds:.1f} s", file=sys.stderr)
    json.dump({"versions": {"sklearn": sklearn.__version__, "numpy": np.__version__}, "methods": out}, sys.stdout)


if __name__ == "__main__":
    main()
