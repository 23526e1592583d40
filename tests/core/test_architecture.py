"""Architecture edits: fresh tensors where the meaning changed, the rest kept; an untrained
network edited equals a fresh start (Session.initial_parameters)."""
import numpy as np
import pytest

from core import architecture
from core.network import Network
from core.session import InitSettings, Session

INIT = ("xavier", 3, None)


def _session(sizes, acts):
    init = InitSettings(scheme="xavier", seed=3)
    return Session(network=Network.create(sizes, acts, init.scheme, init.seed), init=init)


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("edit, args", [
    ("insert_layer", (1, 2, "relu")),     # the new layer has as many units as the input: W2 (4, 2) = old W1's shape
    ("insert_layer", (3, 5, "tanh")),
    ("remove_layer", (1,)),
    ("remove_layer", (2,)),
    ("set_units", (2, 7)),
    ("set_activation", (1, "relu")),       # initialisation does not depend on the activation
])
def test_an_edit_of_an_untrained_network_is_a_fresh_start(edit, args):
    s = _session([2, 4, 4, 1], ["tanh", "tanh", "sigmoid"])
    s.network = s.edited(edit, *args)
    assert _same(s.network.parameters, s.initial_parameters())


def _trained(sizes, acts):
    net = Network.create(sizes, acts, *INIT)
    rng = np.random.RandomState(0)
    for k in net.parameters:
        net.parameters[k] = net.parameters[k] + rng.randn(*net.parameters[k].shape)
    return net


def test_insert_redraws_the_next_layers_w_even_when_its_shape_matches():
    net = _trained([2, 4, 1], ["tanh", "sigmoid"])
    new = architecture.insert_layer(net, 1, 2, "relu", *INIT)   # [2, 2, 4, 1]
    fresh = Network.create([2, 2, 4, 1], ["relu", "tanh", "sigmoid"], *INIT).parameters
    assert new.parameters["W2"].shape == net.parameters["W1"].shape
    assert np.array_equal(new.parameters["W2"], fresh["W2"])        # its input is another layer now
    assert np.array_equal(new.parameters["b2"], net.parameters["b1"])  # its own units are the same
    assert np.array_equal(new.parameters["W1"], fresh["W1"]) and np.array_equal(new.parameters["b1"], fresh["b1"])
    assert np.array_equal(new.parameters["W3"], net.parameters["W2"])  # untouched: kept, trained


def test_remove_redraws_the_next_layers_w_even_when_its_shape_matches():
    net = _trained([2, 4, 4, 4, 1], ["relu", "relu", "relu", "sigmoid"])
    new = architecture.remove_layer(net, 2, *INIT)   # [2, 4, 4, 1]: old W3 (4, 4) would fit
    fresh = Network.create([2, 4, 4, 1], ["relu", "relu", "sigmoid"], *INIT).parameters
    assert np.array_equal(new.parameters["W2"], fresh["W2"])
    assert not np.array_equal(new.parameters["W2"], net.parameters["W3"])
    assert np.array_equal(new.parameters["b2"], net.parameters["b3"])
    for kept_new, kept_old in (("W1", "W1"), ("b1", "b1"), ("W3", "W4"), ("b3", "b4")):
        assert np.array_equal(new.parameters[kept_new], net.parameters[kept_old])


def test_set_units_and_set_activation_of_a_trained_network():
    net = _trained([2, 4, 3, 1], ["relu", "relu", "sigmoid"])
    new = architecture.set_units(net, 1, 6, *INIT)
    fresh = Network.create([2, 6, 3, 1], ["relu", "relu", "sigmoid"], *INIT).parameters
    for k in ("W1", "b1", "W2"):
        assert np.array_equal(new.parameters[k], fresh[k])
    for k in ("b2", "W3", "b3"):
        assert np.array_equal(new.parameters[k], net.parameters[k])
    same = architecture.set_activation(net, 1, "tanh")
    assert _same(same.parameters, net.parameters) and same.activations[0] == "tanh"


def test_new_inputs_redraw_w1_and_keep_the_rest_of_a_trained_network():
    net = _trained([2, 4, 1], ["tanh", "sigmoid"])
    new = architecture.set_inputs(net, 5, *INIT)
    assert np.array_equal(new.parameters["W1"], Network.create([5, 4, 1], ["tanh", "sigmoid"], *INIT).parameters["W1"])
    for k in ("b1", "W2", "b2"):
        assert np.array_equal(new.parameters[k], net.parameters[k])
