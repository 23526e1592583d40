"""Training in a process of its own, so the engine and the window never share one GIL.

In one process a Python worker thread and the GUI thread take turns on the interpreter lock:
the window drew 6 frames a second and training ran at a fifth of its headless speed. Here the
engine (core.training.train, unchanged) runs in a child process on its own core and streams its
Snapshots back; the window only decodes them.

The child is `python -m core.train_process`. It reads jobs and commands on stdin and writes
messages on stdout, each one JSON header line followed by the raw bytes of the arrays it names
(no pickle: nothing here can run code that arrives on a pipe). Parent to child:

    {"kind": "train", "run": N, ...}  + X, Y, [X_test, Y_test], W1, b1, ...   start run N
    {"kind": "stop" | "pause" | "resume" | "snapshot", "run": N}               steer run N
    {"kind": "set", "run": N, "learning_rate": x, "l2": y}                    change from the next iteration

Child to parent: {"kind": "snapshot", "run": N, ...} + the snapshot's arrays; {"kind": "waiting"}
once a paused run really waits; {"kind": "error", "message": ...}; {"kind": "done"} ends every run.
Commands for a run that has ended are ignored, so a late "stop" cannot hit the next run.

A child serves one run after another (the pool keeps idle ones), and exits when its stdin closes,
so a window that crashes leaves no trainer behind.
"""
from __future__ import annotations

import atexit
import dataclasses
import json
import os
import queue
import subprocess
import sys
import threading

import numpy as np

from .dataset import DataSet
from .errors import DeepStepError
from .network import Network
from .training import Snapshot, TrainConfig, TrainControl, check_l2, check_learning_rate, train

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_TUPLE_FIELDS = ("grad_norms", "new_costs", "new_test_costs")


class ProcessError(DeepStepError):
    """The training process could not be started, or stopped without finishing its run."""


# --- the wire format: a JSON header line, then the arrays' bytes ---------------------------------

def write_message(stream, header: dict, arrays=()) -> None:
    """One message: `header` plus the arrays' dtype and shape, then their bytes in order."""
    arrays = [np.ascontiguousarray(a) for a in arrays]
    header = dict(header, arrays=[[a.dtype.str, list(a.shape)] for a in arrays])
    stream.write(json.dumps(header, default=_plain).encode() + b"\n")
    for a in arrays:
        stream.write(memoryview(a).cast("B"))
    stream.flush()


def read_message(stream):
    """(header, arrays) of the next message, or None at the end of the stream. The arrays are
    read-only views of the bytes read (a Snapshot's arrays are read-only anyway)."""
    line = stream.readline()
    if not line:
        return None
    header = json.loads(line)
    arrays = []
    for dtype, shape in header.pop("arrays"):
        dtype = np.dtype(dtype)
        nbytes = dtype.itemsize * int(np.prod(shape, dtype=np.int64))
        data = stream.read(nbytes)
        if len(data) != nbytes:
            return None
        arrays.append(np.frombuffer(data, dtype=dtype).reshape(shape))
    return header, arrays


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot send {type(value).__name__}")


def encode_snapshot(snap: Snapshot) -> tuple[dict, list]:
    """A Snapshot as a JSON-able dict whose arrays are replaced by their index in the list."""
    arrays: list = []

    def ref(a):
        arrays.append(a)
        return {"$array": len(arrays) - 1}

    fields = {}
    for f in dataclasses.fields(Snapshot):
        value = getattr(snap, f.name)
        if isinstance(value, np.ndarray):
            value = ref(value)
        elif isinstance(value, dict):
            value = {k: ref(v) for k, v in value.items()}
        fields[f.name] = value
    return fields, arrays


def decode_snapshot(fields: dict, arrays: list) -> Snapshot:
    def deref(value):
        return arrays[value["$array"]] if isinstance(value, dict) and "$array" in value else value

    values = {}
    for name, value in fields.items():
        if name == "parameters":
            value = {k: deref(v) for k, v in value.items()}
        elif name in _TUPLE_FIELDS and value is not None:
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
        else:
            value = deref(value)
        values[name] = value
    return Snapshot(**values)


# --- the child --------------------------------------------------------------------------------

class _ChildControl(TrainControl):
    """The engine's TrainControl, told by the parent's commands; says when a pause has begun."""

    def __init__(self, send):
        super().__init__()
        self._send = send
        self.pauses = 0             # "pause" commands received: names the pause a "waiting" is for

    def pause(self) -> None:
        self.pauses += 1
        super().pause()

    def wait_while_paused(self) -> None:
        self.waiting = True
        self._send({"kind": "waiting", "pause": self.pauses})
        self._running.wait()
        self.waiting = False


