"""Where the reports execute: Dask distributed (an embedded cluster or an existing one), or inline.

The runner hands an engine a function and an iterable of tasks (plain data:
the notebook text, its parameters, its inputs); the engine calls the function
on a worker for each task and gives each result back as it arrives.  It
writes no file: the client does (see :mod:`qclib.batch.runner`).

- :class:`DaskEngine` ``(jobs=N)`` starts a :class:`distributed.LocalCluster`
  bound to ``127.0.0.1`` (N worker processes, one thread each, no
  dashboard); ``(scheduler="tcp://HOST:PORT")`` connects to a cluster started
  with ``dask scheduler`` / ``dask worker``.  Each worker imports papermill and
  nbconvert once (:func:`warm`) and starts a kernel fork server that imports
  the kernel's libraries once (:mod:`qclib.batch.forkserver`); each report
  still gets a fresh kernel, forked from it.  With as many workers as cores
  or more, each worker (with its fork server and kernels) is pinned to one
  core (:func:`pin_to_core`).
- **Keep going.**  The worker function records a failing notebook as a
  result; an exception that reaches the engine (a worker lost more often than
  ``allowed-failures`` allows: :class:`distributed.KilledWorker`) becomes
  that report's failure, never the run's.
- **Retries only for lost workers.**  The scheduler resubmits a task whose
  worker died (``distributed.scheduler.allowed-failures``, 2 for the
  embedded cluster); a failing notebook is not retried.
- Shared inputs (bytes) are sent to the cluster once however many tasks read
  them (as a task's argument, so that they are recomputed, not lost, when the
  worker holding them dies).
- :class:`InlineEngine` calls the function in this process, one task after
  the other (tests, debugging).
"""

from __future__ import annotations

import atexit
import importlib
import os
import shutil
import socket
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from qclib.batch.forkserver import REPORT_IMPORTS
from qclib.exceptions import InvalidChoiceError

#: Worker function: ``(task, shared_bytes) -> result``.
WorkerFunction = Callable[[Mapping[str, Any], Any], dict[str, Any]]

#: Called with ``(task, result)`` for each task, in the order they end.
ResultCallback = Callable[[Mapping[str, Any], dict[str, Any]], None]

#: How many times the embedded cluster resubmits a task whose worker died.
ALLOWED_FAILURES: int = 2


def worker_id() -> str:
    """The address of the Dask worker running this code, else ``host:pid``.

    Examples
    --------
    >>> worker_id().endswith(str(os.getpid()))
    True
    """
    if "distributed" in sys.modules:  # on a Dask worker it is imported; never import it just to ask
        from distributed import get_worker

        try:
            return str(get_worker().address)
        except ValueError:
            pass
    return f"{socket.gethostname()}:{os.getpid()}"


def call(func: WorkerFunction, task: Mapping[str, Any], shared: Any) -> dict[str, Any]:
    """Run ``func(task, shared)`` and add the worker that ran it (``worker``).

    Examples
    --------
    >>> call(lambda t, s: {"status": "ok", "n": t["n"] + s}, {"n": 1}, 2)["n"]
    3
    """
    result = dict(func(task, shared))
    result["worker"] = worker_id()
    return result


def _identity(value: Any) -> Any:
    return value


def _has_bokeh() -> bool:
    """Whether Dask's dashboard can be served (it needs bokeh, which qclib does not require)."""
    from importlib.util import find_spec

    return find_spec("bokeh") is not None


def engine_failure(exc: BaseException, seconds: float = 0.0) -> dict[str, Any]:
    """The result of a task the engine could not run (its worker lost, cancelled…).

    Examples
    --------
    >>> engine_failure(RuntimeError("worker lost"))["error"]["stage"]
    'worker'
    """
    from qclib.batch.manifest import utc_now

    return {
        "status": "failed",
        "started_at": utc_now(),
        "duration_s": round(seconds, 3),
        "error": {
            "stage": "worker",
            "ename": type(exc).__name__,
            "evalue": str(exc)[:2000],
            "cell": None,
            "cell_index": None,
        },
    }


