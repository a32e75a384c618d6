"""Atomic file writes: write to a temporary file beside the target, then rename.

A crash or kill mid-write leaves the previous good file untouched (the
temporary file is removed on error; ``os.replace`` is atomic on POSIX).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from qclib.exceptions import OutputExistsError, OutputPathError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | Path, *, force: bool = True) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``path`` atomically.

    Parameters
    ----------
    path : str or Path
        Final destination.  Its folder is created if missing.
    force : bool, default True
        When False and ``path`` exists, raise :class:`OutputExistsError` before
        anything is written.

    Examples
    --------
    >>> import tempfile, os
    >>> dest = os.path.join(tempfile.mkdtemp(), "out.txt")
    >>> with atomic_path(dest) as tmp:
    ...     _ = tmp.write_text("ok")
    >>> open(dest).read()
    'ok'
    >>> (os.stat(dest).st_mode & 0o777) == (0o666 & ~_umask())  # the mode open() would give
    True
    """
    path = Path(path)
    if path.is_dir():
        raise OutputPathError(f"cannot write {path}: it is a folder; give a file name")
    if not force and path.exists():
        raise OutputExistsError(f"{path} exists; use --force (force=True) to overwrite it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp" + path.suffix, dir=path.parent
        )
    except OSError as exc:
        raise OutputPathError(f"cannot write {path}: {exc.strerror or exc}; choose a folder you can write to") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp creates 0600; give the output the mode a normal open() would
    os.chmod(tmp, 0o666 & ~_umask())
    try:
        yield tmp
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise OutputPathError(f"cannot replace {path}: {exc.strerror or exc}") from exc
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_bytes(path: str | Path, data: bytes, *, force: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically and return the path.

    Examples
    --------
    >>> import tempfile, os
    >>> p = atomic_write_bytes(os.path.join(tempfile.mkdtemp(), "a.bin"), b"x")
    >>> p.read_bytes()
    b'x'
    """
    with atomic_path(path, force=force) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(path: str | Path, text: str, *, force: bool = True) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically and return the path.

    Examples
    --------
    >>> import tempfile, os
    >>> atomic_write_text(os.path.join(tempfile.mkdtemp(), "a.txt"), "郑州").read_text(encoding="utf-8")
    '郑州'
    """
    return atomic_write_bytes(path, text.encode("utf-8"), force=force)
