"""`python main.py train` end to end: the course's whole-run check values, files, and bad input."""
import json
import subprocess
import sys

import h5py
import numpy as np
import pytest

from tests.paths import CAT_MISSING, CAT_TEST, CAT_TRAIN, ROOT

needs_cat = pytest.mark.skipif(not CAT_TRAIN.exists(), reason=CAT_MISSING)


def main_py(*args, timeout=300):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def costs_of(tmp_path, *args):
    out = tmp_path / "run.json"
    result = main_py("train", *args, "--json", out, "--quiet")
    assert result.returncode == 0, result.stderr
    return dict((i, c) for i, c in json.loads(out.read_text())["costs"]), result


def test_week3_planar_model_on_the_flower_data(tmp_path):
    costs, result = costs_of(tmp_path, "--dataset", "flower", "--layers", "4,1", "--activations",
                             "tanh,sigmoid", "--init", "small", "--seed", "2", "--learning-rate", "1.2",
                             "--iterations", "1001")
    assert round(costs[0], 6) == 0.693048
    assert round(costs[1000], 6) == 0.288083
    assert "Cost after iteration 1000: 0.288083" in result.stdout


def test_defaults_are_the_week3_notebook(tmp_path):
    costs, _ = costs_of(tmp_path, "--iterations", "1")
    assert round(costs[0], 6) == 0.693048


@needs_cat
def test_week2_logistic_regression_on_the_cat_data(tmp_path):
    costs, _ = costs_of(tmp_path, "--dataset", CAT_TRAIN, "--test-dataset", CAT_TEST, "--layers", "1",
                        "--activations", "sigmoid", "--init", "zeros", "--learning-rate", "0.005",
                        "--iterations", "101")
    assert round(costs[0], 6) == 0.693147 and round(costs[100], 6) == 0.584508


@needs_cat
def test_week4_two_layer_model_on_the_cat_data(tmp_path):
    costs, _ = costs_of(tmp_path, "--dataset", CAT_TRAIN, "--layers", "7,1", "--activations",
                        "relu,sigmoid", "--init", "small", "--seed", "1", "--learning-rate", "0.0075",
                        "--iterations", "101")
    assert costs[0] == pytest.approx(0.693049735659989, abs=1e-9)
    assert costs[100] == pytest.approx(0.6464320953428849, abs=1e-9)


@needs_cat
def test_week4_L_layer_model_on_the_cat_data_saved_and_loaded(tmp_path):
    model = tmp_path / "cat.h5"
    out = tmp_path / "run.json"
    result = main_py("train", "--dataset", CAT_TRAIN, "--test-dataset", CAT_TEST, "--layers", "20,7,5,1",
                     "--activations", "relu,relu,relu,sigmoid", "--init", "xavier", "--seed", "1",
                     "--learning-rate", "0.0075", "--iterations", "101", "--json", out, "--save", model)
    assert result.returncode == 0, result.stderr
    run = json.loads(out.read_text())
    costs = dict(run["costs"])
    assert round(costs[0], 6) == 0.771749 and round(costs[100], 6) == 0.672053
    assert run["iterations"] == 101 and run["stopped"] == "completed"
    assert 0 <= run["train_accuracy"] <= 1 and 0 <= run["test_accuracy"] <= 1 and run["seconds"] > 0
    with h5py.File(model, "r") as f:  # as a notebook would read it
        assert list(f.attrs["layer_sizes"]) == [12288, 20, 7, 5, 1]
        assert f["parameters/W1"].shape == (20, 12288)
    # Loading the saved model goes on from where the run ended: its first cost is the cost of the
    # parameters after 101 updates, the same number an unbroken run records at iteration 101.
    more, _ = costs_of(tmp_path, "--dataset", CAT_TRAIN, "--load", model, "--learning-rate", "0.0075",
                       "--iterations", "1")
    assert more[0] == pytest.approx(0.6724949507030571, abs=1e-9)


def test_save_with_zero_iterations_writes_the_initial_parameters(tmp_path):
    model = tmp_path / "init.h5"
    result = main_py("train", "--layers", "4,1", "--iterations", "0", "--save", model, "--quiet")
    assert result.returncode == 0, result.stderr
    with h5py.File(model, "r") as f:
        np.testing.assert_allclose(f["parameters/W1"][0], [-0.00416758, -0.00056267], atol=1e-8)


