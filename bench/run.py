"""The benchmark command: every measurement of issue 8, one table, written to bench/RESULTS.md.

    python -m bench                    everything (about two minutes)
    python -m bench --no-gui --only flower-2-4-1 --iterations 200 --repeats 3

Engine rows: seconds per iteration (forward + backward + update) of core.training.run against the
bare-NumPy floor (bench/floor.py) and PyTorch CPU float64 (bench/torch_loop.py, when torch is
installed), measured side by side with interleaved repeats (bench/engine.py). GUI rows come from
`python -m bench.gui`, run in a process of its own. RESULTS.md keeps whatever follows the
HAND_WRITTEN marker (the profile notes and what each change bought) from one run to the next.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


from bench import engine, machine, torch_loop       # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
HAND_WRITTEN = "<!-- Hand-written below this line: `python -m bench` keeps it when it rewrites the file. -->"

# Iterations per timed run: each run takes ~0.1-0.5 s, long enough to swamp the timer and short
# enough that a repeat of every contender fits in a couple of seconds.
DEFAULT_ITERATIONS = {"flower-2-4-1": 3000, "flower-2-8x6-1": 800, "cat": 150}
# (cat: 150 iterations a timed run, so the per-run work, the final snapshot's forward pass and the
# parameters copied in and out, is under 0.5 % of it rather than ~1 % at 60)
SHORT = {"flower-2-4-1": "[2, 4, 1] flower", "flower-2-8x6-1": "[2, 8×6, 1] flower",
         "cat": "[12288, 20, 7, 5, 1] cat"}
GOAL_FLOOR = {"flower-2-4-1": 1.30, "flower-2-8x6-1": 1.30, "cat": 1.10}
FLOAT32_GOAL = 2.0
FLOAT32_MET_FROM = 1.8        # "≈ 2×": met from 1.8×
GOALS_GUI = {"redraws": 30.0, "share": 0.60, "startup": 1.5, "step": 0.050}


def load_average() -> str:
    try:
        return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "?"


# --- measuring -------------------------------------------------------------------------------

def measure_engine(keys, iterations: int | None, repeats: int, with_torch: bool) -> list[dict]:
    results = []
    for workload in engine.WORKLOADS:
        if workload.key not in keys:
            continue
        if workload.data != "flower" and not engine.cat_available():
            results.append({"workload": workload.key, "title": workload.title,
                            "missing": f"{engine.CAT_TRAIN} is absent"})
            continue
        n = iterations or DEFAULT_ITERATIONS[workload.key]
        result = engine.measure_workload(workload, n, repeats, with_torch,
                                         with_float32=workload.key == "cat")
        result["same_maths"] = engine.check_same_maths(workload, with_torch=with_torch)
        results.append(result)
    return results


def measure_one_blas_thread(iterations: int, repeats: int) -> dict:
    """The cat network's engine and floor with OpenBLAS limited to one thread, in a child process
    (the thread count is fixed when NumPy loads). On a shared machine a second BLAS thread that
    waits for a busy core can cost more than it gives."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-m", "bench.engine", "threads", "--iterations", str(iterations),
                           "--repeats", str(repeats)], cwd=ROOT, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    if "times" in out:
        out["median"] = {k: statistics.median(v) for k, v in out["times"].items()}
    return out


