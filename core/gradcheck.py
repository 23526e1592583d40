"""Gradient checking: backprop's dW[l], db[l] against centred differences of the cost.

    approx = (J(θ + ε) − J(θ − ε)) / 2ε,    difference = ‖grad − approx‖ / (‖grad‖ + ‖approx‖)

A difference below 1e-7 means backprop is right (the course's threshold); ~1e-5 is worth a look,
above 1e-3 something is wrong. The cost is the same cross-entropy (+ L2) training minimises.

ε is 1e-5, not the lecture's 1e-7: J(θ ± ε) carry rounding noise of ~1e-16, which a centred
difference divides by 2ε. With ε = 1e-7 that noise alone gives a correct network differences of
0.5-1e-7 (the default network failed layer 1 at 1.1e-7 after one update); with 1e-5 a correct
network lands at 1e-10..1e-8, well under the threshold, and the ε² truncation error stays ~1e-10.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .cost import compute_cost, l2_cost
from .propagation import backward, forward

EPSILON = 1e-5
THRESHOLD = 1e-7


class TensorCheck(NamedTuple):
    """The check of one parameter tensor (e.g. "dW2")."""
    name: str
    difference: float      # relative difference over the checked entries
    checked: int           # how many entries were perturbed
    total: int             # entries in the tensor

    @property
    def passed(self) -> bool:
        return self.difference < THRESHOLD


class LayerCheck(NamedTuple):
    """Layer l passes when both its gradients do: dW[l] and db[l] under the threshold."""
    layer: int
    dW: TensorCheck
    db: TensorCheck

    @property
    def passed(self) -> bool:
        return self.dW.passed and self.db.passed


def by_layer(results: list[TensorCheck]) -> list[LayerCheck]:
    """gradient_check's results (dW1, db1, dW2, ...) as one LayerCheck per layer 1..L."""
    checks = {r.name: r for r in results}
    return [LayerCheck(l, checks[f"dW{l}"], checks[f"db{l}"]) for l in range(1, len(results) // 2 + 1)]


def total_cost(X, Y, parameters, activations, l2=0.0) -> float:
    AL, _ = forward(X, parameters, activations)
    return compute_cost(AL, Y) + l2_cost(parameters, len(activations), l2, Y.shape[1])


def gradient_check(X, Y, parameters: dict, activations, l2=0.0, epsilon=EPSILON,
                   max_entries: int | None = None, seed: int = 0) -> list[TensorCheck]:
    """One TensorCheck per dW[l] and db[l], in order dW1, db1, dW2, ...

    max_entries bounds the entries perturbed per tensor (chosen at random with `seed`), so a
    large network (12288 inputs) can be checked in moments. `parameters` are not modified.
    """
    # A private C-ordered copy: perturbing its flat view perturbs the parameter, and the
    # caller's parameters are never touched.
    parameters = {k: np.array(v, dtype=np.float64, order="C") for k, v in parameters.items()}
    AL, caches = forward(X, parameters, activations)
    grads = backward(AL, Y, caches, activations, l2=l2)
    rng = np.random.RandomState(seed)
    results = []
    for l in range(1, len(activations) + 1):
        for kind, grad in (("W", grads[l - 1].dW), ("b", grads[l - 1].db)):
            theta = parameters[f"{kind}{l}"]
            flat = theta.reshape(-1)  # a view: perturbing it perturbs the parameter
            indices = np.arange(flat.size)
            if max_entries is not None and flat.size > max_entries:
                indices = np.sort(rng.choice(flat.size, max_entries, replace=False))
            approx = np.empty(len(indices))
            for k, j in enumerate(indices):
                original = flat[j]
                flat[j] = original + epsilon
                plus = total_cost(X, Y, parameters, activations, l2)
                flat[j] = original - epsilon
                minus = total_cost(X, Y, parameters, activations, l2)
                flat[j] = original
                approx[k] = (plus - minus) / (2 * epsilon)
            exact = grad.reshape(-1)[indices]
            denominator = np.linalg.norm(exact) + np.linalg.norm(approx)
            difference = 0.0 if denominator == 0 else float(np.linalg.norm(exact - approx) / denominator)
            results.append(TensorCheck(f"d{kind}{l}", difference, len(indices), flat.size))
    return results
