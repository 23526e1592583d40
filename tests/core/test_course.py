"""The course companion's numbers: computation graphs, loops vs NumPy, activation health, why deep."""
import threading

import numpy as np
import pytest

from core.activations import NAMES
from core.course import (Stopped, chain_rule_graph, checkerboard, curves, dot_loop, layer_health, load_why_deep,
                         logistic_graph, looped_forward, parameter_rows, saturation_edge, time_forward,
                         vectorized_Z)
from core.data import open_dataset
from core.errors import ConfigError
from core.network import Network, parameter_count
from core.propagation import backward, forward
from core.training import TrainConfig, run


# --- computation graphs ---------------------------------------------------------------------------
def test_chain_rule_graph_is_the_course_example():
    g = chain_rule_graph(5, 3, 2)
    assert (g.node("u").value, g.node("v").value, g.node("J").value) == (6, 11, 33)
    assert (g.node("a").grad, g.node("b").grad, g.node("c").grad) == (3, 6, 9)


@pytest.mark.parametrize("a, b, c", [(5, 3, 2), (-1.5, 0.25, 4.0), (0, -2, 7)])
def test_chain_rule_graph_derivatives_follow_the_edges(a, b, c):
    g = chain_rule_graph(a, b, c)
    by_edges = g.chain_rule()
    for name in "abcuvJ":
        assert by_edges[name] == pytest.approx(g.node(name).grad)
    # and agree with finite differences of J = 3(a + bc)
    J = lambda a, b, c: 3 * (a + b * c)  # noqa: E731
    h = 1e-6
    assert g.node("a").grad == pytest.approx((J(a + h, b, c) - J(a - h, b, c)) / (2 * h), rel=1e-6)
    assert g.node("b").grad == pytest.approx((J(a, b + h, c) - J(a, b - h, c)) / (2 * h), rel=1e-6, abs=1e-6)
    assert g.node("c").grad == pytest.approx((J(a, b, c + h) - J(a, b, c - h)) / (2 * h), rel=1e-6, abs=1e-6)


def test_logistic_graph_equals_the_engines_backward_on_one_example():
    data = open_dataset("flower")
    net = Network.create([2, 1], ["sigmoid"], "xavier", seed=4)
    net.parameters["b1"][:] = 0.3
    for i in (0, 7, 250):
        x, y = data.X[:, i:i + 1], data.Y[:, i:i + 1]
        AL, caches = forward(x, net.parameters, net.activations)
        grads = backward(AL, y, caches, net.activations)
        g = logistic_graph(x[:, 0], y[0, 0], net.parameters["W1"][0], net.parameters["b1"][0, 0])
        assert g.node("z").value == caches[0].Z[0, 0]
        assert g.node("a").value == AL[0, 0]
        assert g.node("z").grad == grads[0].dZ[0, 0]
        assert [g.node("w1").grad, g.node("w2").grad] == grads[0].dW[0].tolist()
        assert g.node("b").grad == grads[0].db[0, 0]
        # the course's formulas: dz = a − y, dw = x·dz, db = dz
        dz = AL[0, 0] - y[0, 0]
        assert g.node("z").grad == pytest.approx(dz)
        assert g.node("w1").grad == pytest.approx(x[0, 0] * dz)
        # and the edges' local derivatives chain to the same dvars
        by_edges = g.chain_rule()
        for name in ("a", "z", "w1", "w2", "b"):
            assert by_edges[name] == pytest.approx(g.node(name).grad, rel=1e-9)


def test_graph_steps_go_forward_then_backward():
    g = logistic_graph([1.0, 2.0], 1, [0.5, -0.3], 0.1)
    assert g.steps() == [("forward", "z"), ("forward", "a"), ("forward", "L"), ("backward", "L"),
                         ("backward", "a"), ("backward", "z"), ("backward", "b"), ("backward", "w2"),
                         ("backward", "w1")]
    assert g.node("x1").grad is None and g.node("y").grad is None  # the data get no dvar


