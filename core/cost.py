"""The cross-entropy cost J = −(1/m) Σ [y log a + (1−y) log(1−a)], with an optional L2 term."""
from __future__ import annotations

import numpy as np

# log(a) with a clipped to the smallest positive double: a cost that stays finite (about 708 per
# example at worst) when a sigmoid output saturates to exactly 0 or 1.
_TINY = np.finfo(np.float64).tiny


def compute_cost(AL, Y) -> float:
    """Cross-entropy averaged over the m examples; finite even where A[L] is exactly 0 or 1."""
    m = Y.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_a = np.log(np.maximum(AL, _TINY))
        log_1_a = np.log(np.maximum(1 - AL, _TINY))
    cost = (1. / m) * (-np.dot(Y, log_a.T) - np.dot(1 - Y, log_1_a.T))
    return float(np.squeeze(cost))


def l2_cost(parameters: dict, L: int, l2: float, m: int) -> float:
    """(λ/2m) Σ_l ‖W[l]‖² (Frobenius)."""
    if not l2:
        return 0.0
    return float(l2 / (2 * m) * sum(np.sum(np.square(parameters[f"W{l}"])) for l in range(1, L + 1)))


def accuracy(AL, Y) -> float:
    """The share of examples where (A[L] > 0.5) equals the label."""
    return float(np.mean((AL > 0.5) == (Y > 0.5)))
