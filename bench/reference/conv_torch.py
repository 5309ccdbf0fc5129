#!/usr/bin/python3
"""PyTorch reference of sparseproj's convolutional autoencoder compressor (trainCompressor), same weights and batches.

    /usr/bin/python3 bench/reference/conv_torch.py CONFIG.json

CONFIG.json is written by bench/reference/conv-run.mjs: the training and test images (little-endian float32 files,
n x 784, values in [0, 1]), and per run the options, the initial state dict of our ConvAutoencoder (PyTorch's keys
and layout), the batch order (one permutation of the training rows per epoch, those our fit() draws), optionally
the noise our run drew (the checks), and our final state dict (to score it with this file's evaluation too). It
also holds one batch with its noise and our loss and gradients for the gradient check. Prints one JSON object on
stdout; progress goes to stderr.

Written from the description of src/compression/train.ts:
  encoder Conv2d(1,16,3,s2,p1) ReLU Conv2d(16,32,3,s2,p1) ReLU Conv2d(32,C,3,s1,p1); y = 10 * encoder(x);
  decoder Conv2d(C,32,3,p1) ReLU Upsample(x2 nearest) Conv2d(32,16,3,p1) ReLU Upsample(x2) Conv2d(16,1,3,p1), sigmoid;
  loss = mean((sigmoid(D(y + u)) - x)^2) + lambda * mean|y|, u ~ U(-1/2, 1/2) (torch.rand with its own generator
  seeded seed + 2, unless the config gives the noise); Adam(lr) with torch's defaults, a fresh one per phase;
  projection: in the last `projectedEpochs` epochs of phase 1 every projected weight W [O, I, 3, 3] is projected
  after each step onto the bilevel ball (groups = input channels) of radius rho * ||W||, the norm taken when those
  epochs begin; at the end of phase 1 it is projected once more, its zeros become its mask, and the producer's
  filters and biases for its dead input channels are masked too; phase 2 zeroes masked gradients before each step
  and masked weights after it.
Evaluation: y_hat = sign(y) floor(|y| + 1/2) (ties away from zero, in float64: torch.round would round half to
even); PSNR = 10 log10(1 / MSE) pooled over every test pixel; rate = sum over the latent channels decoder.0 reads
of the empirical entropy of that channel's symbols over the test set (bits) * 49 / 784.
"""
import os
import sys

# torch_env first: it sets one thread before torch loads.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from torch_env import log, one_thread  # noqa: E402

import argparse
import json
import math
import platform
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CONVS = ["encoder.0", "encoder.2", "encoder.4", "decoder.0", "decoder.3", "decoder.6"]
OUTPUT_SIDE = {"encoder.0": 14, "encoder.2": 7, "encoder.4": 7, "decoder.0": 7, "decoder.3": 14, "decoder.6": 28}


class ConvAutoencoder(nn.Module):
    def __init__(self, channels, gain):
        super().__init__()
        self.gain = gain
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, channels, 3, stride=1, padding=1))
        self.decoder = nn.Sequential(
            nn.Conv2d(channels, 32, 3, padding=1), nn.ReLU(), nn.Upsample(scale_factor=2, mode="nearest"),
            nn.Conv2d(32, 16, 3, padding=1), nn.ReLU(), nn.Upsample(scale_factor=2, mode="nearest"),
            nn.Conv2d(16, 1, 3, padding=1))

    def encode(self, x):
        return self.gain * self.encoder(x)

    def decode(self, y):
        return torch.sigmoid(self.decoder(y))

    def conv(self, name):
        part, index = name.split(".")
        return getattr(self, part)[int(index)]


def build(options, state):
    """The model with our initial weights; `state` is our stateDict() (mask entries, if any, are not weights)."""
    model = ConvAutoencoder(options["channels"], options["gain"])
    model.load_state_dict({k: torch.tensor(v["data"], dtype=torch.float32).reshape(v["shape"])
                           for k, v in state.items() if not k.endswith("_mask")})
    return model


def loss_of(model, x, noise, lam):
    y = model.encode(x)
    distortion = F.mse_loss(model.decode(y + noise(y.shape)), x)
    return distortion + lam * y.abs().mean() if lam else distortion


# ---- projections, from their definitions (float64, sort-based) ----

def group_norms(W, kind):
    """The norm of each input-channel group W[:, c, :, :]: max |.| (inf), sum |.| (1) or Euclidean (2)."""
    G = W.transpose(0, 1).reshape(W.shape[1], -1).abs()
    return {"inf": lambda: G.amax(1), "1": lambda: G.sum(1), "2": lambda: G.pow(2).sum(1).sqrt()}[kind]()


