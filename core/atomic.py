"""Atomic file writes: write a temporary file beside the target, then rename it over the target.

A crash or a full disk mid-save leaves the old file as it was, never half a file. The file that
results has the permissions a plain open() would give: the old file's mode when it is replaced,
else 0o666 less the umask (tempfile.mkstemp's 0o600 would make every save private).
"""
from __future__ import annotations

import contextlib
import os
import stat


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path in the target's folder; on success it replaces `path` atomically."""
    # A symbolic link is followed: the file it points to is replaced and the link stays a link
    # (renaming over the link itself would leave a plain file where the link was).
    path = os.path.realpath(os.fspath(path))
    tmp = _create_beside(path)
    try:
        yield tmp
        with open(tmp, "rb+") as f:  # make the bytes durable before the rename makes them visible
            os.fsync(f.fileno())
        _keep_mode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    _sync_folder(path)


def _sync_folder(path: str) -> None:
    """Make the rename itself durable: after a power cut the folder names the new file."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(os.path.dirname(path), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _create_beside(path: str) -> str:
    """A new empty file next to `path`, created with mode 0o666 so the umask applies as usual."""
    folder = os.path.dirname(os.path.abspath(path))
    prefix = "." + os.path.basename(path) + "."
    for _ in range(100):
        tmp = os.path.join(folder, prefix + os.urandom(6).hex() + ".tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(f"no free temporary name beside {path}")


def _keep_mode(path: str, tmp: str) -> None:
    """Give the replacement the permissions of the file it replaces."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:  # no file yet: the umask has already decided
        return
    with contextlib.suppress(OSError):  # a file system without modes keeps its own
        os.chmod(tmp, mode)
