"""The decision boundary and per-neuron maps: the engine's forward pass over a grid of the input plane.

For 2-D data only. The grid covers the data's extent plus a margin; P(y=1|x) is A[L] at every grid
point, and each hidden unit's map is its row of A[l] reshaped to the grid, exactly what training
computes, evaluated at points instead of examples.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .propagation import forward


class Grid(NamedTuple):
    """A resolution × resolution grid: extent (x_min, x_max, y_min, y_max) and its points (2, r²)."""
    extent: tuple[float, float, float, float]
    resolution: int
    points: np.ndarray


def make_grid(X: np.ndarray, resolution: int = 200, margin: float = 0.1) -> Grid:
    """A square-celled grid over the extent of the points X (2, m) (and any more passed in),
    widened by `margin` of its size on every side. Rows run along x2, columns along x1."""
    lo, hi = X.min(axis=1), X.max(axis=1)
    span = np.maximum(hi - lo, 1e-6)
    lo, hi = lo - margin * span, hi + margin * span
    xs = np.linspace(lo[0], hi[0], resolution)
    ys = np.linspace(lo[1], hi[1], resolution)
    gx, gy = np.meshgrid(xs, ys)  # gx[i, j] = xs[j], gy[i, j] = ys[i]: row-major images
    points = np.vstack([gx.ravel(), gy.ravel()])
    return Grid((float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])), resolution, points)


class Maps(NamedTuple):
    probability: np.ndarray          # (r, r): P(y = 1 | x) at each grid point, row i is ys[i]
    hidden: list                     # hidden[l-1]: (n[l], r, r), A[l] of each hidden unit


def evaluate(grid: Grid, parameters: dict, activations, hidden: bool = True) -> Maps:
    """The network's output (and every hidden unit's activation) over the grid."""
    r = grid.resolution
    with np.errstate(over="ignore", invalid="ignore"):
        AL, caches = forward(grid.points, parameters, activations)
    maps = [c.A.reshape(-1, r, r) for c in caches[:-1]] if hidden else []
    return Maps(AL.reshape(r, r), maps)
