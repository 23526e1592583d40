"""`python main.py train`: train without a window, print the cost as the course notebooks do.

Bad input of any kind ends with exit status 2 and one line on stderr, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time

from .atomic import atomic_path
from .data import open_dataset
from .errors import DeepStepError
from .generators import GENERATORS
from .model_file import load_model, save_model
from .network import INIT_SCHEMES, Network
from .activations import NAMES as ACTIVATION_NAMES
from .training import TrainConfig, TrainControl, train

PROG = "main.py train"

EXAMPLES = """\
examples (one per course week):
  week 2, logistic regression on the cat images:
    python main.py train --dataset ../shared/reference/datasets/train_catvnoncat.h5 \\
        --test-dataset ../shared/reference/datasets/test_catvnoncat.h5 \\
        --layers 1 --activations sigmoid --init zeros --learning-rate 0.005 --iterations 2000
  week 3, one hidden layer of 4 tanh units on the flower data (these are the defaults):
    python main.py train --layers 4,1 --activations tanh,sigmoid --init small --seed 2 \\
        --learning-rate 1.2 --iterations 10000
  week 4, the L-layer model [12288, 20, 7, 5, 1] on the cat images:
    python main.py train --dataset ../shared/reference/datasets/train_catvnoncat.h5 \\
        --test-dataset ../shared/reference/datasets/test_catvnoncat.h5 \\
        --layers 20,7,5,1 --activations relu,relu,relu,sigmoid --init xavier --seed 1 \\
        --learning-rate 0.0075 --iterations 2500 --save cat.h5
