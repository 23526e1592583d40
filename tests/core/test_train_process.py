"""Training in a child process: the wire format, the same numbers as in-process, steering, failures."""
import io
import math
import os
import signal
import threading

import numpy as np
import pytest

from core.dataset import DataSet
from core.errors import ConfigError
from core.network import Network
from core.train_process import (ProcessError, ProcessPool, RemoteControl, TrainingProcess,
                                decode_snapshot, encode_snapshot, read_message, train_remotely,
                                write_message)
from core.training import STOPPED_BY_USER, Snapshot, TrainConfig, run


def _data(m=80, seed=0, test=True):
    rng = np.random.RandomState(seed)
    Y = (np.arange(m) % 2).reshape(1, m).astype(float)
    X = rng.randn(2, m) + 2.0 * (Y - 0.5)
    if not test:
        return DataSet(X, Y)
    return DataSet(X[:, :60], Y[:, :60], X[:, 60:], Y[:, 60:])


@pytest.fixture
def process():
    p = TrainingProcess()
    yield p
    p.close()


def test_a_message_carries_its_arrays_bit_for_bit():
    stream = io.BytesIO()
    a = np.random.RandomState(0).randn(3, 5)
    b = np.arange(6, dtype=np.float32).reshape(2, 3).T          # not contiguous
    write_message(stream, {"kind": "x", "cost": float("nan"), "n": np.int64(3)}, [a, b])
    stream.seek(0)
    header, (a2, b2) = read_message(stream)
    assert header["kind"] == "x" and math.isnan(header["cost"]) and header["n"] == 3
    assert np.array_equal(a2, a) and a2.dtype == np.float64
    assert np.array_equal(b2, b) and b2.dtype == np.float32 and b2.shape == (3, 2)
    assert not a2.flags.writeable                     # like a Snapshot's own arrays
    assert read_message(stream) is None               # the end of the stream


def test_a_truncated_message_reads_as_the_end():
    stream = io.BytesIO()
    write_message(stream, {"kind": "x"}, [np.zeros(100)])
    stream = io.BytesIO(stream.getvalue()[:-8])
    assert read_message(stream) is None


def test_a_snapshot_survives_the_wire():
    params = {"W1": np.ones((4, 2), np.float32), "b1": np.zeros((4, 1), np.float32)}
    snap = Snapshot(7, float("nan"), 0.5, None, None, params, (1.5, 2.0), ((6, 0.7), (7, float("inf"))),
                    1.2, 0.25, "stopped by user", predictions=np.array([0, 1, 1], np.uint8))
    fields, arrays = encode_snapshot(snap)
    stream = io.BytesIO()
    write_message(stream, {"fields": fields}, arrays)
    stream.seek(0)
    header, arrays = read_message(stream)
    back = decode_snapshot(header["fields"], arrays)
    assert back.iteration == 7 and math.isnan(back.cost) and back.test_cost is None
    assert back.new_costs == ((6, 0.7), (7, float("inf"))) and back.grad_norms == (1.5, 2.0)
    assert back.parameters["W1"].dtype == np.float32 and np.array_equal(back.parameters["W1"], params["W1"])
    assert np.array_equal(back.predictions, [0, 1, 1]) and back.test_predictions is None
    assert back.new_test_costs == () and back.stopped == "stopped by user"


def test_a_run_in_the_child_gives_the_same_numbers_as_in_this_process(process):
    data = _data()
    net = Network.create([2, 4, 1], ["tanh", "sigmoid"], init="small", seed=2)
    config = TrainConfig(learning_rate=1.2, iterations=300, record_every=7, snapshot_every=50)
    out = list(train_remotely(process, RemoteControl(), net, data, config))
    costs, final = run(net.copy(), data.X, data.Y, config, data.X_test, data.Y_test)
    snaps = [s for kind, s in out]
    assert all(kind == "snapshot" for kind, _ in out)
    assert [p for s in snaps for p in s.new_costs] == costs                  # bit for bit
    assert [p for s in snaps for p in s.new_test_costs] == [(i, c) for i, c in
                                                             _test_costs(net, data, config)]
    last = snaps[-1]
    assert last.iteration == 300 and last.stopped == final.stopped and last.test_accuracy == final.test_accuracy
    for k, v in final.parameters.items():
        assert np.array_equal(last.parameters[k], v)
    assert process.pid != os.getpid() and process.alive()                 # it serves the next run


def _test_costs(net, data, config):
    from core.training import train
    points = []
    for snap in train(net.copy(), data.X, data.Y, config, data.X_test, data.Y_test):
        points.extend(snap.new_test_costs)
    assert points  # the comparison above is not empty
    return points


def test_stop_asked_before_the_job_reaches_the_child_still_ends_the_run(process):
    control = RemoteControl()
    control.stop()
    out = list(train_remotely(process, control, Network.create([2, 3, 1], ["relu", "sigmoid"]),
                              _data(test=False), TrainConfig(learning_rate=0.1, iterations=10 ** 9)))
    assert [s.iteration for _, s in out] == [0, 0] and out[-1][1].stopped == STOPPED_BY_USER


