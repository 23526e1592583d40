"""The trainer: a generator that runs gradient descent and yields immutable snapshots.

    for snap in train(net, X, Y, TrainConfig(learning_rate=1.2, iterations=10000)):
        print(snap.iteration, snap.cost)

Conventions (the course's): the cost recorded at iteration i is the cost of that iteration's
forward pass, before its update, so iteration 0 is the cost of the initial parameters. With
mini-batches an iteration is one epoch (one pass over the shuffled data) and its recorded cost is
the whole training set's cost at the start of the epoch.

The run ends when N iterations are done, the cost reaches a target, another thread calls
control.stop(), or the numbers stop being finite. In the last case the network keeps the
parameters of the last finite iteration and the final snapshot says why.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

import numpy as np

from .cost import accuracy, compute_cost, l2_cost
from .errors import ConfigError
from .network import Network
from .propagation import backward, forward
from .update import update_parameters

COMPLETED = "completed"
STOPPED_BY_USER = "stopped by user"


@dataclass
class TrainConfig:
    """Hyperparameters of one run. batch_size None means full batch."""
    learning_rate: float = 0.0075
    iterations: int = 3000
    batch_size: int | None = None
    l2: float = 0.0
    record_every: int = 100       # record the cost at iterations i with i % record_every == 0
    snapshot_every: int = 100     # yield a Snapshot every this many iterations
    target_cost: float | None = None
    seed: int = 0                 # shuffles the mini-batches
    start_iteration: int = 0      # the number of the first iteration (a run resumed after a pause)

    def validate(self, m: int) -> None:
        """Raise ConfigError for anything the engine must not be given."""
        check_learning_rate(self.learning_rate)
        if not _is_int(self.iterations) or self.iterations < 0:
            raise ConfigError(f"iterations must be a whole number ≥ 0, got {self.iterations}")
        if self.batch_size is not None:
            if not _is_int(self.batch_size) or self.batch_size < 1:
                raise ConfigError(f"batch size must be a whole number ≥ 1, got {self.batch_size}")
            if self.batch_size > m:
                raise ConfigError(f"batch size {self.batch_size} is larger than the {m} training examples")
        check_l2(self.l2)
        for name in ("record_every", "snapshot_every"):
            value = getattr(self, name)
            if not _is_int(value) or value < 1:
                raise ConfigError(f"{name.replace('_', ' ')} must be a whole number ≥ 1, got {value}")
        if self.target_cost is not None and not (_is_real(self.target_cost) and self.target_cost >= 0):
            raise ConfigError(f"target cost must be a finite number ≥ 0, got {self.target_cost}")
        if not _is_int(self.start_iteration) or self.start_iteration < 0:
            raise ConfigError(f"start iteration must be a whole number ≥ 0, got {self.start_iteration}")
        if not _is_int(self.seed) or not 0 <= self.seed < 2 ** 32:
            raise ConfigError(f"seed must be a whole number from 0 to 2**32 - 1, got {self.seed}")


def check_learning_rate(learning_rate) -> None:
    if not (_is_real(learning_rate) and learning_rate > 0):
        raise ConfigError(f"learning rate must be a finite number > 0, got {learning_rate}")


def check_l2(l2) -> None:
    if not (_is_real(l2) and l2 >= 0):
        raise ConfigError(f"L2 λ must be a finite number ≥ 0, got {l2}")


def _is_int(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def _is_real(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool) \
        and math.isfinite(x)


@dataclass(frozen=True)
class Snapshot:
    """The state of a run after `iteration` updates; its arrays are read-only copies.

    cost/train_accuracy are for the parameters of this snapshot; test_* are None without a test
    set. new_costs holds the (i, cost) points recorded since the previous snapshot. grad_norms[l-1]
    is ‖dW[l]‖ of the latest backward pass (None before the first). stopped is None while the run
    goes on, else why it ended ("completed", "stopped by user", "target cost ... reached", or a
    divergence message).
    """
    iteration: int
    cost: float
    train_accuracy: float
    test_cost: float | None
    test_accuracy: float | None
    parameters: dict
    grad_norms: tuple | None
    new_costs: tuple
    learning_rate: float
    seconds: float
    stopped: str | None = None
    diverged: bool = False
    predictions: np.ndarray | None = None       # (m,) 0/1: A[L] > 0.5 for each training example
    test_predictions: np.ndarray | None = None  # the same for the test examples


class TrainControl:
    """Pause, resume, stop and change hyperparameters of a running trainer from another thread.

    Plain threading.Event flags, checked once per iteration: a worker busy in its loop never sees
    a queued Qt signal, but it does see these.
    """

    def __init__(self):
        self._stop = threading.Event()
        self._running = threading.Event()   # cleared while paused
        self._running.set()
        self._lock = threading.Lock()
        self._changes: dict = {}
        self.changed = False                # cheap to read every iteration
        self.snapshot_wanted = False        # a viewer asks for the next snapshot, whatever k is
        self.waiting = False                # True while the trainer sits paused

    def stop(self) -> None:
        self._stop.set()
        self._running.set()                 # wake a paused trainer so it can end

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def pause_requested(self) -> bool:
        return not self._running.is_set()

    def wait_while_paused(self) -> None:
        self.waiting = True             # a viewer can tell the pause has taken effect
        self._running.wait()
        self.waiting = False

    def set_hyperparameters(self, learning_rate=None, l2=None) -> None:
        """Apply from the next iteration; values are checked here, in the caller's thread."""
        with self._lock:
            if learning_rate is not None:
                check_learning_rate(learning_rate)
                self._changes["learning_rate"] = float(learning_rate)
            if l2 is not None:
                check_l2(l2)
                self._changes["l2"] = float(l2)
            self.changed = True

    def request_snapshot(self) -> None:
        """Yield a snapshot at the next iteration (a viewer polling at its frame rate sets this)."""
        self.snapshot_wanted = True

    def take_changes(self) -> dict:
        with self._lock:
            changes, self._changes, self.changed = self._changes, {}, False
            return changes