def child_main(stdin=None, stdout=None) -> int:
    """Serve runs until stdin closes. Protocol bytes go to the real stdout; anything else that
    writes to fd 1 (a stray print) is sent to stderr instead, so it cannot corrupt a message."""
    if stdout is None:
        stdout = os.fdopen(os.dup(1), "wb", buffering=1 << 16)
        os.dup2(2, 1)
    stdin = stdin if stdin is not None else sys.stdin.buffer
    write_lock = threading.Lock()
    jobs: queue.Queue = queue.Queue()
    current = {"run": None, "control": None}
    state_lock = threading.Lock()

    def send(header, arrays=()):
        with write_lock:
            write_message(stdout, header, arrays)

    def read_commands():
        while True:
            try:
                message = read_message(stdin)
            except (OSError, ValueError):
                message = None
            if message is None:      # the parent is gone or done: finish the run and exit
                with state_lock:
                    if current["control"] is not None:
                        current["control"].stop()
                jobs.put(None)
                return
            header, arrays = message
            kind = header["kind"]
            if kind == "train":
                # The run is current from here, not from when the main thread takes it up: a
                # "stop" right behind the job must reach it. (The parent sends a job only once
                # the run before has said "done".)
                control = _ChildControl(send)
                for command in header.get("pending", []):   # asked before the job left the parent
                    _steer(control, command)
                with state_lock:
                    current["run"], current["control"] = header["run"], control
                jobs.put((header, arrays, control))
                continue
            with state_lock:
                control = current["control"] if header.get("run") == current["run"] else None
            if control is not None:
                try:
                    _steer(control, header)
                except DeepStepError:   # checked by the parent already; the reader must live on
                    pass

    threading.Thread(target=read_commands, name="commands", daemon=True).start()
    while True:
        job = jobs.get()
        if job is None:
            return 0
        header, arrays, control = job
        try:
            _serve(header, arrays, control, send)
        except BrokenPipeError:
            return 0
        finally:
            with state_lock:
                if current["control"] is control:   # (the next job may be current already)
                    current["run"], current["control"] = None, None
        del job, header, arrays, control   # an idle child keeps no copy of the last run's data


def _steer(control: TrainControl, command: dict) -> None:
    kind = command["kind"]
    if kind == "stop":
        control.stop()
    elif kind == "pause":
        control.pause()
    elif kind == "resume":
        control.resume()
    elif kind == "snapshot":
        control.request_snapshot()
    elif kind == "set":
        control.set_hyperparameters(learning_rate=command.get("learning_rate"), l2=command.get("l2"))


def _serve(header: dict, arrays: list, control: TrainControl, send) -> None:
    run = header["run"]
    X, Y, *rest = arrays
    X_test = Y_test = None
    if header["has_test"]:
        X_test, Y_test, *rest = rest
    # Arrays read off the pipe are read-only; the network trains in place, so it gets copies.
    parameters = {name: np.array(a) for name, a in zip(header["parameter_names"], rest)}
    try:
        network = Network(header["layer_sizes"], header["activations"], parameters)
        config = TrainConfig(**header["config"])
        for snap in train(network, X, Y, config, X_test, Y_test, control):
            fields, snap_arrays = encode_snapshot(snap)
            send({"kind": "snapshot", "run": run, "fields": fields}, snap_arrays)
    except DeepStepError as e:
        send({"kind": "error", "run": run, "message": str(e)})
    except MemoryError:
        send({"kind": "error", "run": run, "message": "not enough memory to train this network on this data"})
    except Exception as e:  # noqa: BLE001 - the parent must hear of it, and the child serve on
        send({"kind": "error", "run": run, "message": f"the engine failed: {type(e).__name__}: {e}"})
    send({"kind": "done", "run": run})


# --- the parent ---------------------------------------------------------------------------------

def _child_environment() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    # The window keeps one core busy drawing: a BLAS that spreads over every core fights it (on 2
    # cores a cat iteration took 120-575 ms with 2 BLAS threads against 9-18 ms with one). The
    # user's own setting wins.
    threads = str(max(1, (os.cpu_count() or 1) - 1))
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, threads)
    return env


class TrainingProcess:
    """One child process; serves one run at a time."""

    def __init__(self):
        try:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "core.train_process"], cwd=ROOT, env=_child_environment(),
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=1 << 16)
        except OSError as e:
            raise ProcessError(f"could not start the training process: {e}") from None
        self._write_lock = threading.Lock()

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def send(self, header: dict, arrays=()) -> bool:
        """Write one message; False if the child is gone."""
        with self._write_lock:
            try:
                write_message(self.popen.stdin, header, arrays)
                return True
            except (BrokenPipeError, OSError, ValueError):
                return False

    def read(self):
        """The child's next message, or None if it has ended."""
        try:
            return read_message(self.popen.stdout)
        except (OSError, ValueError):
            return None

    def exit_status(self, timeout: float = 2.0):
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self, timeout: float = 2.0) -> None:
        """Close its stdin (it exits when its run ends), wait a little, then kill."""
        try:
            self.popen.stdin.close()
        except OSError:
            pass
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
        self.popen.stdout.close()


