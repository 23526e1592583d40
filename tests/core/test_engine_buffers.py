"""The trainer's fast paths give the course's numbers: gradients written into given arrays, the
update over flat buffers, the sigmoid without its errstate inside the loop, and the float32 product
for wide inputs stored example by example."""
import warnings

import numpy as np
import pytest

from core.network import Network
from core.propagation import backward, forward, linear_forward
from core.training import TrainConfig, _flat_views, run
from core.update import update_flat, update_parameters


def _data(n0=2, m=50, seed=0, dtype=np.float64):
    rng = np.random.RandomState(seed)
    Y = (np.arange(m) % 2).reshape(1, m).astype(dtype)
    X = (rng.randn(m, n0) + 2.0 * (Y.T - 0.5)).T.astype(dtype)  # example by example, as images are
    return X, Y


def _grad_views(parameters, L):
    flat, views = _flat_views(parameters, parameters["W1"].dtype)
    return flat, [(views[f"W{l}"], views[f"b{l}"]) for l in range(1, L + 1)]


@pytest.mark.parametrize("l2", [0.0, 0.7])
def test_gradients_written_into_given_arrays_are_the_same_numbers(l2):
    X, Y = _data()
    net = Network.create([2, 5, 3, 1], ["tanh", "relu", "sigmoid"], init="he", seed=3)
    AL, caches = forward(X, net.parameters, net.activations)
    plain = backward(AL, Y, caches, net.activations, l2=l2)
    flat, out = _grad_views(net.parameters, net.L)
    flat[:] = np.nan                            # every entry must be written
    written = backward(AL, Y, caches, net.activations, l2, False, out)
    for g, w, (dW, db) in zip(plain, written, out):
        assert w.dW is dW and w.db is db
        assert np.array_equal(g.dW, dW) and np.array_equal(g.db, db)
        assert np.array_equal(g.dZ, w.dZ)
    assert np.all(np.isfinite(flat))


def test_the_flat_update_is_the_course_update_number_for_number():
    net = Network.create([3, 4, 2, 1], ["relu", "tanh", "sigmoid"], init="he", seed=5)
    X, Y = _data(3)
    AL, caches = forward(X, net.parameters, net.activations)
    G, out = _grad_views(net.parameters, net.L)
    grads = backward(AL, Y, caches, net.activations, 0.0, False, out)
    P, params = _flat_views(net.parameters, np.float64)
    for k, v in net.parameters.items():
        params[k][...] = v
    S, new = _flat_views(net.parameters, np.float64)
    update_flat(P, G, 0.37, S, np.empty_like(P))
    expected = update_parameters({k: v.copy() for k, v in net.parameters.items()}, grads, 0.37)
    for k, v in expected.items():
        assert np.array_equal(v, new[k])


def test_the_quiet_forward_gives_the_same_numbers_and_the_plain_one_warns_of_nothing():
    net = Network.create([2, 3, 1], ["relu", "sigmoid"], init="he", seed=1)
    net.parameters["W2"][...] = -1e4            # Z[2] far below -709: exp(-Z) overflows to inf
    X, _ = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        AL, _ = forward(X, net.parameters, net.activations)
        with np.errstate(over="ignore"):
            AL_quiet, _ = forward(X, net.parameters, net.activations, quiet=True)
    assert np.array_equal(AL, AL_quiet) and (AL == 0).any()


def test_float32_wide_input_stored_example_by_example():
    X, _ = _data(n0=300, m=40, dtype=np.float32)
    assert X.flags.f_contiguous and not X.flags.c_contiguous
    rng = np.random.RandomState(0)
    W = rng.randn(6, 300).astype(np.float32)
    b = rng.randn(6, 1).astype(np.float32)
    Z = linear_forward(X, W, b)
    assert Z.dtype == np.float32 and Z.flags.c_contiguous and Z.shape == (6, 40)
    np.testing.assert_allclose(Z, np.dot(W.astype(float), X.astype(float)) + b, rtol=1e-4, atol=1e-4)
    # float64 is the course's expression, bit for bit
    X64, W64, b64 = X.astype(float), W.astype(float), b.astype(float)
    assert np.array_equal(linear_forward(X64, W64, b64), np.dot(W64, X64) + b64)


