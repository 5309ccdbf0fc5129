#!/usr/bin/python3
"""PyTorch reference of sparseproj's two generative models, for the training time per epoch.

    /usr/bin/python3 bench/reference/generative_torch.py CONFIG.json [--models sae,vae]

CONFIG.json is written by bench/reference/generative-run.mjs: for each model, the path of a little-endian float32
training matrix (rows x features, exactly the rows our side trains on), the labels (SAE), the options and, for the
VAE, the constants c0, c1 of our huberEnergyConstants(k). Prints one JSON object on stdout; progress goes to stderr.

Written independently from the descriptions in docs/generative.md and docs/vae.md:
  (a) generative SAE (phase 1 only): encoder d -> 128 -> 64 -> 32 -> 16 -> k (ReLU after each hidden layer), the
      latent = the k class logits, mirrored decoder k -> 16 -> 32 -> 64 -> 128 -> d (no output activation);
      loss = cross_entropy(z, y) (mean) + lambda * smooth_l1(xhat, x, beta=1) (mean), lambda = 1; Adam lr 1e-3;
      batch 32, rows reshuffled every epoch; raw pixels (no preprocessing).
  (b) Huber-energy VAE: encoder d -> 256 -> k (ReLU), decoder k -> 256 -> d (ReLU) then sigmoid;
      loss = (1/n) sum_i ||x_i - xhat_i||^2 + lambda * L_HE(z), lambda = 20, k = 8, Adam lr 1e-3, batch 128;
      L_HE(z) = c0 + (1/n) sum_i sqrt(||z_i||^2 + c1) - (1/(2 n^2)) sum_i sum_j ||z_i - z_j||, the pairwise norms by
      torch.cdist(z, z, compute_mode='donot_use_mm_for_euclid_dist') (exact; its gradient at a zero distance is 0,
      the subgradient our fused kernel takes).
Timing: `epochs` epochs (default 4); the first is a warm-up; seconds per epoch = median of the others, wall
(time.perf_counter) and CPU (time.process_time). One thread: torch.set_num_threads(1) and OMP/OPENBLAS/MKL = 1.
"""
import os
import sys

# torch_env first: it sets one thread before torch loads.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from torch_env import log, one_thread  # noqa: E402

import argparse
import json
import platform
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F




def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def load_matrix(spec):
    x = np.fromfile(spec["file"], dtype="<f4").reshape(spec["rows"], spec["cols"])
    return torch.from_numpy(x.copy())


def timed_epochs(epochs, one_epoch):
    """Runs one_epoch() `epochs` times; per epoch: wall seconds, CPU seconds, the returned training loss."""
    out = []
    for e in range(epochs):
        c0, t0 = time.process_time(), time.perf_counter()
        loss = one_epoch()
        out.append({"epoch": e + 1, "wall": time.perf_counter() - t0, "cpu": time.process_time() - c0, "loss": loss})
        log(f"  torch: epoch {e + 1}/{epochs}: {out[-1]['wall']:.3f} s wall, {out[-1]['cpu']:.3f} s CPU, loss {loss:.5f}")
    return out


def summary(rows):
    timed = rows[1:] if len(rows) > 1 else rows
    return {
        "epochs": rows,
        "secondsPerEpoch": statistics.median(r["wall"] for r in timed),
        "cpuSecondsPerEpoch": statistics.median(r["cpu"] for r in timed),
        "finalLoss": rows[-1]["loss"],
    }


def run_sae(spec, seed):
    X = load_matrix(spec["x"])
    Y = torch.tensor(spec["y"], dtype=torch.int64)
    o = spec["options"]
    k = int(Y.max()) + 1
    d = X.shape[1]
    torch.manual_seed(seed)
    encoder = mlp([d, *o["hidden"], k])
    decoder = mlp([k, *reversed(o["hidden"]), d])
    params = list(encoder.parameters()) + list(decoder.parameters())
    opt = torch.optim.Adam(params, lr=o["lr"])
    n, batch, lam = X.shape[0], o["batchSize"], o["lambda"]

    def epoch():
        order = torch.randperm(n)
        total = 0.0
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            xb, yb = X[idx], Y[idx]
            opt.zero_grad(set_to_none=True)
            z = encoder(xb)
            loss = F.cross_entropy(z, yb) + lam * F.smooth_l1_loss(decoder(z), xb, beta=1.0)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        return total / n  # as our fit(): the batch losses weighted by their rows

    return summary(timed_epochs(spec["epochs"], epoch))


def huber_energy(z, c0, c1):
    n = z.shape[0]
    pairwise = torch.cdist(z, z, p=2.0, compute_mode="donot_use_mm_for_euclid_dist")
    return c0 + torch.sqrt((z * z).sum(1) + c1).mean() - pairwise.sum() / (2.0 * n * n)


def run_vae(spec, seed):
    X = load_matrix(spec["x"])
    o = spec["options"]
    c0, c1 = spec["constants"]["c0"], spec["constants"]["c1"]
    d, k = X.shape[1], o["latent"]
    torch.manual_seed(seed)
    encoder = mlp([d, *o["hidden"], k])
    decoder = mlp([k, *reversed(o["hidden"]), d])
    opt = torch.optim.Adam(list(encoder.parameters()) + list(decoder.parameters()), lr=o["lr"])
    n, batch, lam = X.shape[0], o["batchSize"], o["lambda"]
    # The loss against our closed form at a fixed point: both sides print it (a check that it is the same function).
    g = torch.Generator().manual_seed(1)
    probe = torch.randn(16, k, generator=g, dtype=torch.float64)
    probe_value = huber_energy(probe, c0, c1).item()

    def epoch():
        order = torch.randperm(n)
        rec_sum = lat_sum = 0.0
        batches = 0
        for start in range(0, n, batch):
            xb = X[order[start:start + batch]]
            opt.zero_grad(set_to_none=True)
            z = encoder(xb)
            rec = F.mse_loss(torch.sigmoid(decoder(z)), xb, reduction="sum") / xb.shape[0]
            lat = huber_energy(z, c0, c1)
            loss = rec + lam * lat
            loss.backward()
            opt.step()
            rec_sum += rec.item()
            lat_sum += lat.item()
            batches += 1
        # As our trainVAE's history: the mean over batches of each term, loss = rec + lambda * latent.
        return rec_sum / batches + lam * lat_sum / batches

    out = summary(timed_epochs(spec["epochs"], epoch))
    out["probe"] = {"rows": probe.tolist(), "value": probe_value}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("config")
    ap.add_argument("--models", default="sae,vae")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    blas = one_thread()
    with open(args.config) as f:
        cfg = json.load(f)
    results = {}
    for name in args.models.split(","):
        log(f"torch: {name}")
        results[name] = (run_sae if name == "sae" else run_vae)(cfg[name], args.seed)
    config_text = torch.__config__.show()
    blas_info = next((kv.strip() for kv in config_text.split("Build settings:")[-1].split(",") if kv.strip().startswith("BLAS_INFO")), None)
    print(json.dumps({
        "models": results,
        "runtime": f"PyTorch {torch.__version__} (python {platform.python_version()}, numpy {np.__version__})",
        "threads": torch.get_num_threads(),
        "blas": blas_info,
        "blasLibrariesLoaded": blas,
        "env": {kk: os.environ.get(kk) for kk in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
    }))


if __name__ == "__main__":
    main()