"""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _int_list(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated whole numbers such as 20,7,5,1, got {text!r}") from None
    return values


def _name_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",")]


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    p = parser or OneLineParser(prog=PROG)
    p.description = ("Train a network without a window and print its cost every --record-every "
                     "iterations. With no options it runs the week-3 planar notebook.")
    p.epilog = EXAMPLES
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    d = p.add_argument_group("data")
    d.add_argument("--dataset", default="flower", metavar="NAME|FILE",
                   help="a built-in generator (" + ", ".join(GENERATORS) + ") or a course-layout "
                        "HDF5 file (*_set_x, *_set_y) or a CSV file (x1, x2, label); default flower")
    d.add_argument("--test-dataset", metavar="FILE", help="a separate test file (e.g. test_catvnoncat.h5)")
    d.add_argument("--samples", type=int, metavar="N", help="generator: number of examples")
    d.add_argument("--noise", type=float, metavar="F", help="generator: noise level")
    d.add_argument("--data-seed", type=int, metavar="N", help="generator and split seed")
    d.add_argument("--test-fraction", type=float, default=0.0, metavar="F",
                   help="share of the data held out for testing; 0 (default) keeps every example")
    n = p.add_argument_group("network")
    n.add_argument("--layers", type=_int_list, metavar="N,N,...",
                   help="units of layers 1..L, the last is the output layer (1 unit); default 4,1")
    n.add_argument("--activations", type=_name_list, metavar="G,G,...",
                   help="one per layer: " + ", ".join(ACTIVATION_NAMES)
                        + "; default tanh for hidden layers, sigmoid for the output")
    n.add_argument("--init", choices=INIT_SCHEMES, help="initialisation; default small")
    n.add_argument("--init-scale", type=float, metavar="F",
                   help="scale of 'small' (default 0.01); multiplies xavier and he when given")
    n.add_argument("--seed", type=int, metavar="N",
                   help="initialisation seed, and the mini-batch shuffles' seed; default 2")
    n.add_argument("--load", metavar="FILE.h5", help="start from a saved model instead of initialising")
    t = p.add_argument_group("training")
    t.add_argument("--learning-rate", type=float, default=1.2, metavar="F", help="default 1.2")
    t.add_argument("--iterations", type=int, default=10000, metavar="N", help="default 10000")
    t.add_argument("--batch-size", type=int, metavar="N", help="mini-batch size; default full batch")
    t.add_argument("--l2", type=float, default=0.0, metavar="F", help="L2 regularisation λ; default 0")
    t.add_argument("--target-cost", type=float, metavar="F", help="stop once the cost is at most F")
    t.add_argument("--record-every", type=int, default=100, metavar="K",
                   help="record the cost at iterations i with i %% K == 0, before the update; default 100")
    o = p.add_argument_group("output")
    o.add_argument("--json", metavar="FILE",
                   help="write costs (and test_costs), accuracies, iterations, seconds, stopped")
    o.add_argument("--save", metavar="FILE.h5", help="write the model file at the end")
    o.add_argument("--quiet", action="store_true", help="no progress display on stderr")
    return p


DEFAULT_SEED = 2  # the week-3 notebook's


def _check_combinations(args) -> None:
    """Options that would be silently ignored in this combination are refused instead."""
    if args.data_seed is not None and args.dataset not in GENERATORS and not args.test_fraction:
        raise DeepStepError("--data-seed applies to the built-in data sets and to --test-fraction; "
                            "a file without a split has nothing to draw")
    if args.init_scale is not None and args.init == "zeros":
        raise DeepStepError("--init-scale has nothing to scale with --init zeros")


def _network(args, n_x: int) -> Network:
    if args.load:
        # --seed still seeds the mini-batch shuffles of a loaded model
        ignored = ("layers", "activations", "init", "init_scale")
        if args.batch_size is None:
            ignored += ("seed",)
        given = [f"--{name}" for name in ignored if getattr(args, name) is not None]
        if given:
            raise DeepStepError(f"--load takes the architecture and parameters from the file; "
                                f"leave out {', '.join(g.replace('_', '-') for g in given)}")
        return load_model(args.load, n_x=n_x)
    layers = args.layers or [4, 1]
    activations = args.activations or ["tanh"] * (len(layers) - 1) + ["sigmoid"]
    return Network.create([n_x] + layers, activations, init=args.init or "small",
                          seed=DEFAULT_SEED if args.seed is None else args.seed, scale=args.init_scale)


class Progress:
    """A progress line on stderr for runs that take more than a moment."""

    DELAY = 1.0       # seconds before the first line: a quick run prints none
    TTY_EVERY = 0.2   # a terminal line is redrawn in place this often
    LOG_EVERY = 5.0   # a log (stderr not a terminal) gets a new line this often

    def __init__(self, total: int, enabled: bool):
        self.total, self.enabled = total, enabled
        self.tty = sys.stderr.isatty()
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def update(self, iteration: int, cost: float) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.start < self.DELAY \
                or now - self.last < (self.TTY_EVERY if self.tty else self.LOG_EVERY):
            return
        self.last = now
        share = iteration / self.total if self.total else 1.0
        eta = (now - self.start) * (1 - share) / share if share > 0 else float("nan")
        bar = "#" * int(share * 30)
        line = (f"iteration {iteration:>{len(str(self.total))}}/{self.total} [{bar:<30}] "
                f"{share:4.0%}  cost {cost:.6f}  about {eta:.0f} s left")
        sys.stderr.write(("\r" + line) if self.tty else line + "\n")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown and self.tty:
            sys.stderr.write("\n")


def run_train(argv) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status = _train(args)
        _say(None)   # the last buffered lines, while a closed pipe can still be caught
        return status
    except DeepStepError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except MemoryError:
        print(f"{PROG}: error: not enough memory for this data and network", file=sys.stderr)
        return 2
    except KeyboardInterrupt:   # Ctrl+C while the data loads (during training it ends the run)
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130



def _say(text: str | None) -> None:
    """A line on stdout (None: flush what is buffered). When the reader has gone away
    (`main.py train | head -3`), stdout is sent to /dev/null and training goes on: the --json
    and --save files are still written, and no BrokenPipeError traceback is printed."""
    try:
        if text is None:
            sys.stdout.flush()
        else:
            print(text, flush=False)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)

def _train(args) -> int:
    data = open_dataset(args.dataset, samples=args.samples, noise=args.noise, seed=args.data_seed,
                        test_fraction=args.test_fraction, test_path=args.test_dataset)
    _check_combinations(args)  # after the data: a missing file is the first thing to hear of
    network = _network(args, data.n_x)
    iterations = args.iterations
    config = TrainConfig(learning_rate=args.learning_rate, iterations=iterations,
                         batch_size=args.batch_size, l2=args.l2, record_every=args.record_every,
                         snapshot_every=max(1, min(args.record_every, iterations // 100 or 1)),
                         target_cost=args.target_cost,
                         seed=DEFAULT_SEED if args.seed is None else args.seed)
    config.validate(data.m)
    for path in (args.json, args.save):  # fail before training, not after
        _check_writable(path)

    control = TrainControl()
    previous = signal.signal(signal.SIGINT, lambda *_: control.stop())  # Ctrl+C ends the run cleanly
    progress = Progress(iterations, enabled=not args.quiet)
    costs, test_costs = [], []
    try:
        for snap in train(network, data.X, data.Y, config, data.X_test, data.Y_test, control):
            new_costs, new_test_costs = snap.new_costs, snap.new_test_costs
            if iterations == 0:  # no iteration ran: the initial parameters' cost is the result
                new_costs = ((snap.iteration, snap.cost),)
                new_test_costs = () if snap.test_cost is None else ((snap.iteration, snap.test_cost),)
            for i, cost in new_costs:
                _say(f"Cost after iteration {i}: {cost:.6f}")
            costs.extend(new_costs)
            test_costs.extend(new_test_costs)
            progress.update(snap.iteration, snap.cost)
    finally:
        progress.close()
        signal.signal(signal.SIGINT, previous)
    _say(None)

    _say(f"Train accuracy: {snap.train_accuracy:.2%}")
    if snap.test_accuracy is not None:
        _say(f"Test accuracy: {snap.test_accuracy:.2%}")
    _say(f"Stopped: {snap.stopped} after {snap.iteration} iterations in {snap.seconds:.2f} s")
    if snap.stopped not in ("completed",) and not snap.stopped.startswith("target"):
        print(f"{PROG}: {snap.stopped}", file=sys.stderr)
    if args.json:
        result = {"costs": [[i, c] for i, c in costs], "train_accuracy": snap.train_accuracy,
                  "test_accuracy": snap.test_accuracy, "iterations": snap.iteration,
                  "seconds": snap.seconds, "stopped": snap.stopped}
        if data.X_test is not None:
            result["test_costs"] = [[i, c] for i, c in test_costs]
        try:
            with atomic_path(args.json) as tmp, open(tmp, "w") as f:
                json.dump(result, f)
        except OSError as e:
            raise DeepStepError(f"cannot write {args.json}: {e.strerror or e}") from None
    if args.save:
        save_model(args.save, network)
    return 0


def _check_writable(path) -> None:
    if path is None:
        return
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise DeepStepError(f"cannot write {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise DeepStepError(f"cannot write {path}: the folder {folder} is not writable")
    if os.path.isdir(path):
        raise DeepStepError(f"cannot write {path}: it is a folder")
