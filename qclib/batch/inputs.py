"""Compute once, render many: the report inputs a run loads once and hands to every notebook.

A batch run loads and validates the catalog and the observations once per set
of data files (:func:`load_shared`), computes each report's scorecard once
(:func:`scorecard_slice`) and passes the notebook its part of the inputs
(:func:`report_slice`: its cities and the references, not the whole
catalog) with its scorecard, as a file named by its ``inputs_path`` parameter; the notebook reads it with :func:`load_inputs`
instead of loading and computing again.  A notebook run stand-alone
(``papermill … -p city … -p year …``) leaves ``inputs_path`` empty and loads
its inputs itself, so both routes run the same code on the same data.

Warnings the loading or the scorecard raised (e.g. two official figures for
one year) are recorded and raised again when the notebook reads the inputs or
asks for that scorecard, so a report shows the same data warnings either way.
The file is a :mod:`pickle` written by the worker into its private folder: it
is trusted like the code (see the README's cluster section), never read from
a data folder.
"""

from __future__ import annotations

import pickle
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from qclib.report.tables import ReportInputs, load_report_inputs

#: A recorded warning: its category and message.
RecordedWarning = tuple[type[Warning], str]

#: Matches a notebook parameters cell that declares ``inputs_path``.
_INPUTS_PARAMETER = re.compile(r"^\s*inputs_path\s*[:=]", re.M)


@dataclass
class PrecomputedInputs(ReportInputs):
    """:class:`~qclib.report.tables.ReportInputs` with scorecards computed beforehand.

    Attributes
    ----------
    scorecards : dict
        ``(cities, year)`` → the frame :meth:`ReportInputs.scorecard` returned
        for them, with the warnings it raised.
    load_warnings : list
        Warnings raised while the catalog and observations were loaded.
    """

    scorecards: dict[tuple[tuple[str, ...], int], tuple[Any, list[RecordedWarning]]] = field(default_factory=dict)
    load_warnings: list[RecordedWarning] = field(default_factory=list)

    def scorecard(self, city: str | Sequence[str], year: int) -> Any:
        """The precomputed scorecard (a copy; its warnings raised again), else computed as usual."""
        key = (tuple([city] if isinstance(city, str) else city), int(year))
        if key not in self.scorecards:
            return super().scorecard(city, year)
        frame, recorded = self.scorecards[key]
        replay(recorded)
        return frame.copy()


def replay(recorded: Sequence[RecordedWarning]) -> None:
    """Raise recorded warnings again (category and message as first raised).

    Examples
    --------
    >>> with warnings.catch_warnings(record=True) as seen:
    ...     warnings.simplefilter("always")
    ...     replay([(UserWarning, "two official figures")])
    >>> [str(w.message) for w in seen]
    ['two official figures']
    """
    for category, message in recorded:
        warnings.warn(message, category, stacklevel=2)


def _record(seen: Sequence[warnings.WarningMessage]) -> list[RecordedWarning]:
    return [(w.category, str(w.message)) for w in seen]


def load_shared(params_dir: str | Path | None, data_paths: Sequence[str | Path]) -> PrecomputedInputs:
    """Load and validate the catalog and observations once, recording the warnings.

    Parameters
    ----------
    params_dir : str or Path, optional
        Catalog folder (None or '' = the shipped ``params/``).
    data_paths : sequence of path
        Extra observation files.

    Returns
    -------
    PrecomputedInputs
        Without scorecards yet.

    Raises
    ------
    DataValidationError
        As :func:`~qclib.report.tables.load_report_inputs`.

    Examples
    --------
    >>> shared = load_shared(None, [])
    >>> shared.city_name("zhengzhou"), shared.scorecards
    ('郑州市', {})
    """
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        base = load_report_inputs(params_dir, list(data_paths))
    return PrecomputedInputs(catalog=base.catalog, observations=base.observations, load_warnings=_record(seen))


