"""What the PyTorch baselines of the benchmarks share: one thread (set before torch is imported, since the BLAS
reads these variables when it loads), logging to stderr, which BLAS the process actually mapped — Debian's torch
calls whatever libblas.so.3 the system provides, so the figures depend on it — and the supervised autoencoder
that the training benchmark and the reference both time."""
import os
import re
import sys

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import torch  # noqa: E402  (after the thread variables)
from torch import nn  # noqa: E402


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def loaded_blas_libraries():
    """Shared libraries providing BLAS that are mapped into this process (Linux only)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "/" in line}
    except OSError:
        return []
    return sorted(p for p in paths if re.search(r"blas|mkl|blis|lapack", os.path.basename(p)))


def one_thread():
    """Puts torch on one thread and logs its version and the BLAS it mapped; returns that BLAS list for the report."""
    torch.set_num_threads(1)
    blas = loaded_blas_libraries()
    log(f"torch {torch.__version__}, threads {torch.get_num_threads()}, BLAS {blas}")
    return blas


class SAE(nn.Module):
    """Encoder d -> hidden (SiLU) -> k, the latent being the class logits; decoder k -> hidden (SiLU) -> d."""

    def __init__(self, d, hidden, k):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(d, hidden), nn.SiLU(), nn.Linear(hidden, k))
        self.decoder = nn.Sequential(nn.Linear(k, hidden), nn.SiLU(), nn.Linear(hidden, d))

    def forward(self, x):
        z = self.encoder(x)
        return z, self.decoder(z)