def test_json_contract_on_a_generated_data_set_with_a_test_split(tmp_path):
    out = tmp_path / "r.json"
    result = main_py("train", "--dataset", "moons", "--samples", "300", "--noise", "0.1", "--data-seed", "3",
                     "--test-fraction", "0.25", "--layers", "8,1", "--activations", "relu,sigmoid",
                     "--init", "he", "--learning-rate", "0.5", "--iterations", "300", "--record-every", "50",
                     "--batch-size", "64", "--json", out)
    assert result.returncode == 0, result.stderr
    run = json.loads(out.read_text())
    assert set(run) == {"costs", "test_costs", "train_accuracy", "test_accuracy", "iterations",
                        "seconds", "stopped"}
    assert [i for i, _ in run["costs"]] == [0, 50, 100, 150, 200, 250]
    assert [i for i, _ in run["test_costs"]] == [0, 50, 100, 150, 200, 250]
    assert run["test_accuracy"] is not None and run["train_accuracy"] > 0.8


def test_csv_data(tmp_path):
    rng = np.random.RandomState(0)
    rows = ["x1,x2,label"] + [f"{x:.4f},{y:.4f},{int(x > 0)}" for x, y in rng.randn(40, 2)]
    path = tmp_path / "points.csv"
    path.write_text("\n".join(rows) + "\n")
    costs, result = costs_of(tmp_path, "--dataset", path, "--iterations", "200")
    assert costs[100] < costs[0]


def test_a_diverging_run_says_why_and_keeps_finite_numbers(tmp_path):
    costs, result = costs_of(tmp_path, "--layers", "16,16,1", "--activations", "relu,relu,sigmoid",
                             "--init", "he", "--learning-rate", "1e6", "--iterations", "500", "--record-every", "1")
    run = json.loads((tmp_path / "run.json").read_text())
    assert "probably too high" in run["stopped"] or run["stopped"] == "completed"
    assert all(np.isfinite(c) for c in costs.values())


def test_a_run_diverging_between_recorded_costs_saves_a_model_with_a_finite_cost(tmp_path):
    from core.cost import compute_cost
    from core.data import open_dataset
    from core.model_file import load_model
    from core.propagation import forward
    model = tmp_path / "div.h5"
    result = main_py("train", "--layers", "16,16,1", "--activations", "linear,linear,sigmoid",
                     "--init", "he", "--seed", "1", "--learning-rate", "1000", "--iterations", "3000",
                     "--save", model, "--quiet")  # the default --record-every: no cost near the failure
    assert result.returncode == 0, result.stderr
    assert "cost became NaN at iteration 6 — the learning rate 1000 is probably too high; " \
           "the parameters of iteration 5 are kept" in result.stderr
    net, data = load_model(model), open_dataset("flower")
    AL, _ = forward(data.X, net.parameters, net.activations)
    assert np.isfinite(compute_cost(AL, data.Y))


@pytest.mark.parametrize("args, words", [
    (["--dataset", "nosuch"], "unknown data set"),
    (["--dataset", "/nonexistent/file.h5"], "/nonexistent/file.h5: file not found"),
    (["--layers", "4,0,1"], "0 units"),
    (["--layers", "4,x"], "comma-separated whole numbers"),
    (["--layers", "4,2"], "output layer must have 1 unit"),
    (["--activations", "tanh,softmax"], "unknown activation"),
    (["--activations", "tanh"], "2 activations"),
    (["--learning-rate", "-0.1"], "learning rate"),
    (["--learning-rate", "nan"], "learning rate"),
    (["--iterations", "-5"], "iterations"),
    (["--batch-size", "401"], "larger than the 400"),
    (["--test-fraction", "1.0"], "fraction"),
    (["--init", "huge"], "invalid choice"),
    (["--load", "/nonexistent/model.h5"], "no such file"),
    (["--json", "/nonexistent/dir/out.json"], "does not exist"),
    (["--record-every", "0"], "record every"),
    (["--init", "zeros", "--init-scale", "2"], "--init-scale has nothing to scale with --init zeros"),
    (["--bogus"], "unrecognized arguments"),
])
def test_bad_input_exits_2_with_one_line(args, words):
    result = main_py("train", *args, "--iterations" if "--iterations" not in args else "--quiet",
                     *(["1"] if "--iterations" not in args else []))
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert words in lines[0] and "Traceback" not in result.stderr


def test_bad_files_exit_2(tmp_path):
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 100)
    for args in (["--dataset", junk], ["--load", junk], ["--dataset", "flower", "--test-dataset", junk]):
        result = main_py("train", *args, "--iterations", "1")
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr


@needs_cat
def test_a_model_for_other_data_is_refused(tmp_path):
    model = tmp_path / "flower.h5"
    assert main_py("train", "--iterations", "0", "--save", model).returncode == 0
    result = main_py("train", "--dataset", CAT_TRAIN, "--load", model, "--iterations", "1")
    assert result.returncode == 2 and "2 inputs, but the data has n[0] = 12288" in result.stderr


def test_help_explains_both_modes():
    result = main_py("--help")
    assert result.returncode == 0
    assert "train" in result.stdout and "no arguments it opens the app" in result.stdout
    result = main_py("train", "--help")
    assert result.returncode == 0 and "--learning-rate" in result.stdout and "week 4" in result.stdout


