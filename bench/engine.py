"""Engine benchmarks: time per iteration of core.training.run against the floor and PyTorch.

Every contender trains the same network from the same initial parameters on the same data. The
engine is measured as the CLI runs it: core.training.run with record_every=100 and a snapshot only
at the start and the end. Contenders of one workload are measured side by side: each repeat runs
all of them once, in a rotating order, so a burst of load from another job hits them alike; the
ratio reported is the median over repeats of the per-repeat ratio.

    python -m bench.engine threads --iterations 60 --repeats 3   (one side of the BLAS-threads
                                                                 comparison; prints JSON)
"""
from __future__ import annotations

import argparse
import json
import math
import pathlib
import statistics
import sys
import time
from dataclasses import dataclass

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:          # run as a script or from another directory
    sys.path.insert(0, str(ROOT))

from core import Network, open_dataset                      # noqa: E402
from core.training import COMPLETED, TrainConfig, run       # noqa: E402
from bench.floor import train_floor                         # noqa: E402
from bench import torch_loop                                # noqa: E402

CAT_TRAIN = ROOT.parent / "shared" / "reference" / "datasets" / "train_catvnoncat.h5"
NO_SNAPSHOTS = 10 ** 9   # "a huge snapshot_every": only the first and the final snapshot


@dataclass(frozen=True)
class Workload:
    key: str
    title: str
    layer_sizes: tuple
    activations: tuple
    init: str
    seed: int
    learning_rate: float
    data: str            # "flower" or the cat file

    def network(self, dtype=np.float64) -> Network:
        return Network.create(list(self.layer_sizes), list(self.activations), init=self.init,
                              seed=self.seed, dtype=dtype)


FLOWER_SMALL = Workload("flower-2-4-1", "[2, 4, 1] tanh, flower (m = 400)", (2, 4, 1),
                        ("tanh", "sigmoid"), "small", 2, 1.2, "flower")
FLOWER_DEEP = Workload("flower-2-8x6-1", "[2, 8×6, 1] relu, flower (m = 400)", (2,) + (8,) * 6 + (1,),
                       ("relu",) * 6 + ("sigmoid",), "he", 1, 0.1, "flower")
CAT = Workload("cat", "[12288, 20, 7, 5, 1] relu, cat images (m = 209)", (12288, 20, 7, 5, 1),
               ("relu", "relu", "relu", "sigmoid"), "xavier", 1, 0.0075, str(CAT_TRAIN))
WORKLOADS = (FLOWER_SMALL, FLOWER_DEEP, CAT)


def cat_available() -> bool:
    return CAT_TRAIN.is_file()


_DATA: dict = {}


def load(workload: Workload):
    """(X, Y) of the workload's training data, read once."""
    if workload.data not in _DATA:
        d = open_dataset(workload.data)
        _DATA[workload.data] = (d.X, d.Y)
    return _DATA[workload.data]


# --- one timed run of each contender: seconds per iteration --------------------------------------

def time_engine(workload: Workload, iterations: int, dtype=np.float64) -> float:
    X, Y = load(workload)
    net = workload.network(dtype)
    config = TrainConfig(learning_rate=workload.learning_rate, iterations=iterations, record_every=100,
                         snapshot_every=NO_SNAPSHOTS)
    t0 = time.perf_counter()
    _, snap = run(net, X, Y, config)
    seconds = time.perf_counter() - t0
    if snap.stopped != COMPLETED or snap.iteration != iterations:
        raise RuntimeError(f"{workload.key}: the engine stopped early ({snap.stopped}); "
                           "the benchmark needs a run that completes")
    return seconds / iterations


def time_floor(workload: Workload, iterations: int) -> float:
    X, Y = load(workload)
    net = workload.network()
    t0 = time.perf_counter()
    train_floor(net.parameters, workload.activations, X, Y, workload.learning_rate, iterations)
    return (time.perf_counter() - t0) / iterations