def scorecard_slice(
    shared: ReportInputs, cities: Sequence[str], year: int
) -> dict[tuple[tuple[str, ...], int], tuple[Any, list[RecordedWarning]]]:
    """One report's scorecard, computed as the notebook would, with its warnings.

    Empty when any of the cities has no plan targets (the report then shows
    baseline data and asks for no scorecard) or when computing fails (the
    notebook then computes, and fails, in its own cell).

    Examples
    --------
    >>> shared = load_shared(None, [])
    >>> s = scorecard_slice(shared, ["zhuzhou"], 2017)
    >>> frame, _ = s[(("zhuzhou",), 2017)]
    >>> set(frame["city"]), scorecard_slice(shared, ["qinhuangdao"], 2010)
    ({'zhuzhou'}, {})
    """
    targets = shared.catalog.targets
    if not all((targets["city"] == c).any() for c in cities):
        return {}
    query: str | list[str] = cities[0] if len(cities) == 1 else list(cities)
    try:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            frame = ReportInputs.scorecard(shared, query, year)
    except Exception:  # the notebook computes it itself and reports the failure in its cell
        return {}
    return {(tuple(cities), int(year)): (frame, _record(seen))}


def dumps_shared(shared: PrecomputedInputs) -> bytes:
    """The shared inputs (no scorecards) as bytes, sent once to each worker."""
    return pickle.dumps(PrecomputedInputs(shared.catalog, shared.observations, {}, shared.load_warnings), protocol=5)


def write_inputs_file(path: str | Path, shared: bytes, scorecards: bytes) -> Path:
    """Write what one notebook reads (shared inputs + its scorecard slice) to ``path``."""
    Path(path).write_bytes(pickle.dumps((shared, scorecards), protocol=5))
    return Path(path)


def write_report_inputs(path: str | Path, shared: bytes, cities: Sequence[str], year: int) -> Path:
    """On the worker: compute one report's scorecard from the shared inputs and write what its notebook reads.

    Parameters
    ----------
    path : str or Path
        File to write (in the worker's private folder).
    shared : bytes
        :func:`dumps_shared` of the run's inputs.
    cities : sequence of str
        The report's cities (one for a city report).
    year : int
        The report year.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, os
    >>> p = write_report_inputs(os.path.join(tempfile.mkdtemp(), "in.pickle"),
    ...                         dumps_shared(load_shared(None, [])), ["zhuzhou"], 2017)
    >>> sorted(load_inputs(p).scorecards)
    [(('zhuzhou',), 2017)]
    """
    return prepare_report_inputs(path, shared, cities, year)[0]


def report_slice(shared: PrecomputedInputs, cities: Sequence[str]) -> PrecomputedInputs:
    """What one report reads of the run's inputs: its cities' plans and figures, and every reference's.

    Keeps the whole indicator registry, the catalog entries and targets of
    ``cities``, and the observations of ``cities`` and of every entity that
    is not a catalog city (provinces, China: the references a report compares
    with).  The other cities' files stay out: at national scale they are
    hundreds of times what a report reads, and every report would unpickle
    and filter them (a city's scorecard took ~350 ms on the 337-city catalog,
    ~70 ms on its slice).  The load warnings are kept whole (a report picks
    its own city's, :func:`qclib.report.tables.city_warnings`).

    Examples
    --------
    >>> shared = load_shared(None, [])
    >>> one = report_slice(shared, ["zhuzhou"])
    >>> sorted(one.catalog.cities), set(one.catalog.targets["city"])
    (['zhuzhou'], {'zhuzhou'})
    >>> "zhengzhou" in set(one.observations["city"]), "china" in set(one.observations["city"])
    (False, True)
    >>> one.scorecard("zhuzhou", 2017).equals(shared.scorecard("zhuzhou", 2017))
    True
    """
    catalog = shared.catalog
    keep = [c for c in cities if c in catalog.cities]
    targets = catalog.targets.loc[catalog.targets["city"].isin(keep)]
    obs = shared.observations
    others = [c for c in catalog.cities if c not in keep]
    obs = obs.loc[~obs["city"].isin(others)]
    small = replace(catalog, cities={c: catalog.cities[c] for c in keep}, targets=targets)
    return PrecomputedInputs(small, obs, {}, list(shared.load_warnings))