class ProcessPool:
    """Idle children kept for the next run: a new child costs ~0.2 s (Python and NumPy imports)."""

    def __init__(self, keep: int = 2):
        self.keep = keep
        self._idle: list[TrainingProcess] = []
        self._lock = threading.Lock()

    def acquire(self) -> TrainingProcess:
        with self._lock:
            while self._idle:
                process = self._idle.pop()
                if process.alive():
                    return process
        return TrainingProcess()

    def release(self, process: TrainingProcess) -> None:
        with self._lock:
            if process.alive() and len(self._idle) < self.keep:
                self._idle.append(process)
                return
        process.close()

    def prewarm(self) -> None:
        """Start one child now, so the first run does not wait for its imports."""
        with self._lock:
            if self._idle:
                return
        try:
            self.release(TrainingProcess())
        except ProcessError:
            pass                     # the run itself will say why

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for process in idle:
            process.close()

    @property
    def idle_count(self) -> int:
        return len(self._idle)


POOL = ProcessPool()
atexit.register(POOL.close)


class RemoteControl:
    """The parent's side of one run's TrainControl: the same calls, sent to the child.

    Calls made before the run reaches its child are kept and go with the job, in order.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._process: TrainingProcess | None = None
        self._run = None
        self._pending: list = []
        self._paused = False
        self._waiting = False       # set when the child says a pause has begun
        self._local: TrainControl | None = None
        self.pauses_sent = 0

    @property
    def waiting(self) -> bool:
        return self._local.waiting if self._local is not None else self._waiting

    @waiting.setter
    def waiting(self, value: bool) -> None:
        self._waiting = value

    def _command(self, header: dict) -> None:
        with self._lock:
            if self._local is not None:
                _steer(self._local, header)
                return
            if self._process is None:
                self._pending.append(header)
                return
            process, run = self._process, self._run
        process.send(dict(header, run=run))

    def send_job(self, process: TrainingProcess, run: int, header: dict, arrays) -> bool:
        """Send run `run`'s job with the commands made so far; from here on commands go straight
        to the child. Under the lock, so no command can overtake the job on the pipe."""
        with self._lock:
            self._process, self._run = process, run
            header["pending"], self._pending = self._pending, []
            return process.send(header, arrays)

    def train_here(self, local: TrainControl) -> None:
        """No child could be started: forward every call, past and future, to `local`, which
        steers core.training.train in the caller's process."""
        with self._lock:
            self._local = local
            pending, self._pending = self._pending, []
        for header in pending:
            _steer(local, header)

    def stop(self) -> None:
        self._paused = False
        self._command({"kind": "stop"})

    def pause(self) -> None:
        with self._lock:
            self.pauses_sent += 1
            self._paused = True
            self._waiting = False
        self._command({"kind": "pause"})

    def resume(self) -> None:
        self._paused = False
        self.waiting = False
        self._command({"kind": "resume"})

    def request_snapshot(self) -> None:
        self._command({"kind": "snapshot"})

    def set_hyperparameters(self, learning_rate=None, l2=None) -> None:
        """Checked here, in the caller's thread, as TrainControl does; applied from the next iteration."""
        if learning_rate is not None:
            check_learning_rate(learning_rate)
            learning_rate = float(learning_rate)
        if l2 is not None:
            check_l2(l2)
            l2 = float(l2)
        self._command({"kind": "set", "learning_rate": learning_rate, "l2": l2})

    @property
    def pause_requested(self) -> bool:
        return self._paused


_run_numbers = iter(range(1, 1 << 62))


def train_remotely(process: TrainingProcess, control: RemoteControl, network: Network,
                   data: DataSet, config: TrainConfig):
    """Run one job on `process`; yield ("snapshot", Snapshot) as they come, then ("error", message)
    if the run failed. Ends when the child says the run is done. Raises ProcessError if the child
    dies first (then it must not go back to the pool)."""
    run = next(_run_numbers)
    arrays = [data.X, data.Y]
    has_test = data.X_test is not None and data.X_test.shape[1] > 0
    if has_test:
        arrays += [data.X_test, data.Y_test]
    names = list(network.parameters)
    arrays += [network.parameters[k] for k in names]
    header = {"kind": "train", "run": run, "has_test": has_test, "parameter_names": names,
              "layer_sizes": list(network.layer_sizes), "activations": list(network.activations),
              "config": dataclasses.asdict(config)}
    if not control.send_job(process, run, header, arrays):
        raise ProcessError(_died(process))
    while True:
        message = process.read()
        if message is None:
            raise ProcessError(_died(process))
        reply, reply_arrays = message
        kind = reply["kind"]
        if reply.get("run", run) != run:
            continue
        if kind == "snapshot":
            yield "snapshot", decode_snapshot(reply["fields"], reply_arrays)
        elif kind == "waiting" and reply["pause"] == control.pauses_sent:
            control.waiting = True  # (a "waiting" read late, for a pause since resumed, is not)
        elif kind == "error":
            yield "error", reply["message"]
        elif kind == "done":
            return


def _died(process: TrainingProcess) -> str:
    status = process.exit_status(1.0)
    how = "" if status is None else (f" (killed by signal {-status})" if status < 0 else f" (exit status {status})")
    return f"the training process stopped unexpectedly{how}"


if __name__ == "__main__":
    sys.exit(child_main())
