"""Step-through mode in the window: the keys, the values shown, stepping back, the canvas highlight."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.propagation import backward, forward
from core.update import update_parameters
from gui.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    w = MainWindow(restore_settings=False)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def _press(qtbot, window, key):
    qtbot.keyClick(window.canvas, key)


def test_a_whole_pass_shows_exactly_the_engines_values(window, qtbot):
    c = window.controller
    qtbot.keyClick(window.canvas, Qt.Key_T, Qt.ControlModifier)
    assert window.stepping.active and not window.stepping_dock.visibleRegion().isEmpty()
    X, Y = c.data.X[:, :4], c.data.Y[:, :4]
    AL, caches = forward(X, c.network.parameters, c.network.activations)
    grads = backward(AL, Y, caches, c.network.activations, need_dA0=True)
    panel = window.stepping_panel

    _press(qtbot, window, Qt.Key_Right)                      # forward 1
    shown = panel.shown_tensors()
    assert np.array_equal(shown["Z[1]"], caches[0].Z) and shown["Z[1]"].shape == (4, 4)
    assert np.array_equal(shown["A[0]"], X)
    assert panel.equation.plain_text()[0] == "Z[1] (4, 4) = W[1] (4, 2) · A[0] (2, 4) + b[1] (4, 1)"
    assert window.canvas.step_highlight() == ("forward", 1)

    _press(qtbot, window, Qt.Key_N)                          # forward 2
    _press(qtbot, window, Qt.Key_N)                          # cost
    assert window.canvas.step_highlight() == ("cost", 2)
    _press(qtbot, window, Qt.Key_Right)                      # backward 2
    _press(qtbot, window, Qt.Key_Right)                      # backward 1
    shown = panel.shown_tensors()
    assert window.canvas.step_highlight() == ("backward", 1)
    for name, value in (("dZ[1]", grads[0].dZ), ("dW[1]", grads[0].dW), ("db[1]", grads[0].db)):
        assert np.array_equal(shown[name], value)

    _press(qtbot, window, Qt.Key_Left)                       # back to backward 2: restored exactly
    shown = panel.shown_tensors()
    assert np.array_equal(shown["dW[2]"], grads[1].dW) and "dW[1]" not in shown
    assert window.canvas.step_highlight() == ("backward", 2)

    before = {k: v.copy() for k, v in c.network.parameters.items()}
    _press(qtbot, window, Qt.Key_End)                        # run to the end: the update
    assert window.stepping.stepper.done
    _press(qtbot, window, Qt.Key_Right)                      # applies the update, a new pass begins
    expected = {k: v.copy() for k, v in before.items()}
    update_parameters(expected, grads, c.session.hyper.learning_rate)
    for k in expected:
        assert np.allclose(c.network.parameters[k], expected[k], rtol=0, atol=1e-15)
    assert window.stepping.stepper.position == 0 and window.stepping.passes == 1


def test_cache_list_and_following_an_example(window, qtbot):
    s = window.stepping
    s.set_active(True)
    s.set_follow(2)
    s.next()
    views = [v for v in window.stepping_panel._views if not v.isHidden()]
    wide = [v for v in views if v.matrix().shape[1] == 4]
    assert wide and all(v.highlighted_column() == 2 for v in wide)
    assert "cache 1" in window.stepping_panel.caches.text()
    s.run_to_end()
    assert "used" in window.stepping_panel.caches.text()


def test_batch_choice_changes_m_in_every_shape(window):
    s = window.stepping
    s.set_active(True)
    window.stepping_panel.batch.setValue(7)
    s.next()
    assert window.stepping_panel.shown_tensors()["Z[1]"].shape == (4, 7)
    window.stepping_panel.whole.setChecked(True)
    s.next()
    assert window.stepping_panel.shown_tensors()["Z[1]"].shape == (4, 400)


def test_right_arrow_trains_when_not_stepping_and_stepping_stops_training(window, qtbot):
    training = window.training
    _press(qtbot, window, Qt.Key_Right)
    qtbot.waitUntil(lambda: training.iteration == 1 and training.state == "idle", timeout=5000)
    training.play()
    qtbot.waitUntil(lambda: training.state == "running", timeout=3000)
    window.step_actions.mode.trigger()
    assert not training.trainer.running and window.stepping.active
    window.step_actions.mode.trigger()
    assert not window.stepping.active and window.canvas.step_highlight() is None