# --- vectorization -------------------------------------------------------------------------------
def test_looped_and_vectorized_forward_give_the_same_Z():
    data = open_dataset("flower")
    net = Network.create([2, 5, 3, 1], ["relu", "tanh", "sigmoid"], "xavier", seed=3)
    Z_loop = looped_forward(data.X, net.parameters, net.activations)
    Z_numpy = vectorized_Z(data.X, net.parameters, net.activations)
    assert [z.shape for z in Z_loop] == [(5, 400), (3, 400), (1, 400)]
    for a, b in zip(Z_loop, Z_numpy):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_time_forward_compares_equal_work_and_stops_on_request():
    data = open_dataset("flower")
    net = Network.create([2, 4, 1], ["tanh", "sigmoid"], "small", seed=2)
    t = time_forward(data.X, net.parameters, net.activations, budget=5.0)
    assert t.columns == t.m == 400 and t.max_difference < 1e-12
    assert t.loop_seconds > t.numpy_seconds > 0 and t.ratio > 1
    short = time_forward(data.X, net.parameters, net.activations, budget=0.0)
    assert 1 <= short.columns < 400   # the time budget cut the loop short
    stop = threading.Event()
    stop.set()
    with pytest.raises(Stopped):
        time_forward(data.X, net.parameters, net.activations, stop=stop)


def test_dot_loop_is_the_dot_product():
    rng = np.random.RandomState(0)
    a, b = rng.rand(1000), rng.rand(1000)
    assert dot_loop(a, b) == pytest.approx(np.dot(a, b), rel=1e-12)


# --- activations ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_plotted_derivatives_equal_finite_differences_of_g(name):
    z = np.concatenate([np.linspace(-6, -0.05, 120), np.linspace(0.05, 6, 120)])  # away from ReLU's kink
    h = 1e-6
    g_plus, _ = curves(name, z + h)
    g_minus, _ = curves(name, z - h)
    _, dg = curves(name, z)
    np.testing.assert_allclose(dg, (g_plus - g_minus) / (2 * h), atol=1e-7)


def test_saturation_edges_are_where_g_prime_falls_to_five_percent():
    assert curves("sigmoid", np.array([saturation_edge("sigmoid")]))[1][0] == pytest.approx(0.25 * 0.05)
    assert curves("tanh", np.array([saturation_edge("tanh")]))[1][0] == pytest.approx(0.05)
    assert saturation_edge("relu") is None


def test_layer_health_counts_dead_relus_and_saturated_units():
    Z = np.array([[-1.0, -2.0, -0.5, -3.0], [1.0, -1.0, 2.0, 0.5], [0.1, 0.2, 0.3, 0.4]])
    h = layer_health(Z, "relu")
    assert h.dead_units == 1 and h.inactive_share == pytest.approx(5 / 12)
    s = layer_health(np.array([[10.0, -10.0, 0.0, 0.1]]), "tanh")
    assert s.saturated_share == pytest.approx(0.5)
    assert layer_health(Z, "linear").saturated_share == 0 and "linear" in layer_health(Z, "linear").summary()


def test_parameter_rows_count_every_W_and_b():
    rows = parameter_rows([2, 4, 3, 1])
    assert [(r.name, r.shape) for r in rows] == [("W1", (4, 2)), ("b1", (4, 1)), ("W2", (3, 4)), ("b2", (3, 1)),
                                                 ("W3", (1, 3)), ("b3", (1, 1))]
    assert sum(r.count for r in rows) == parameter_count([2, 4, 3, 1]) == 31


# --- why deep ---------------------------------------------------------------------------------------
def test_checkerboard_is_parity_of_the_cells():
    d = checkerboard(200, 2, seed=3)
    xor = (d.X[0] >= 0) != (d.X[1] >= 0)
    np.testing.assert_array_equal(d.Y[0], xor.astype(float))   # 2 × 2 cells: x₁ > 0 XOR x₂ > 0
    with pytest.raises(ConfigError):
        checkerboard(0, 3)


def test_why_deep_pair_has_equal_parameter_counts_and_depth_wins():
    p = load_why_deep()
    deep, shallow = p.layer_sizes(0), p.layer_sizes(1)
    assert len(deep) > len(shallow) and max(deep[1:-1]) < max(shallow[1:-1])
    assert parameter_count(deep) == parameter_count(shallow)
    data, n = p.data(), p.expect["at_iteration"]
    # The pair stops where the claim is made: the accuracies reported at the end are the claim's.
    assert p.hyper.iterations == n
    accuracy = []
    for k in (0, 1):
        net = Network.create(p.layer_sizes(k), p.activations(k), p.init.scheme, p.init.seed)
        _, final = run(net, data.X, data.Y, TrainConfig(learning_rate=p.hyper.learning_rate, iterations=n,
                                                        record_every=n))
        accuracy.append(final.train_accuracy)
    assert accuracy[0] > p.expect["deep_accuracy_above"]
    assert accuracy[1] < p.expect["shallow_accuracy_below"]
