"""Atomic writes: the old file survives a failed write, and the new file has ordinary permissions."""
import os
import stat

import pytest

from core.atomic import atomic_path
from core.model_file import save_model
from core.network import Network

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


@pytest.fixture
def umask():
    """Set the process umask for one test and put the caller's back."""
    saved = os.umask(0o022)
    yield lambda value: os.umask(value)
    os.umask(saved)


def _write(path, text):
    with atomic_path(path) as tmp, open(tmp, "w") as f:
        f.write(text)


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@posix_only
@pytest.mark.parametrize("mask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_0o666_less_the_umask(tmp_path, umask, mask, expected):
    umask(mask)
    _write(tmp_path / "out.json", "{}")
    assert _mode(tmp_path / "out.json") == expected
    save_model(tmp_path / "model.h5", Network.create([2, 1], ["sigmoid"]))
    assert _mode(tmp_path / "model.h5") == expected


@posix_only
def test_a_replaced_file_keeps_its_mode(tmp_path, umask):
    path = tmp_path / "shared.json"
    path.write_text("old")
    os.chmod(path, 0o640)
    _write(path, "new")
    assert path.read_text() == "new" and _mode(path) == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "keep.json"
    path.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(path) as tmp, open(tmp, "w") as f:
            f.write("half")
            raise RuntimeError("disk full")
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["keep.json"]


@posix_only
def test_a_symbolic_link_stays_a_link_to_the_file_it_names(tmp_path):
    real = tmp_path / "sessions" / "lecture.h5"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "current.h5"
    link.symlink_to(real)
    _write(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert sorted(p.name for p in real.parent.iterdir()) == ["lecture.h5"]   # no temporary left
