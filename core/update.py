"""Gradient descent: W[l] = W[l] − α dW[l], b[l] = b[l] − α db[l]. Separate from computing gradients."""
from __future__ import annotations

import numpy as np


def update_parameters(parameters: dict, grads, learning_rate: float, out: dict | None = None) -> dict:
    """Apply one gradient-descent step; grads[l-1] holds layer l's dW and db.

    Writes into `parameters` in place, or into the arrays of `out` when given (the trainer keeps
    the previous parameters that way, without copying, in case the step overflows). Returns the
    dict written.
    """
    target = parameters if out is None else out
    for l, g in enumerate(grads, start=1):
        np.subtract(parameters[f"W{l}"], learning_rate * g.dW, out=target[f"W{l}"])
        np.subtract(parameters[f"b{l}"], learning_rate * g.db, out=target[f"b{l}"])
    return target


def update_flat(parameters: np.ndarray, grads: np.ndarray, learning_rate: float, out: np.ndarray,
                scratch: np.ndarray) -> np.ndarray:
    """The same step for the whole network at once: `parameters` holds every W[l] and b[l] one
    after the other in one flat array, `grads` every dW[l] and db[l] in the same order.

    Two array operations instead of two per array (on a small network each costs about as much
    as a layer), and the same numbers element by element. Writes W − α dW into `out` through
    `scratch` (α dW), both as large as `parameters`, so nothing is allocated.
    """
    np.multiply(grads, learning_rate, out=scratch)
    return np.subtract(parameters, scratch, out=out)
