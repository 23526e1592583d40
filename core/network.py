"""The network: its architecture (n[0..L] and one activation per layer) and its parameters.

Parameters live in a plain dict {"W1": ..., "b1": ..., "WL": ..., "bL": ...} as in the course
notebooks, so a student can reach into it. W[l] has shape (n[l], n[l-1]), b[l] (n[l], 1).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .errors import ConfigError

MAX_HIDDEN_LAYERS = 10
MAX_UNITS = 4096          # per hidden layer
MAX_INPUTS = 1_000_000    # n[0]
INIT_SCHEMES = ("zeros", "small", "xavier", "he")
DEFAULT_SMALL_SCALE = 0.01


def validate_architecture(layer_sizes, activations) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """Check n[0..L] and the L activations; return them as tuples or raise ConfigError."""
    try:
        sizes = tuple(int(n) for n in layer_sizes)
    except (TypeError, ValueError):
        raise ConfigError(f"layer sizes must be whole numbers, got {layer_sizes!r}") from None
    if any(float(n) != int(n) for n in layer_sizes):
        raise ConfigError(f"layer sizes must be whole numbers, got {list(layer_sizes)}")
    acts = tuple(str(a) for a in activations)
    if len(sizes) < 2:
        raise ConfigError("a network needs an input size n[0] and at least the output layer")
    L = len(sizes) - 1
    if L - 1 > MAX_HIDDEN_LAYERS:
        raise ConfigError(f"{L - 1} hidden layers is too many: at most {MAX_HIDDEN_LAYERS}")
    if sizes[0] < 1 or sizes[0] > MAX_INPUTS:
        raise ConfigError(f"n[0] = {sizes[0]} inputs is outside 1..{MAX_INPUTS}")
    for l, n in enumerate(sizes[1:-1], start=1):
        if n < 1:
            raise ConfigError(f"layer {l} has {n} units: every layer needs at least 1")
        if n > MAX_UNITS:
            raise ConfigError(f"layer {l} has {n} units: at most {MAX_UNITS} per hidden layer")
    if sizes[-1] != 1:
        raise ConfigError(f"the output layer must have 1 unit (binary classification), got {sizes[-1]}")
    if len(acts) != L:
        raise ConfigError(f"{L} layers need {L} activations (one per layer), got {len(acts)}")
    for l, a in enumerate(acts, start=1):
        if a not in ACTIVATIONS:
            raise ConfigError(f"unknown activation {a!r} for layer {l}; choose from "
                              + ", ".join(ACTIVATIONS))
    if acts[-1] != "sigmoid":
        raise ConfigError(f"the output layer must be sigmoid (it meets the cross-entropy cost), "
                          f"got {acts[-1]}")
    return sizes, acts


def init_layer_weights(rng, n, n_prev, init, scale=None, dtype=np.float64) -> np.ndarray:
    """W[l] for one layer, drawn from `rng` (a np.random.RandomState) as the course draws it.

    small: randn * scale (0.01); xavier: randn / sqrt(n[l-1]); he: randn * sqrt(2 / n[l-1]).
    For xavier and he an explicit scale multiplies the result (left out by default, so the
    numbers stay bit for bit the course's).
    """
    if init == "zeros":
        W = np.zeros((n, n_prev))
    elif init == "small":
        W = rng.randn(n, n_prev) * (DEFAULT_SMALL_SCALE if scale is None else scale)
    elif init == "xavier":
        W = rng.randn(n, n_prev) / np.sqrt(n_prev)
    elif init == "he":
        W = rng.randn(n, n_prev) * np.sqrt(2.0 / n_prev)
    else:
        raise ConfigError(f"unknown initialisation {init!r}; choose from {', '.join(INIT_SCHEMES)}")
    if scale is not None and init in ("xavier", "he"):
        W = W * scale
    return W.astype(dtype, copy=False)


def init_parameters(layer_sizes, init="xavier", seed=1, scale=None, dtype=np.float64) -> dict:
    """Parameters for n[0..L]: W[l] drawn for l = 1..L in order from RandomState(seed), b[l] zero."""
    if init not in INIT_SCHEMES:
        raise ConfigError(f"unknown initialisation {init!r}; choose from {', '.join(INIT_SCHEMES)}")
    if scale is not None and not (math.isfinite(scale) and scale >= 0):
        raise ConfigError(f"initialisation scale must be a finite number ≥ 0, got {scale}")
    try:
        rng = np.random.RandomState(seed)
    except (TypeError, ValueError):
        raise ConfigError(f"seed must be a whole number from 0 to 2**32 - 1, got {seed!r}") from None
    parameters = {}
    for l in range(1, len(layer_sizes)):
        n, n_prev = layer_sizes[l], layer_sizes[l - 1]
        parameters[f"W{l}"] = init_layer_weights(rng, n, n_prev, init, scale, dtype)
        parameters[f"b{l}"] = np.zeros((n, 1), dtype=dtype)
    return parameters


def parameter_count(layer_sizes) -> int:
    """Σ n[l]·n[l-1] + n[l]: the number of learned numbers."""
    return sum(layer_sizes[l] * layer_sizes[l - 1] + layer_sizes[l] for l in range(1, len(layer_sizes)))


@dataclass
class Network:
    """An L-layer network: layer_sizes n[0..L], activations[l-1] for layer l, and parameters.

    >>> net = Network.create([2, 4, 1], ["tanh", "sigmoid"], init="small", seed=2)
    >>> net.parameters["W1"].shape
    (4, 2)
    """

    layer_sizes: tuple[int, ...]
    activations: tuple[str, ...]
    parameters: dict

    def __post_init__(self):
        self.layer_sizes, self.activations = validate_architecture(self.layer_sizes, self.activations)
        check_parameters(self.parameters, self.layer_sizes)

    @classmethod
    def create(cls, layer_sizes, activations=None, init="xavier", seed=1, scale=None,
               dtype=np.float64) -> "Network":
        """A freshly initialised network; activations default to relu for hidden layers."""
        if activations is None:
            activations = ["relu"] * (len(layer_sizes) - 2) + ["sigmoid"]
        sizes, acts = validate_architecture(layer_sizes, activations)
        return cls(sizes, acts, init_parameters(sizes, init, seed, scale, dtype))

    @property
    def L(self) -> int:
        """The number of layers with parameters (the input layer is not counted)."""
        return len(self.layer_sizes) - 1

    @property
    def parameter_count(self) -> int:
        return parameter_count(self.layer_sizes)

    def copy(self) -> "Network":
        return Network(self.layer_sizes, self.activations,
                       {k: v.copy() for k, v in self.parameters.items()})

    def forward(self, X):
        """A[L] and the per-layer caches for X (n[0], m); see core.propagation.forward."""
        from .propagation import forward
        return forward(X, self.parameters, self.activations)

    def predict(self, X) -> np.ndarray:
        """1.0 where P(y=1|x) > 0.5, else 0.0, shape (1, m)."""
        AL, _ = self.forward(X)
        return (AL > 0.5).astype(float)

    def __repr__(self) -> str:
        acts = " → ".join(self.activations)
        return f"Network({list(self.layer_sizes)}, {acts}, {self.parameter_count:,} parameters)"


def check_parameters(parameters: dict, layer_sizes) -> None:
    """Raise ConfigError unless parameters hold W1, b1, ..., WL, bL with the course's shapes."""
    L = len(layer_sizes) - 1
    expected = {}
    for l in range(1, L + 1):
        expected[f"W{l}"] = (layer_sizes[l], layer_sizes[l - 1])
        expected[f"b{l}"] = (layer_sizes[l], 1)
    if set(parameters) != set(expected):
        missing = sorted(set(expected) - set(parameters))
        extra = sorted(set(parameters) - set(expected))
        raise ConfigError(f"parameters do not match the architecture {list(layer_sizes)}"
                          + (f"; missing {', '.join(missing)}" if missing else "")
                          + (f"; unexpected {', '.join(extra)}" if extra else ""))
    for name, shape in expected.items():
        if np.shape(parameters[name]) != shape:
            raise ConfigError(f"{name} has shape {np.shape(parameters[name])}, "
                              f"but the architecture {list(layer_sizes)} needs {shape}")
