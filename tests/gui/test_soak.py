"""Soak: 200,000 iterations in the window with every live view on; memory must stay flat.

Marked slow, so the default `python -m pytest` skips it; run it with

    python -m pytest -m slow

Resident memory is read from /proc/self/statm once the run has warmed up (the caches, the cost
history and the timeline have reached their bounds well before 20,000 iterations) and again at the
end: it must grow by less than 10 %.
"""
import os
import resource
import threading
import time

import pytest
from PySide6.QtWidgets import QApplication

from gui.main_window import MainWindow

pytestmark = pytest.mark.slow

ITERATIONS = 200_000
WARM_UP = 20_000


def resident_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc to read resident memory")
def test_two_hundred_thousand_iterations_in_the_window_keep_memory_flat(qtbot):
    w = MainWindow(restore_settings=False)
    qtbot.addWidget(w)
    w.resize(1600, 960)
    w.show()
    assert w.training.set_hyperparameters(iterations=ITERATIONS)
    app = QApplication.instance()
    w.training.play()
    warm = None
    deadline = time.monotonic() + 900
    while w.training.state == "running" and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)
        if warm is None and w.training.iteration >= WARM_UP:
            warm = resident_bytes()
    end = resident_bytes()
    assert w.training.iteration == ITERATIONS, f"stopped at {w.training.iteration}"
    assert warm is not None
    growth = (end - warm) / warm
    print(f"\nresident memory after warm-up {warm / 2**20:.1f} MiB, at the end {end / 2**20:.1f} MiB "
          f"({growth:+.1%})")
    assert growth < 0.10
    w.close()
    assert not w.training.trainer.running
    assert all(th.name == "MainThread" or not th.is_alive() or th.daemon for th in threading.enumerate())
