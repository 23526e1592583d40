"""No pickle, eval or exec anywhere DeepStep reads a file or runs: loading is numbers and strings only.

Scans the source of core/, gui/ and main.py (every load path lives there) (the AST, so comments and strings don't count):
no import of pickle-like modules, no call of the builtins eval/exec/compile/__import__, no
np.load(..., allow_pickle=True).
Qt's `menu.exec()` is a method call on an object and is not the builtin, so it is allowed.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([ROOT / "main.py", *ROOT.glob("core/*.py"), *ROOT.glob("gui/*.py")])
UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "shelve", "marshal", "joblib", "yaml"}
UNSAFE_BUILTINS = {"eval", "exec", "compile", "__import__"}
# (file, builtin) pairs allowed, each with its reason. Nothing read from a file is ever executed.
ALLOWED = {
    # The script export runs the data-loading code it has just generated from its own templates
    # (every value embedded with repr) to prove it reproduces the data before writing it out.
    # That is the export path, never a load path.
    ("core/export_script.py", "exec"),
}


def _relative(path: Path) -> str:
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return path.name


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"imports {a.name}" for a in node.names if a.name.split(".")[0] in UNSAFE_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in UNSAFE_MODULES:
            found.append(f"imports from {node.module}")
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in UNSAFE_BUILTINS \
                    and (_relative(path), node.func.id) not in ALLOWED:
                found.append(f"calls {node.func.id}() at line {node.lineno}")
            for kw in node.keywords:
                if kw.arg == "allow_pickle" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                    found.append(f"allow_pickle at line {node.lineno}")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_pickle_eval_or_exec(path):
    assert _problems(path) == []


def test_the_scan_finds_what_it_looks_for(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import pickle\nfrom yaml import load\nx = eval('1')\n"
                   "import numpy as np\nnp.load('f.npy', allow_pickle=True)\nmenu.exec()\n")
    assert _problems(bad) == ["imports pickle", "imports from yaml", "calls eval() at line 3",
                              "allow_pickle at line 5"]


def test_the_load_paths_execute_nothing():
    """The modules that read files allow no exception at all."""
    for name in ("core/data_files.py", "core/model_file.py", "core/session_file.py", "core/data.py",
                 "core/cli.py", "core/presets.py"):
        path = ROOT / name
        if path.is_file():
            assert not any(allowed[0] == name for allowed in ALLOWED)
            assert _problems(path) == []


def test_the_scan_covers_the_load_paths():
    names = {_relative(p) for p in SOURCES}
    assert {"core/data_files.py", "core/model_file.py", "core/cli.py", "main.py"} <= names
