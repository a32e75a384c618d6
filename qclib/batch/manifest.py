"""Provenance of a report run: file hashes, code version, git commit, run manifest.

``reports/manifest.json`` records, per report, the parameters, the hash of
every input file, the code version, the git commit, when it ran, how long it
took, its status and (on failure) the failing cell.  Entries of reports that a
run did not touch are kept, so the manifest always describes every report on
disk.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from qclib.atomic import atomic_write_text
from qclib.paths import PROJ_ROOT

#: Version of the manifest layout (bumped on incompatible changes).
MANIFEST_VERSION: int = 1


def sha256_file(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes.

    Parameters
    ----------
    path : str or Path
        File to hash.

    Returns
    -------
    str
        64 hex characters.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "a.txt")
    >>> _ = open(p, "wb").write(b"abc")
    >>> sha256_file(p)[:12]
    'ba7816bf8f01'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_text(text: str) -> str:
    """SHA-256 hex digest of a UTF-8 string.

    Examples
    --------
    >>> sha256_text("abc")[:12]
    'ba7816bf8f01'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _label(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def hash_files(paths: Iterable[str | Path], *, root: str | Path | None = None, pattern: str = "*") -> dict[str, str]:
    """Hash files and folders (folders recursively, hidden files skipped).

    Parameters
    ----------
    paths : iterable of str or Path
        Files or folders.  A missing path is recorded with the digest
        ``"missing"`` (so that its later appearance changes the hash).
    root : str or Path, optional
        Labels are relative to this folder when possible (the project root
        by default), absolute otherwise.
    pattern : str
        Glob applied inside folders.

    Returns
    -------
    dict
        Label → SHA-256, sorted by label.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> _ = open(os.path.join(d, "x.csv"), "w").write("a")
    >>> _ = open(os.path.join(d, ".hidden"), "w").write("b")
    >>> h = hash_files([d, os.path.join(d, "nope.csv")], root=d)
    >>> sorted(h), h["nope.csv"]
    (['nope.csv', 'x.csv'], 'missing')
    """
    root_path = Path(root) if root is not None else PROJ_ROOT
    out: dict[str, str] = {}
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob(pattern)):
                rel_parts = f.relative_to(p).parts
                if f.is_file() and not any(part.startswith((".", "__pycache__")) for part in rel_parts):
                    out[_label(f, root_path)] = sha256_file(f)
        elif p.is_file():
            out[_label(p, root_path)] = sha256_file(p)
        else:
            out[_label(p, root_path)] = "missing"
    return dict(sorted(out.items()))


def digest(obj: Any) -> str:
    """Stable SHA-256 of a JSON-serialisable object (keys sorted).

    Examples
    --------
    >>> digest({"b": 1, "a": [1, 2]}) == digest({"a": [1, 2], "b": 1})
    True
    """
    return sha256_text(json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str))


def code_hash(package_dir: str | Path | None = None) -> str:
    """Hash of the qclib sources (every ``*.py`` under the package, and the report templates).

    Parameters
    ----------
    package_dir : str or Path, optional
        The package folder (the installed ``qclib`` by default).

    Returns
    -------
    str

    Examples
    --------
    >>> len(code_hash())
    64
    """
    pkg = Path(package_dir) if package_dir is not None else Path(__file__).resolve().parent
    files = hash_files([pkg], root=pkg, pattern="*.py")
    templates = pkg / "report" / "templates"
    if templates.is_dir():  # the report template and stylesheet shape the outputs too
        files |= hash_files([templates], root=pkg)
    return digest(files)


def git_commit(cwd: str | Path | None = None) -> str | None:
    """``git rev-parse HEAD`` of the project, or None when git is unavailable.

    Parameters
    ----------
    cwd : str or Path, optional
        Folder inside the repository (the project root by default).

    Returns
    -------
    str or None

    Examples
    --------
    >>> c = git_commit()
    >>> c is None or len(c) == 40
    True
    """
    try:
        res = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd or PROJ_ROOT, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    out = res.stdout.strip()
    return out if res.returncode == 0 and len(out) == 40 else None


def utc_now() -> str:
    """Current UTC time, ISO 8601 with seconds (``2026-01-05T10:00:00+00:00``).

    Examples
    --------
    >>> utc_now().endswith("+00:00")
    True
    """
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def read_manifest(path: str | Path) -> dict[str, Any]:
    """Read a run manifest; an absent or unreadable file gives an empty one.

    Parameters
    ----------
    path : str or Path
        ``reports/manifest.json``.

    Returns
    -------
    dict
        With at least ``{"manifest_version": ..., "reports": {}}``.

    Examples
    --------
    >>> read_manifest("/nonexistent/manifest.json")["reports"]
    {}

    A report entry that is not a mapping (a hand-edited file) is dropped: that
    report runs again, as if it had never run.  The same goes for a
    ``last_run`` that is not a mapping.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "manifest.json")
    >>> _ = open(p, "w").write('{"reports": {"a/2015": ["x"], "b/2015": {"status": "ok"}}, "last_run": 3}')
    >>> m = read_manifest(p); list(m["reports"]), m["last_run"]
    (['b/2015'], {})
    """
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict) or not isinstance(data.get("reports"), dict):
        data = {}
    data.setdefault("manifest_version", MANIFEST_VERSION)
    data["reports"] = {k: v for k, v in data.get("reports", {}).items() if isinstance(v, dict)}
    if not isinstance(data.get("last_run", {}), dict):
        data["last_run"] = {}
    return data


def write_manifest(
    path: str | Path, run: Mapping[str, Any], entries: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """Merge this run's entries into the manifest and write it atomically.

    Parameters
    ----------
    path : str or Path
        ``reports/manifest.json``.
    run : mapping
        Description of this run (time, arguments, counts, git commit...).
    entries : mapping
        Report key (``zhengzhou/2015``) → entry; replaces the old entry of
        the same key, other keys are kept.

    Returns
    -------
    dict
        The manifest written.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "manifest.json")
    >>> _ = write_manifest(p, {"n": 1}, {"a/2015": {"status": "ok"}})
    >>> m = write_manifest(p, {"n": 2}, {"b/2015": {"status": "failed"}})
    >>> sorted(m["reports"]), m["last_run"]["n"]
    (['a/2015', 'b/2015'], 2)
    """
    data = read_manifest(path)
    data["manifest_version"] = MANIFEST_VERSION
    data["last_run"] = dict(run)
    reports = dict(data["reports"])
    reports.update({k: dict(v) for k, v in entries.items()})
    data["reports"] = dict(sorted(reports.items()))
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    return data


def int_counts(value: Any) -> dict[str, int] | None:
    """Counts read back from a manifest: a mapping of names to integers, else None (a hand-edited file).

    A report's ``counts`` and ``headline`` are reused when nothing changed; a
    value that is not a count is dropped (the index shows —), never trusted.

    Examples
    --------
    >>> int_counts({"met": 2}), int_counts({"met": "2"}), int_counts([1]), int_counts({})
    ({'met': 2}, None, None, None)
    """
    ok = (
        isinstance(value, dict)
        and value
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value.values())
    )
    return dict(value) if ok else None
