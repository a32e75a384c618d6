"""YAML reading with line numbers and without date conversion (I/O edge).

Dates stay the strings the user wrote (papermill's ``NoDatesSafeLoader``
idea), and every mapping remembers the line it started on and the line of
each key, so validation errors can say *where* in the file a problem is.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import yaml

from qclib.exceptions import DataValidationError, Issue


class LineDict(dict[str, Any]):
    """A ``dict`` that remembers where it came from in a YAML file.

    Attributes
    ----------
    line : int
        1-based line of the mapping's first key.
    key_lines : dict
        1-based line of each key.

    Examples
    --------
    >>> d = LineDict({"a": 1}); d.line = 3; d.key_lines = {"a": 3}
    >>> d.line_of("a"), d.line_of("missing")
    (3, 3)
    """

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Line of ``key``, or of the mapping itself when the key is absent."""
        lines: dict[str, int] = getattr(self, "key_lines", {})
        return lines.get(key, self.line)


#: libyaml's parser when PyYAML was built with it (several times faster than the pure-Python one).
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """SafeLoader (libyaml's parser where available) without the timestamp resolver, building LineDicts."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"found duplicate key {key!r}",
                key_node.start_mark,
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


#: Documents parsed in this process, by their text (a run reads each city file for the catalog, the
#: scorecard export and the titles: PyYAML's constructor, ~14 ms a file, then runs once).
_PARSED: dict[str, bytes] = {}
_PARSED_MAX = 5000


def read_yaml(path: str | Path) -> Any:
    """Read a YAML file; syntax errors become a :class:`DataValidationError`.

    Parameters
    ----------
    path : str or Path
        File to read (UTF-8).

    Returns
    -------
    object
        The document, with mappings as :class:`LineDict` and dates as strings.

    Raises
    ------
    DataValidationError
        On a YAML syntax error (naming file, line and the parser's message) or a
        file that cannot be read.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "x.yml")
    >>> _ = open(p, "w", encoding="utf-8").write("a:\\n  date: 2014-05-08\\n")
    >>> doc = read_yaml(p)
    >>> doc["a"]["date"], doc["a"].line
    ('2014-05-08', 2)
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataValidationError(
            [Issue(str(path), None, "", None, f"cannot read file: {exc}", "a UTF-8 YAML file")]
        ) from exc
    cached = _PARSED.get(text)
    if cached is not None:  # the same text parsed before in this process: a fresh copy, not the same objects
        return pickle.loads(cached)  # noqa: S301 - pickled by this function from this file's own parse
    try:
        doc = yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[text] = pickle.dumps(doc, protocol=5)
        return doc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        msg = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
        raise DataValidationError([Issue(str(path), line, "", None, msg, "valid YAML (see params/README.md)")]) from exc