def l1_ball_rows(V, radii):
    """Each row of V >= 0 projected onto the l1 ball of its radius: max(V - theta, 0), theta from the sorted rows."""
    mu = V.sort(dim=1, descending=True).values
    cs = mu.cumsum(1)
    j = torch.arange(1, V.shape[1] + 1, dtype=V.dtype)
    count = (mu * j > cs - radii[:, None]).sum(1).clamp(min=1)
    theta = ((cs.gather(1, (count - 1)[:, None]).squeeze(1) - radii) / count).clamp(min=0)
    out = (V - theta[:, None]).clamp(min=0)
    return torch.where(radii[:, None] > 0, out, torch.zeros_like(out))


def bilevel(W, kind, eta):
    """The bilevel projection of a conv weight [O, I, kh, kw] by input channel, radius eta (a new float32 tensor)."""
    W64 = W.double()
    v = group_norms(W64, kind)
    if v.sum() <= eta:
        return W.clone()
    u = l1_ball_rows(v[None, :], torch.tensor([eta], dtype=torch.float64))[0]
    G = W64.transpose(0, 1).reshape(W.shape[1], -1)
    if kind == "inf":
        P = torch.maximum(torch.minimum(G, u[:, None]), -u[:, None])
    elif kind == "1":
        P = G.sign() * l1_ball_rows(G.abs(), u)
    else:
        P = G * torch.where(v > 0, (u / v).clamp(max=1), torch.zeros_like(v))[:, None]
    return P.reshape(W.shape[1], W.shape[0], *W.shape[2:]).transpose(0, 1).float().contiguous()


KINDS = {"bilevel-l1inf": "inf", "bilevel-l11": "1", "bilevel-l12": "2"}


def projected_pairs(layers):
    """(consumer, producer) in data order: each projected conv with the conv that makes its input channels."""
    pairs = list(zip(CONVS[1:], CONVS[:-1]))
    if layers in (None, "all"):
        return pairs
    if layers == "latent":
        return [p for p in pairs if p[0] == "decoder.0"]
    return [next(p for p in pairs if p[0] == name) for name in layers]


# ---- training ----

def train(model, X, options, orders, noise, clock):
    """Both phases as trainCompressor runs them; returns the epoch losses, radii and masks."""
    e1, e2 = options["epochs"]
    projection = options.get("projection")
    projected_from = e1 - projection.get("projectedEpochs", 0) if projection else e1
    pairs = projected_pairs(projection.get("layers")) if projection else []
    kind = KINDS[projection.get("kind", "bilevel-l1inf")] if projection else None
    batch, lam = options["batchSize"], options["lambda"]
    n = X.shape[0]
    epoch_orders = iter(orders)
    radii = {}
    masks = {}

    def radius(name):
        if name not in radii:
            norm = group_norms(model.conv(name).weight.detach().double(), kind).sum().item()
            radii[name] = {"layer": name, "norm": norm, "radius": projection["rho"] * norm}
        return radii[name]["radius"]

    def project(name):
        W = model.conv(name).weight
        W.copy_(bilevel(W.detach(), kind, radius(name)))

    def run_epochs(optimizer, count, constrained):
        losses = []
        for _ in range(count):
            order = torch.from_numpy(next(epoch_orders).astype(np.int64))
            total = 0.0
            for start in range(0, n, batch):
                xb = X[order[start:start + batch]].reshape(-1, 1, 28, 28)
                optimizer.zero_grad(set_to_none=True)
                loss = loss_of(model, xb, noise, lam)
                loss.backward()
                with torch.no_grad():
                    for p, m in masks.values():
                        p.grad.mul_(m)
                optimizer.step()
                with torch.no_grad():
                    for p, m in masks.values():
                        p.mul_(m)
                    for consumer, _ in (pairs if constrained else []):
                        project(consumer)
                total += loss.item() * xb.shape[0]
            losses.append(total / n)
            clock(losses[-1])
        return losses

    losses1 = []
    if e1:
        optimizer = torch.optim.Adam(model.parameters(), lr=options["lr"])
        losses1 = run_epochs(optimizer, projected_from, False)
        if projected_from < e1:
            with torch.no_grad():
                for consumer, _ in pairs:
                    radius(consumer)
            losses1 += run_epochs(optimizer, e1 - projected_from, True)
    if projection:
        with torch.no_grad():
            for consumer, producer in pairs:
                project(consumer)
                W = model.conv(consumer).weight
                masks[f"{consumer}.weight"] = (W, (W != 0).float())
                alive = (W != 0).any(dim=3).any(dim=2).any(dim=0).float()
                conv = model.conv(producer)
                for key, p, keep in ((f"{producer}.weight", conv.weight, alive.reshape(-1, 1, 1, 1).expand_as(conv.weight)),
                                     (f"{producer}.bias", conv.bias, alive)):
                    merged = keep * masks[key][1] if key in masks else keep.contiguous()
                    masks[key] = (p, merged)
                    p.mul_(merged)
    losses2 = run_epochs(torch.optim.Adam(model.parameters(), lr=options["lr"]), e2, False) if e2 else []
    return {"losses": [losses1, losses2], "radii": list(radii.values()), "masks": {k: m for k, (_, m) in masks.items()}}