class InlineEngine:
    """Run every task in this process, one after the other (tests, debugging).

    Examples
    --------
    >>> seen = []
    >>> InlineEngine().run(lambda t, s: {"status": "ok"}, [({"key": "a"}, None)], lambda t, r: seen.append(r))
    >>> seen[0]["status"], InlineEngine().describe()["name"]
    ('ok', 'inline')
    """

    name = "inline"

    def __enter__(self) -> InlineEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def describe(self) -> dict[str, Any]:
        """What the manifest records about the engine."""
        return {"name": self.name, "workers": 1, "address": None, "dashboard": None}

    def run(
        self, func: WorkerFunction, tasks: Iterable[tuple[Mapping[str, Any], Any]], on_result: ResultCallback
    ) -> None:
        """Call ``func`` on each ``(task, shared)`` and ``on_result`` with its result."""
        for task, shared in tasks:
            t0 = time.perf_counter()
            try:
                result = call(func, task, shared)
            except Exception as exc:  # the same contract as on a cluster: the task fails alone
                result = engine_failure(exc, time.perf_counter() - t0)
            on_result(task, result)


#: Libraries the render step imports inside its functions (Word, the Excel sheet, Markdown, templates).
WORKER_IMPORTS = ("docx", "openpyxl", "mistune", "jinja2", "IPython", "psutil")


def warm(quiet: bool = False, prestart: bool = True, fork: bool = True) -> None:
    """Import what rendering a report needs (papermill, nbformat, nbconvert's HTML exporter).

    Run once on every worker when the engine starts; a worker that joins
    later imports them with its first report.  The imports take seconds in a
    fresh process and are then reused by every report the worker renders.
    ``quiet`` (the embedded cluster) sends the worker's and its kernels'
    console output to ``os.devnull``: a report's errors come back in its
    result, and the run's output stays one line per report.  ``fork``
    starts the worker's kernel fork server (:mod:`qclib.batch.forkserver`),
    which imports the kernel's libraries while this function imports the
    worker's; with it, the worker always keeps one kernel forked ahead for
    its next report (:func:`take_kernel`): the fork's start is work the next
    report would do anyway, done while this one waits on its kernel.
    Without a fork server, ``prestart`` decides whether a kernel that is a
    new process (and imports everything) is started ahead.
    """
    global _PRESTART
    if quiet:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)
    from qclib.batch.forkserver import start_server, stop_server

    srv = start_server() if fork else None  # the template imports the kernels' libraries in its process, meanwhile
    if not fork:
        stop_server()  # kernels are new processes again (the benchmark's floor as issue 13 defines it)
    _PRESTART = prestart or srv is not None
    import nbconvert  # noqa: F401
    import nbformat  # noqa: F401
    import papermill  # noqa: F401
    from nbconvert import HTMLExporter  # noqa: F401

    import qclib.batch.inputs  # noqa: F401
    import qclib.batch.runner  # noqa: F401
    import qclib.data.template  # noqa: F401  (openpyxl: the data-request sheet)
    import qclib.indicators.trend  # noqa: F401  (scipy: a report's scorecard is computed on its worker)
    import qclib.report.docx  # noqa: F401  (python-docx: the Word report)
    import qclib.report.layout  # noqa: F401

    for name in WORKER_IMPORTS:  # imported inside functions: the first report would pay for them
        try:
            importlib.import_module(name)
        except ImportError:  # the report that needs it says so
            pass

    if srv is not None:
        srv.ready()  # a worker is warm when its template is: the first report forks at once


def available_cores() -> list[int]:
    """The CPUs this process may run on (empty where the platform cannot pin).

    Examples
    --------
    >>> all(isinstance(c, int) for c in available_cores())
    True
    """
    if not hasattr(os, "sched_getaffinity") or not os.path.isdir("/proc/self/task"):
        return []
    return sorted(os.sched_getaffinity(0))


