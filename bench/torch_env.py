"""What every PyTorch baseline of the benchmarks shares: one thread (set before torch is imported, since the BLAS
reads these variables when it loads), logging to stderr, and which BLAS the process actually mapped — Debian's
torch calls whatever libblas.so.3 the system provides, so the figures depend on it."""
import os
import re
import sys

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")


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
