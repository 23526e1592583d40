"""Runs kept for comparison: each with its settings, its cost history and how it ended.

A run starts at the first iteration after a reset (or after an edit of the network or data) and
goes on through every play, pause and step until the next reset or edit.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from .history import CostHistory, ThinnedSeries
from .session import Hyperparameters, InitSettings


def fingerprint(parameters: dict) -> str:
    """A short hash of the parameters: two runs with equal fingerprints began from identical weights."""
    h = hashlib.sha1()
    for name in sorted(parameters, key=lambda k: (k[0], int(k[1:]))):
        h.update(name.encode())
        h.update(np.ascontiguousarray(parameters[name], dtype=np.float64).tobytes())
    return h.hexdigest()[:12]


TIMELINE_BYTES = 64 * 2 ** 20   # parameters kept per run for scrubbing back
TIMELINE_LENGTH = 240


@dataclass
class Run:
    number: int
    data_name: str
    layer_sizes: tuple
    activations: tuple
    init: InitSettings
    hyper: Hyperparameters
    start: str                                   # fingerprint of the initial parameters
    costs: CostHistory = field(default_factory=CostHistory)
    test_costs: CostHistory = field(default_factory=CostHistory)
    grad_norms: list = field(default_factory=list)   # [(iteration, (‖dW1‖, ..., ‖dWL‖)), ...] bounded
    iterations: int = 0
    train_accuracy: float | None = None
    test_accuracy: float | None = None
    stopped: str | None = None
    changes: list = field(default_factory=list)      # [(iteration, "lr 0.3 → 0.03"), ...]
    timeline: list = field(default_factory=lambda: ThinnedSeries(TIMELINE_LENGTH))
    # [(iteration, parameters), ...] oldest first, bounded by keep_in_timeline
    visible: bool = True                              # ticked for the overlay

    @property
    def name(self) -> str:
        return f"Run {self.number}"

    def settings(self) -> dict:
        """Everything that can differ between runs, as short labelled values."""
        h = self.hyper
        return {
            "data": self.data_name,
            "layers": "[" + ", ".join(str(n) for n in self.layer_sizes) + "]",
            "activations": "/".join(self.activations),
            "init": self.init.scheme if self.init.scale is None else f"{self.init.scheme}×{self.init.scale:g}",
            "seed": str(self.init.seed),
            "lr": f"{h.learning_rate:g}",
            "batch": "full" if h.batch_size is None else str(h.batch_size),
            "λ": f"{h.l2:g}",
        }

    def summary(self) -> str:
        s = self.settings()
        return f"{self.name}: {s['layers']} {s['activations']}, lr {s['lr']}, {s['init']} seed {s['seed']}"


def keep_in_timeline(run: Run, iteration: int, parameters: dict) -> None:
    """Add a snapshot of the parameters, within a bound, spread evenly over the whole run.

    The bound is on count and on bytes, so a small network keeps ~240 moments of its run and the
    12288-input cat network (2 MB of parameters) about 32. Over it, every other moment goes and
    later moments are kept that much further apart (core.history.ThinnedSeries): the start of a
    long run stays as detailed as its end, and the first and the latest moments are always there.
    """
    if run.timeline and run.timeline[-1][0] >= iteration:
        return
    size = sum(v.nbytes for v in parameters.values())
    limit = max(4, min(TIMELINE_LENGTH, TIMELINE_BYTES // max(size, 1)))
    if not isinstance(run.timeline, ThinnedSeries):  # a plain list given by hand
        run.timeline = ThinnedSeries(max(limit, len(run.timeline) + 1), run.timeline)
    if run.timeline.capacity != limit:
        run.timeline.capacity = limit
    run.timeline.append((iteration, parameters))


def differences(runs: list[Run]) -> dict[int, str]:
    """Legend labels naming only what differs between the runs, e.g. {1: "lr 0.03", 2: "lr 0.3"}.

    With nothing different (or one run) each label is the run's name.
    """
    if len(runs) < 2:
        return {r.number: r.name for r in runs}
    settings = [r.settings() for r in runs]
    keys = [k for k in settings[0] if len({s[k] for s in settings}) > 1]
    if not keys:
        return {r.number: r.name for r in runs}
    return {r.number: ", ".join(f"{k} {s[k]}" for k in keys) for r, s in zip(runs, settings)}


def comparison_title(runs: list[Run]) -> str:
    """ "lr 0.03 vs lr 0.3" for a legend heading."""
    return " vs ".join(differences(runs).values())


class RunBook:
    """The runs of a session, newest last, with a bound on how many are kept."""

    def __init__(self, limit: int = 50):
        self.limit = limit
        self.runs: list[Run] = []
        self._next = 1

    def new(self, **kwargs) -> Run:
        run = Run(number=self._next, **kwargs)
        self._next += 1
        self.runs.append(run)
        if len(self.runs) > self.limit:
            self.runs.pop(0)
        return run

    def restore(self, runs) -> None:
        """The runs of a session file, in place of these; new runs number on after the last."""
        self.runs = list(runs)[-self.limit:]
        self._next = max((r.number for r in self.runs), default=0) + 1

    def remove(self, number: int) -> None:
        self.runs = [r for r in self.runs if r.number != number]

    def get(self, number: int) -> Run | None:
        return next((r for r in self.runs if r.number == number), None)

    def visible(self) -> list[Run]:
        return [r for r in self.runs if r.visible]

    def __len__(self):
        return len(self.runs)


__all__ = ["Run", "RunBook", "differences", "comparison_title", "fingerprint"]
