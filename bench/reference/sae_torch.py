#!/usr/bin/python3
"""PyTorch reference of sparseproj's supervised autoencoder, cross-validated on the same folds.

    /usr/bin/python3 bench/reference/sae_torch.py CONFIG.json [--seed 0] [--max-folds N]

CONFIG.json is written by bench/reference/folds.mjs: the samples x features matrix, the labels, the test rows
of each fold (exactly those of our crossValidate) and the options (projection, radius, epochs...). Prints one
JSON object on stdout; progress goes to stderr.

The model and training repeat src/sae/train.ts (defaults of trainSAE), written independently here:
  encoder d -> 100 SiLU -> k, decoder k -> 100 SiLU -> d, nn.Linear default init (torch.manual_seed(1000 * seed + fold)),
  loss = cross_entropy(z, y) (mean) + lambda * smooth_l1(xhat, x, beta=1) (mean), lambda = 1,
  Adam(lr 1e-3), batch 8, rows reshuffled every epoch (torch.randperm);
  phase 1: 30 epochs; then the first layer's weight W (h x d, groups = columns = input features) is projected
  ONCE onto the bilevel l1,inf ball of radius eta; mask = entries exactly 0 after the projection;
  phase 2: 30 epochs, fresh Adam, masked gradients zeroed before each step and masked weights re-zeroed after,
  no rewind. projection 'none': the same two phases, no projection.
Preprocessing per fold, fitted on the training rows only (float64): log(|x + 1|) when every training value is
>= 0, then z-score with the training mean and population std (std 0 -> 1); fed to the network as float32.
The test fold is scored once, after phase 2.
"""
import os
import sys

# torch_env first: it sets one thread before torch loads.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from torch_env import SAE, log, one_thread  # noqa: E402

import argparse
import json
import platform
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F




# ---- projections, from the definitions ----

def project_l1_ball(v, eta):
    """Euclidean projection of v onto {w : ||w||_1 <= eta}: project |v| onto the simplex of radius eta
    (sort-based, Held et al. / Duchi et al.), then restore the signs. Correct on signed input."""
    v = np.asarray(v, dtype=np.float64)
    a = np.abs(v)
    if a.sum() <= eta:
        return v.copy()
    if eta <= 0:
        return np.zeros_like(v)
    mu = np.sort(a)[::-1]
    cs = np.cumsum(mu)
    j = np.arange(1, len(mu) + 1)
    rho = np.nonzero(mu * j > cs - eta)[0][-1]
    theta = (cs[rho] - eta) / (rho + 1.0)
    return np.sign(v) * np.maximum(a - theta, 0.0)


def bilevel_l1inf(W, eta):
    """Bilevel l1,inf projection of W (h x d), groups = columns: u = P_l1,eta(max_i |W_ij|), W_ij clipped to [-u_j, u_j]."""
    W = np.asarray(W, dtype=np.float64)
    u = project_l1_ball(np.abs(W).max(axis=0), eta)
    return np.clip(W, -u[None, :], u[None, :])


def _self_check():
    rng = np.random.default_rng(0)
    v = rng.normal(size=50)
    p = project_l1_ball(v, 1.0)
    assert abs(np.abs(p).sum() - 1.0) < 1e-9 and np.all(p * v >= 0)
    assert np.allclose(project_l1_ball(v * 1e-3, 1.0), v * 1e-3)
    W = rng.normal(size=(7, 30))
    P = bilevel_l1inf(W, 2.0)
    assert abs(np.abs(P).max(axis=0).sum() - 2.0) < 1e-9


def preprocess(x, train, test):
    """Fitted on rows `train` of x (float64); returns float32 tensors of the train and test rows."""
    xtr, xte = x[train], x[test]
    if np.all(xtr >= 0):
        xtr, xte = np.log(np.abs(xtr + 1.0)), np.log(np.abs(xte + 1.0))
    mean = xtr.mean(axis=0)
    std = xtr.std(axis=0)  # population (ddof=0), as sklearn's scale
    std[std == 0] = 1.0
    return (torch.from_numpy(((xtr - mean) / std).astype(np.float32)),
            torch.from_numpy(((xte - mean) / std).astype(np.float32)))


def run_phase(model, X, Y, epochs, batch, lr, lam, masks):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    n = X.shape[0]
    losses = []
    for _ in range(epochs):
        order = torch.randperm(n)
        total = 0.0
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            xb, yb = X[idx], Y[idx]
            opt.zero_grad(set_to_none=True)
            z, xhat = model(xb)
            loss = F.cross_entropy(z, yb) + lam * F.smooth_l1_loss(xhat, xb, beta=1.0)
            loss.backward()
            for p, m in masks:
                p.grad.mul_(m)
            opt.step()
            if masks:
                with torch.no_grad():
                    for p, m in masks:
                        p.mul_(m)
            total += loss.item() * len(idx)
        losses.append(total / n)
    return losses


