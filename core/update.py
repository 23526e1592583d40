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