#: The shared inputs this worker unpickled last, with the bytes they came from (kept, so the identity test holds).
_LOADED: list[tuple[bytes, PrecomputedInputs]] = []


def _shared_inputs(shared: bytes) -> PrecomputedInputs:
    """``pickle.loads(shared)``, once per worker: every task of a run gets the same bytes object."""
    if _LOADED and _LOADED[0][0] is shared:
        return _LOADED[0][1]
    inputs: PrecomputedInputs = pickle.loads(shared)  # noqa: S301 - sent by this run's client
    _LOADED[:] = [(shared, inputs)]
    return inputs


def prepare_report_inputs(path: str | Path, shared: bytes, cities: Sequence[str], year: int) -> tuple[Path, bytes]:
    """:func:`write_report_inputs`, also returning the scorecard slice as bytes (sent back to the client).

    The notebook gets its :func:`report_slice` of the shared inputs, and its
    scorecard computed on it.  The client exports the scorecards the workers
    computed (each computed once, for its report and for the export) instead
    of computing them again.

    Examples
    --------
    >>> import tempfile, os
    >>> p, sl = prepare_report_inputs(os.path.join(tempfile.mkdtemp(), "in.pickle"),
    ...                               dumps_shared(load_shared(None, [])), ["zhuzhou"], 2017)
    >>> sorted(pickle.loads(sl)) == sorted(load_inputs(p).scorecards)
    True
    """
    inputs = report_slice(_shared_inputs(shared), cities)
    sliced = pickle.dumps(scorecard_slice(inputs, cities, year), protocol=5)
    return write_inputs_file(path, dumps_shared(inputs), sliced), sliced


def load_inputs(path: str | Path) -> PrecomputedInputs:
    """Read the inputs a batch run prepared (the notebooks' ``inputs_path``).

    Raises the loading warnings again, so the notebook's
    ``warnings.catch_warnings`` block records them as if it had loaded.

    Parameters
    ----------
    path : str or Path
        File written by :func:`write_inputs_file` (by the run's worker).

    Returns
    -------
    PrecomputedInputs

    Examples
    --------
    >>> import tempfile, os
    >>> shared = load_shared(None, [])
    >>> p = write_inputs_file(os.path.join(tempfile.mkdtemp(), "in.pickle"), dumps_shared(shared),
    ...                       pickle.dumps(scorecard_slice(shared, ["zhuzhou"], 2017)))
    >>> again = load_inputs(p)
    >>> again.scorecard("zhuzhou", 2017).equals(shared.scorecard("zhuzhou", 2017))
    True
    """
    shared_bytes, slice_bytes = pickle.loads(Path(path).read_bytes())  # noqa: S301 - written by this run's worker
    inputs: PrecomputedInputs = pickle.loads(shared_bytes)  # noqa: S301
    inputs.scorecards = pickle.loads(slice_bytes)  # noqa: S301
    replay(inputs.load_warnings)
    return inputs


def wants_inputs(notebook_text: str) -> bool:
    """Whether a notebook's parameters cell (tagged ``parameters``) declares ``inputs_path``.

    Examples
    --------
    >>> import json
    >>> cell = {"metadata": {"tags": ["parameters"]}, "source": ['inputs_path: str = ""  # batch']}
    >>> wants_inputs(json.dumps({"cells": [cell]}))
    True
    >>> wants_inputs(json.dumps({"cells": [{**cell, "metadata": {}}]})), wants_inputs("not json")
    (False, False)
    """
    import json

    try:
        cells = json.loads(notebook_text).get("cells", [])
    except ValueError:
        return False
    for cell in cells:
        if "parameters" not in (cell.get("metadata") or {}).get("tags", []):
            continue
        src = cell.get("source", "")
        if _INPUTS_PARAMETER.search("".join(src) if isinstance(src, list) else str(src)):
            return True
    return False
