"""Stepping through a pass gives exactly the engine's forward and backward values."""
import numpy as np
import pytest

from core.cost import compute_cost
from core.network import Network
from core.propagation import backward, forward, output_dA
from core.stepper import Stepper, step_list
from core.update import update_parameters


@pytest.fixture
def setup():
    rng = np.random.RandomState(0)
    X = rng.randn(2, 4)
    Y = np.array([[1.0, 0.0, 1.0, 0.0]])
    net = Network.create([2, 5, 3, 1], ["tanh", "relu", "sigmoid"], init="xavier", seed=2)
    return net, X, Y


def test_step_list_order():
    names = [f"{s.kind}{s.layer}" for s in step_list(3)]
    assert names == ["forward1", "forward2", "forward3", "cost3", "backward3", "backward2", "backward1", "update0"]


def test_a_whole_pass_is_exactly_the_engines(setup):
    net, X, Y = setup
    stepper = Stepper(net, X, Y, learning_rate=0.5)
    results = [stepper.forward_step() for _ in stepper.steps]
    assert stepper.done and stepper.forward_step() is None
    AL, caches = forward(X, net.parameters, net.activations)
    grads = backward(AL, Y, caches, net.activations, need_dA0=True)
    for l in range(1, 4):
        f = results[l - 1]
        assert np.array_equal(f.writes[f"Z[{l}]"], caches[l - 1].Z)
        assert np.array_equal(f.writes[f"A[{l}]"], caches[l - 1].A)
    assert results[3].writes["J"][0, 0] == compute_cost(AL, Y)
    for k, l in enumerate((3, 2, 1)):
        b = results[4 + k]
        for name, value in (("dZ", grads[l - 1].dZ), ("dW", grads[l - 1].dW), ("db", grads[l - 1].db)):
            assert np.array_equal(b.writes[f"{name}[{l}]"], value)
        assert np.array_equal(b.writes[f"dA[{l - 1}]"], grads[l - 1].dA_prev)
    expected = {k: v.copy() for k, v in net.parameters.items()}
    update_parameters(expected, grads, 0.5)
    for k in expected:
        assert np.array_equal(stepper.parameters[k], expected[k])
    assert not np.array_equal(stepper.parameters["W1"], net.parameters["W1"])  # the network is untouched


def test_stepping_back_restores_every_tensor(setup):
    net, X, Y = setup
    stepper = Stepper(net, X, Y, learning_rate=0.5)
    seen = []
    for _ in range(6):
        r = stepper.forward_step()
        seen.append({k: v.copy() for k, v in {**r.reads, **r.writes}.items()})
    stepper.run_to_end()
    for k in range(5, -1, -1):
        while stepper.position > k + 1:
            stepper.back_step()
        r = stepper.results[-1]
        for name, value in {**r.reads, **r.writes}.items():
            assert np.array_equal(value, seen[k][name])
    assert stepper.position == 1
    stepper.back_step()
    assert stepper.position == 0
    stepper.run_to_end()
    stepper.restart()
    assert stepper.position == 0 and stepper.back_step() is None
    assert all(np.array_equal(stepper.parameters[k], net.parameters[k]) for k in net.parameters)


def test_the_cache_list_fills_forward_and_empties_backward(setup):
    net, X, Y = setup
    stepper = Stepper(net, X, Y, learning_rate=0.1)
    sizes = []
    for _ in stepper.steps:
        r = stepper.forward_step()
        sizes.append(sum(c is not None for c in r.caches))
    assert sizes == [1, 2, 3, 3, 2, 1, 0, 0]


def test_equation_shapes_match_the_arrays(setup):
    net, X, Y = setup
    stepper = Stepper(net, X, Y, learning_rate=0.1)
    r = stepper.forward_step()
    assert r.equations[0].text() == "Z[1] (5, 4) = W[1] (5, 2) · A[0] (2, 4) + b[1] (5, 1) →broadcast→ (5, 4)"
    assert "broadcast across the 4 columns" in r.equations[0].note
    stepper.run_to_end()
    back2 = stepper.results[5]
    assert back2.equations[0].text() == "dZ[2] (3, 4) = dA[2] (3, 4) * ReLU′( Z[2] (3, 4) )"
    assert back2.equations[1].text() == "dW[2] (3, 5) = (1/m) dZ[2] (3, 4) · A[1]ᵀ (4, 5)"
    for eq in (e for res in stepper.results for e in res.equations):
        for term in [eq.lhs] + [t for t in eq.rhs if not isinstance(t, str)]:
            arrays = {**{k: v for res in stepper.results for k, v in res.reads.items()},
                      **{k: v for res in stepper.results for k, v in res.writes.items()}}
            name = term.symbol.rstrip("ᵀ")
            if name in arrays and term.symbol == name and name != "J":  # J is a scalar, shown as (1, 1)
                assert arrays[name].shape == term.shape, term


def test_backward_at_the_output_shows_dA_L_while_A_minus_Y_flows_on(setup):
    net, X, Y = setup
    stepper = Stepper(net, X, Y, learning_rate=0.1)
    for _ in range(5):   # forward 1..3, cost, backward 3
        r = stepper.forward_step()
    assert r.step == ("backward", 3)
    AL, _ = forward(X, net.parameters, net.activations)
    assert np.array_equal(r.reads["dA[3]"], output_dA(AL, Y))
    assert np.array_equal(r.writes["dZ[3]"], AL - Y)
    assert r.equations[0].lhs.symbol == "dA[3]" and r.equations[0].lhs.shape == (1, 4)
    assert r.equations[1].text() == "dZ[3] (1, 4) = dA[3] (1, 4) * σ′( Z[3] (1, 4) ) = A[3] (1, 4) − Y (1, 4)"


def test_with_l2_the_cost_is_the_one_training_minimises(setup):
    """dW[l] had the (λ/m) W[l] term but J lacked (λ/2m) Σ‖W[l]‖²: the cost on screen was not
    the cost training reports."""
    from core.cost import l2_cost
    from core.gradcheck import total_cost
    net, X, Y = setup
    stepper = Stepper(net, X, Y, learning_rate=0.5, l2=0.7)
    for _ in range(net.L + 1):
        result = stepper.forward_step()
    assert result.step.kind == "cost"
    J = result.writes["J"][0, 0]
    assert J == pytest.approx(total_cost(X, Y, net.parameters, net.activations, l2=0.7), rel=1e-12)
    assert l2_cost(net.parameters, net.L, 0.7, 4) > 0.01 and J > compute_cost(stepper.state.A, Y) + 0.01
    assert "λ/2m" in result.equations[0].text() and "λ = 0.7" in result.equations[0].note
    plain = Stepper(net, X, Y, learning_rate=0.5)
    for _ in range(net.L + 1):
        plain_result = plain.forward_step()
    assert "λ" not in plain_result.equations[0].text()
    assert plain_result.writes["J"][0, 0] == compute_cost(plain.state.A, Y)
