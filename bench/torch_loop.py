"""The same training loop in PyTorch (CPU, float64), for comparison. Optional: torch is not a requirement.

Idiomatic minimal PyTorch: the layers as tensors with requires_grad, the forward pass with
torch.addmm, the cross-entropy through binary_cross_entropy_with_logits (whose gradient at the
output is (A[L] − Y)/m, as in the engine), loss.backward(), and an in-place update under no_grad.
No optimizer object (its per-step bookkeeping would only slow PyTorch down on small networks).
"""
from __future__ import annotations

import numpy as np


def available() -> str | None:
    """torch's version, or None when it is not installed (asked without importing it: that takes
    seconds, and a run with --no-torch should not pay for it)."""
    import importlib.metadata
    import importlib.util
    if importlib.util.find_spec("torch") is None:
        return None
    try:
        return importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        return None


def train_torch(parameters: dict, activations, X, Y, learning_rate: float, iterations: int) -> dict:
    import torch
    import torch.nn.functional as F

    g = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}
    L = len(activations)
    W = [torch.tensor(parameters[f"W{l}"], dtype=torch.float64, requires_grad=True) for l in range(1, L + 1)]
    b = [torch.tensor(parameters[f"b{l}"], dtype=torch.float64, requires_grad=True) for l in range(1, L + 1)]
    params = W + b
    Xt = torch.from_numpy(np.asarray(X, dtype=np.float64))
    Yt = torch.from_numpy(np.asarray(Y, dtype=np.float64))
    hidden = [g[a] for a in activations[:-1]]
    for _ in range(iterations):
        A = Xt
        for l in range(L - 1):
            A = hidden[l](torch.addmm(b[l], W[l], A))
        Z = torch.addmm(b[L - 1], W[L - 1], A)
        loss = F.binary_cross_entropy_with_logits(Z, Yt)   # sigmoid + cross-entropy, mean over m
        loss.backward()
        with torch.no_grad():
            for p in params:
                p.sub_(p.grad, alpha=learning_rate)
                p.grad = None
    return {**{f"W{l + 1}": W[l].detach().numpy() for l in range(L)},
            **{f"b{l + 1}": b[l].detach().numpy() for l in range(L)}}
