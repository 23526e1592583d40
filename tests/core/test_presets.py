"""Every lecture preset loads and, trained headless by the engine, reaches its stated outcome."""
import numpy as np
import pytest

from core.data import open_dataset
from core.network import Network
from core.presets import load_presets
from core.training import TrainConfig, run
from tests.paths import CAT_MISSING, CAT_TRAIN

PRESETS = {p.id: p for p in load_presets()}


def _train(preset, data, units=None, iterations=None):
    net = Network.create(preset.layer_sizes(data.n_x, units), preset.activations(), preset.init.scheme,
                         preset.init.seed)
    h = preset.hyper
    costs, final = run(net, data.X, data.Y, TrainConfig(learning_rate=h.learning_rate,
                                                        iterations=iterations or h.iterations))
    return net, dict(costs), final


def test_every_preset_says_what_it_shows():
    assert set(PRESETS) == {"week2-logistic", "week3-planar", "week3-sweep", "week4-cat", "symmetry", "vanishing"}
    for p in PRESETS.values():
        assert p.title and p.shows.endswith((".", ")")) and p.expect


def test_week2_logistic_regression_fails_on_the_flower():
    p = PRESETS["week2-logistic"]
    assert p.hidden == ()
    _, _, final = _train(p, open_dataset("flower"))
    assert final.train_accuracy < p.expect["train_accuracy_below"]


def test_week3_planar_model():
    p = PRESETS["week3-planar"]
    _, costs, final = _train(p, open_dataset("flower"), iterations=2000)
    for i, c in p.expect["cost_at"]:
        assert round(costs[i], 6) == c
    assert final.train_accuracy > p.expect["train_accuracy_above"]


def test_week3_sweep_gets_better_with_more_units():
    p = PRESETS["week3-sweep"]
    assert p.sweep == (1, 2, 3, 4, 5, 20, 50)
    data = open_dataset("flower")
    accuracies = [_train(p, data, units=n, iterations=1500)[2].train_accuracy for n in p.sweep]
    assert max(accuracies) - accuracies[0] > p.expect["accuracy_rises_from_first_to_best"]


@pytest.mark.skipif(not CAT_TRAIN.exists(), reason=CAT_MISSING)
def test_week4_cat_network():
    p = PRESETS["week4-cat"]
    _, costs, _ = _train(p, open_dataset(str(CAT_TRAIN)), iterations=101)
    for i, c in p.expect["cost_at"]:
        assert round(costs[i], 6) == c


def test_zeros_initialisation_keeps_every_hidden_unit_identical():
    p = PRESETS["symmetry"]
    net, _, _ = _train(p, open_dataset("flower"))
    W1, W2 = net.parameters["W1"], net.parameters["W2"]
    assert np.all(W1 == W1[0]) and np.all(W2 == W2[0, 0])


def test_deep_sigmoid_gradients_vanish():
    p = PRESETS["vanishing"]
    data = open_dataset("flower")
    net = Network.create(p.layer_sizes(data.n_x), p.activations(), p.init.scheme, p.init.seed)
    from core.propagation import backward, forward
    AL, caches = forward(data.X, net.parameters, net.activations)
    grads = backward(AL, data.Y, caches, net.activations)
    ratio = np.linalg.norm(grads[0].dW) / np.linalg.norm(grads[-1].dW)
    assert ratio < p.expect["first_to_last_gradient_ratio_below"]