def measure_gui(seconds: float, steps: int, startup_repeats: int) -> dict:
    """bench.gui in a process of its own; {"error": ...} when it cannot run."""
    try:
        import PySide6  # noqa: F401  (only asks whether it is there; Qt loads in the child)
    except ImportError:
        return {"error": "PySide6 not installed"}
    cmd = [sys.executable, "-m", "bench.gui", "--seconds", str(seconds), "--steps", str(steps),
           "--startup-repeats", str(startup_repeats)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    if proc.returncode != 0:
        lines = [l for l in proc.stderr.strip().splitlines() if "propagateSizeHints" not in l]  # Qt noise
        return {"error": lines[-1] if lines else f"exit status {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- judging and formatting -----------------------------------------------------------------------

def fmt_time(seconds: float) -> str:
    if seconds != seconds:   # nan
        return "—"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def goal_rows(engine_results: list[dict], gui: dict | None, torch_version: str | None) -> list[tuple]:
    """(measure, result, goal, verdict) for every goal of issue 8."""
    rows = []
    for r in engine_results:
        name = SHORT[r["workload"]]
        if "missing" in r:
            rows.append((f"{name}: engine / floor", f"not measured: {r['missing']}", "", "—"))
            continue
        med = r["median"]
        goal = GOAL_FLOOR[r["workload"]]
        ratio = r["ratio_to_floor"]
        rows.append((f"{name}: engine / floor", f"{ratio:.2f}× ({fmt_time(med['engine'])} vs "
                     f"{fmt_time(med['floor'])})", f"≤ {goal:.2f}×", verdict(ratio <= goal)))
        if "ratio_to_torch" in r:
            t = r["ratio_to_torch"]
            rows.append((f"{name}: engine / PyTorch", f"{t:.2f}× ({fmt_time(med['engine'])} vs "
                         f"{fmt_time(med['pytorch'])})", "< 1× (faster)", verdict(t < 1)))
        else:
            rows.append((f"{name}: engine / PyTorch",
                         "PyTorch not installed" if torch_version is None else "not measured", "< 1× (faster)", "—"))
        if "float32_speedup" in r:
            s = r["float32_speedup"]
            rows.append((f"{name}: float32 speed-up over float64", f"{s:.2f}× ({fmt_time(med['engine_float32'])} "
                         f"vs {fmt_time(med['engine'])})", f"≈ {FLOAT32_GOAL:.0f}× (≥ {FLOAT32_MET_FROM}×)",
                         verdict(s >= FLOAT32_MET_FROM)))
    if gui is None:
        return rows
    if "error" in gui:
        rows.append(("GUI", f"not measured: {gui['error']}", "", "—"))
        return rows
    live = gui["live"]
    views = {"boundary": live["boundary_setImage_per_second"], "neuron maps": live["neuron_maps_per_second"],
             "cost curve": live["cost_setData_per_second"]}
    slowest = min(views, key=views.get)
    rows.append(("GUI: redraws per second while training (slowest live view)",
                 f"{views[slowest]:.1f}/s ({slowest}; " + ", ".join(f"{k} {v:.1f}" for k, v in views.items()) + ")",
                 f"≥ {GOALS_GUI['redraws']:.0f}/s", verdict(views[slowest] >= GOALS_GUI["redraws"])))
    headless = statistics.median(gui["headless_iterations_per_second"])
    share = live["iterations_per_second"] / headless
    rows.append(("GUI: training throughput in the window / headless",
                 f"{share:.0%} ({live['iterations_per_second']:,.0f} vs {headless:,.0f} iterations/s)",
                 f"≥ {GOALS_GUI['share']:.0%}", verdict(share >= GOALS_GUI["share"])))
    start = statistics.median(gui["startup_seconds"])
    rows.append(("GUI: `python main.py` to the first painted window",
                 f"{start:.2f} s (median of {len(gui['startup_seconds'])}; "
                 f"{min(gui['startup_seconds']):.2f}–{max(gui['startup_seconds']):.2f})",
                 f"< {GOALS_GUI['startup']} s", verdict(start < GOALS_GUI["startup"])))
    steps = sorted(gui["step_seconds"])
    p90 = steps[math.ceil(0.9 * len(steps)) - 1]     # nearest rank: 9 steps in 10 are as fast
    rows.append(("GUI: one step in step-through mode (9 steps in 10)",
                 f"{p90 * 1e3:.0f} ms (median {statistics.median(steps) * 1e3:.0f} ms, "
                 f"worst {steps[-1] * 1e3:.0f} ms, {len(steps)} steps)",
                 f"< {GOALS_GUI['step'] * 1e3:.0f} ms", verdict(p90 < GOALS_GUI["step"])))
    return rows


def markdown_table(header: tuple, rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def engine_detail(engine_results: list[dict]) -> str:
    rows = []
    for r in engine_results:
        if "missing" in r:
            continue
        med, lo_hi = r["median"], r["ratio_range"]
        rows.append((r["title"], f"{r['iterations']} × {r['repeats']}", fmt_time(med["engine"]),
                     fmt_time(med["floor"]), f"{r['ratio_to_floor']:.3f} ({lo_hi[0]:.2f}–{lo_hi[1]:.2f})",
                     f"{r['ratio_of_best']:.3f}",
                     fmt_time(med.get("pytorch", float("nan"))),
                     fmt_time(med.get("engine_float32", float("nan"))),
                     ", ".join(f"{k} {v:.1e}" for k, v in r["same_maths"].items())))
    return markdown_table(("workload", "iterations × repeats", "engine", "floor", "engine/floor (range)",
                           "best engine / best floor",
                           "PyTorch", "engine float32", "largest parameter difference from the engine after 5 iterations"), rows)


def gui_detail(gui: dict) -> str:
    live = gui["live"]
    rows = [("network", gui["network"]),
            ("live-training window", f"{live['seconds']:.1f} s, 1600×960, offscreen"),
            ("boundary: setImage / plot paints per second",
             f"{live['boundary_setImage_per_second']:.1f} / {live['boundary_paints_per_second']:.1f}"),
            ("canvas: neuron-map evaluations / paints per second",
             f"{live['neuron_maps_per_second']:.1f} / {live['canvas_paints_per_second']:.1f}"),
            ("cost curve: setData / plot paints per second",
             f"{live['cost_setData_per_second']:.1f} / {live['cost_paints_per_second']:.1f}"),
            ("training in the window (in its own process)", f"{live['iterations_per_second']:,.0f} iterations/s"),
            ("GUI thread's CPU time / wall time", f"{live.get('gui_thread_cpu_share', float('nan')):.0%}"),
            ("headless, as `main.py train` (record every 100), before / after",
             " / ".join(f"{x:,.0f}" for x in gui["headless_iterations_per_second"]) + " iterations/s"),
            (f"headless, the window's settings (record every {gui.get('window_record_every', 1)}"
             " for its default 10,000-iteration run), before / after",
             " / ".join(f"{x:,.0f}" for x in gui["headless_gui_config_iterations_per_second"]) + " iterations/s"),
            ("start-up, each launch", ", ".join(f"{s:.2f} s" for s in gui["startup_seconds"])),
            ("step-through, each step (ms)", " ".join(f"{s * 1e3:.0f}" for s in gui["step_seconds"]))]
    return markdown_table(("measure", "value"), rows)


def render(description: dict, rows: list[tuple], engine_results: list[dict], gui: dict | None,
           command: str, load_end: str, hand_written: str, one_thread: dict | None = None) -> str:
    parts = ["# Benchmark results", "",
             f"Written by `{command}`. Every goal of issue 8, then the details. Times are medians over "
             "interleaved repeats; a ratio is the median of the per-repeat ratios of contenders measured "
             "back to back.", "", "## Machine", ""]
    parts += [f"- **{k}**: {v}" for k, v in description.items()]
    parts += [f"- **Load average at the end**: {load_end}", ""]
    if busy(description.get("Load average at start", ""), description.get("Cores", "")):
        parts += ["**The machine was busy** (a load average above its cores): other jobs shared the CPU, "
                  "so times are slower and noisier than on a quiet machine; the ratios of contenders "
                  "measured back to back hold up better than the times.", ""]
    parts += ["## Goals", "",
              markdown_table(("measure", "result", "goal", ""), rows), ""]
    if engine_results:
        parts += ["## Engine, per iteration (forward + backward + update)", "", engine_detail(engine_results), "",
                  "The engine is `core.training.run` as `main.py train` runs it (cost recorded every 100 "
                  "iterations, snapshots at the start and the end). The floor is `bench/floor.py`: forward, "
                  "backward without dA[0], in-place update, nothing else. PyTorch is `bench/torch_loop.py` "
                  "(float64 tensors, autograd, in-place update). All three start from the same parameters; "
                  "the last column shows they train the same network.", ""]
        if one_thread is not None:
            cat = next(r for r in engine_results if r["workload"] == "cat")
            if "median" in one_thread:
                m = one_thread["median"]
                parts += [f"The cat network with one BLAS thread (a child process, OPENBLAS_NUM_THREADS=1): "
                          f"engine {fmt_time(m['engine'])}, floor {fmt_time(m['floor'])}, engine in float32 "
                          f"{fmt_time(m['engine_float32'])} per iteration (engine/floor "
                          f"{engine.paired_ratio(one_thread['times']['engine'], one_thread['times']['floor']):.2f}×, "
                          f"float32 speed-up {engine.paired_ratio(one_thread['times']['engine'], one_thread['times']['engine_float32']):.2f}×), "
                          f"against {fmt_time(cat['median']['engine'])}, {fmt_time(cat['median']['floor'])} and "
                          f"{fmt_time(cat['median']['engine_float32'])} above with {description['BLAS threads']} BLAS threads.", ""]
            else:
                parts += [f"The cat network with one BLAS thread: not measured ({one_thread.get('error')}).", ""]
    if gui is not None and "error" not in gui:
        parts += ["## GUI (offscreen)", "", gui_detail(gui), "",
                  "Draws are counted on the live objects (ImageItem.setImage, NeuronMaps.update, the cost "
                  "curve's setData, paint events), not timer ticks. Start-up is a fresh `python main.py` with "
                  "an empty settings directory until the first frame is painted (DEEPSTEP_EXIT_ON_SHOW). A "
                  "step's latency runs from the action to every view having drawn it.", ""]
    parts += [HAND_WRITTEN, hand_written.rstrip("\n"), ""]
    return "\n".join(parts)


def busy(load: str, cores: str) -> bool:
    """True when the 1-minute load average exceeded the usable cores ("2 usable (...)")."""
    try:
        return float(load.split()[0]) > float(cores.split()[0])
    except (ValueError, IndexError):
        return False


def read_hand_written(path: pathlib.Path) -> str:
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    return text.split(HAND_WRITTEN, 1)[1].lstrip("\n") if HAND_WRITTEN in text else ""


def print_table(rows: list[tuple]) -> None:
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())


def main(argv=None) -> int:
    keys = [w.key for w in engine.WORKLOADS]
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=keys, default=keys, metavar="WORKLOAD",
                        help=f"engine workloads to measure: {', '.join(keys)} (default: all)")
    parser.add_argument("--iterations", type=int, help="iterations per timed run (default: per workload)")
    parser.add_argument("--repeats", type=int, default=9, help="interleaved repeats (default 9)")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out even when installed")
    parser.add_argument("--no-gui", action="store_true", help="engine only")
    parser.add_argument("--gui-seconds", type=float, default=5.0, help="length of the live-training measurement")
    parser.add_argument("--output", type=pathlib.Path, default=RESULTS, help="the Markdown file to write")
    args = parser.parse_args(argv)

    description = machine.describe()
    torch_version = torch_loop.available()
    with_torch = torch_version is not None and not args.no_torch
    t0 = time.perf_counter()
    engine_results = measure_engine(args.only, args.iterations, args.repeats, with_torch)
    threads = machine.blas_threads()
    one_thread = None
    if any(r["workload"] == "cat" and "missing" not in r for r in engine_results) and (threads or 1) > 1:
        one_thread = measure_one_blas_thread(args.iterations or DEFAULT_ITERATIONS["cat"], max(1, args.repeats // 2))
    gui = None if args.no_gui else measure_gui(args.gui_seconds, 24, 3)
    rows = goal_rows(engine_results, gui, torch_version)
    command = "python -m bench" + ("" if argv is None and len(sys.argv) == 1 else
                                   " " + " ".join(sys.argv[1:] if argv is None else argv))
    text = render(description, rows, engine_results, gui, command, load_average(),
                  read_hand_written(args.output), one_thread)
    args.output.write_text(text, encoding="utf-8")
    print_table([("measure", "result", "goal", "")] + rows)
    print(f"\n{len(rows)} rows in {time.perf_counter() - t0:.0f} s; load average {description['Load average at start']}"
          f" → {load_average()}; written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
