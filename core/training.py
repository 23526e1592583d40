"""The trainer: a generator that runs gradient descent and yields immutable snapshots.

    for snap in train(net, X, Y, TrainConfig(learning_rate=1.2, iterations=10000)):
        print(snap.iteration, snap.cost)

Conventions (the course's): the cost recorded at iteration i is the cost of that iteration's
forward pass, before its update, so iteration 0 is the cost of the initial parameters. With
mini-batches an iteration is one epoch (one pass over the shuffled data) and its recorded cost is
the whole training set's cost at the start of the epoch.

The run ends when N iterations are done, the cost reaches a target, another thread calls
control.stop(), or the numbers stop being finite. In the last case the network keeps the
parameters of the last iteration whose cost is finite, and the final snapshot says why, naming
the iteration that failed and the iteration whose parameters are kept. (With mini-batches a
failure inside an epoch goes back to the epoch's start, or one epoch further if that start's
whole-set cost is not finite either.)
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
from .update import update_flat

COMPLETED = "completed"
STOPPED_BY_USER = "stopped by user"


@dataclass
class TrainConfig:
    """Hyperparameters of one run. batch_size None means full batch."""
    learning_rate: float = 0.0075
    iterations: int = 3000
    batch_size: int | None = None
    l2: float = 0.0
    record_every: int = 100       # record the cost (and test cost) at iterations i with i % record_every == 0
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
    set. new_costs holds the (i, cost) points recorded since the previous snapshot, and
    new_test_costs the test set's (i, cost) points on the same schedule (empty without a test
    set; like test_cost, without the L2 term). grad_norms[l-1]
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
    new_test_costs: tuple = ()


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


def _flat_views(parameters: dict, dtype) -> tuple[np.ndarray, dict]:
    """One flat buffer and a dict of views into it, one per array of `parameters` (same keys,
    shapes and order; values not set). The trainer keeps W, b and dW, db this way: the update
    and the finiteness check are then one operation each for the whole network."""
    flat = np.empty(sum(v.size for v in parameters.values()), dtype)
    views, start = {}, 0
    for key, value in parameters.items():
        views[key] = flat[start:start + value.size].reshape(value.shape)
        start += value.size
    return flat, views


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


def _divergence_message(what: str, i: int, kept: int | None, learning_rate: float,
                        during: bool = False) -> str:
    """E.g. "cost became NaN at iteration 812 — the learning rate 10 is probably too high; the
    parameters of iteration 811 are kept". `kept` names the parameters the network is left with."""
    keeps = (f"the parameters of iteration {kept} are kept" if kept is not None
             else "there are no earlier parameters to go back to")
    return (f"{what} {'during' if during else 'at'} iteration {i} — the learning rate "
            f"{learning_rate:g} is probably too high; {keeps}")


