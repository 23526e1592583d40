"""core/ is the engine: numpy, h5py and the standard library only, never Qt."""
import ast
import pathlib
import subprocess
import sys

CORE = pathlib.Path(__file__).resolve().parents[2] / "core"
ALLOWED = {"numpy", "h5py"}


def _imports(path):
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module.split(".")[0]


def test_core_imports_only_numpy_h5py_and_the_standard_library():
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        for name in _imports(path):
            if name not in ALLOWED and name not in sys.stdlib_module_names and name != "__future__":
                offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_importing_every_core_module_loads_no_qt():
    modules = [f"core.{p.stem}" for p in CORE.glob("*.py") if p.stem != "__init__"]
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + "bad = [m for m in sys.modules if m.split('.')[0] in "
              "('PySide6', 'PyQt5', 'PyQt6', 'pyqtgraph', 'shiboken6')]\n"
              "assert not bad, bad\nprint(len(sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=CORE.parent, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
