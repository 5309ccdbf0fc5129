#!/usr/bin/python3
"""PyTorch baseline for the supervised-autoencoder training benchmark.

Run with Debian's python3-torch:  /usr/bin/python3 bench/train/torch_sae.py [--epochs N] [--seed S]

Prints one JSON object on stdout; progress goes to stderr.
The data, the shuffles and the initial weights come from the same seeded
generator (mulberry32) as bench/train/tfjs_sae.mjs, so both scripts train the
same network on the same batches in the same order and their losses can be
compared.
"""
import os
import sys

# torch_env first: it sets one thread before torch loads.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from torch_env import SAE, loaded_blas_libraries, log  # noqa: E402

import argparse
import json
import math
import platform
import statistics
import time

import torch
import torch.nn.functional as F

# ---- shared problem definition (keep in sync with tfjs_sae.mjs) ----
N_ROWS, D, HIDDEN, K = 750, 1000, 100, 2
BATCH = 8
LR, BETAS, EPS = 1e-3, (0.9, 0.999), 1e-8
SHIFTED_FEATURES, SHIFT = 20, 1.0
LAMBDA_RECON = 1.0



class Mulberry32:
    """Same 32-bit generator as the JS script (results identical bit for bit)."""

    def __init__(self, seed):
        self.a = seed & 0xFFFFFFFF

    def random(self):
        self.a = (self.a + 0x6D2B79F5) & 0xFFFFFFFF
        t = self.a
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t = t ^ ((t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF)
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296.0

    def normal(self):
        # Box-Muller, one value per pair of uniforms.
        u1 = 1.0 - self.random()
        u2 = self.random()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def make_data(seed):
    """Labels alternate 0/1; x = N(0,1) noise, +SHIFT (class 1) / -SHIFT (class 0) on the first 20 features."""
    rng = Mulberry32(seed)
    normal = rng.normal
    x = [normal() for _ in range(N_ROWS * D)]
    labels = [i % 2 for i in range(N_ROWS)]
    for i, y in enumerate(labels):
        s = SHIFT if y == 1 else -SHIFT
        base = i * D
        for j in range(SHIFTED_FEATURES):
            x[base + j] += s
    return torch.tensor(x, dtype=torch.float32).view(N_ROWS, D), torch.tensor(labels, dtype=torch.int64)


def permutation(rng, n):
    """Fisher-Yates with the shared generator (same order as the JS script)."""
    p = list(range(n))
    for i in range(n - 1, 0, -1):
        j = int(rng.random() * (i + 1))
        p[i], p[j] = p[j], p[i]
    return p



def init_like_torch(model, seed):
    """nn.Linear's default init (kaiming_uniform a=sqrt(5) => U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias),
    drawn from the shared generator so the JS script starts from the same weights."""
    rng = Mulberry32(seed)
    with torch.no_grad():
        for layer in (model.encoder[0], model.encoder[2], model.decoder[0], model.decoder[2]):
            out_f, in_f = layer.weight.shape
            bound = 1.0 / math.sqrt(in_f)
            w = [(2.0 * rng.random() - 1.0) * bound for _ in range(out_f * in_f)]
            b = [(2.0 * rng.random() - 1.0) * bound for _ in range(out_f)]
            layer.weight.copy_(torch.tensor(w, dtype=torch.float32).view(out_f, in_f))
            layer.bias.copy_(torch.tensor(b, dtype=torch.float32))



def train_epoch(model, opt, X, Y, order):
    total, count = 0.0, 0
    for start in range(0, N_ROWS, BATCH):
        idx = order[start:start + BATCH]
        xb, yb = X[idx], Y[idx]
        opt.zero_grad(set_to_none=True)
        z, xhat = model(xb)
        loss = F.cross_entropy(z, yb) + LAMBDA_RECON * F.smooth_l1_loss(xhat, xb, beta=1.0)
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
        count += len(idx)
    return total / count  # mean training loss over the epoch (per-sample weighted)


def gflops(fn, m, n, k, min_sample_s=0.005, samples=31, warmup_s=0.05):
    """Median GFLOP/s of fn() computing an (m x k)(k x n) product: 2*m*n*k flops per call."""
    t_end = time.perf_counter() + warmup_s
    calls = 0
    while time.perf_counter() < t_end:
        fn()
        calls += 1
    per_call = warmup_s / max(calls, 1)
    reps = max(1, int(math.ceil(min_sample_s / per_call)))
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        times.append((time.perf_counter() - t0) / reps)
    return 2.0 * m * n * k / statistics.median(times) / 1e9


def matmul_suite():
    g = torch.Generator().manual_seed(0)
    out = {}
    for rows in (8, 256):
        x = torch.randn(rows, D, generator=g)
        W = torch.randn(HIDDEN, D, generator=g)
        dy = torch.randn(rows, HIDDEN, generator=g)
        Wt = W.t()  # a view, as in F.linear: x @ W^T
        dyt = dy.t()
        with torch.no_grad():
            out[f"{rows}x{D}x{HIDDEN} forward (x·Wt)"] = gflops(lambda: torch.matmul(x, Wt), rows, HIDDEN, D)
            out[f"{HIDDEN}x{rows}x{D} backward dW (dyt·x)"] = gflops(lambda: torch.matmul(dyt, x), HIDDEN, D, rows)
            out[f"{rows}x{HIDDEN}x{D} backward dx (dy·W)"] = gflops(lambda: torch.matmul(dy, W), rows, D, HIDDEN)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=5, help="timed epochs after one warm-up epoch (default 5)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--no-matmul", action="store_true", help="skip the matmul GFLOP/s measurements")
    args = ap.parse_args()
    if args.epochs < 1:
        ap.error("--epochs must be >= 1")

    torch.set_num_threads(1)
    config_text = torch.__config__.show()
    config_lines = [line.strip() for line in config_text.splitlines() if line.strip()]
    blas_info = next((kv.strip() for kv in config_text.split("Build settings:")[-1].split(",")
                      if kv.strip().startswith("BLAS_INFO")), None)
    blas_libs = loaded_blas_libraries()
    log(f"torch {torch.__version__}, python {platform.python_version()}, threads {torch.get_num_threads()}")
    log("\n".join(config_lines[:6]))
    log(f"{blas_info}; BLAS libraries mapped: {blas_libs}")
    if any("/blas/libblas.so" in l for l in blas_libs):
        log("WARNING: torch is calling the reference (netlib) BLAS from libblas3; matmuls will be ~20x slower than "
            "with OpenBLAS (install libopenblas0 or point LD_LIBRARY_PATH at an OpenBLAS libblas.so.3)")

    t0 = time.perf_counter()
    X, Y = make_data(args.seed)
    model = SAE(D, HIDDEN, K)
    init_like_torch(model, args.seed + 1)
    opt = torch.optim.Adam(model.parameters(), lr=LR, betas=BETAS, eps=EPS)
    shuffle_rng = Mulberry32(args.seed + 2)
    log(f"data + init: {time.perf_counter() - t0:.2f} s")

    losses, times, cpu_times = [], [], []
    for epoch in range(args.epochs + 1):  # epoch 0 = warm-up
        order = torch.tensor(permutation(shuffle_rng, N_ROWS), dtype=torch.int64)
        c0, t0 = time.process_time(), time.perf_counter()
        loss = train_epoch(model, opt, X, Y, order)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        losses.append(loss)
        if epoch > 0:
            times.append(dt)
            cpu_times.append(dc)
        log(f"epoch {epoch}{' (warm-up)' if epoch == 0 else ''}: {dt:.3f} s, mean loss {loss:.5f}")

    with torch.no_grad():
        z, _ = model(X)
        accuracy = (z.argmax(1) == Y).float().mean().item()

    matmul = {} if args.no_matmul else matmul_suite()
    for k, v in matmul.items():
        log(f"matmul {k}: {v:.2f} GFLOP/s")

    print(json.dumps({
        "runtime": f"PyTorch {torch.__version__} (python {platform.python_version()})",
        "threads": torch.get_num_threads(),
        "secondsPerEpoch": {"median": statistics.median(times), "all": times},
        "finalLoss": losses[-1],
        "cpuTimeOverWallTime": sum(cpu_times) / sum(times),  # ~1.0 means one core busy
        "lossPerEpoch": losses,
        "trainAccuracy": accuracy,
        "matmul": matmul,
        "config": {
            "torchConfig": config_lines[:4],
            "blas": blas_info,
            "blasLibrariesLoaded": blas_libs,
            "mkldnnAvailable": torch.backends.mkldnn.is_available(),
            "mklAvailable": torch.backends.mkl.is_available(),
            "env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
        },
        "setup": {
            "rows": N_ROWS, "features": D, "hidden": HIDDEN, "latent": K, "batch": BATCH,
            "warmupEpochs": 1, "timedEpochs": args.epochs, "seed": args.seed,
            "loss": "cross_entropy(z, y) + 1.0 * smooth_l1(xhat, x, beta=1), both mean",
            "optimizer": f"Adam(lr={LR}, betas={BETAS}, eps={EPS})",
            "finalLoss": "mean training loss over the last epoch (per-sample weighted over batches)",
        },
    }))


if __name__ == "__main__":
    main()
