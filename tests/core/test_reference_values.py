"""Every single-function check value in course1_reference.md, through the engine's own functions."""
import numpy as np
import pytest

from core.cost import compute_cost
from core.network import init_parameters
from core.propagation import LayerCache, forward, layer_backward, layer_forward, linear_backward, \
    linear_forward


def test_small_init_seed_2_matches_the_week3_notebook():
    p = init_parameters([2, 4, 1], "small", seed=2)
    np.testing.assert_allclose(p["W1"], [[-0.00416758, -0.00056267], [-0.02136196, 0.01640271],
                                         [-0.01793436, -0.00841747], [0.00502881, -0.01245288]], atol=1e-8)
    np.testing.assert_allclose(p["W2"], [[-0.01057952, -0.00909008, 0.00551454, 0.02292208]], atol=1e-8)
    assert p["b1"].shape == (4, 1) and p["b2"].shape == (1, 1)
    assert not p["b1"].any() and not p["b2"].any()


def test_small_init_seed_3():
    W1 = init_parameters([5, 4, 3], "small", seed=3)["W1"]
    np.testing.assert_allclose(W1[0], [0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388],
                               atol=1e-8)


def test_xavier_divides_by_the_square_root_bit_for_bit():
    rng = np.random.RandomState(1)
    expected = [rng.randn(20, 12288) / np.sqrt(12288), rng.randn(7, 20) / np.sqrt(20)]
    p = init_parameters([12288, 20, 7], "xavier", seed=1)
    assert np.array_equal(p["W1"], expected[0]) and np.array_equal(p["W2"], expected[1])


def test_he_and_zeros():
    rng = np.random.RandomState(5)
    p = init_parameters([3, 4, 1], "he", seed=5)
    assert np.array_equal(p["W1"], rng.randn(4, 3) * np.sqrt(2.0 / 3))
    assert np.array_equal(p["W2"], rng.randn(1, 4) * np.sqrt(2.0 / 4))
    z = init_parameters([3, 4, 1], "zeros")
    assert all(not v.any() for v in z.values())


def test_linear_forward():
    rng = np.random.RandomState(1)
    A, W, b = rng.randn(3, 2), rng.randn(1, 3), rng.randn(1, 1)
    np.testing.assert_allclose(linear_forward(A, W, b), [[3.26295337, -1.23429987]], atol=1e-8)


@pytest.mark.parametrize("activation, expected", [("sigmoid", [[0.96890023, 0.11013289]]),
                                                  ("relu", [[3.43896131, 0.]])])
def test_linear_activation_forward(activation, expected):
    rng = np.random.RandomState(2)
    A_prev, W, b = rng.randn(3, 2), rng.randn(1, 3), rng.randn(1, 1)
    A, cache = layer_forward(A_prev, W, b, activation)
    np.testing.assert_allclose(A, expected, atol=1e-8)
    assert cache.A_prev is A_prev and cache.W is W and cache.b is b and cache.A is A
    np.testing.assert_allclose(cache.Z, W @ A_prev + b)


def test_L_model_forward():
    rng = np.random.RandomState(6)
    X = rng.randn(5, 4)
    params = {}
    for l, (n, n_prev) in enumerate([(4, 5), (3, 4), (1, 3)], start=1):
        params[f"W{l}"] = rng.randn(n, n_prev)
        params[f"b{l}"] = rng.randn(n, 1)
    AL, caches = forward(X, params, ["relu", "relu", "sigmoid"])
    np.testing.assert_allclose(AL, [[0.03921668, 0.70498921, 0.19734387, 0.04728177]], atol=1e-8)
    assert len(caches) == 3
    assert [c.Z.shape for c in caches] == [(4, 4), (3, 4), (1, 4)]
    assert caches[0].A_prev is X and caches[1].A_prev is caches[0].A


def test_cost():
    cost = compute_cost(np.array([[.8, .9, .4]]), np.array([[1, 1, 0]]))
    assert isinstance(cost, float)
    assert cost == pytest.approx(0.2797765635793422, abs=1e-15)


def test_cost_stays_finite_when_outputs_saturate():
    cost = compute_cost(np.array([[1.0, 0.0, 1.0]]), np.array([[0, 1, 1]]))
    assert np.isfinite(cost) and cost > 400  # two confidently wrong examples of three


def test_linear_backward():
    rng = np.random.RandomState(1)
    dZ, A_prev, W, b = rng.randn(3, 4), rng.randn(5, 4), rng.randn(3, 5), rng.randn(3, 1)
    dA_prev, dW, db = linear_backward(dZ, LayerCache(A_prev, W, b, None, None))
    np.testing.assert_allclose(db, [[-0.14713786], [-0.11313155], [-0.13209101]], atol=1e-8)
    np.testing.assert_allclose(dW[0], [0.07313866, -0.0976715, -0.87585828, 0.73763362, 0.00785716],
                               atol=1e-8)
    np.testing.assert_allclose(dA_prev[0], [-1.15171336, 0.06718465, -0.3204696, 2.09812712], atol=1e-8)
    assert (dA_prev.shape, dW.shape, db.shape) == ((5, 4), (3, 5), (3, 1))


@pytest.mark.parametrize("activation, dW, db", [
    ("sigmoid", [[0.10266786, 0.09778551, -0.01968084]], [[-0.05729622]]),
    ("relu", [[0.44513824, 0.37371418, -0.10478989]], [[-0.20837892]]),
])
def test_linear_activation_backward(activation, dW, db):
    rng = np.random.RandomState(2)
    dA, A_prev, W, b, Z = rng.randn(1, 2), rng.randn(3, 2), rng.randn(1, 3), rng.randn(1, 1), rng.randn(1, 2)
    from core.activations import ACTIVATIONS
    cache = LayerCache(A_prev, W, b, Z, ACTIVATIONS[activation].g(Z))
    grads = layer_backward(dA, cache, activation)
    np.testing.assert_allclose(grads.dW, dW, atol=1e-8)
    np.testing.assert_allclose(grads.db, db, atol=1e-8)
    assert grads.dZ.shape == Z.shape and grads.dA_prev.shape == A_prev.shape
