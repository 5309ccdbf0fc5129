#!/usr/bin/python3
"""Synthetic classification data for the PyTorch reference comparison (bench/reference).

    /usr/bin/python3 bench/reference/make_synthetic.py OUT.json [--samples 1000] [--features 1000] [--informative 64]

scikit-learn's make_classification with n_informative=64, n_redundant=0 and every other argument at
its default (n_classes=2, n_clusters_per_class=2, class_sep=1.0, flip_y=0.01, shuffle=True), random_state=0.
Writes {"x": rows, "y": labels, "featureNames", "informative": column indices, "generator": {...}}.
Floats are written with Python's shortest round-trip repr, so Node and Python read the same doubles.

The informative columns are recovered by generating the same data with shuffle=False (identical draws
before the final shuffle, where the first n_informative columns are the informative ones) and matching
each shuffled column to its unshuffled twin by its sorted values.
"""
import argparse
import json
import sys

import numpy as np
import sklearn
from sklearn.datasets import make_classification


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--features", type=int, default=1000)
    ap.add_argument("--informative", type=int, default=64)
    ap.add_argument("--random-state", type=int, default=0)
    args = ap.parse_args()
    params = dict(n_samples=args.samples, n_features=args.features, n_informative=args.informative,
                  n_redundant=0, random_state=args.random_state, class_sep=1.0)
    x, y = make_classification(**params)
    x0, _ = make_classification(**params, shuffle=False)
    # Column j of x is some column of x0 with its rows permuted: match by sorted values.
    key0 = {np.sort(x0[:, c]).tobytes(): c for c in range(x0.shape[1])}
    source = [key0[np.sort(x[:, c]).tobytes()] for c in range(x.shape[1])]
    informative = sorted(c for c in range(x.shape[1]) if source[c] < args.informative)
    assert len(informative) == args.informative, "could not recover the informative columns"
    doc = {
        "x": x.tolist(),
        "y": y.tolist(),
        "featureNames": [f"f{j}" for j in range(x.shape[1])],
        "informative": informative,
        "generator": {"function": "sklearn.datasets.make_classification", "sklearn": sklearn.__version__,
                      "numpy": np.__version__, **params,
                      "defaults": "n_repeated=0, n_classes=2, n_clusters_per_class=2, flip_y=0.01, hypercube=True, shift=0, scale=1, shuffle=True"},
    }
    with open(args.out, "w") as f:
        json.dump(doc, f)
    print(f"wrote {args.out}: {x.shape[0]} x {x.shape[1]}, classes {np.bincount(y).tolist()}, "
          f"informative {informative[:8]}...", file=sys.stderr)


if __name__ == "__main__":
    main()
