import numpy as np

from core.boundary import evaluate, make_grid
from core.history import CostHistory
from core.network import Network
from core.propagation import forward


def test_grid_covers_the_data_row_major():
    X = np.array([[0.0, 2.0, 1.0], [-1.0, 1.0, 0.0]])
    g = make_grid(X, resolution=5, margin=0.0)
    assert g.extent == (0.0, 2.0, -1.0, 1.0)
    assert g.points.shape == (2, 25)
    # row i is y = ys[i], column j is x = xs[j]
    assert g.points[:, 0].tolist() == [0.0, -1.0] and g.points[:, 4].tolist() == [2.0, -1.0]
    assert g.points[:, 20].tolist() == [0.0, 1.0]


def test_maps_are_the_engines_forward_pass_over_the_grid():
    net = Network.create([2, 3, 2, 1], ["tanh", "relu", "sigmoid"], seed=3)
    X = np.random.RandomState(0).randn(2, 10)
    g = make_grid(X, resolution=20)
    maps = evaluate(g, net.parameters, net.activations)
    AL, caches = forward(g.points, net.parameters, net.activations)
    assert maps.probability.shape == (20, 20)
    assert np.array_equal(maps.probability.ravel(), AL.ravel())
    assert [m.shape for m in maps.hidden] == [(3, 20, 20), (2, 20, 20)]
    assert np.array_equal(maps.hidden[1][1].ravel(), caches[1].A[1])


def test_history_is_bounded_and_keeps_the_ends():
    h = CostHistory(capacity=100)
    for i in range(100_000):
        h.append(i, 1.0 / (i + 1))
    assert len(h) <= 100
    its = h.iterations
    assert its[0] == 0 and its[-1] == 99_999
    assert np.all(np.diff(its) > 0)
    # the recent past is at full detail
    assert np.all(np.diff(its[-40:]) == 1)
    assert h.last() == (99_999, 1.0 / 100_000)