# --- in-process runs: the same entry point as main.py train, without a new interpreter ---------

def train_in_process(tmp_path, *args):
    """run_train(args) with --json; returns (exit status, the JSON or None)."""
    from core.cli import run_train
    out = tmp_path / "run.json"
    status = run_train([*map(str, args), "--json", str(out)])
    return status, (json.loads(out.read_text()) if status == 0 else None)


def test_the_seed_also_shuffles_the_mini_batches(tmp_path):
    from core.model_file import load_model
    from core.data import open_dataset
    from core.training import TrainConfig, run
    model = tmp_path / "start.h5"
    assert train_in_process(tmp_path, "--iterations", "0", "--save", model, "--quiet")[0] == 0
    runs = {}
    for seed in (7, 7, 8):
        status, result = train_in_process(tmp_path, "--load", model, "--batch-size", "50", "--seed", seed,
                                          "--iterations", "6", "--record-every", "1", "--quiet")
        assert status == 0
        runs.setdefault(seed, []).append(result["costs"])
    assert runs[7][0] == runs[7][1] and runs[7][0] != runs[8][0]
    data, net = open_dataset("flower"), load_model(model)
    costs, _ = run(net, data.X, data.Y, TrainConfig(learning_rate=1.2, iterations=6, batch_size=50,
                                                    seed=7, record_every=1))
    assert [list(p) for p in costs] == runs[7][0]  # the engine's own shuffles with that seed


def test_zero_iterations_record_the_initial_cost(tmp_path):
    status, result = train_in_process(tmp_path, "--iterations", "0", "--test-fraction", "0.25", "--quiet")
    assert status == 0 and result["iterations"] == 0
    assert len(result["costs"]) == 1 and result["costs"][0][0] == 0
    assert len(result["test_costs"]) == 1 and result["test_costs"][0][0] == 0
    status, result = train_in_process(tmp_path, "--iterations", "0", "--quiet")
    assert [[i, round(c, 6)] for i, c in result["costs"]] == [[0, 0.693048]]  # the week-3 start


def test_the_cost_that_meets_the_target_is_recorded(tmp_path):
    status, result = train_in_process(tmp_path, "--target-cost", "0.5", "--record-every", "1000", "--quiet")
    assert status == 0 and result["stopped"].startswith("target cost 0.5 reached")
    last_i, last_cost = result["costs"][-1]
    assert last_i == result["iterations"] and 0 < last_i < 1000 and last_cost <= 0.5


def test_a_data_seed_for_a_file_without_a_split_is_refused(tmp_path, capsys):
    rng = np.random.RandomState(0)
    path = tmp_path / "points.csv"
    path.write_text("".join(f"{x:.3f},{y:.3f},{int(x > 0)}\n" for x, y in rng.randn(20, 2)))
    from core.cli import run_train
    assert run_train(["--dataset", str(path), "--data-seed", "3", "--iterations", "1", "--quiet"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "--data-seed" in lines[0]
    # with a split it draws the split, so it is taken
    assert run_train(["--dataset", str(path), "--data-seed", "3", "--test-fraction", "0.3",
                      "--iterations", "1", "--quiet"]) == 0


def test_progress_on_stderr_unless_quiet(tmp_path, capsys, monkeypatch):
    from core import cli
    monkeypatch.setattr(cli.Progress, "DELAY", 0.0)      # show from the start, not after a second
    monkeypatch.setattr(cli.Progress, "LOG_EVERY", 0.0)  # stderr is not a terminal here: one line each
    assert train_in_process(tmp_path, "--iterations", "300", "--record-every", "100")[0] == 0
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) >= 3 and all(line.startswith("iteration ") for line in lines)
    assert "300/300 [##############################] 100%  cost 0." in lines[-1]
    assert "Cost after iteration 200" in captured.out  # progress goes to stderr only
    assert train_in_process(tmp_path, "--iterations", "300", "--record-every", "100", "--quiet")[0] == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "Cost after iteration 200" in captured.out


def test_a_reader_that_goes_away_gets_no_traceback_and_the_files_are_still_written(tmp_path):
    # `python main.py train | head -1`: the pipe closes after one line.
    out = tmp_path / "run.json"
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "train", "--iterations", "3000",
                             "--record-every", "1", "--quiet", "--json", str(out)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().startswith("Cost after iteration 0:")
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
    assert json.loads(out.read_text())["iterations"] == 3000


def test_ctrl_c_while_the_data_loads_ends_with_one_line_not_a_traceback(monkeypatch, capsys):
    from core import cli

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(cli, "open_dataset", interrupted)
    assert cli.run_train(["--quiet"]) == 130
    assert capsys.readouterr().err == "main.py train: interrupted\n"
