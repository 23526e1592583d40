"""The floor: a bare NumPy training loop, written as tightly as the course's maths allows.

Forward, backward without dA[0], in-place update, nothing else (no cost, no checks, no records).
The engine is measured against this loop in the same run.
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
    W = [parameters[f"W{l}"].copy() for l in range(1, L + 1)]
    b = [parameters[f"b{l}"].copy() for l in range(1, L + 1)]
    for _ in range(iterations):
        As, Zs = [X], []
        A = X
        for l in range(L):
            Z = W[l] @ A + b[l]
            A = G[activations[l]](Z)
            Zs.append(Z)
            As.append(A)
        dZ = A - Y
        for l in range(L - 1, -1, -1):
            dW = (dZ @ As[l].T) / m
            db = dZ.sum(axis=1, keepdims=True) / m
            if l > 0:
                dZ = g_prime_times(W[l].T @ dZ, Zs[l - 1], As[l], activations[l - 1])
            W[l] -= learning_rate * dW
            b[l] -= learning_rate * db
    return {**{f"W{l + 1}": W[l] for l in range(L)}, **{f"b{l + 1}": b[l] for l in range(L)}}