# ---- evaluation ----

def round_half_away(y):
    y = y.double()
    return (y.sign() * (y.abs() + 0.5).floor()).to(torch.int64)


def sparsity(model):
    layers = []
    for name in CONVS:
        W = model.conv(name).weight.detach()
        o, i = W.shape[:2]
        used = W != 0
        zero_in = int((~used.any(dim=3).any(dim=2).any(dim=0)).sum())
        zero_out = int((~used.any(dim=3).any(dim=2).any(dim=1)).sum())
        side = OUTPUT_SIDE[name]
        layers.append({"name": name, "inputs": i, "outputs": o, "zeroInputs": zero_in, "zeroOutputs": zero_out,
                       "macs": {"before": 9 * o * i * side * side, "after": 9 * (o - zero_out) * (i - zero_in) * side * side}})
    return layers


def evaluate(model, X, batch=500):
    n, pixels = X.shape[0], X.shape[1]
    squared = squared_float = 0.0
    symbols = []
    with torch.no_grad():
        for start in range(0, n, batch):
            x = X[start:start + batch].reshape(-1, 1, 28, 28)
            y = model.encode(x)
            q = round_half_away(y)
            squared += (model.decode(q.float()).double() - x.double()).pow(2).sum().item()
            squared_float += (model.decode(y).double() - x.double()).pow(2).sum().item()
            symbols.append(q)
    symbols = torch.cat(symbols)
    channels, spatial = symbols.shape[1], symbols.shape[2] * symbols.shape[3]
    W = model.conv("decoder.0").weight.detach()
    kept = [c for c in range(channels) if bool((W[:, c] != 0).any())]
    channel_bits = []
    for c in range(channels):
        _, counts = symbols[:, c].flatten().unique(return_counts=True)
        p = counts.double() / counts.sum()
        channel_bits.append(float(-(p * p.log2()).sum()) * spatial / pixels)
    layers = sparsity(model)
    return {
        "psnr": 10 * math.log10(n * pixels / squared), "psnrFloat": 10 * math.log10(n * pixels / squared_float),
        "kept": kept, "bitsPerPixel": sum(channel_bits[c] for c in kept), "channelBitsPerPixel": channel_bits,
        "layers": layers, "macs": {"before": sum(l["macs"]["before"] for l in layers), "after": sum(l["macs"]["after"] for l in layers)},
    }


# ---- the config's inputs ----

def load_f32(spec):
    return torch.from_numpy(np.fromfile(spec["file"], dtype="<f4").reshape(spec["rows"], -1).copy())


def load_orders(spec):
    return np.fromfile(spec["file"], dtype="<i4").reshape(spec["epochs"], spec["rows"])


def torch_noise(seed):
    generator = torch.Generator().manual_seed(seed)
    return lambda shape: torch.rand(shape, generator=generator) - 0.5


def given_noise(spec):
    """Our run's noise draws, consumed in order (the checks: then the two sides see the same u)."""
    values = torch.from_numpy(np.fromfile(spec["file"], dtype="<f4").copy())
    at = [0]

    def draw(shape):
        size = math.prod(shape)
        out = values[at[0]:at[0] + size].reshape(shape)
        at[0] += size
        return out
    return draw


def state_tensors(state):
    return {k: torch.tensor(v["data"], dtype=torch.float32).reshape(v["shape"]) for k, v in state.items()}