def test_pause_waits_in_the_child_then_resume_and_a_new_learning_rate_take_effect(process):
    control = RemoteControl()
    net = Network.create([2, 4, 1], ["tanh", "sigmoid"], seed=1)
    config = TrainConfig(learning_rate=0.1, iterations=10 ** 9, snapshot_every=2000)
    snaps = []
    paused = threading.Event()

    def reader():
        for kind, snap in train_remotely(process, control, net, _data(test=False), config):
            snaps.append(snap)
            if control.pause_requested and not paused.is_set():
                paused.set()

    thread = threading.Thread(target=reader)
    thread.start()
    while not snaps:
        threading.Event().wait(0.01)
    control.pause()
    assert _until(lambda: control.waiting)               # the child says it has stopped moving
    count = len(snaps)
    threading.Event().wait(0.2)
    assert len(snaps) == count
    at_pause = snaps[-1].iteration
    control.set_hyperparameters(learning_rate=0.05)
    control.resume()
    assert not control.waiting
    control.request_snapshot()
    assert _until(lambda: snaps[-1].iteration > at_pause)
    control.stop()
    thread.join(10)
    assert not thread.is_alive()
    assert snaps[-1].stopped == STOPPED_BY_USER and snaps[-1].learning_rate == 0.05


def _until(condition, seconds=10.0):
    stop = threading.Event()
    for _ in range(int(seconds / 0.01)):
        if condition():
            return True
        stop.wait(0.01)
    return False


def test_the_engines_refusal_comes_back_in_words_and_the_child_serves_on(process):
    bad = TrainConfig(batch_size=500)   # more than the 60 examples: the engine refuses
    out = list(train_remotely(process, RemoteControl(), Network.create([2, 3, 1]), _data(), bad))
    assert out == [("error", "batch size 500 is larger than the 60 training examples")]
    good = list(train_remotely(process, RemoteControl(), Network.create([2, 3, 1]), _data(),
                               TrainConfig(iterations=3)))
    assert good[-1][1].iteration == 3


def test_the_control_checks_a_learning_rate_in_the_callers_thread():
    with pytest.raises(ConfigError, match="learning rate"):
        RemoteControl().set_hyperparameters(learning_rate=float("nan"))
    with pytest.raises(ConfigError, match="L2"):
        RemoteControl().set_hyperparameters(l2=-1.0)


def test_a_child_that_dies_mid_run_is_reported_not_waited_for(process):
    control = RemoteControl()
    run_ = train_remotely(process, control, Network.create([2, 4, 1]), _data(),
                          TrainConfig(iterations=10 ** 9, snapshot_every=100))
    assert next(run_)[0] == "snapshot"
    os.kill(process.pid, signal.SIGKILL)
    with pytest.raises(ProcessError, match=r"training process stopped unexpectedly \(killed by signal 9\)"):
        for _ in run_:
            pass


def test_a_child_exits_when_its_parent_closes_the_pipe_even_mid_run():
    pool = ProcessPool(keep=1)
    process = pool.acquire()
    control = RemoteControl()
    run_ = train_remotely(process, control, Network.create([2, 4, 1]), _data(),
                          TrainConfig(iterations=10 ** 9, snapshot_every=100))
    next(run_)
    process.popen.stdin.close()        # as when the window's process is gone
    assert process.popen.wait(10) == 0
    pool.close()


def test_the_pool_reuses_an_idle_child_and_closes_it():
    pool = ProcessPool(keep=1)
    first = pool.acquire()
    pool.release(first)
    assert pool.acquire() is first
    pool.release(first)
    pool.close()
    assert not first.alive() and pool.idle_count == 0


def test_a_pool_closes_children_beyond_its_limit():
    pool = ProcessPool(keep=1)
    a, b = TrainingProcess(), TrainingProcess()
    pool.release(a)
    pool.release(b)                    # one too many: closed, not kept
    assert pool.idle_count == 1 and a.alive() and not b.alive()
    pool.close()
    assert not a.alive()


def test_a_stop_right_behind_the_job_always_reaches_the_run(process):
    """The child's command reader may read the stop before its main thread takes up the job: the
    run must be current from the moment its job is read, or the stop is lost and the run never ends."""
    net, data = Network.create([2, 4, 1]), _data()
    for _ in range(40):
        control = RemoteControl()
        out = []
        thread = threading.Thread(target=lambda: out.extend(train_remotely(
            process, control, net, data, TrainConfig(iterations=10 ** 9, snapshot_every=10 ** 6))))
        thread.start()
        while control._process is None:       # the job is on its way to the child
            threading.Event().wait(0.0005)
        control.stop()
        thread.join(10)
        assert not thread.is_alive(), "the stop was lost: the run trains on"
        assert out[-1][1].stopped == STOPPED_BY_USER


def test_a_waiting_read_late_for_a_pause_since_resumed_does_not_say_the_next_pause_has_begun(process):
    control = RemoteControl()
    run_ = train_remotely(process, control, Network.create([2, 4, 1]), _data(),
                          TrainConfig(iterations=10 ** 9, snapshot_every=10 ** 6))
    assert next(run_)[1].iteration == 0
    control.pause()
    threading.Event().wait(0.3)          # the child pauses and says so; nobody reads it yet
    control.resume()
    control.pause()                      # the second pause: not begun until the child says so again
    first = next(run_)[1]                # the snapshot at the first pause
    second = next(run_)[1]               # the first pause's "waiting" was read on the way here
    assert second.iteration >= first.iteration
    assert not control.waiting           # ... and not taken for the second pause's
    control.stop()
    assert list(run_)[-1][1].stopped == STOPPED_BY_USER
    assert control.pauses_sent == 2
