"""The machine a benchmark ran on: CPU, cores, Python, NumPy and its BLAS, Qt, date.

No threadpoolctl: NumPy's build configuration comes from np.show_config, and the number of threads
OpenBLAS uses at run time is asked of the loaded library itself through ctypes.
"""
from __future__ import annotations

import ctypes
import datetime
import importlib.metadata
import os
import platform
import sys

import numpy as np


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_flags() -> str:
    """The vector extensions the BLAS kernels can use (from /proc/cpuinfo)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return " ".join(f for f in ("sse4_2", "avx", "avx2", "fma", "avx512f") if f in flags)
    except OSError:
        pass
    return ""


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def blas_build() -> str:
    """NumPy's BLAS as np.show_config reports it: name, version and OpenBLAS's configuration."""
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    except Exception:  # older NumPy: no dict mode
        return "unknown"
    text = f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    config = blas.get("openblas configuration")
    return f"{text} ({config})" if config else text


def _openblas_library():
    """The OpenBLAS loaded into this process (NumPy's), from /proc/self/maps."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
            paths = {line.split()[-1] for line in f if "openblas" in line.lower() and "/" in line}
    except OSError:
        return None
    for path in sorted(paths):
        try:
            return ctypes.CDLL(path)
        except OSError:
            continue
    return None


def blas_threads() -> int | None:
    """How many threads OpenBLAS uses now, or None when that cannot be asked."""
    lib = _openblas_library()
    if lib is None:
        return None
    for prefix in ("scipy_openblas_", "openblas_", ""):
        for suffix in ("64_", ""):
            name = f"{prefix}get_num_threads{suffix}" if prefix else f"openblas_get_num_threads{suffix}"
            fn = getattr(lib, name, None)
            if fn is not None:
                fn.restype = ctypes.c_int
                return int(fn())
    return None


def version(distribution: str, module: str | None = None) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        pass
    if module:
        try:
            return __import__(module).__version__
        except Exception:
            return None
    return None


def describe() -> dict:
    """Everything RESULTS.md says about the machine, as label → text."""
    threads = blas_threads()
    env = {k: os.environ[k] for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
           if k in os.environ}
    try:
        load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = "?"
    return {
        "Date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "CPU": cpu_model(),
        "CPU vector extensions": cpu_flags() or "?",
        "Cores": f"{usable_cores()} usable ({os.cpu_count()} logical)",
        "OS": platform.platform(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "NumPy": np.__version__,
        "BLAS": blas_build(),
        "BLAS threads": (f"{threads}" if threads is not None else "unknown")
                        + (f" ({', '.join(f'{k}={v}' for k, v in env.items())})" if env else " (default)"),
        "PySide6": version("PySide6-Essentials", "PySide6") or version("PySide6", "PySide6") or "not installed",
        "pyqtgraph": version("pyqtgraph") or "not installed",
        "h5py": version("h5py") or "not installed",
        "PyTorch": version("torch") or "not installed (optional)",
        "Load average at start": load,
    }


if __name__ == "__main__":
    for key, value in describe().items():
        print(f"{key}: {value}")
    sys.exit(0)