def time_torch(workload: Workload, iterations: int) -> float:
    X, Y = load(workload)
    net = workload.network()
    t0 = time.perf_counter()
    torch_loop.train_torch(net.parameters, workload.activations, X, Y, workload.learning_rate, iterations)
    return (time.perf_counter() - t0) / iterations


def check_same_maths(workload: Workload, iterations: int = 5, with_torch: bool = True) -> dict:
    """The largest difference between the engine's parameters and each contender's after a few
    iterations: they must be training the same network, or the comparison means nothing."""
    X, Y = load(workload)
    net = workload.network()
    start = {k: v.copy() for k, v in net.parameters.items()}
    run(net, X, Y, TrainConfig(learning_rate=workload.learning_rate, iterations=iterations,
                               record_every=100, snapshot_every=NO_SNAPSHOTS))
    out = {}
    contenders = {"floor": train_floor}
    if with_torch and torch_loop.available():
        contenders["pytorch"] = torch_loop.train_torch
    for name, fn in contenders.items():
        p = fn(start, workload.activations, X, Y, workload.learning_rate, iterations)
        out[name] = max(float(np.max(np.abs(p[k] - net.parameters[k]))) for k in p)
    return out


# --- side by side ---------------------------------------------------------------------------------

def interleaved(contenders: dict, repeats: int, warm: bool = True) -> dict[str, list[float]]:
    """Each contender (name → a function returning seconds per iteration) once per repeat, in a
    rotating order; one untimed warm-up round first."""
    names = list(contenders)
    if warm:
        for name in names:
            contenders[name](warm=True)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeats):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            times[name].append(contenders[name](warm=False))
    return times


def median(xs) -> float:
    return statistics.median(xs) if xs else math.nan


def paired_ratio(a: list[float], b: list[float]) -> float:
    """Median over repeats of a[r] / b[r]: each pair was measured back to back."""
    return median([x / y for x, y in zip(a, b)])


def spread(xs) -> tuple[float, float]:
    return (min(xs), max(xs)) if xs else (math.nan, math.nan)


def measure_workload(workload: Workload, iterations: int, repeats: int, with_torch: bool,
                     with_float32: bool = False) -> dict:
    warm_iterations = max(1, iterations // 4)

    def contender(fn, **kw):
        return lambda warm: fn(workload, warm_iterations if warm else iterations, **kw)

    contenders = {"engine": contender(time_engine), "floor": contender(time_floor)}
    if with_float32:
        contenders["engine_float32"] = contender(time_engine, dtype=np.float32)
    if with_torch:
        contenders["pytorch"] = contender(time_torch)
    times = interleaved(contenders, repeats)
    result = {"workload": workload.key, "title": workload.title, "iterations": iterations,
              "repeats": repeats, "times": times,
              "median": {k: median(v) for k, v in times.items()},
              "ratio_to_floor": paired_ratio(times["engine"], times["floor"]),
              "ratio_range": spread([e / f for e, f in zip(times["engine"], times["floor"])]),
              # the best run of each: what a burst of load from another job disturbs least
              "ratio_of_best": min(times["engine"]) / min(times["floor"])}
    if with_torch:
        result["ratio_to_torch"] = paired_ratio(times["engine"], times["pytorch"])
    if with_float32:
        result["float32_speedup"] = paired_ratio(times["engine"], times["engine_float32"])
    return result


# --- BLAS threads: one side of the comparison, in a process of its own -----------------------------

def threads_main(iterations: int, repeats: int) -> dict:
    from bench.machine import blas_threads
    def n(warm):
        return max(1, iterations // 4) if warm else iterations

    times = interleaved({"engine": lambda warm: time_engine(CAT, n(warm)),
                         "floor": lambda warm: time_floor(CAT, n(warm)),
                         "engine_float32": lambda warm: time_engine(CAT, n(warm), dtype=np.float32)},
                        repeats)
    return {"blas_threads": blas_threads(), "times": times}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.engine")
    parser.add_argument("what", choices=["threads"])
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    if not cat_available():
        print(json.dumps({"error": f"{CAT_TRAIN} is absent"}))
        return 0
    print(json.dumps(threads_main(args.iterations, args.repeats)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
