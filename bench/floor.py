"""The floor: a bare NumPy training loop, written as tightly as the course's maths allows.

Forward, backward without dA[0], in-place update, nothing else (no cost, no checks, no records).
The engine is measured against this loop in the same run. It keeps every W, b in one flat buffer
and every dW, db in another (backward writes into them, the update is two operations for the whole
network): the fastest bare loop found, and the engine does the same, so the floor stays a floor.
"""
from __future__ import annotations

import numpy as np

G = {
    "relu": lambda Z: np.maximum(0, Z),
    "tanh": np.tanh,
    "sigmoid": lambda Z: 1 / (1 + np.exp(-Z)),
}


def g_prime_times(dA, Z, A, activation):
    if activation == "relu":
        return np.where(Z > 0, dA, 0.0)
    if activation == "tanh":
        return dA * (1 - A ** 2)
    return dA * A * (1 - A)


def train_floor(parameters: dict, activations, X, Y, learning_rate: float, iterations: int) -> dict:
    L = len(activations)
    m = X.shape[1]
    # Every W, b in one flat buffer and every dW, db in another, in the same order: the update is
    # then two operations for the whole network, and backward writes its gradients in place.
    shapes = [s for l in range(1, L + 1) for s in (parameters[f"W{l}"].shape, parameters[f"b{l}"].shape)]
    sizes = [int(np.prod(s)) for s in shapes]
    dtype = parameters["W1"].dtype
    P, dP, scaled = (np.empty(sum(sizes), dtype) for _ in range(3))
    offsets = np.cumsum([0] + sizes)
    views = [P[offsets[i]:offsets[i + 1]].reshape(s) for i, s in enumerate(shapes)]
    grads = [dP[offsets[i]:offsets[i + 1]].reshape(s) for i, s in enumerate(shapes)]
    W, b, dW, db = views[0::2], views[1::2], grads[0::2], grads[1::2]
    for l in range(L):
        W[l][...] = parameters[f"W{l + 1}"]
        b[l][...] = parameters[f"b{l + 1}"]
    g = [G[a] for a in activations]
    for _ in range(iterations):
        As, Zs = [X], []
        A = X
        for l in range(L):
            Z = np.dot(W[l], A) + b[l]
            A = g[l](Z)
            Zs.append(Z)
            As.append(A)
        dZ = A - Y
        for l in range(L - 1, -1, -1):
            np.multiply(np.dot(dZ, As[l].T, out=dW[l]), 1. / m, out=dW[l])
            np.multiply(np.add.reduce(dZ, axis=1, keepdims=True, out=db[l]), 1. / m, out=db[l])
            if l > 0:
                dZ = g_prime_times(np.dot(W[l].T, dZ), Zs[l - 1], As[l], activations[l - 1])
        np.multiply(dP, learning_rate, out=scaled)
        np.subtract(P, scaled, out=P)
    return {**{f"W{l + 1}": W[l].copy() for l in range(L)}, **{f"b{l + 1}": b[l].copy() for l in range(L)}}