def fold_run(x, y, k, train, test, o, seed, fold):
    Xtr, Xte = preprocess(x, train, test)
    Ytr, Yte = torch.from_numpy(y[train]), torch.from_numpy(y[test])
    torch.manual_seed(1000 * seed + fold)
    d = x.shape[1]
    model = SAE(d, o["hidden"][0], k)
    e1, e2 = (o["epochs"], o["epochs"]) if isinstance(o["epochs"], int) else o["epochs"]
    c0, t0 = time.process_time(), time.perf_counter()
    losses1 = run_phase(model, Xtr, Ytr, e1, o["batchSize"], o["lr"], o["lambda"], [])
    W = model.encoder[0].weight
    masks = []
    if o["projection"] != "none":
        assert o["projection"] == "bilevel-l1inf", "only bilevel-l1inf is implemented here"
        with torch.no_grad():
            W.copy_(torch.from_numpy(bilevel_l1inf(W.numpy(), o["radius"]).astype(np.float32)))
        masks = [(W, (W != 0).to(W.dtype))]
    losses2 = run_phase(model, Xtr, Ytr, e2, o["batchSize"], o["lr"], o["lambda"], masks)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    with torch.no_grad():
        z = model.encoder(Xte)
        accuracy = (z.argmax(1) == Yte).double().mean().item()
        zero_columns = (W == 0).all(dim=0)
    selected = (~zero_columns).nonzero().flatten().tolist()
    return {
        "accuracy": accuracy,
        "featureSparsity": zero_columns.double().mean().item(),
        "selected": selected,
        "secondsPerEpoch": seconds / (e1 + e2),
        "cpuOverWall": cpu / seconds,
        "losses": [losses1, losses2],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("config")
    ap.add_argument("--seed", type=int, default=0, help="torch.manual_seed(1000 * seed + fold) before each fold (default 0)")
    ap.add_argument("--max-folds", type=int, default=0, help="only the first N folds (0 = all)")
    args = ap.parse_args()
    blas = one_thread()
    _self_check()

    with open(args.config) as f:
        cfg = json.load(f)
    x = np.asarray(cfg["x"], dtype=np.float64)
    y = np.asarray(cfg["y"], dtype=np.int64)
    k = int(y.max()) + 1
    o = cfg["options"]
    folds = cfg["folds"][: args.max_folds or None]
    informative = set(cfg["informative"]) if cfg.get("informative") else None
    n = x.shape[0]
    if any("/blas/libblas.so" in l for l in blas):
        log("WARNING: torch is calling the reference (netlib) BLAS; timings will be far slower than with OpenBLAS")

    runs = []
    for i, test in enumerate(folds):
        test = np.asarray(test, dtype=np.int64)
        train = np.setdiff1d(np.arange(n), test)
        r = fold_run(x, y, k, train, test, o, args.seed, i)
        if informative is not None:
            r["informativeSelected"] = sum(1 for j in r["selected"] if j in informative)
        log(f"  torch: fold {i + 1}/{len(folds)}: accuracy {r['accuracy']:.4f}, sparsity {r['featureSparsity']:.3f}, "
            f"{r['secondsPerEpoch']:.4f} s/epoch")
        runs.append(r)

    acc = [r["accuracy"] for r in runs]
    sp = [r["featureSparsity"] for r in runs]
    spe = [r["secondsPerEpoch"] for r in runs]
    config_text = torch.__config__.show()
    blas_info = next((kv.strip() for kv in config_text.split("Build settings:")[-1].split(",") if kv.strip().startswith("BLAS_INFO")), None)
    print(json.dumps({
        "accuracy": {"values": acc, "mean": statistics.fmean(acc), "std": statistics.stdev(acc) if len(acc) > 1 else 0.0},
        "featureSparsity": {"values": sp, "mean": statistics.fmean(sp), "std": statistics.stdev(sp) if len(sp) > 1 else 0.0},
        "secondsPerEpoch": {"values": spe, "mean": statistics.fmean(spe)},
        "selectedFeatures": [len(r["selected"]) for r in runs],
        "informativeSelected": [r["informativeSelected"] for r in runs] if informative is not None else None,
        "cpuOverWall": [r["cpuOverWall"] for r in runs],
        "finalLoss": [r["losses"][1][-1] if r["losses"][1] else r["losses"][0][-1] for r in runs],
        "runtime": f"PyTorch {torch.__version__} (python {platform.python_version()}, numpy {np.__version__})",
        "threads": torch.get_num_threads(),
        "blas": blas_info,
        "blasLibrariesLoaded": blas,
        "env": {kk: os.environ.get(kk) for kk in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
        "seed": args.seed,
        "folds": len(folds),
    }))


if __name__ == "__main__":
    main()
