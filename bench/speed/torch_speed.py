#!/usr/bin/python3
"""PyTorch's side of bench/speed.mjs: milliseconds per training step of the same workloads (bench/speed/workloads.mjs,
given as JSON in argv[1]) on one thread, and GFLOP/s of torch.mm (OpenBLAS) at the same shapes. One JSON object out.

    /usr/bin/python3 bench/speed/torch_speed.py '{"workloads": {...}, "names": [...], "rounds": 5, "matmul": [...]}'
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from torch_env import loaded_blas_libraries, one_thread  # noqa: E402

import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def data(w):
    n = w["batches"] * w["batch"] * w["features"]
    return torch.rand(n, generator=torch.Generator().manual_seed(0)).reshape(w["batches"], w["batch"], w["features"])


def huber_energy(z):
    # The same operations as sparseproj's Huber-energy loss (constants aside: they do not change the time).
    n = z.shape[0]
    pairwise = torch.cdist(z, z, p=2.0, compute_mode="donot_use_mm_for_euclid_dist")
    return torch.sqrt((z * z).sum(1) + 1.0).mean() - pairwise.sum() / (2.0 * n * n)


def setup(name, w):
    torch.manual_seed(0)
    X = data(w)
    if name == "conv":
        enc = nn.Sequential(nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.ReLU(),
                            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
                            nn.Conv2d(32, 8, 3, stride=1, padding=1))
        dec = nn.Sequential(nn.Conv2d(8, 32, 3, padding=1), nn.ReLU(), nn.Upsample(scale_factor=2, mode="nearest"),
                            nn.Conv2d(32, 16, 3, padding=1), nn.ReLU(), nn.Upsample(scale_factor=2, mode="nearest"),
                            nn.Conv2d(16, 1, 3, padding=1))
        opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=2e-3)

        def step(s):
            x = X[s % w["batches"]].reshape(w["batch"], 1, 28, 28)
            opt.zero_grad(set_to_none=True)
            y = 10 * enc(x)
            loss = F.mse_loss(torch.sigmoid(dec(y + torch.rand(y.shape) - 0.5)), x) + 1e-4 * y.abs().mean()
            loss.backward()
            opt.step()
        return step
    d, h, k = w["features"], w["hidden"], w["latent"]
    act = nn.ReLU if name == "vae" else nn.SiLU
    enc = nn.Sequential(nn.Linear(d, h), act(), nn.Linear(h, k))
    dec = nn.Sequential(nn.Linear(k, h), act(), nn.Linear(h, d))
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)
    labels = torch.arange(w["batch"]) % k

    def step(s):
        x = X[s % w["batches"]]
        opt.zero_grad(set_to_none=True)
        z = enc(x)
        if name == "vae":
            loss = F.mse_loss(torch.sigmoid(dec(z)), x, reduction="sum") / x.shape[0] + 20 * huber_energy(z)
        else:
            loss = F.cross_entropy(z, labels) + F.smooth_l1_loss(dec(z), x)
        loss.backward()
        opt.step()
    return step


def gflops(form, m, n, k):
    a = torch.rand(k, m).t() if form == "TN" else torch.rand(m, k)
    b = torch.rand(n, k).t() if form == "NT" else torch.rand(k, n)
    out = torch.empty(m, n)
    call = lambda: torch.mm(a, b, out=out)  # noqa: E731
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 0.05:
        call()
    repeats = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(repeats):
            call()
        if time.perf_counter() - t0 >= 0.002:
            break
        repeats *= 2
    samples = []
    for _ in range(11):
        t0 = time.perf_counter()
        for _ in range(repeats):
            call()
        samples.append((time.perf_counter() - t0) / repeats)
    return 2 * m * n * k / statistics.median(samples) / 1e9


def main():
    spec = json.loads(sys.argv[1])
    one_thread()
    out = {"torch": torch.__version__, "blas": loaded_blas_libraries(), "steps": {}, "matmul": {}}
    for name in spec["names"]:
        w = spec["workloads"][name]
        step = setup(name, w)
        for s in range(w["warmup"]):
            step(s)
        times = []
        for _ in range(spec["rounds"]):
            t0 = time.perf_counter()
            for s in range(w["perRound"]):
                step(s)
            times.append((time.perf_counter() - t0) * 1000 / w["perRound"])
        out["steps"][name] = {"msPerStep": statistics.median(times), "rounds": times}
    for form, m, n, k in spec["matmul"]:
        out["matmul"][f"{form} {m}x{n}x{k}"] = gflops(form, m, n, k)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
