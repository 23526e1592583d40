"""Backprop against finite differences, for every activation and for 0, 1 and 3 hidden layers."""
import numpy as np
import pytest

from core.activations import ACTIVATIONS, NAMES
from core.gradcheck import THRESHOLD, gradient_check
from core.network import Network
from core.propagation import backward, forward, output_dA


def _data(n_x=3, m=7, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_x, m)
    Y = (rng.rand(1, m) > 0.5).astype(float)
    return X, Y


@pytest.mark.parametrize("hidden", [[], [5], [5, 4, 3]], ids=["0-hidden", "1-hidden", "3-hidden"])
@pytest.mark.parametrize("activation", NAMES)
def test_backprop_matches_centred_differences(hidden, activation):
    X, Y = _data()
    # Weights of scale ~2/sqrt(n) keep a deep sigmoid net's gradients well above the rounding
    # noise of a centred difference (vanishing gradients would otherwise fail a relative test).
    net = Network.create([3] + hidden + [1], [activation] * len(hidden) + ["sigmoid"], init="xavier",
                         seed=3, scale=2.0)
    # Biases away from zero so relu kinks are not hit by ±ε.
    for l in range(1, net.L + 1):
        net.parameters[f"b{l}"] += 0.1
    checks = gradient_check(X, Y, net.parameters, net.activations)
    assert [c.name for c in checks] == [f"d{k}{l}" for l in range(1, net.L + 1) for k in "Wb"]
    for c in checks:
        assert c.difference < THRESHOLD, c
        assert c.checked == c.total


def test_gradient_check_with_l2_and_sampled_entries():
    X, Y = _data(n_x=50, m=6)
    net = Network.create([50, 6, 1], ["tanh", "sigmoid"], init="xavier", seed=1)
    before = {k: v.copy() for k, v in net.parameters.items()}
    checks = gradient_check(X, Y, net.parameters, net.activations, l2=0.7, max_entries=20)
    assert checks[0].checked == 20 and checks[0].total == 300
    assert all(c.passed for c in checks)
    assert all(np.array_equal(before[k], net.parameters[k]) for k in before)  # left untouched


def test_gradient_check_catches_a_wrong_gradient(monkeypatch):
    X, Y = _data()
    net = Network.create([3, 4, 1], ["tanh", "sigmoid"], init="xavier", seed=3)
    import core.gradcheck as gc
    real_backward = gc.backward

    def broken(*args, **kwargs):
        grads = real_backward(*args, **kwargs)
        return [g._replace(dW=g.dW * 1.01) for g in grads]

    monkeypatch.setattr(gc, "backward", broken)
    checks = gradient_check(X, Y, net.parameters, net.activations)
    assert not any(c.passed for c in checks if c.name.startswith("dW"))


@pytest.mark.parametrize("activation", NAMES)
def test_derivative_matches_finite_differences_of_g(activation):
    act = ACTIVATIONS[activation]
    Z = np.linspace(-3, 3, 61).reshape(1, -1) + 0.013  # avoid the kink at exactly 0
    h = 1e-6
    numeric = (act.g(Z + h) - act.g(Z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(Z), numeric, atol=1e-6)
    dA = np.ones_like(Z) * 2.0
    np.testing.assert_allclose(act.backward(dA, Z, act.g(Z)), 2.0 * numeric, atol=1e-5)


def test_relu_derivative_is_zero_at_zero():
    Z = np.array([[-1.0, 0.0, 2.0]])
    assert ACTIVATIONS["relu"].backward(np.ones_like(Z), Z, None).tolist() == [[0.0, 0.0, 1.0]]


def test_output_dZ_is_AL_minus_Y_and_stays_finite_when_saturated():
    X, Y = _data(m=4)
    net = Network.create([3, 2, 1], ["relu", "sigmoid"], init="xavier", seed=1)
    net.parameters["W2"][:] = 1e4  # drive the output to exactly 0 or 1
    AL, caches = forward(X, net.parameters, net.activations)
    grads = backward(AL, Y, caches, net.activations)
    assert np.array_equal(grads[-1].dZ, AL - Y)
    assert all(np.all(np.isfinite(g.dW)) for g in grads)
    # dA[L] for display agrees with the course's formula where it is finite
    dAL = output_dA(np.array([[0.8, 0.3]]), np.array([[1.0, 0.0]]))
    np.testing.assert_allclose(dAL, [[-1 / 0.8, 1 / 0.7]])


def test_backward_never_computes_dA0_unless_asked():
    X, Y = _data()
    net = Network.create([3, 4, 2, 1], ["relu", "tanh", "sigmoid"], init="he", seed=0)
    AL, caches = forward(X, net.parameters, net.activations)
    grads = backward(AL, Y, caches, net.activations)
    assert grads[0].dA_prev is None
    assert [g.dA_prev.shape for g in grads[1:]] == [(4, 7), (2, 7)]
    assert [g.dW.shape for g in grads] == [(4, 3), (2, 4), (1, 2)]
    grads0 = backward(AL, Y, caches, net.activations, need_dA0=True)
    assert grads0[0].dA_prev.shape == X.shape
    np.testing.assert_allclose(grads0[0].dA_prev, net.parameters["W1"].T @ grads0[0].dZ)