def _non_finite(value: float) -> str:
    return "NaN" if math.isnan(value) else "infinite"


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
    has_test = X_test is not None and X_test.shape[1] > 0
    if has_test:
        X_test, Y_test = X_test.astype(dtype, copy=False), Y_test.astype(dtype, copy=False)
    # The parameters are trained in `params`, views into the flat buffer P (copied from the
    # network once per run and back at the end). The update writes into `spare` (views into S)
    # and the two are swapped, so the parameters before the step are still there, without a
    # copy, if the step overflows. Backward writes dW, db into views of one of two flat
    # buffers, in turn, so the gradients of the last applied step survive a failed pass.
    P, params = _flat_views(original, dtype)
    for key, value in original.items():
        params[key][...] = value
    S, spare = _flat_views(original, dtype)
    scratch = np.empty_like(P)
    ones = np.ones_like(P)  # Σ S as the BLAS dot S·1: a third cheaper than a reduction, at any size
    grad_buffers = []
    for _ in range(2):
        G, views = _flat_views(original, dtype)
        grad_buffers.append((G, [(views[f"W{l}"], views[f"b{l}"]) for l in range(1, L + 1)]))
    lr, l2 = float(config.learning_rate), float(config.l2)
    start, k_rec, k_snap = config.start_iteration, config.record_every, config.snapshot_every
    end = start + config.iterations
    full_batch = config.batch_size is None or config.batch_size >= m
    rng = None if full_batch else np.random.RandomState(config.seed)
    # With mini-batches an iteration makes many updates, so one spare is not enough to go back a
    # whole iteration: the parameters at the start of this epoch and of the one before are
    # copied into two buffers made here (one copy per epoch, nothing allocated in the loop).
    # ring[0] is the newer; each entry is [iteration or None, parameters].
    ring = [] if full_batch else [[None, np.empty_like(P)] for _ in range(2)]
    new_costs: list = []
    new_test_costs: list = []
    elapsed = 0.0
    stopped = None
    diverged = False
    failed_during = None  # a mini-batch epoch that failed part-way: its start is kept, unverified
    last = start  # the iteration whose parameters `params` holds

    def full_cost():
        with _quiet_overflow():
            AL, _ = forward(X, params, acts)
            return AL, compute_cost(AL, Y) + l2_cost(params, L, l2, m)

    def test_forward():
        with _quiet_overflow():
            return forward(X_test, params, acts)[0]

    def record(i, cost):
        """The course's point (i, cost), and the test set's on the same schedule. (Called in the
        loop, where the error state is already quiet: no errstate context needed.)"""
        new_costs.append((i, cost))
        if has_test:
            AL_test = forward(X_test, params, acts)[0]
            new_test_costs.append((i, compute_cost(AL_test, Y_test)))
            return AL_test
        return None

    def snapshot(i, cost, AL, stop_reason=None, AL_test=None):
        test_cost = test_acc = test_pred = None
        if has_test:
            if AL_test is None:
                AL_test = test_forward()
            test_cost, test_acc = compute_cost(AL_test, Y_test), accuracy(AL_test, Y_test)
            test_pred = _frozen((AL_test[0] > 0.5).astype(np.uint8))
        with _quiet_overflow():
            grad_norms = None if last_grads is None else \
                tuple(float(np.linalg.norm(g.dW)) for g in last_grads)
        snap = Snapshot(i, cost, accuracy(AL, Y), test_cost, test_acc, _frozen_copy(params),
                        grad_norms, tuple(new_costs), lr, elapsed, stop_reason,
                        diverged=diverged and stop_reason is not None,
                        predictions=_frozen((AL[0] > 0.5).astype(np.uint8)),
                        test_predictions=test_pred, new_test_costs=tuple(new_test_costs))
        new_costs.clear()
        new_test_costs.clear()
        return snap

    def step(Xb, Yb, want_cost):
        """Forward (+ cost) and backward on a batch: (AL, cost or None, grads or what went wrong).

        The cost is computed only when it is wanted (recorded, shown, or compared with a target):
        on a small network it costs as much as a layer. When it is not, db[L] = (1/m) Σ (A[L] − Y)
        is checked instead, a number backward computes anyway: A[L] is a sigmoid in [0, 1] or NaN,
        so db[L] is finite exactly when the cross-entropy is, and parameters that give a NaN cost
        never reach the update.
        """
        AL, caches = forward(Xb, params, acts, True)  # quiet: the loop has silenced overflow
        if want_cost:
            cost = compute_cost(AL, Yb) + (l2_cost(params, L, l2, m) if l2 else 0.0)
            if not math.isfinite(cost):
                return AL, cost, f"cost became {_non_finite(cost)}"
            return AL, cost, backward(AL, Yb, caches, acts, l2, False, grad_buffers[0][1])
        grads = backward(AL, Yb, caches, acts, l2, False, grad_buffers[0][1])
        if not math.isfinite(grads[-1].db[0, 0]):
            return AL, None, "cost became NaN"
        return AL, None, grads

    def apply(grads):
        """The update (of `grads`, the last backward's, held in grad_buffers[0]), written into
        the spare buffer; returns what went wrong, or None."""
        nonlocal P, S, params, spare, last_grads
        last_grads = grads
        update_flat(P, grad_buffers[0][0], lr, S, scratch)
        # One sum over every parameter: it is non-finite if any entry is (or if finite entries
        # are so large that they overflow, which is divergence as well).
        total = np.dot(S, ones)
        if not math.isfinite(total):
            return f"the parameters became {_non_finite(total)}"
        P, S, params, spare = S, P, spare, params
        grad_buffers.reverse()
        return None

    def checkpoint(i):
        """Mini-batch: keep iteration i's parameters before its epoch changes them."""
        ring.reverse()
        ring[0][0] = i
        np.copyto(ring[0][1], P)

    def restore(i) -> bool:
        """Mini-batch: put back iteration i's parameters if they are kept."""
        for iteration, saved in ring:
            if iteration == i:
                np.copyto(P, saved)
                return True
        return False

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
            what = None
            if full_batch:
                AL, cost, result = step(X, Y, wants_cost)
                if isinstance(result, str):
                    what = result
                else:
                    grads = result
            elif wants_cost:
                AL, cost = full_cost()
                if not math.isfinite(cost):
                    what = f"cost became {_non_finite(cost)}"
            if what is not None:  # iteration i's parameters give a non-finite cost: go back one
                if i > start and full_batch:  # the spare still holds the parameters of iteration i-1
                    P, S, params, spare = S, P, spare, params
                    last = i - 1
                elif i > start and restore(i - 1):
                    last = i - 1
                stopped = _divergence_message(what, i, last if last < i else None, lr)
                diverged = True
                break
            AL_test = record(i, cost) if due_record else None
            if target is not None and cost <= target:
                if not due_record:  # the point that stopped the run belongs on the curve
                    AL_test = record(i, cost)
                stopped = f"target cost {target:g} reached at iteration {i}"
                break
            if due_snap:
                if full_batch:
                    last_grads = grads  # the snapshot shows this iteration's gradient norms
                elapsed += time.perf_counter() - t0
                if control is not None:
                    control.snapshot_wanted = False
                snap = snapshot(i, cost, AL, AL_test=AL_test)
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
                what = apply(grads)
                if what is not None:  # iteration i's parameters are finite and still in `params`
                    stopped = _divergence_message(what, i + 1, i, lr)
            else:
                checkpoint(i)
                what = _run_epoch(X, Y, rng, config.batch_size, step, apply)
                if what is not None:
                    restore(i)
                    failed_during = i
                    stopped = _divergence_message("a mini-batch " + what, i, i, lr, during=True)
            if what is not None:
                diverged = True
                break
            i += 1
            last = i
        elapsed += time.perf_counter() - t0
    finally:
        np.seterr(**callers)
    if stopped is None:
        stopped = COMPLETED
    AL, cost = full_cost()
    if failed_during is not None and not math.isfinite(cost) and restore(failed_during - 1):
        # The epoch's start was not checked on the whole set (only its first mini-batch was):
        # its cost is not finite, so go back one more iteration.
        stopped = _divergence_message(f"cost became {_non_finite(cost)}", failed_during,
                                      failed_during - 1, lr)
        last = failed_during - 1
        AL, cost = full_cost()
    for key, value in params.items():  # leave the caller's arrays holding the result
        np.copyto(original[key], value)
    params = original
    network.parameters = original
    yield snapshot(last, cost, AL, stopped)


def _run_epoch(X, Y, rng, batch_size, step, apply):
    """One pass over the data in shuffled mini-batches; returns what went wrong, or None."""
    m = X.shape[1]
    permutation = rng.permutation(m)
    X_shuffled, Y_shuffled = X[:, permutation], Y[:, permutation]
    for start in range(0, m, batch_size):
        Xb = X_shuffled[:, start:start + batch_size]
        Yb = Y_shuffled[:, start:start + batch_size]
        _, _, result = step(Xb, Yb, False)
        if isinstance(result, str):
            return result
        what = apply(result)
        if what:
            return what
    return None


def run(network: Network, X, Y, config: TrainConfig, X_test=None, Y_test=None,
        control: TrainControl | None = None) -> tuple[list, Snapshot]:
    """Train to the end; return ([(i, cost), ...], the final Snapshot)."""
    costs: list = []
    snap = None
    for snap in train(network, X, Y, config, X_test, Y_test, control):
        costs.extend(snap.new_costs)
    return costs, snap