def differences(model, ours, masks):
    """Per parameter: max |ours - torch| against max |torch|, and how many mask entries differ."""
    out = {}
    for name, p in model.state_dict().items():
        theirs = ours[name]
        out[name] = {"maxAbsDiff": float((theirs - p).abs().max()), "maxAbs": float(p.abs().max())}
        if f"{name}_mask" in ours or name in masks:
            a = ours.get(f"{name}_mask", torch.ones_like(p))
            b = masks.get(name, torch.ones_like(p))
            out[name]["maskEntriesDiffering"] = int((a != b).sum())
            out[name]["maskedEntries"] = int((b == 0).sum())
    return out


def gradient_check(spec, options):
    """Loss and gradients of one batch from our initial weights with our noise, against ours."""
    model = build(options, spec["initial"])
    x = load_f32(spec["batch"]).reshape(-1, 1, 28, 28)
    u = load_f32(spec["noise"]).reshape(x.shape[0], options["channels"], 7, 7)
    loss = loss_of(model, x, lambda shape: u, options["lambda"])
    loss.backward()
    ours = state_tensors(spec["oursGrad"])
    grads = {name: {"maxAbsDiff": float((ours[name] - p.grad).abs().max()), "maxAbs": float(p.grad.abs().max())}
             for name, p in model.named_parameters()}
    projections = []
    for item in spec["projections"]:
        W = model.conv(item["layer"]).weight.detach()
        kind = KINDS[item["kind"]]
        norm = group_norms(W.double(), kind).sum().item()
        P = bilevel(W, kind, item["rho"] * norm)
        theirs = torch.tensor(item["ours"], dtype=torch.float32).reshape(W.shape)
        projections.append({**{k: item[k] for k in ("layer", "kind", "rho")}, "norm": norm, "oursNorm": item["norm"],
                            "maxAbsDiff": float((theirs - P).abs().max()), "maxAbs": float(P.abs().max()),
                            "zeros": int((P == 0).sum()), "oursZeros": int((theirs == 0).sum())})
    return {"loss": loss.item(), "oursLoss": spec["oursLoss"], "gradients": grads, "projections": projections}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("config")
    args = ap.parse_args()
    blas = one_thread()
    with open(args.config) as f:
        cfg = json.load(f)
    data = {k: load_f32(v) for k, v in cfg["data"].items()}
    out = {"runs": []}
    if cfg.get("gradientCheck"):
        out["gradientCheck"] = gradient_check(cfg["gradientCheck"], cfg["gradientCheck"]["options"])
        log(f"torch: gradient check: loss {out['gradientCheck']['loss']:.7f} (ours {out['gradientCheck']['oursLoss']:.7f})")
    for run in cfg["runs"]:
        o = run["options"]
        X = data[run["train"]]
        model = build(o, run["initial"])
        noise = given_noise(run["noise"]) if run.get("noise") else torch_noise(o["seed"] + 2)
        epochs = []
        last = [time.perf_counter(), time.process_time()]

        def clock(loss):
            wall, cpu = time.perf_counter(), time.process_time()
            epochs.append({"epoch": len(epochs) + 1, "wall": wall - last[0], "cpu": cpu - last[1], "loss": loss})
            log(f"  torch {run['key']}: epoch {len(epochs)}: {epochs[-1]['wall']:.2f} s wall, {epochs[-1]['cpu']:.2f} s CPU, loss {loss:.6f}")
            last[:] = [time.perf_counter(), time.process_time()]

        trained = train(model, X, o, load_orders(run["order"]), noise, clock)
        result = {"key": run["key"], "losses": trained["losses"], "radii": trained["radii"], "epochs": epochs,
                  "secondsPerEpoch": sum(e["wall"] for e in epochs) / len(epochs),
                  "cpuSecondsPerEpoch": sum(e["cpu"] for e in epochs) / len(epochs)}
        if run.get("test"):
            result["evaluation"] = evaluate(model, data[run["test"]])
            if run.get("ours"):
                result["oursEvaluatedHere"] = evaluate(build(o, run["ours"]), data[run["test"]])
        if run.get("ours") and run.get("compareWeights"):
            result["weights"] = differences(model, state_tensors(run["ours"]), trained["masks"])
        log(f"torch {run['key']}: done" + (f", PSNR {result['evaluation']['psnr']:.3f} dB, rate {result['evaluation']['bitsPerPixel']:.4f} bits/px" if "evaluation" in result else ""))
        out["runs"].append(result)
    out.update({
        "runtime": f"PyTorch {torch.__version__} (python {platform.python_version()}, numpy {np.__version__})",
        "threads": torch.get_num_threads(),
        "blasLibrariesLoaded": blas,
        "env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
    })
    print(json.dumps(out))


if __name__ == "__main__":
    main()
