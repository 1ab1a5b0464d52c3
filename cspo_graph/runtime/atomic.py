"""Writing files atomically: a temp file in the same folder, then a rename.

What the path names decides how:

- a regular file (or none yet): replaced atomically, keeping the old file's mode;
- a symlink: the file it points to is replaced, in that file's folder (the link stays);
- a device, a FIFO or a socket (``/dev/null``), or a path through ``/proc`` naming an
  open file (``/dev/stdout``): written directly, as there is nothing to rename over;
- a folder or a symlink loop: refused with a one-line message.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from cspo_graph.errors import InputError


def _default_mode() -> int:
    """The mode a plainly created file gets (mkstemp's own 0600 would hide it from other users)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _refused(exc: OSError, path: Path) -> InputError:
    reason = "a symlink loop" if exc.errno == errno.ELOOP else (exc.strerror or str(exc))
    return InputError(f"cannot write: {reason}", path)


def write_atomic(path: str | Path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` so that readers see the old file or the whole new one."""
    target = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        mode: int | None = target.stat().st_mode  # through symlinks
    except FileNotFoundError:
        mode = None  # nothing there yet (or a symlink to nothing: created where it points)
    except OSError as exc:
        raise _refused(exc, target) from None
    real = Path(os.path.realpath(target))
    if mode is not None and stat.S_ISDIR(mode):
        raise InputError("cannot write: it is a folder", target)
    if (mode is not None and not stat.S_ISREG(mode)) or _through_proc(target):
        _write_directly(target, data)
    else:
        _replace(real, data, stat.S_IMODE(mode) if mode is not None else _default_mode(), shown=target)


def _through_proc(target: Path) -> bool:
    """Whether the path leads through ``/proc`` (``/dev/stdout``, ``/dev/fd/1``): it names an open file."""
    path = os.path.abspath(target)
    for _ in range(40):  # the links the kernel would follow
        folder = os.path.realpath(os.path.dirname(path))
        if folder.split(os.sep)[1:2] == ["proc"]:
            return True
        path = os.path.join(folder, os.path.basename(path))
        if not os.path.islink(path):
            return False
        path = os.path.join(folder, os.readlink(path))
    return False


def _write_directly(target: Path, data: bytes) -> None:
    try:
        with target.open("ab") as handle:  # appending: /dev/stdout reopened must not truncate what `>>` keeps
            handle.write(data)
    except OSError as exc:
        raise _refused(exc, target) from None


def _replace(real: Path, data: bytes, mode: int, *, shown: Path) -> None:
    """Write a temp file beside ``real`` with ``mode``, then rename it over ``real``."""
    try:
        fd, temp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
    except OSError as exc:
        where = f"{shown} (-> {real})" if shown.is_symlink() else shown
        raise InputError(f"cannot write: {exc.strerror or exc}", where) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, mode)
        os.replace(temp, real)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _refused(exc, shown) from None
        raise
