"""Predictions on image data: the thumbnails show prediction against truth while the network trains.

While training, each snapshot carries the predictions the trainer already computed (A[L] > 0.5 of
its own forward pass), so the window runs no forward pass of its own. After an edit or a reset
the engine's Network.predict runs here, a few times a second at most (the cat network's forward
pass over 259 images costs tens of milliseconds).
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer

MIN_INTERVAL = 0.25  # seconds between two prediction passes


class PredictionUpdater(QObject):
    def __init__(self, controller, thumbnails, training=None, parent=None):
        super().__init__(parent)
        self.controller, self.thumbnails, self.training = controller, thumbnails, training
        self._last = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.update_now)
        controller.network_changed.connect(self.schedule)
        controller.data_changed.connect(self.schedule)
        if training is not None:
            training.snapshot.connect(self.show_snapshot)

    def show_snapshot(self, snap) -> None:
        if self.controller.data.image_shape is None or snap.predictions is None:
            return
        if snap.predictions.shape[0] == self.controller.data.m:
            self.thumbnails.set_predictions(snap.predictions, snap.test_predictions)

    def schedule(self) -> None:
        if self.controller.data.image_shape is None or self._timer.isActive():
            return
        if self.training is not None and self.training.state == "running":
            return  # the snapshots bring the predictions
        wait = max(0.0, MIN_INTERVAL - (time.monotonic() - self._last))
        self._timer.start(int(wait * 1000))

    def update_now(self) -> None:
        data, net = self.controller.data, self.controller.network
        if data.image_shape is None or net.layer_sizes[0] != data.n_x:
            return
        self._last = time.monotonic()
        train = net.predict(data.X)[0]
        test = net.predict(data.X_test)[0] if data.X_test is not None else None
        self.thumbnails.set_predictions(train, test)