def _quiet_overflow():
    return np.errstate(over="ignore", invalid="ignore")


def _all_finite(parameters: dict) -> bool:
    # One reduction per array; a sum is non-finite if any entry is (or if finite entries are so
    # large that they overflow, which is divergence as well).
    return all(math.isfinite(_add_reduce(v, axis=None)) for v in parameters.values())


_add_reduce = np.add.reduce  # ndarray.sum() goes through a Python wrapper; this does not


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def _frozen_copy(parameters: dict) -> dict:
    out = {}
    for k, v in parameters.items():
        c = v.copy()
        c.setflags(write=False)
        out[k] = c
    return out


_DIVERGED_TAIL = "(the parameters of the last finite iteration are kept)"


def _divergence_message(what: str, i: int, learning_rate: float) -> str:
    return f"{what} at iteration {i}; the learning rate {learning_rate:g} is probably too high {_DIVERGED_TAIL}"


def train(network: Network, X, Y, config: TrainConfig, X_test=None, Y_test=None,
          control: TrainControl | None = None):
    """Train `network` in place on X (n[0], m), Y (1, m); yield Snapshots, the last with `stopped` set.

    network.parameters keeps its dict and arrays; their values are updated.
    """
    m = X.shape[1]
    config.validate(m)
    if X.shape[0] != network.layer_sizes[0]:
        raise ConfigError(f"the data has n[0] = {X.shape[0]} features but the network expects "
                          f"{network.layer_sizes[0]}")
    acts, L = network.activations, network.L
    original = network.parameters
    # The network's dtype decides: float64 is course-exact, float32 roughly halves the memory
    # traffic of the big products. The data follows it (a copy only when it differs).
    dtype = original["W1"].dtype
    X, Y = X.astype(dtype, copy=False), Y.astype(dtype, copy=False)
    if X_test is not None:
        X_test, Y_test = X_test.astype(dtype, copy=False), Y_test.astype(dtype, copy=False)
    params = original
    # The update writes into `spare` and the two are swapped, so the parameters before the step
    # are still there, without a copy, if the step overflows.
    spare = {k: np.empty_like(v) for k, v in params.items()}
    lr, l2 = float(config.learning_rate), float(config.l2)
    start, k_rec, k_snap = config.start_iteration, config.record_every, config.snapshot_every
    end = start + config.iterations
    full_batch = config.batch_size is None or config.batch_size >= m
    rng = None if full_batch else np.random.RandomState(config.seed)
    new_costs: list = []
    elapsed = 0.0
    stopped = None
    last = start  # the iteration whose parameters `params` holds

    def full_cost():
        with _quiet_overflow():
            AL, _ = forward(X, params, acts)
            return AL, compute_cost(AL, Y) + l2_cost(params, L, l2, m)

    def snapshot(i, cost, AL, stop_reason=None):
        test_cost = test_acc = test_pred = None
        if X_test is not None and X_test.shape[1]:
            with _quiet_overflow():
                AL_test, _ = forward(X_test, params, acts)
            test_cost, test_acc = compute_cost(AL_test, Y_test), accuracy(AL_test, Y_test)
            test_pred = _frozen((AL_test[0] > 0.5).astype(np.uint8))
        with _quiet_overflow():
            grad_norms = None if last_grads is None else \
                tuple(float(np.linalg.norm(g.dW)) for g in last_grads)
        snap = Snapshot(i, cost, accuracy(AL, Y), test_cost, test_acc, _frozen_copy(params),
                        grad_norms, tuple(new_costs), lr, elapsed, stop_reason,
                        diverged=bool(stop_reason) and stop_reason.endswith(_DIVERGED_TAIL),
                        predictions=_frozen((AL[0] > 0.5).astype(np.uint8)),
                        test_predictions=test_pred)
        new_costs.clear()
        return snap

    def step(Xb, Yb, i, want_cost):
        """Forward (+ cost) and backward on a batch: (AL, cost or None, grads or an error message).

        The cost is computed only when it is wanted (recorded, shown, or compared with a target):
        on a small network it costs as much as a layer. Divergence is caught by the check of the
        parameters after every update, which does not need it.
        """
        AL, caches = forward(Xb, params, acts)
        cost = compute_cost(AL, Yb) if want_cost else None
        if cost is not None and not math.isfinite(cost):
            return AL, cost, _divergence_message(f"cost became {cost}", i, lr)
        return AL, cost, backward(AL, Yb, caches, acts, l2=l2)

    def apply(grads, i):
        """The update, written into the spare dict; returns an error message or None."""
        nonlocal params, spare, last_grads
        last_grads = grads
        update_parameters(params, grads, lr, out=spare)
        if not _all_finite(spare):
            return _divergence_message("the parameters overflowed", i, lr)
        params, spare = spare, params
        return None

    last_grads = None
    target = config.target_cost
    # Overflow is detected and reported as divergence, not warned about. The setting is made
    # once for the loop (a context per iteration costs as much as a small layer) and handed back
    # to the caller at every yield, so it never leaks out of the generator.
    quiet = {"over": "ignore", "invalid": "ignore"}
    callers = np.seterr(**quiet)
    try:
        t0 = time.perf_counter()
        i = start
        while i < end:
            if control is not None and control.changed:
                changes = control.take_changes()
                lr, l2 = changes.get("learning_rate", lr), changes.get("l2", l2)
            due_record = i % k_rec == 0
            due_snap = i % k_snap == 0 or (control is not None
                                            and (control.snapshot_wanted or control.pause_requested))
            wants_cost = due_record or due_snap or target is not None
            cost = AL = None
            if full_batch:
                AL, cost, result = step(X, Y, i, wants_cost)
                if isinstance(result, str):
                    if i > start:  # the spare still holds the parameters of iteration i-1
                        params, spare = spare, params
                        last = i - 1
                    stopped = result
                    break
                grads = result
                if l2 and wants_cost:
                    cost += l2_cost(params, L, l2, m)
            elif wants_cost:
                AL, cost = full_cost()
                if not math.isfinite(cost):
                    stopped = _divergence_message(f"cost became {cost}", i, lr)
                    break
            if due_record:
                new_costs.append((i, cost))
            if target is not None and cost <= target:
                stopped = f"target cost {target:g} reached at iteration {i}"
                break
            if due_snap:
                if full_batch:
                    last_grads = grads  # the snapshot shows this iteration's gradient norms
                elapsed += time.perf_counter() - t0
                if control is not None:
                    control.snapshot_wanted = False
                snap = snapshot(i, cost, AL)
                np.seterr(**callers)
                try:
                    yield snap
                finally:
                    np.seterr(**quiet)  # (also when the caller closes the generator here)
                if control is not None and control.pause_requested:
                    control.wait_while_paused()
                t0 = time.perf_counter()
            if control is not None and control.stop_requested:
                stopped = STOPPED_BY_USER
                break
            if full_batch:
                error = apply(grads, i)
            else:
                error = _run_epoch(X, Y, rng, config.batch_size, step, apply, i)
            if error:
                stopped = error
                break
            i += 1
            last = i
        elapsed += time.perf_counter() - t0
    finally:
        np.seterr(**callers)
    if stopped is None:
        stopped = COMPLETED
    if params is not original:  # leave the caller's arrays holding the result
        for key, value in params.items():
            np.copyto(original[key], value)
        params = original
    network.parameters = original
    AL, cost = full_cost()
    yield snapshot(last, cost, AL, stopped)


def _run_epoch(X, Y, rng, batch_size, step, apply, i):
    """One pass over the data in shuffled mini-batches; returns an error message or None."""
    m = X.shape[1]
    permutation = rng.permutation(m)
    X_shuffled, Y_shuffled = X[:, permutation], Y[:, permutation]
    for start in range(0, m, batch_size):
        Xb = X_shuffled[:, start:start + batch_size]
        Yb = Y_shuffled[:, start:start + batch_size]
        _, _, result = step(Xb, Yb, i, False)
        if isinstance(result, str):
            return result
        error = apply(result, i)
        if error:
            return error
    return None


def run(network: Network, X, Y, config: TrainConfig, X_test=None, Y_test=None,
        control: TrainControl | None = None) -> tuple[list, Snapshot]:
    """Train to the end; return ([(i, cost), ...], the final Snapshot)."""
    costs: list = []
    snap = None
    for snap in train(network, X, Y, config, X_test, Y_test, control):
        costs.extend(snap.new_costs)
    return costs, snap
