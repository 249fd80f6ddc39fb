"""What the PyTorch side of the benchmarks needs from this machine (imported by models_torch.py and sqrt_torch.py)."""
import os
import sys


def require_openblas():
    """Debian's python3-torch calls the system BLAS: the reference libblas3 is 3-30x slower than OpenBLAS,
    which is what a PyTorch user runs on (pip's torch ships MKL). Refuse to time against it."""
    lib = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    if os.path.exists(lib) and "openblas" not in lib:
        sys.exit("PyTorch would run on the reference BLAS (" + lib + "); apt-get install libopenblas0-pthread first")
