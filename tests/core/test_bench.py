"""The benchmark command on tiny settings, so it cannot rot: it measures, judges and writes its file."""
import subprocess
import sys

import numpy as np

from bench import engine, run, torch_loop
from bench.floor import train_floor
from core import Network, open_dataset
from core.training import TrainConfig
from core.training import run as train_run


def bench(tmp_path, capsys, *extra):
    out = tmp_path / "RESULTS.md"
    args = ["--no-gui", "--only", "flower-2-4-1", "--iterations", "3", "--repeats", "1",
            "--output", str(out), *extra]
    assert run.main(args) == 0
    return out.read_text(encoding="utf-8"), capsys.readouterr().out


def test_the_floor_trains_the_engines_network():
    data = open_dataset("flower")
    net = Network.create([2, 4, 1], ["tanh", "sigmoid"], init="small", seed=2)
    floor = train_floor(net.parameters, net.activations, data.X, data.Y, 1.2, 5)
    train_run(net, data.X, data.Y, TrainConfig(learning_rate=1.2, iterations=5))
    for key, value in net.parameters.items():
        np.testing.assert_allclose(floor[key], value, rtol=0, atol=1e-12)
    assert not np.allclose(floor["W1"], Network.create([2, 4, 1], ["tanh", "sigmoid"],
                                                       init="small", seed=2).parameters["W1"])


def test_results_file_has_machine_goals_and_details(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(torch_loop, "available", lambda: None)   # as on a machine without torch
    text, printed = bench(tmp_path, capsys)
    for heading in ("# Benchmark results", "## Machine", "## Goals", "## Engine, per iteration"):
        assert heading in text
    for label in ("**CPU**", "**NumPy**", "**BLAS threads**", "**Load average at start**"):
        assert label in text
    goals = [line for line in text.splitlines() if line.startswith("| [2, 4, 1] flower")]
    assert goals[0].startswith("| [2, 4, 1] flower: engine / floor |")
    assert goals[0].rstrip(" |").endswith(("PASS", "MISS"))
    assert "PyTorch not installed" in goals[1]
    assert "[2, 4, 1] flower: engine / floor" in printed and "written to" in printed
    assert "cat" not in "".join(goals)                  # --only keeps the other workloads out


def test_hand_written_notes_survive_a_rewrite(tmp_path, capsys):
    (tmp_path / "RESULTS.md").write_text(f"old table\n{run.HAND_WRITTEN}\n## Profile\nkept\n", encoding="utf-8")
    text, _ = bench(tmp_path, capsys, "--no-torch")
    assert "old table" not in text
    assert text.endswith(f"{run.HAND_WRITTEN}\n## Profile\nkept\n")


def test_interleaved_rotates_the_order_and_ratios_pair_repeats():
    calls = []
    contenders = {name: (lambda warm, n=name: calls.append((n, warm)) or 1.0) for name in "abc"}
    times = engine.interleaved(contenders, repeats=3)
    assert calls[:3] == [("a", True), ("b", True), ("c", True)]
    assert [n for n, _ in calls[3:]] == list("abc" "bca" "cab")
    assert times == {"a": [1.0] * 3, "b": [1.0] * 3, "c": [1.0] * 3}
    assert engine.paired_ratio([2.0, 9.0, 3.0], [1.0, 3.0, 1.0]) == 3.0


def test_goal_verdicts_follow_the_numbers():
    result = {"workload": "cat", "title": "cat", "median": {"engine": 2.0, "floor": 1.0, "pytorch": 4.0,
                                                            "engine_float32": 1.0},
              "ratio_to_floor": 1.2, "ratio_to_torch": 0.5, "float32_speedup": 1.9}
    rows = run.goal_rows([result], None, "2.x")
    verdicts = {measure: v for measure, _, _, v in rows}
    assert verdicts == {"[12288, 20, 7, 5, 1] cat: engine / floor": "MISS",
                        "[12288, 20, 7, 5, 1] cat: engine / PyTorch": "PASS",
                        "[12288, 20, 7, 5, 1] cat: float32 speed-up over float64": "PASS"}
    gui = {"live": {"boundary_setImage_per_second": 31.0, "neuron_maps_per_second": 29.0,
                    "cost_setData_per_second": 40.0, "iterations_per_second": 700.0},
           "headless_iterations_per_second": [1000.0, 1000.0], "startup_seconds": [1.2, 1.6, 1.4],
           "step_seconds": [0.01] * 8 + [0.2] * 2}
    gui_rows = {m: (r, v) for m, r, _, v in run.goal_rows([], gui, None)}
    assert gui_rows["GUI: redraws per second while training (slowest live view)"][1] == "MISS"
    assert "neuron maps" in gui_rows["GUI: redraws per second while training (slowest live view)"][0]
    assert gui_rows["GUI: training throughput in the window / headless"] == (
        "70% (700 vs 1,000 iterations/s)", "PASS")
    assert gui_rows["GUI: `python main.py` to the first painted window"][1] == "PASS"
    assert gui_rows["GUI: one step in step-through mode (9 steps in 10)"][1] == "MISS"


def test_the_bench_command_loads_no_qt():
    # The GUI measurements run in a child process: Qt must not load where the engine is timed.
    code = ("import sys, bench.run, bench.engine\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')]\n"
            "assert not bad, bad")
    result = subprocess.run([sys.executable, "-c", code], cwd=run.ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
