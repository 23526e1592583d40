"""Editing a network's architecture while keeping every parameter that still means the same.

An edit re-initialises only what must change: the edited layer's W and b and the next layer's W
(its input is now another layer); every other tensor keeps its (possibly trained) values. Fresh
tensors are those that init_parameters(new layer sizes, init, seed) gives at that place.

A network still at its start (its parameters are exactly init_parameters of its architecture)
gets the whole start of the new architecture: init_parameters draws W[1..L] from one random
stream, so a layer after the edit would otherwise keep numbers drawn at another point of the
stream. Either way an edit followed by "reset" changes nothing, and an edit of an untrained
network equals a fresh start.
"""
from __future__ import annotations

import numpy as np

from .errors import ConfigError
from .network import MAX_HIDDEN_LAYERS, Network, init_parameters, validate_architecture


def rebuild(network: Network, layer_sizes, activations, origin, init, seed, scale=None) -> Network:
    """A network of the new architecture. origin[l-1] is the old layer that new layer l comes from,
    or None for a new or resized layer (fresh W and b). A kept layer keeps its b, and its W too
    unless its input changed: another layer, or another n[0]. A shape that happens to match does
    not make a tensor meaningful in its new place, so shapes are never the test."""
    layer_sizes, activations = validate_architecture(layer_sizes, activations)
    dtype = network.parameters["W1"].dtype
    fresh = init_parameters(layer_sizes, init, seed, scale, dtype=dtype)
    if at_start(network, init, seed, scale):
        return Network(layer_sizes, activations, fresh)
    parameters = {}
    for l in range(1, len(layer_sizes)):
        old = origin[l - 1]
        if old is None:
            same_input = False
        elif l == 1:
            same_input = layer_sizes[0] == network.layer_sizes[0]
        else:
            same_input = origin[l - 2] is not None and origin[l - 2] == old - 1
        parameters[f"W{l}"] = network.parameters[f"W{old}"].copy() if same_input else fresh[f"W{l}"]
        parameters[f"b{l}"] = network.parameters[f"b{old}"].copy() if old is not None else fresh[f"b{l}"]
    return Network(layer_sizes, activations, parameters)


def at_start(network: Network, init, seed, scale=None) -> bool:
    """True if the network's parameters are exactly those init_parameters gives its architecture."""
    start = init_parameters(network.layer_sizes, init, seed, scale, dtype=network.parameters["W1"].dtype)
    return all(np.array_equal(network.parameters[name], value) for name, value in start.items())


def insert_layer(network: Network, l: int, units: int, activation: str, init, seed, scale=None) -> Network:
    """A new hidden layer l (1..L), before the current layer l."""
    if not 1 <= l <= network.L:
        raise ConfigError(f"a hidden layer can go at positions 1..{network.L}, not {l}")
    if network.L - 1 >= MAX_HIDDEN_LAYERS:
        raise ConfigError(f"at most {MAX_HIDDEN_LAYERS} hidden layers")
    sizes = list(network.layer_sizes)
    sizes.insert(l, units)
    acts = list(network.activations)
    acts.insert(l - 1, activation)
    origin = list(range(1, l)) + [None] + list(range(l, network.L + 1))
    return rebuild(network, sizes, acts, origin, init, seed, scale)


def remove_layer(network: Network, l: int, init, seed, scale=None) -> Network:
    """Remove hidden layer l (the output layer stays)."""
    if not 1 <= l < network.L:
        raise ConfigError(f"only hidden layers 1..{network.L - 1} can be removed, not {l}")
    sizes = list(network.layer_sizes)
    del sizes[l]
    acts = list(network.activations)
    del acts[l - 1]
    origin = list(range(1, l)) + list(range(l + 1, network.L + 1))
    return rebuild(network, sizes, acts, origin, init, seed, scale)


def set_units(network: Network, l: int, units: int, init, seed, scale=None) -> Network:
    """Hidden layer l gets `units` units: its W and b and the next layer's W are drawn afresh."""
    if not 1 <= l < network.L:
        raise ConfigError(f"only hidden layers 1..{network.L - 1} can change size, not {l}")
    sizes = list(network.layer_sizes)
    sizes[l] = units
    origin = list(range(1, l)) + [None] + list(range(l + 1, network.L + 1))
    return rebuild(network, sizes, network.activations, origin, init, seed, scale)


def set_activation(network: Network, l: int, activation: str) -> Network:
    """Hidden layer l uses another activation; no parameter changes shape, so all are kept."""
    if not 1 <= l < network.L:
        raise ConfigError(f"the output layer stays sigmoid; hidden layers are 1..{network.L - 1}")
    acts = list(network.activations)
    acts[l - 1] = activation
    return Network(network.layer_sizes, acts, {k: v.copy() for k, v in network.parameters.items()})


def set_inputs(network: Network, n_x: int, init, seed, scale=None) -> Network:
    """The data now has n_x features: W1 is drawn afresh if its width changes."""
    sizes = list(network.layer_sizes)
    sizes[0] = n_x
    return rebuild(network, sizes, network.activations, list(range(1, network.L + 1)), init, seed, scale)


def with_hidden(network: Network, hidden_units, hidden_activations, init, seed, scale=None) -> Network:
    """A network with these hidden layers (fresh parameters), for presets and dialogs."""
    sizes = [network.layer_sizes[0], *hidden_units, 1]
    acts = [*hidden_activations, "sigmoid"]
    return rebuild(network, sizes, acts, [None] * (len(sizes) - 1), init, seed, scale)