def pin_to_core(core: int) -> int:
    """Pin every thread of this process to ``core``; threads and processes it starts later inherit it.

    Run on an embedded cluster's workers before :func:`warm` starts their
    fork servers (see :meth:`DaskEngine._pin_workers`).  Returns ``core``.
    """
    for tid in os.listdir("/proc/self/task"):
        try:
            os.sched_setaffinity(int(tid), {core})
        except (ProcessLookupError, PermissionError):  # a thread that has just ended / not ours to pin
            pass
    return core


# --------------------------------------------------------------------------- kernels started ahead (worker side)
#: Whether this process keeps a kernel started ahead for its next report (set on Dask workers by :func:`warm`).
_PRESTART = False

#: The kernel started ahead: (its private folder, kernel name, kernel manager, its client).
_SPARE: tuple[Path, str, Any, Any] | None = None

#: Imported by a kernel started ahead while it waits for its report (libraries only: no report's state).
PRELOAD = "import " + ", ".join(REPORT_IMPORTS)


def take_kernel(kernel_name: str) -> tuple[Path, Any]:
    """A private folder for one report and, on a warm worker, a kernel already started in it.

    Each kernel serves one report (a fresh kernel per report stays the rule);
    the next one is started while this report executes and imports the
    libraries the reports use (:data:`PRELOAD`, silently: execution counts
    still start at 1), which hides the kernel's start-up and those imports
    (about a second) from every report but the first.  The caller removes the
    folder and stops the kernel (:func:`release_kernel`).

    Examples
    --------
    >>> folder, km = take_kernel("python3")   # not on a warm worker: no kernel started ahead
    >>> folder.is_dir(), km
    (True, None)
    >>> release_kernel(folder, km); folder.exists()
    False
    """
    global _SPARE
    spare, _SPARE = _SPARE, None
    if _PRESTART:
        _SPARE = _start_spare(kernel_name)
    if spare is not None:
        folder, name, km, kc = spare
        if kc is not None:
            kc.stop_channels()
        if name == kernel_name and _alive(km):
            return folder, km
        release_kernel(folder, km)
    from qclib.batch.forkserver import server

    if server() is not None:  # no kernel started ahead: fork one now (papermill would start a new process)
        started = _start_spare(kernel_name)
        if started is not None:
            folder, _, km, kc = started
            if kc is not None:
                kc.stop_channels()
            return folder, km
    return Path(tempfile.mkdtemp(prefix="qclib-report-")), None


def _sync(awaitable: Any) -> Any:
    """Run one awaitable of the kernel manager to completion (the worker's thread has no running loop)."""
    import asyncio

    async def wait() -> Any:
        return await awaitable

    return asyncio.run(wait())


def _start_spare(kernel_name: str) -> tuple[Path, str, Any, Any] | None:
    """Start a kernel in a new private folder: forked from the worker's template, else a new process.

    A kernel that is a new process is sent :data:`PRELOAD` (its imports run
    while it waits); a forked one has them already and gets no client.
    Returns (folder, kernel name, kernel manager, client or None), or None
    when the kernel does not start (papermill then starts one and reports why).
    """
    from qclib.batch.forkserver import ForkedProcess, kernel_manager

    folder = Path(tempfile.mkdtemp(prefix="qclib-report-"))
    km = kernel_manager(kernel_name)  # forked from the worker's template when it has one
    kc = None
    try:
        _sync(km.start_kernel(cwd=str(folder)))
        if not isinstance(getattr(km.provisioner, "process", None), ForkedProcess):
            kc = km.client()
            kc.start_channels()
            kc.execute(PRELOAD, silent=True, store_history=False)  # an import that fails is the notebook's to report
    except Exception:  # no spare then: papermill starts the kernel itself and reports what fails
        if kc is not None:
            kc.stop_channels()
        release_kernel(folder, km if km.has_kernel else None)
        return None
    return folder, kernel_name, km, kc


def _alive(km: Any) -> bool:
    try:
        return bool(_sync(km.is_alive()))
    except Exception:
        return False


def release_kernel(folder: Path, km: Any) -> None:
    """Stop a kernel from :func:`take_kernel` (if any) and remove its folder."""
    if km is not None:
        try:
            _sync(km.shutdown_kernel(now=True))
        except Exception:  # already gone
            pass
    shutil.rmtree(folder, ignore_errors=True)


