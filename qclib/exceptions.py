"""One exception hierarchy for qclib.

``QclibError`` is the root.  Leaves carry structured fields so that a CLI, a
notebook or a batch runner can report *where* the problem is (file, row,
column, value, what is allowed) without parsing a message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


class QclibError(Exception):
    """Base class of every error raised on purpose by qclib."""


class QclibWarning(UserWarning):
    """Base class of qclib warnings (suspicious but possible data, partial years...)."""


@dataclass(frozen=True)
class Issue:
    """One validation finding.

    Parameters
    ----------
    file : str
        File the finding is about ('' when not file-bound).
    row : int or None
        1-based row (CSV/Excel: the spreadsheet row including the header line;
        YAML: the line number).
    column : str
        Field or column name.
    value : Any
        The offending value, as read.
    message : str
        What is wrong.
    allowed : str
        What would be accepted.
    severity : str
        ``"error"`` or ``"warning"``.
    """

    file: str
    row: int | None
    column: str
    value: Any
    message: str
    allowed: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", field '{self.column}'"
        text = f"{where}: {self.message} (got {self.value!r})"
        if self.allowed:
            text += f"; allowed: {self.allowed}"
        return text


class DataValidationError(QclibError):
    """Input data (targets, observations, monitoring files) failed validation.

    Attributes
    ----------
    issues : list of Issue
        Every error found (validation does not stop at the first one).
    """

    def __init__(self, issues: Sequence[Issue]):
        self.issues = list(issues)
        n = len(self.issues)
        head = "\n".join(f"  - {i}" for i in self.issues[:50])
        more = f"\n  ... and {n - 50} more" if n > 50 else ""
        super().__init__(f"{n} validation error(s):\n{head}{more}")


class MissingYearError(QclibError, KeyError):
    """A year the computation needs (e.g. the base year) has no value.

    Attributes
    ----------
    year : int
        The missing year label.
    role : str
        Its role, e.g. ``"base year"`` or ``"previous year"``.
    """

    def __init__(self, year: int, role: str = "year", available: Iterable[int] = ()):
        self.year = year
        self.role = role
        self.available = sorted(available)
        msg = f"{role} {year} has no value"
        if self.available:
            msg += f"; years with values: {self.available}"
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError would repr() the message otherwise
        msg: str = self.args[0]  # set by __init__
        return msg


class ZeroBaseError(QclibError, ZeroDivisionError):
    """A relative change was asked for against a zero base value.

    Attributes
    ----------
    year : int
        The year whose value is zero.
    """

    def __init__(self, year: int, role: str = "base year"):
        self.year = year
        self.role = role
        super().__init__(f"{role} {year} has value 0: a relative change is undefined")


class InvalidChoiceError(QclibError, ValueError):
    """An argument took a value outside its vocabulary.

    Attributes
    ----------
    name : str
        Argument name.
    value : Any
        What was given.
    allowed : tuple
        The accepted values.
    """

    def __init__(self, name: str, value: Any, allowed: Iterable[Any]):
        self.name = name
        self.value = value
        self.allowed = tuple(allowed)
        super().__init__(f"{name} cannot be {value!r}; allowed: {', '.join(map(repr, self.allowed))}")


@dataclass
class ReportFailure:
    """Structured record of one failed report in a batch run."""

    city: str
    year: int | str
    stage: str
    error: str
    cell: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class ReportExecutionError(QclibError):
    """A report notebook failed; carries the failing cell when known."""

    def __init__(self, failure: ReportFailure):
        self.failure = failure
        where = f" (cell {failure.cell})" if failure.cell is not None else ""
        super().__init__(f"report {failure.city}/{failure.year} failed at {failure.stage}{where}: {failure.error}")


class OutputExistsError(QclibError, FileExistsError):
    """Refusing to overwrite an existing output without ``force``."""
