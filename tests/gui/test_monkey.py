"""Under load: 1,000 random UI actions while training runs: no exception, no thread left behind."""
import random
import threading

from PySide6.QtWidgets import QApplication

from core.session import DataSettings


def _actions(w, rng):
    c, t, s = w.controller, w.training, w.stepping
    panel = w.training_panel

    def hidden_layer():
        return rng.randint(1, max(1, c.network.L - 1))

    return [
        lambda: c.insert_layer(rng.randint(1, c.network.L), rng.randint(1, 9), rng.choice(["relu", "tanh", "sigmoid"])),
        lambda: c.network.L > 1 and c.remove_layer(hidden_layer()),
        lambda: c.network.L > 1 and c.set_units(hidden_layer(), rng.randint(1, 12)),
        lambda: c.network.L > 1 and c.set_activation(hidden_layer(), rng.choice(["relu", "tanh", "leaky_relu", "linear", "sigmoid"])),
        lambda: panel.lr_edit.setText(rng.choice(["0.01", "0.3", "1.2", "5", "nan", "-1", "abc", "0"])) or panel.lr_edit.editingFinished.emit(),
        lambda: panel.lr_slider.setValue(rng.randint(-500, 100)),
        lambda: panel.batch.setValue(rng.randint(0, 64)),
        lambda: panel.l2.setValue(rng.choice([0.0, 0.1, 1.0])),
        lambda: c.set_data_settings(DataSettings(source=rng.choice(["flower", "moons", "circles", "xor", "spiral"]),
                                                 samples=rng.choice([None, 60, 150]),
                                                 test_fraction=rng.choice([0.0, 0.2]))),
        lambda: c.add_point(rng.uniform(-3, 3), rng.uniform(-3, 3), rng.randint(0, 1)) if c.data.n_x == 2 else None,
        lambda: c.data.m > 2 and c.remove_point(rng.randrange(c.data.m)),
        lambda: t.play(),
        lambda: t.pause(),
        lambda: t.toggle(),
        lambda: t.reset(),
        lambda: t.step(),
        lambda: s.set_active(not s.active),
        lambda: s.next(),
        lambda: s.previous(),
        lambda: s.run_to_end(),
        lambda: c.undo_stack.undo(),
        lambda: c.undo_stack.redo(),
        lambda: c.select_layer(rng.randint(0, c.network.L)),
        lambda: t.show_past(rng.randint(0, 50)),
        lambda: t.back_to_present(),
        lambda: w.presentation.action.setChecked(not w.presentation.action.isChecked()),
    ]


def test_a_thousand_random_actions_while_training(window, qtbot, monkeypatch):
    errors = []
    monkeypatch.setattr(window, "show_error", lambda title, msg: errors.append(msg))  # no modal dialogs
    window.training.set_hyperparameters(iterations=10_000_000)
    rng = random.Random(7)
    actions = _actions(window, rng)
    app = QApplication.instance()
    window.training.play()
    for k in range(1000):
        rng.choice(actions)()
        app.processEvents()
        if k % 50 == 0 and window.training.state != "running" and not window.stepping.active:
            window.training.play()
    window.presentation.action.setChecked(False)
    window.training.stop()
    assert not window.training.trainer.running
    assert all(th.name == "MainThread" or not th.is_alive() or th.daemon for th in threading.enumerate())
    # the app is still coherent: the session's network fits its data
    assert window.controller.network.layer_sizes[0] == window.controller.data.n_x