def _release_spare() -> None:
    global _SPARE
    if _SPARE is not None:
        folder, _, km, kc = _SPARE
        _SPARE = None
        if kc is not None:
            kc.stop_channels()
        release_kernel(folder, km)


atexit.register(_release_spare)


class DaskEngine:
    """Execute on Dask distributed: an embedded ``LocalCluster`` or an existing scheduler.

    Parameters
    ----------
    jobs : int
        Worker processes of the embedded cluster (one thread each); ignored
        with ``scheduler``.
    scheduler : str, optional
        Address of a running scheduler (``tcp://HOST:PORT`` or
        ``tls://HOST:PORT``).
    security : distributed.Security, optional
        TLS settings for ``scheduler`` (see the README's cluster section).
    stream : file, optional
        Where the dashboard address is printed.

    Raises
    ------
    InvalidChoiceError
        A ``scheduler`` that is not a ``tcp://``/``tls://`` address.
    """

    def __init__(
        self, jobs: int = 1, scheduler: str | None = None, *, security: Any = None, stream: IO[str] | None = None
    ) -> None:
        if scheduler is not None and not str(scheduler).startswith(("tcp://", "tls://")):
            raise InvalidChoiceError("scheduler", scheduler, ("tcp://HOST:PORT", "tls://HOST:PORT"))
        self.jobs, self.scheduler, self.security, self.stream = jobs, scheduler, security, stream
        self.cluster: Any = None
        self.client: Any = None
        self.name = "dask"
        self._depth = 0

    def __enter__(self) -> DaskEngine:
        """Start the cluster (or connect); entering an engine that is already started reuses it."""
        self._depth += 1
        if self.client is None:
            self._start()
        return self

    def _start(self) -> None:
        import dask
        from distributed import Client, LocalCluster

        # the shared inputs go into the graph once, on purpose (see run): Dask's advice against it is noise here
        warnings.filterwarnings("ignore", message="Sending large graph of size", category=UserWarning)

        if self.scheduler is None:
            with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
                self.cluster = LocalCluster(
                    n_workers=self.jobs,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",  # never reachable from the network, nor its HTTP endpoints
                    scheduler_kwargs={"dashboard": _has_bokeh(), "dashboard_address": "127.0.0.1:0"},
                    silence_logs=40,
                )
            self.client = Client(self.cluster, set_as_default=False)
        else:
            self.client = Client(self.scheduler, security=self.security, set_as_default=False, timeout="20s")
        self._warm_workers()
        link = self.dashboard()
        if link and self.stream is not None:
            print(f"dask dashboard: {link}", file=self.stream, flush=True)

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth > 0:
            return
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None

    def _warm_workers(self) -> None:
        """Warm every worker; a kernel that is a new process is started ahead only where a core is spare.

        A forked kernel is always started ahead (see :func:`warm`).  A kernel
        that is a new process (no fork server) imports its libraries while the
        current report executes: that uses an idle core where a machine has
        more cores than worker threads, and would only compete for the cores
        otherwise (measured: a fork ahead makes ``--jobs 2`` on 2 cores ~4 %
        faster; a new process ahead did not).
        """
        if self.scheduler is None:
            self._pin_workers()
        cpus = self.client.run(os.cpu_count)
        threads: dict[str, int] = {}
        info = self.client.scheduler_info()["workers"]
        for w in info.values():
            threads[w["host"]] = threads.get(w["host"], 0) + int(w.get("nthreads", 1))
        for host, n in threads.items():
            on_host = [a for a, w in info.items() if w["host"] == host]
            spare = (cpus.get(on_host[0]) or 1) > n
            self.client.run(warm, quiet=self.scheduler is None, prestart=spare, workers=on_host)

    def _pin_workers(self) -> None:
        """Embedded cluster with a worker per core or more: pin each worker (and its kernels) to one core.

        Measured on 2 cores (``make bench``, 48 reports): ``--jobs 2`` rendered
        1.84x faster than ``--jobs 1`` with each worker, its fork server and its
        kernels kept on one core, 1.74x without (a report's worker and kernel
        then stay on the same core and nothing migrates).  With fewer workers
        than cores nothing is pinned: a report's worker and kernel use the spare
        cores.
        """
        cores = available_cores()
        workers = sorted(self.client.scheduler_info()["workers"])
        if not cores or len(workers) < len(cores):
            return
        for i, address in enumerate(workers):
            self.client.run(pin_to_core, cores[i % len(cores)], workers=[address])

    def dashboard(self) -> str | None:
        """The scheduler's dashboard address, when it serves one."""
        info = self.client.scheduler_info() if self.client is not None else {}
        if "dashboard" not in (info.get("services") or {}):
            return None
        return str(self.client.dashboard_link)

    def describe(self) -> dict[str, Any]:
        """What the manifest records: ``name``, ``cluster`` (local or the scheduler), ``address``, ``workers``."""
        info = self.client.scheduler_info() if self.client is not None else {}
        return {
            "name": self.name,
            "cluster": "local" if self.scheduler is None else "scheduler",
            "address": info.get("address", self.scheduler),
            "workers": len(info.get("workers") or {}),
            "dashboard": self.dashboard(),
        }

    def run(
        self, func: WorkerFunction, tasks: Iterable[tuple[Mapping[str, Any], Any]], on_result: ResultCallback
    ) -> None:
        """Submit every ``(task, shared)`` and call ``on_result`` as each ends (keep going).

        Tasks are submitted as the iterable yields them (the client may still
        be preparing inputs while the first reports render); results that are
        ready are handed back in between.
        """
        from distributed import as_completed

        client = self.client
        pending = as_completed([], with_results=False, loop=client.loop)
        tasks_of: dict[str, Mapping[str, Any]] = {}
        sent: dict[int, tuple[Any, Any]] = {}  # id(shared) → (shared, its future): sent once
        started: dict[str, float] = {}
        token = time.time_ns()
        for task, shared in tasks:
            ref = None
            if shared is not None:
                if id(shared) not in sent:
                    # a task, not scatter(): the scheduler can recompute it when the worker holding it is lost
                    ikey = f"qclib-inputs-{token}-{len(sent)}"
                    sent[id(shared)] = (shared, client.submit(_identity, shared, pure=False, key=ikey))
                ref = sent[id(shared)][1]
            key = f"qclib-report-{task.get('key', '')}-{token}-{len(started)}"
            fut = client.submit(call, func, task, ref, pure=False, key=key)
            tasks_of[fut.key], started[fut.key] = task, time.perf_counter()
            pending.add(fut)
            self._drain(pending, tasks_of, started, on_result, block=False)
        self._drain(pending, tasks_of, started, on_result, block=True)

    @staticmethod
    def _drain(
        pending: Any, tasks_of: dict[str, Any], started: dict[str, float], on_result: ResultCallback, *, block: bool
    ) -> None:
        """Hand back the finished tasks (all of them when ``block``)."""
        while (not pending.is_empty()) if block else pending.has_ready():
            for fut in pending.next_batch(block=True):
                task = tasks_of.pop(fut.key)
                if fut.status == "finished":
                    result = fut.result()
                else:
                    result = engine_failure(fut.exception(), time.perf_counter() - started[fut.key])
                fut.release()
                on_result(task, result)


def make_engine(jobs: int = 1, scheduler: str | None = None, *, stream: IO[str] | None = None) -> DaskEngine:
    """The engine for ``qc run``'s ``--jobs`` / ``--scheduler``.

    Examples
    --------
    >>> make_engine(2).jobs, make_engine(scheduler="tcp://127.0.0.1:8786").scheduler
    (2, 'tcp://127.0.0.1:8786')
    >>> make_engine(scheduler="http://x")
    Traceback (most recent call last):
    ...
    qclib.exceptions.InvalidChoiceError: scheduler cannot be 'http://x'; allowed: 'tcp://HOST:PORT', 'tls://HOST:PORT'
    """
    return DaskEngine(jobs, scheduler, stream=stream)
