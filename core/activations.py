"""Activation functions as (g, g') pairs in one registry, as in the course and tensorflow/playground.

Each entry gives g(Z) for the forward step and the backward step dZ = dA * g'(Z). The backward
step takes the layer's cached Z and A: sigmoid and tanh write g' from A (a(1 - a), 1 - a²) exactly
as the course does, relu and leaky_relu need the sign of Z.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

LEAKY_SLOPE = 0.01


class Activation(NamedTuple):
    name: str
    g: Callable[[np.ndarray], np.ndarray]                              # A = g(Z)
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]  # dZ = f(dA, Z, A)
    derivative: Callable[[np.ndarray], np.ndarray]                     # g'(Z), for plots and checks
    formula: str                                                       # g' as the course writes it


def sigmoid(Z):
    # The course's formula. exp(-Z) overflows to inf for Z < -709, giving A = 0 exactly: correct,
    # so the overflow warning is silenced rather than the formula changed (numbers stay course-exact).
    with np.errstate(over="ignore"):
        return _sigmoid(Z)


def _sigmoid(Z):
    """The sigmoid for a caller that has already silenced overflow (see G_QUIET)."""
    return 1 / (1 + np.exp(-Z))


def relu(Z):
    return np.maximum(0, Z)


def leaky_relu(Z):
    return np.where(Z > 0, Z, LEAKY_SLOPE * Z)


def linear(Z):
    return Z


def _sigmoid_backward(dA, Z, A):
    return dA * A * (1 - A)


def _tanh_backward(dA, Z, A):
    return dA * (1 - A ** 2)


def _relu_backward(dA, Z, A):
    # relu'(0) is 0, as in the course (dZ is zeroed where Z <= 0).
    return np.where(Z > 0, dA, 0.0)


def _leaky_relu_backward(dA, Z, A):
    return np.where(Z > 0, dA, LEAKY_SLOPE * dA)


def _linear_backward(dA, Z, A):
    return dA.copy()


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", sigmoid, _sigmoid_backward,
                          lambda Z: sigmoid(Z) * (1 - sigmoid(Z)), "g'(z) = a(1 − a)"),
    "tanh": Activation("tanh", np.tanh, _tanh_backward,
                       lambda Z: 1 - np.tanh(Z) ** 2, "g'(z) = 1 − a²"),
    "relu": Activation("relu", relu, _relu_backward,
                       lambda Z: (Z > 0).astype(float), "g'(z) = 0 if z ≤ 0, 1 if z > 0"),
    "leaky_relu": Activation("leaky_relu", leaky_relu, _leaky_relu_backward,
                             lambda Z: np.where(Z > 0, 1.0, LEAKY_SLOPE),
                             "g'(z) = 0.01 if z ≤ 0, 1 if z > 0"),
    "linear": Activation("linear", linear, _linear_backward,
                         lambda Z: np.ones_like(Z, dtype=float), "g'(z) = 1"),
}

NAMES = tuple(ACTIVATIONS)

# g for a caller that has already silenced overflow itself (the trainer sets np.seterr once per
# run): the same functions, but the sigmoid without its np.errstate context, which costs as much
# as a whole array operation on a small network.
G_QUIET: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    name: _sigmoid if name == "sigmoid" else activation.g for name, activation in ACTIVATIONS.items()}
