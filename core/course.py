"""The course's companion ideas in numbers: computation graphs, vectorization, activation health.

Week 2 draws logistic regression on one example as a computation graph (x, w, b → z → a → L) and
warms up with J = 3(a + bc); week 2 also times explicit loops against NumPy; week 3 looks at where
Z falls on g and g'. Everything here is plain numbers for the views in gui/course_*.py, and the
logistic-regression numbers come from the engine itself (core.propagation), not a second copy.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .activations import ACTIVATIONS
from .cost import compute_cost
from .dataset import DataSet
from .errors import ConfigError
from .propagation import backward, forward, output_dA
from .session import Hyperparameters, InitSettings


# --- computation graphs (week 2) ---------------------------------------------------------------
@dataclass(frozen=True)
class Node:
    """One variable of the graph: its forward value and, after backward, dvar = dFinal/dvar."""
    name: str              # an id: "w1", "z", "J"
    label: str             # as the course writes it: "w₁", "z = wᵀx + b"
    value: float
    grad: float | None     # dvar; None where the course computes none (the data x, y)
    kind: str              # "input" (data), "param" (learned / edited), "op" (computed), "output"
    dformula: str = ""     # how backward gets dvar, as the course writes it: "dz = a − y"


@dataclass(frozen=True)
class Edge:
    """src feeds dst; `local` is the local derivative ∂dst/∂src (None where none is taken)."""
    src: str
    dst: str
    local: float | None
    formula: str           # the local derivative as a formula: "∂a/∂z = a(1 − a)"


@dataclass(frozen=True)
class Graph:
    title: str
    nodes: tuple[Node, ...]   # in forward (topological) order
    edges: tuple[Edge, ...]
    output: str

    def node(self, name: str) -> Node:
        return next(n for n in self.nodes if n.name == name)

    def steps(self) -> list[tuple[str, str]]:
        """Node-by-node stepping: ("forward", name) for each computed node, then ("backward",
        name) from the output back to every node that gets a dvar."""
        computed = {e.dst for e in self.edges}
        fwd = [("forward", n.name) for n in self.nodes if n.name in computed]
        bwd = [("backward", n.name) for n in reversed(self.nodes) if n.grad is not None]
        return fwd + bwd

    def chain_rule(self) -> dict[str, float]:
        """dvar for every node, by the chain rule over the edges alone: dvar = Σ d(dst)·∂dst/∂var.

        An independent check of the node values (for logistic regression those come from the
        engine's backward pass)."""
        grads = {self.output: 1.0}
        for node in reversed(self.nodes):
            for e in self.edges:
                if e.src == node.name and e.local is not None and e.dst in grads:
                    grads[node.name] = grads.get(node.name, 0.0) + grads[e.dst] * e.local
        return grads


def chain_rule_graph(a: float, b: float, c: float) -> Graph:
    """The course's warm-up J = 3(a + bc): u = bc, v = a + u, J = 3v, and its derivatives."""
    u = b * c
    v = a + u
    J = 3 * v
    dJ_dv = 3.0
    dJ_du = dJ_dv * 1.0
    nodes = (
        Node("a", "a", a, dJ_dv * 1.0, "param", "da = dv · ∂v/∂a = 3 · 1"),
        Node("b", "b", b, dJ_du * c, "param", "db = du · ∂u/∂b = 3c"),
        Node("c", "c", c, dJ_du * b, "param", "dc = du · ∂u/∂c = 3b"),
        Node("u", "u = bc", u, dJ_du, "op", "du = dv · ∂v/∂u = 3 · 1"),
        Node("v", "v = a + u", v, dJ_dv, "op", "dv = dJ/dv = 3"),
        Node("J", "J = 3v", J, 1.0, "output", "dJ/dJ = 1"),
    )
    edges = (
        Edge("b", "u", c, "∂u/∂b = c"), Edge("c", "u", b, "∂u/∂c = b"),
        Edge("a", "v", 1.0, "∂v/∂a = 1"), Edge("u", "v", 1.0, "∂v/∂u = 1"),
        Edge("v", "J", 3.0, "∂J/∂v = 3"),
    )
    return Graph("J = 3(a + bc)", nodes, edges, "J")


SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@dataclass(frozen=True)
class LogisticStep:
    """The engine's numbers for logistic regression on one example (x: (n, 1), y: 0 or 1)."""
    z: float
    a: float
    loss: float
    da: float
    dz: float
    dw: np.ndarray   # (n,), the course's dw = x·dz
    db: float


def logistic_step(x, y: float, w, b: float) -> LogisticStep:
    """Forward and backward of a [n, 1] sigmoid network on one example, by the engine.

    The course's w is a column (n, 1) and z = wᵀx + b; the engine's W1 is the row wᵀ (1, n).
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    Y = np.array([[float(y)]])
    parameters = {"W1": w.reshape(1, -1), "b1": np.array([[float(b)]])}
    AL, caches = forward(x, parameters, ["sigmoid"])
    grads = backward(AL, Y, caches, ["sigmoid"])
    return LogisticStep(z=float(caches[0].Z[0, 0]), a=float(AL[0, 0]), loss=compute_cost(AL, Y),
                        da=float(output_dA(AL, Y)[0, 0]), dz=float(grads[0].dZ[0, 0]),
                        dw=grads[0].dW.reshape(-1).copy(), db=float(grads[0].db[0, 0]))


def logistic_graph(x, y: float, w, b: float) -> Graph:
    """Logistic regression on one example drawn as the course draws it.

    x₁..xₙ, w₁..wₙ, b → z = wᵀx + b → a = σ(z) → L(a, y). Values and dvars from the engine
    (dz = a − y, dw = x·dz, db = dz); each edge carries its local derivative.
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    s = logistic_step(x, y, w, b)
    n = x.size
    sub = [str(i + 1).translate(SUBSCRIPTS) for i in range(n)]
    nodes = [Node(f"x{i + 1}", f"x{sub[i]}", float(x[i]), None, "input") for i in range(n)]
    nodes += [Node(f"w{i + 1}", f"w{sub[i]}", float(w[i]), float(s.dw[i]), "param",
                   f"dw{sub[i]} = x{sub[i]} · dz") for i in range(n)]
    nodes += [Node("b", "b", float(b), s.db, "param", "db = dz"), Node("y", "y", float(y), None, "input"),
              Node("z", "z = wᵀx + b", s.z, s.dz, "op", "dz = da · a(1 − a) = a − y"),
              Node("a", "a = σ(z)", s.a, s.da, "op", "da = −y/a + (1 − y)/(1 − a)"),
              Node("L", "L(a, y)", s.loss, 1.0, "output", "dL/dL = 1")]
    edges = [Edge(f"x{i + 1}", "z", None, f"∂z/∂x{sub[i]} = w{sub[i]}") for i in range(n)]
    edges += [Edge(f"w{i + 1}", "z", float(x[i]), f"∂z/∂w{sub[i]} = x{sub[i]}") for i in range(n)]
    edges += [Edge("b", "z", 1.0, "∂z/∂b = 1"),
              Edge("z", "a", s.a * (1 - s.a), "∂a/∂z = a(1 − a)"),
              Edge("a", "L", s.da, "∂L/∂a = −y/a + (1 − y)/(1 − a)"),
              Edge("y", "L", None, "")]
    return Graph("Logistic regression on one example", tuple(nodes), tuple(edges), "L")


# --- vectorization (week 2) --------------------------------------------------------------------
class Stopped(Exception):
    """A looped measurement was stopped from another thread."""


def looped_forward(X, parameters: dict, activations, columns: int | None = None,
                   stop: threading.Event | None = None,
                   progress: Callable[[int], None] | None = None) -> list[np.ndarray]:
    """The forward pass with explicit for-loops, one example, unit and weight at a time.

    The same sums as Z = W·A_prev + b, written as the course's "non-vectorized" version:
    for each example i, for each unit j, z = b[j] + Σ_k W[j, k]·a_prev[k]; then a = g(z). Returns
    Z[1..L] for the first `columns` examples (all by default). Checks `stop` after each example.
    """
    m = X.shape[1] if columns is None else min(columns, X.shape[1])
    L = len(activations)
    Zs = [np.zeros((parameters[f"W{l}"].shape[0], m)) for l in range(1, L + 1)]
    for i in range(m):
        a_prev = X[:, i]
        for l in range(1, L + 1):
            W, b, g = parameters[f"W{l}"], parameters[f"b{l}"], ACTIVATIONS[activations[l - 1]].g
            n, n_prev = W.shape
            a = np.zeros(n)
            for j in range(n):
                z = b[j, 0]
                for k in range(n_prev):
                    z += W[j, k] * a_prev[k]
                Zs[l - 1][j, i] = z
                a[j] = g(z)
            a_prev = a
        if stop is not None and stop.is_set():
            raise Stopped()
        if progress is not None:
            progress(i + 1)
    return Zs


def vectorized_Z(X, parameters: dict, activations) -> list[np.ndarray]:
    """Z[1..L] of the engine's vectorized forward pass (Z = W·A_prev + b, b broadcast)."""
    _, caches = forward(X, parameters, activations)
    return [c.Z for c in caches]


@dataclass(frozen=True)
class Timing:
    loop_seconds: float    # one looped pass over `columns` examples
    numpy_seconds: float   # one vectorized pass over the same examples (best of several)
    columns: int           # examples measured
    m: int                 # examples in the data
    max_difference: float  # max |Z_loop − Z_numpy| over every layer: the same numbers

    @property
    def ratio(self) -> float:
        return self.loop_seconds / max(self.numpy_seconds, 1e-9)


def best_time(fn: Callable[[], object], budget: float = 0.1, repeats: int = 50) -> float:
    """Seconds of one call of fn: the best of several, within about `budget` seconds."""
    best, spent, count = float("inf"), 0.0, 0
    while count < repeats and (count < 3 or spent < budget):
        t = time.perf_counter()
        fn()
        dt = time.perf_counter() - t
        best, spent, count = min(best, dt), spent + dt, count + 1
    return best


def time_forward(X, parameters: dict, activations, budget: float = 3.0,
                 stop: threading.Event | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Timing:
    """Time the looped and the vectorized forward pass on the same examples.

    The loop runs example by example until every example is done or `budget` seconds have gone
    (large data: the cat images take minutes in pure Python); NumPy is then timed on exactly the
    examples the loop did, so the ratio compares equal work.
    """
    m = X.shape[1]
    deadline = time.perf_counter() + budget
    limit = threading.Event()
    done = [0]

    def step(i):
        done[0] = i
        if progress is not None:
            progress(i, m)
        if time.perf_counter() > deadline:
            limit.set()

    looped_forward(X, parameters, activations, columns=8)   # warm-up: a first pass ran ~2× slower
    start = time.perf_counter()
    try:
        looped_forward(X, parameters, activations, stop=_either(stop, limit), progress=step)
    except Stopped:
        if stop is not None and stop.is_set():
            raise
    loop_seconds = time.perf_counter() - start
    columns = max(done[0], 1)
    Xc = np.ascontiguousarray(X[:, :columns])
    numpy_seconds = best_time(lambda: forward(Xc, parameters, activations))
    Z_loop = looped_forward(Xc, parameters, activations, columns=min(columns, 8))
    Z_numpy = vectorized_Z(Xc[:, :min(columns, 8)], parameters, activations)
    diff = max(float(np.max(np.abs(a - b))) for a, b in zip(Z_loop, Z_numpy))
    return Timing(loop_seconds, numpy_seconds, columns, m, diff)


class _Either:
    """is_set() of either of two events (the user's stop, or the time budget)."""

    def __init__(self, first, second):
        self.first, self.second = first, second

    def is_set(self) -> bool:
        return (self.first is not None and self.first.is_set()) or self.second.is_set()


def _either(first, second):
    return _Either(first, second)


DOT_SIZE = 1_000_000   # the notes' demo: two vectors of a million numbers


def dot_loop(a, b, stop: threading.Event | None = None,
             progress: Callable[[int, int], None] | None = None) -> float:
    """c = Σ a[i]·b[i] with a for-loop, as the notes write it (checks `stop` every 50,000)."""
    c = 0.0
    n = len(a)
    for start in range(0, n, 50_000):
        for i in range(start, min(start + 50_000, n)):
            c += a[i] * b[i]
        if stop is not None and stop.is_set():
            raise Stopped()
        if progress is not None:
            progress(min(start + 50_000, n), n)
    return c


@dataclass(frozen=True)
class DotTiming:
    loop_seconds: float
    numpy_seconds: float
    loop_value: float
    numpy_value: float
    n: int

    @property
    def ratio(self) -> float:
        return self.loop_seconds / max(self.numpy_seconds, 1e-9)


def time_dot(n: int = DOT_SIZE, seed: int = 1, stop=None, progress=None) -> DotTiming:
    """The notes' demo: np.dot(a, b) against a for-loop over n random numbers."""
    rng = np.random.RandomState(seed)
    a, b = rng.rand(n), rng.rand(n)
    t = time.perf_counter()
    loop_value = dot_loop(a, b, stop, progress)
    loop_seconds = time.perf_counter() - t
    numpy_value = float(np.dot(a, b))
    return DotTiming(loop_seconds, best_time(lambda: np.dot(a, b)), float(loop_value), numpy_value, n)


# --- activation functions (week 3) ---------------------------------------------------------------
G_FORMULAS = {"sigmoid": "g(z) = 1 / (1 + e⁻ᶻ)", "tanh": "g(z) = tanh(z)", "relu": "g(z) = max(0, z)",
              "leaky_relu": "g(z) = max(0.01z, z)", "linear": "g(z) = z"}
SATURATED_BELOW = 0.05   # g′(z) under 5 % of its largest value: the unit barely passes a gradient


def saturation_edge(name: str) -> float | None:
    """|z| beyond which g′ is under SATURATED_BELOW of its peak (sigmoid, tanh); None for the others."""
    if name == "sigmoid":   # s(1 − s) = 0.25·k  →  s = (1 − √(1 − k)) / 2,  z = log(s / (1 − s))
        s = (1 - np.sqrt(1 - SATURATED_BELOW)) / 2
        return float(-np.log(s / (1 - s)))
    if name == "tanh":      # 1 − t² = k  →  z = artanh(√(1 − k))
        return float(np.arctanh(np.sqrt(1 - SATURATED_BELOW)))
    return None


def curves(name: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """g(z) and g′(z) from the engine's registry, for plotting (its `formula` writes g′)."""
    act = ACTIVATIONS[name]
    return act.g(z), act.derivative(z)


@dataclass(frozen=True)
class LayerHealth:
    """Where a layer's Z falls on its activation, over every example."""
    activation: str
    units: int
    entries: int
    saturated_share: float   # sigmoid/tanh: share of Z entries where g′(z) < 5 % of its maximum
    inactive_share: float    # relu/leaky_relu: share of Z entries ≤ 0 (slope 0 or 0.01 there)
    dead_units: int          # relu/leaky_relu: units with Z ≤ 0 for every example

    def summary(self) -> str:
        if self.activation in ("sigmoid", "tanh"):
            return (f"{self.saturated_share:.0%} of Z saturated (there g′ is below {SATURATED_BELOW:.0%} of its "
                    f"peak and little gradient flows back)")
        if self.activation in ("relu", "leaky_relu"):
            word = "dead" if self.activation == "relu" else "stuck on the 0.01 slope"
            return (f"{self.inactive_share:.0%} of Z ≤ 0 · {self.dead_units} of {self.units} units "
                    f"{word} (Z ≤ 0 for every example)")
        return "linear: g′ = 1 everywhere, nothing saturates or dies"


def layer_health(Z: np.ndarray, activation: str) -> LayerHealth:
    units, entries = Z.shape[0], Z.size
    saturated = inactive = 0.0
    dead = 0
    if activation in ("sigmoid", "tanh"):
        d = ACTIVATIONS[activation].derivative(Z)
        peak = 0.25 if activation == "sigmoid" else 1.0
        saturated = float(np.mean(d < SATURATED_BELOW * peak))
    elif activation in ("relu", "leaky_relu"):
        off = Z <= 0
        inactive = float(np.mean(off))
        dead = int(np.sum(np.all(off, axis=1)))
    return LayerHealth(activation, units, entries, saturated, inactive, dead)


# --- parameters and hyperparameters (week 4) ------------------------------------------------------
@dataclass(frozen=True)
class ParameterRow:
    name: str        # "W1", "b1"
    shape: tuple
    count: int


def parameter_rows(layer_sizes) -> list[ParameterRow]:
    """Every W[l] (n[l], n[l−1]) and b[l] (n[l], 1) with its count."""
    rows = []
    for l in range(1, len(layer_sizes)):
        n, n_prev = layer_sizes[l], layer_sizes[l - 1]
        rows.append(ParameterRow(f"W{l}", (n, n_prev), n * n_prev))
        rows.append(ParameterRow(f"b{l}", (n, 1), n))
    return rows


HYPERPARAMETER_WHY = {
    "learning_rate": "How far each step of gradient descent goes: too small crawls, too large diverges.",
    "iterations": "How long to descend: too few underfits, more costs time (and can overfit).",
    "L": "Depth: more layers compose simpler features into complex ones (edges → parts → faces).",
    "units": "Width n[l]: more units fit more shapes, up to overfitting and cost.",
    "activations": "The non-linearity g[l]: without one, any depth collapses to one linear layer.",
    "init": "The starting weights: zeros keeps every unit identical; too large saturates tanh/sigmoid.",
    "batch_size": "Examples per update: the full batch is smooth, small batches are noisy but quick.",
    "l2": "L2 regularisation λ: shrinks the weights to fight overfitting; too large underfits.",
}


# --- why deep (week 4) ----------------------------------------------------------------------------
WHY_DEEP_FILE = Path(__file__).resolve().parents[1] / "resources" / "course" / "why_deep.json"


def checkerboard(samples: int = 400, cells: int = 3, seed: int = 1) -> DataSet:
    """XOR of XORs: points uniform in [−1, 1]², label = parity of the cell's column + row.

    cells = 2 is plain XOR; a 3×3 board needs the parity of more pieces, where composing layers
    (a deep circuit of XORs, as the lecture argues) pays off over one wide layer.
    """
    if not (isinstance(samples, int) and 2 <= samples <= 100_000):
        raise ConfigError(f"samples must be a whole number from 2 to 100,000, got {samples!r}")
    if not (isinstance(cells, int) and 2 <= cells <= 8):
        raise ConfigError(f"cells must be a whole number from 2 to 8, got {cells!r}")
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1.0, 1.0, (2, samples))
    index = np.minimum(np.floor((X + 1) / 2 * cells), cells - 1).astype(int)
    Y = ((index[0] + index[1]) % 2).astype(np.float64).reshape(1, -1)
    return DataSet(X=X, Y=Y, name=f"checkerboard {cells}×{cells}",
                   source={"name": "checkerboard", "samples": samples, "cells": cells, "seed": seed})


@dataclass(frozen=True)
class WhyDeep:
    """A deep narrow and a shallow network of about the same parameter count, on the same data."""
    title: str
    shows: str
    samples: int
    cells: int
    data_seed: int
    networks: tuple            # ((name, ((units, activation), ...)), ...): deep first
    init: InitSettings
    hyper: Hyperparameters
    expect: dict

    def data(self) -> DataSet:
        return checkerboard(self.samples, self.cells, self.data_seed)

    def layer_sizes(self, k: int, n_x: int = 2) -> list[int]:
        return [n_x, *(n for n, _ in self.networks[k][1]), 1]

    def activations(self, k: int) -> list[str]:
        return [a for _, a in self.networks[k][1]] + ["sigmoid"]


def load_why_deep(path=WHY_DEEP_FILE) -> WhyDeep:
    try:
        e = json.loads(Path(path).read_text(encoding="utf-8"))
        data = e["data"]
        return WhyDeep(title=e["title"], shows=e["shows"], samples=int(data["samples"]),
                       cells=int(data["cells"]), data_seed=int(data["seed"]),
                       networks=tuple((str(n["name"]), tuple((int(u), str(a)) for u, a in n["hidden"]))
                                      for n in e["networks"]),
                       init=InitSettings(**e["init"]), hyper=Hyperparameters(**e["hyper"]),
                       expect=dict(e.get("expect", {})))
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ConfigError(f"{Path(path).name} is malformed: {err}") from None
