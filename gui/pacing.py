"""Redrawing at the pace the GUI can afford while training runs.

FrameThrottle coalesces a live view's redraw requests and skips frames when drawing is slow;
Pace holds numbers in text (a cost, an iteration count, a table row) to 10 changes a second;
on_screen tells whether a view can be seen at all (a dock tabbed behind another cannot).
"""
from __future__ import annotations

import math
import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QWidget


_DRAW_EVENT = QEvent.Type(QEvent.registerEventType())


def on_screen(widget: QWidget) -> bool:
    """Whether any part of widget can be seen: shown, and not covered. A dock tabbed behind
    another stays "visible" to Qt; only its visible region is empty. A view that is not on screen
    skips its redraws and catches up at its next paint event (the tab brought to the front)."""
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


class FrameThrottle(QObject):
    """Coalesces redraw requests into one draw per event-loop turn, and skips frames when drawing
    is slow: after a draw that took t seconds, this view does not draw again for t seconds, so a
    slow view (a deep network's maps) takes at most half the GUI thread and the window stays
    responsive while training runs.

    The budget is each view's own: with one budget shared by the boundary and the canvas, a draw
    of one made the other wait, and at 30 snapshots a second they took turns (15 redraws a second
    each) though both together took a tenth of a frame."""

    def __init__(self, draw, parent=None):
        super().__init__(parent)
        self._draw = draw
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.PreciseTimer)   # a coarse 4 ms timer may fire 5 % late: no gain
        self._timer.timeout.connect(self._on_timeout)
        self.last_seconds = 0.0
        self.ready_at = 0.0      # perf_counter time when this view may draw again
        self._posted = False     # a draw event is on its way

    def request(self) -> None:
        if self.pending:
            return
        wait = self._wait_ms()
        if wait > 0:
            self._timer.start(wait)
        else:
            # A posted event of high priority, not a 0 ms timer: Qt delivers it before the
            # window's paint request, so the view is drawn into this frame's paint instead of
            # the next one (a timer started in the poll's timeout fires after the paint).
            self._posted = True
            QCoreApplication.postEvent(self, QEvent(_DRAW_EVENT), Qt.HighEventPriority.value)

    def event(self, event):
        if event.type() == _DRAW_EVENT:
            if self._posted:      # not flushed meanwhile
                self.flush()
            return True
        return super().event(event)

    def _wait_ms(self) -> int:
        return int(max(0.0, self.ready_at - time.perf_counter()) * 1000 + 0.5)

    def _on_timeout(self) -> None:
        wait = self._wait_ms()
        if wait > 0:             # woken early: wait for the budget to refill
            self._timer.start(wait)
            return
        self.flush()

    def flush(self) -> None:
        """Draw now (and forget any pending request)."""
        self._timer.stop()
        self._posted = False
        start = time.perf_counter()
        self._draw()
        end = time.perf_counter()
        self.last_seconds = end - start
        self.ready_at = end + self.last_seconds

    @property
    def pending(self) -> bool:
        return self._posted or self._timer.isActive()


TEXT_INTERVAL = 0.1      # s: numbers in text change at most 10 times a second while training


class Pace(QObject):
    """At most one call of `update` per `interval` seconds, the latest request always honoured
    (within `interval`). For numbers in text (a cost, an iteration count, a table row): no one
    reads them 30 times a second, and each change costs a relayout and a repaint of its panel
    (4 of a frame's 19 ms for the labels and the runs list). The live views keep every frame."""

    def __init__(self, update, interval: float = TEXT_INTERVAL, parent=None, training=None):
        """training (a TrainingController): its pauses and stops settle a pending update at once,
        and ask() paces only while it runs."""
        super().__init__(parent)
        self._update = update
        self._training = training
        if training is not None:
            training.state_changed.connect(lambda state: self.settle())
        self.interval = interval
        self._slot = -math.inf       # the interval of the clock the last update fell in
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.PreciseTimer)
        self._timer.timeout.connect(self.flush)

    def request(self) -> None:
        if self._timer.isActive():
            return                    # already due: it will read the newest state then
        # Every Pace keeps to the same clock (whole intervals of perf_counter), so the panels'
        # texts change in the same event-loop turn and their relayouts are done once, together.
        now = time.perf_counter()
        slot = math.floor(now / self.interval)
        if slot != self._slot:
            self.flush()
        else:
            self._timer.start(int(((slot + 1) * self.interval - now) * 1000) + 1)

    def ask(self) -> None:
        """Paced while the training runs; at once when it does not (a step, a reset, a pause)."""
        self.request() if self._training.state == "running" else self.flush()

    def flush(self) -> None:
        """Update now (and forget a pending request)."""
        self._timer.stop()
        self._slot = math.floor(time.perf_counter() / self.interval)
        self._update()

    def settle(self) -> None:
        """Apply a pending update at once (training paused or stopped: the last numbers now)."""
        if self._timer.isActive():
            self.flush()

    @property
    def pending(self) -> bool:
        return self._timer.isActive()