def test_float32_training_stays_float32_and_follows_float64():
    X, Y = _data(n0=300, m=40)
    sizes, acts = [300, 8, 1], ["relu", "sigmoid"]
    nets = {dt: Network.create(sizes, acts, init="xavier", seed=2, dtype=dt) for dt in (np.float64, np.float32)}
    costs = {dt: run(net, X, Y, TrainConfig(learning_rate=0.05, iterations=30, record_every=10))[0]
             for dt, net in nets.items()}
    assert all(v.dtype == np.float32 for v in nets[np.float32].parameters.values())
    for (i, c64), (j, c32) in zip(costs[np.float64], costs[np.float32]):
        assert i == j and c32 == pytest.approx(c64, rel=1e-4)
    assert costs[np.float64][-1][1] < costs[np.float64][0][1]


def test_arrays_in_any_layout_train_to_the_same_numbers_and_keep_their_identity():
    X, Y = _data()
    a = Network.create([2, 4, 1], ["tanh", "sigmoid"], init="small", seed=2)
    b = a.copy()
    b.parameters["W1"] = np.asfortranarray(b.parameters["W1"])
    W1 = b.parameters["W1"]
    for net in (a, b):
        run(net, X, Y, TrainConfig(learning_rate=1.2, iterations=20))
    assert b.parameters["W1"] is W1 and W1.flags.f_contiguous
    for k, v in a.parameters.items():
        assert np.array_equal(v, b.parameters[k])


def test_parameters_in_any_key_order_train_to_the_same_numbers():
    # The flat buffers follow the dict's order; the gradients must land on their own parameters.
    X, Y = _data()
    a = Network.create([2, 4, 3, 1], ["tanh", "relu", "sigmoid"], init="he", seed=4)
    b = a.copy()
    b.parameters = {k: b.parameters[k] for k in ("b3", "W2", "W3", "b1", "W1", "b2")}
    for net in (a, b):
        run(net, X, Y, TrainConfig(learning_rate=0.3, iterations=15))
    for k, v in a.parameters.items():
        assert np.array_equal(v, b.parameters[k])


def test_forward_runs_every_layer_however_many():
    # (the validated architectures stop at 11 layers; forward itself has no such limit)
    L = 120
    rng = np.random.RandomState(0)
    parameters = {}
    for l in range(1, L + 1):
        parameters[f"W{l}"] = np.eye(2) if l < L else rng.randn(1, 2)
        parameters[f"b{l}"] = np.zeros((2 if l < L else 1, 1))
    X, _ = _data()
    AL, caches = forward(X, parameters, ["linear"] * (L - 1) + ["sigmoid"])
    assert len(caches) == L and AL.shape == (1, X.shape[1])
    assert np.array_equal(caches[-1].A_prev, X)


def test_after_divergence_the_gradient_norms_are_those_of_the_last_applied_step():
    # Linear layers at a huge learning rate: the cost becomes NaN between recorded iterations, so
    # the failing iteration's backward pass runs; its NaN gradients must not replace the last
    # applied ones that the final snapshot shows.
    X, Y = _data()
    net = Network.create([2, 16, 16, 1], ["linear", "linear", "sigmoid"], init="he", seed=1)
    _, final = run(net, X, Y, TrainConfig(learning_rate=30.0, iterations=3000, record_every=100,
                                          snapshot_every=10 ** 9))
    assert final.diverged and "cost became NaN" in final.stopped
    assert len(final.grad_norms) == 3 and all(np.isfinite(n) for n in final.grad_norms)
