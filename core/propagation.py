"""Forward and backward propagation, per layer and for the whole network, in the course's terms.

Layer l forward:  Z = W·A_prev + b,  A = g(Z);  the cache keeps (A_prev, W, b, Z, A).
Layer l backward: dZ = dA * g'(Z),  dW = (1/m) dZ·A_prevᵀ,  db = (1/m) Σ dZ,  dA_prev = Wᵀ·dZ.

The whole backward starts at the output, where a sigmoid meets the cross-entropy cost: there
dZ[L] = A[L] − Y is what flows on (finite even when A[L] is exactly 0 or 1); dA[L] itself is
available from `output_dA` for display. Training never computes dA[0], which nothing uses.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .activations import ACTIVATIONS, G_QUIET

_add_reduce = np.add.reduce  # what ndarray.sum calls, without its Python wrapper (same numbers)
_new_tuple = tuple.__new__    # LayerCache(...) in the loops, minus the NamedTuple's Python-level __new__


class LayerCache(NamedTuple):
    """What layer l's forward step hands to its backward step (the course's ((A_prev, W, b), Z), plus A)."""
    A_prev: np.ndarray  # A[l-1], (n[l-1], m); A[0] is X
    W: np.ndarray       # W[l], (n[l], n[l-1])
    b: np.ndarray       # b[l], (n[l], 1)
    Z: np.ndarray       # Z[l], (n[l], m)
    A: np.ndarray       # A[l] = g[l](Z[l]), (n[l], m)


class LayerGrads(NamedTuple):
    """Layer l's gradients: dA_prev = dA[l-1] (None where not computed), dZ[l], dW[l], db[l]."""
    dA_prev: np.ndarray | None
    dZ: np.ndarray
    dW: np.ndarray
    db: np.ndarray


def linear_forward(A_prev, W, b):
    """Z = W·A_prev + b (b broadcast across the m columns)."""
    if W.itemsize == 4 and W.shape[1] >= 256 and A_prev.strides[0] < A_prev.strides[1]:
        # float32, a wide layer fed data stored example by example (Fortran order, as images
        # flattened with reshape(m, -1).T are): OpenBLAS's sgemm computes this product 1.4-2x
        # faster as (A_prevᵀ·Wᵀ)ᵀ for such shapes (slower for others; its dgemm shows no gap, and
        # float64 stays exactly the course's expression). Z comes back C-ordered, as usual.
        return np.add(np.dot(A_prev.T, W.T).T, b, order="C")
    return np.dot(W, A_prev) + b


def layer_forward(A_prev, W, b, activation: str):
    """One layer: returns A and its LayerCache."""
    Z = linear_forward(A_prev, W, b)
    A = ACTIVATIONS[activation].g(Z)
    return A, LayerCache(A_prev, W, b, Z, A)


# "W1", "b1", ...: built once rather than formatted for every layer of every iteration.
_KEYS = tuple((f"W{l}", f"b{l}") for l in range(1, 100))


def forward(X, parameters: dict, activations, quiet=False) -> tuple[np.ndarray, list[LayerCache]]:
    """The whole forward pass: A[L] and the caches, layer 1 first.

    quiet: the caller has already silenced overflow (np.seterr(over="ignore")), as the trainer
    does once per run, so the sigmoid need not do it again at every call.
    """
    caches = []
    A = X
    keys = _KEYS if len(activations) <= len(_KEYS) else \
        [(f"W{l}", f"b{l}") for l in range(1, len(activations) + 1)]
    for (kW, kb), activation in zip(keys, activations):  # layer_forward, written out (fewer calls)
        A_prev, W, b = A, parameters[kW], parameters[kb]
        Z = linear_forward(A_prev, W, b)
        A = (G_QUIET[activation] if quiet else ACTIVATIONS[activation].g)(Z)
        caches.append(_new_tuple(LayerCache, (A_prev, W, b, Z, A)))
    return A, caches


def linear_backward(dZ, cache: LayerCache, need_dA_prev=True, l2=0.0, out=None):
    """dW = (1/m) dZ·A_prevᵀ (+ (λ/m) W with L2), db = (1/m) Σ dZ, dA_prev = Wᵀ·dZ.

    out: (dW, db) arrays (C-contiguous, of dZ's dtype) to write the gradients into, with the
    same numbers; the trainer passes views into one flat buffer so that its update is one
    operation for the whole network, and nothing is allocated for them.
    """
    A_prev, W = cache.A_prev, cache.W
    m = A_prev.shape[1]
    if out is None:
        dW = 1. / m * np.dot(dZ, A_prev.T)
        db = 1. / m * _add_reduce(dZ, axis=1, keepdims=True)
    else:
        dW, db = out
        np.multiply(np.dot(dZ, A_prev.T, dW), 1. / m, dW)   # (out given by position: cheaper)
        np.multiply(_add_reduce(dZ, 1, None, db, True), 1. / m, db)
    if l2:
        dW += (l2 / m) * W
    dA_prev = np.dot(W.T, dZ) if need_dA_prev else None
    return dA_prev, dW, db


def layer_backward(dA, cache: LayerCache, activation: str, need_dA_prev=True, l2=0.0,
                   out=None) -> LayerGrads:
    """One layer backward from dA[l]: dZ = dA * g'(Z), then the linear part (out: see linear_backward)."""
    dZ = ACTIVATIONS[activation].backward(dA, cache.Z, cache.A)
    dA_prev, dW, db = linear_backward(dZ, cache, need_dA_prev, l2, out)
    return LayerGrads(dA_prev, dZ, dW, db)


def output_dA(AL, Y):
    """dA[L] = −(Y/A[L] − (1−Y)/(1−A[L])), the cost's derivative; for display only.

    Where A[L] is exactly 0 or 1 the true value is ±inf (or nan for a correct saturated output);
    those entries are shown as they are. Training uses dZ[L] = A[L] − Y instead.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))


def backward(AL, Y, caches, activations, l2=0.0, need_dA0=False, out=None) -> list[LayerGrads]:
    """The whole backward pass; returns LayerGrads for layers 1..L (index l-1).

    The output layer is a sigmoid meeting cross-entropy, so dZ[L] = A[L] − Y directly.
    grads[0].dA_prev (dA[0]) is None unless need_dA0 is set: training has no use for it.
    out: for each layer (index l-1), the (dW, db) arrays to write its gradients into.
    """
    L = len(caches)
    grads: list[LayerGrads | None] = [None] * L
    if out is None:
        out = (None,) * L
    dZ, dA_prev = AL - Y, None    # dA_prev: from the layer above, set once that layer is done
    for l in range(L, 0, -1):  # layer_backward, written out (fewer calls)
        cache = caches[l - 1]
        if l < L:
            dZ = ACTIVATIONS[activations[l - 1]].backward(dA_prev, cache.Z, cache.A)
        dA_prev, dW, db = linear_backward(dZ, cache, l > 1 or need_dA0, l2, out[l - 1])
        grads[l - 1] = _new_tuple(LayerGrads, (dA_prev, dZ, dW, db))
    return grads
