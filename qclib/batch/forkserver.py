"""Kernels forked from a warm template: a report's kernel starts without importing anything again.

A Jupyter kernel normally starts as a new Python process that imports
IPython, ipykernel, pandas, matplotlib and qclib before it runs the report's
first cell: about a second of CPU per report, paid again by every report.
Here each worker starts, once, a *fork server*: a plain single-threaded
Python process (``python -m qclib.batch.forkserver``) that imports all of
that and then waits.  A kernel is a ``fork()`` of it that runs the standard
ipykernel application on its connection file, exactly as
``python -m ipykernel_launcher -f FILE`` would, in the report's private
folder, with the environment the kernel manager gives it.

The template freezes its objects (:func:`gc.freeze`) before the first fork, so
that a kernel's garbage collector never walks them.  A forked kernel is still a
fresh kernel: the template has imported libraries and run no code of any
report; each fork is a new process (its own pid, session and random seeds)
that serves one report and is then killed.

Only the worker's own interpreter is forked (``python -m ipykernel_launcher``
with :data:`sys.executable`); any other kernel spec, a platform without
``fork`` or a fork server that failed to start falls back to the kernel
manager's usual launch (:func:`provisioner_class`).

The protocol on the server's stdin/stdout is one JSON line per request
(``{"argv": [...], "cwd": ..., "env": {...}}``) and one per answer
(``{"pid": N}`` or ``{"error": ...}``).  The server exits when its stdin
closes (its worker has gone), and its kernels follow it (ipykernel's parent
poller sees the server go).
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import signal
import subprocess
import sys
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

#: The libraries the report notebooks import (seaborn alone takes ~0.6 s: the charts' theme).
REPORT_IMPORTS = (
    "pandas",
    "matplotlib.pyplot",
    "matplotlib_inline.backend_inline",
    "seaborn",
    "IPython.display",
    "qclib.batch.inputs",
    "qclib.indicators.consistency",
    "qclib.indicators.scorecard",
    "qclib.indicators.trend",
    "qclib.report.tables",
    "qclib.report.charts",
    "qclib.report.narrative",
    "qclib.report.escape",
    "qclib.report.style",
)

#: What a kernel imports while it starts or runs a report's first cells (the debugger, pandas' Styler, the font
#: package; ~0.17 s of CPU a kernel, measured with py-spy), imported by the template instead.
KERNEL_IMPORTS = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.debugger",
    "sqlite3",
    "jinja2",
    "pandas.io.formats.style",
    "mplfonts",
)

#: What the template imports before its first fork: the kernel's own stack, then the reports' libraries.
TEMPLATE_IMPORTS = (*KERNEL_IMPORTS, *REPORT_IMPORTS)


def kernel_options(parent: int) -> list[str]:
    """The options a forked kernel adds to its kernel spec's command line.

    Its parent is the server (the kernel dies with it), and its input history
    is kept in memory: a report needs none, and kernels running at once would
    otherwise share one SQLite file in the home folder.

    Examples
    --------
    >>> kernel_options(42)
    ['--IPKernelApp.parent_handle=42', '--HistoryManager.hist_file=:memory:']
    """
    return [f"--IPKernelApp.parent_handle={parent}", "--HistoryManager.hist_file=:memory:"]


#: The inline backend a kernel selects (ipykernel sets it before matplotlib is imported; so must the template).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


# --------------------------------------------------------------------------- the server process
def _child(request: dict[str, Any], stderr_fd: int) -> None:
    """In the forked child: become the kernel the request describes (never returns)."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the server ignores it; a kernel's own subprocesses need it
        os.setsid()  # its own process group: an interrupt or a kill reaches the kernel, not the server
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(stderr_fd, 1)  # the server's stdout is its answer pipe: the kernel writes where a kernel would
        os.close(null)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        _reseed()
        # the kernel watches the server, its parent (ipykernel read JPY_PARENT_PID when the template imported it)
        argv = [*request["argv"], *kernel_options(os.getppid())]
        sys.argv = ["ipykernel_launcher", *argv]
        from ipykernel import kernelapp

        kernelapp.IPKernelApp.launch_instance(argv=argv)
        code = 0
    except SystemExit as exc:  # the kernel application asked to exit
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # noqa: BLE001 - a kernel that cannot start just exits; its manager sees it die
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def _reseed() -> None:
    """New random seeds in a fork: a fresh kernel does not share its template's random state."""
    import random

    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def serve(requests: IO[str], answers: IO[str]) -> None:
    """The fork server's loop: import the template, say ``ready``, fork one kernel per request line."""
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # as jupyter_client sets for kernels: no warning
    failed: list[str] = []
    for name in TEMPLATE_IMPORTS:
        try:
            __import__(name)
        except Exception as exc:  # noqa: BLE001 - the notebook that needs it reports the import itself
            failed.append(f"{name}: {exc}")
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped as they exit: no zombies
    # the template's objects go to the collector's permanent generation: a kernel's collections never walk them,
    # so they neither cost it CPU nor copy the template's memory pages into it (measured: -17 % CPU per kernel)
    gc.collect()
    gc.freeze()
    stderr_fd = os.dup(2)
    answers.write(json.dumps({"ready": True, "import_errors": failed}) + "\n")
    answers.flush()
    for line in requests:
        try:
            request = json.loads(line)
            pid = os.fork()
        except Exception as exc:  # noqa: BLE001 - a bad request is answered, the server goes on
            answers.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
            answers.flush()
            continue
        if pid == 0:
            _child(request, stderr_fd)
        answers.write(json.dumps({"pid": pid}) + "\n")
        answers.flush()


# --------------------------------------------------------------------------- the worker's side
class ForkServer:
    """A fork server process of this worker (started by :func:`start_server`)."""

    def __init__(self) -> None:
        env = dict(os.environ)
        env.setdefault("MPLBACKEND", INLINE_BACKEND)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "qclib.batch.forkserver"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
            bufsize=1,
        )
        self._lock = threading.Lock()
        self._ready: bool | None = None

    def ready(self) -> bool:
        """Wait for the template's imports; False when the server died."""
        with self._lock:
            if self._ready is None:
                line = self.process.stdout.readline() if self.process.stdout else ""
                self._ready = bool(line) and bool(json.loads(line).get("ready"))
            return self._ready and self.process.poll() is None

    def fork(self, argv: list[str], cwd: str, env: dict[str, str]) -> int:
        """Fork a kernel running ipykernel with ``argv`` in ``cwd``; its pid.

        Raises
        ------
        OSError
            The server is gone or could not fork.
        """
        if not self.ready():
            raise OSError("the kernel fork server is not running")
        env = {**env, "JPY_PARENT_PID": str(self.process.pid)}  # the kernel's parent is the server
        with self._lock:
            assert self.process.stdin is not None and self.process.stdout is not None
            try:
                self.process.stdin.write(json.dumps({"argv": argv, "cwd": cwd, "env": env}) + "\n")
                self.process.stdin.flush()
                answer = json.loads(self.process.stdout.readline() or "{}")
            except (OSError, ValueError) as exc:
                raise OSError(f"the kernel fork server failed: {exc}") from exc
        if "pid" not in answer:
            raise OSError(f"the kernel fork server could not fork: {answer.get('error', 'no answer')}")
        return int(answer["pid"])

    def close(self) -> None:
        """Stop the server (its kernels follow it)."""
        if self.process.poll() is None:
            try:
                if self.process.stdin:
                    self.process.stdin.close()
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()


_SERVER: ForkServer | None = None


def start_server() -> ForkServer | None:
    """Start this process's fork server (once; it imports in the background); None where fork is missing."""
    global _SERVER
    if _SERVER is None and hasattr(os, "fork") and sys.platform != "win32":
        try:
            _SERVER = ForkServer()
        except OSError:
            return None
    return _SERVER


def server() -> ForkServer | None:
    """The running fork server of this process, if one was started."""
    return _SERVER


def stop_server() -> None:
    """Stop this process's fork server, if any."""
    global _SERVER
    if _SERVER is not None:
        _SERVER.close()
        _SERVER = None


atexit.register(stop_server)


class ForkedProcess:
    """The :class:`subprocess.Popen` surface a provisioner uses, for a kernel forked by the server.

    The kernel is the server's child, not ours: it is watched with signal 0
    (the server reaps it as it exits, so a dead kernel's pid is gone).
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0  # the real code went to the server, which discards it
            except PermissionError:  # the pid was reused by someone else's process: ours is gone
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0.0)
            time.sleep(0.02)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        """Signal the kernel; nothing when it has gone (as ``Popen.send_signal``)."""
        if self.poll() is not None:
            return
        try:
            os.kill(self.pid, signum)
        except ProcessLookupError:
            self.returncode = 0

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def forkable(cmd: list[str]) -> bool:
    """True for ``<this interpreter> -m ipykernel_launcher …`` (the only command a fork can stand in for).

    Examples
    --------
    >>> forkable([sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"])
    True
    >>> forkable(["/opt/other/python", "-m", "ipykernel_launcher", "-f", "k.json"])
    False
    """
    if len(cmd) < 3 or list(cmd[1:3]) != ["-m", "ipykernel_launcher"]:
        return False
    return os.path.realpath(cmd[0]) == os.path.realpath(sys.executable)


@lru_cache(maxsize=1)
def provisioner_class() -> type:
    """:class:`ForkProvisioner`: jupyter_client's local provisioner, launching by a fork where it can.

    Built on first use, so that importing this module (the client does, via
    :mod:`qclib.batch.engine`) never imports jupyter_client.  Everything but
    the launch (connection file, ports, encryption keys, signals to the
    kernel's process group, shutdown) is the local provisioner's.
    """
    from jupyter_client.provisioning import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            srv = server()
            if srv is None or not forkable(cmd):
                return await super().launch_kernel(cmd, **kwargs)
            env = dict(kwargs.get("env") or os.environ)
            cwd = str(kwargs.get("cwd") or Path.cwd())
            try:
                pid = srv.fork(list(cmd[3:]), cwd, env)
            except OSError:
                return await super().launch_kernel(cmd, **kwargs)
            self.process = ForkedProcess(pid)  # type: ignore[assignment]  # the Popen surface it uses
            self.pid = self.pgid = pid  # the kernel called setsid: its process group is its pid
            self.cwd = cwd
            return self.connection_info

        async def wait(self) -> int | None:
            """Wait for a forked kernel to go, polling every 5 ms (the local provisioner sleeps 100 ms)."""
            import asyncio

            if not isinstance(self.process, ForkedProcess):
                return await super().wait()
            while self.process.poll() is None:
                await asyncio.sleep(0.005)
            code, self.process = self.process.returncode, None
            return code

    return ForkProvisioner


#: How long a new kernel's client waits for a quiet IOPub channel (jupyter_client waits 0.2 s, idle, per report).
QUIET_S = 0.02


@lru_cache(maxsize=1)
def _client_class() -> type:
    """``AsyncKernelClient`` whose readiness check waits :data:`QUIET_S` for IOPub, not 0.2 s.

    After the kernel_info reply jupyter_client drains IOPub until it has been
    quiet for 0.2 s: idle time in every report.  The executing client matches
    each message to its request (nbclient checks the parent header), so a
    shorter quiet window changes nothing but the wait; if IOPub is not yet
    connected the check asks again, as before.
    """
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_core.utils import ensure_async

    class ForkKernelClient(AsyncKernelClient):
        async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
            channel = self.iopub_channel
            get_msg = channel.get_msg

            async def quick(timeout: float | None = None) -> Any:
                return await ensure_async(get_msg(timeout=QUIET_S if timeout is None else min(timeout, QUIET_S)))

            channel.get_msg = quick
            try:
                await super()._async_wait_for_ready(timeout)
            finally:
                del channel.get_msg  # the instance attribute goes: the class's method again

        wait_for_ready = _async_wait_for_ready

    return ForkKernelClient


@lru_cache(maxsize=1)
def _manager_class() -> type:
    """``AsyncKernelManager`` that polls a killed kernel every 5 ms, not every 100 ms (a report's release)."""
    from jupyter_client.manager import AsyncKernelManager

    class ForkKernelManager(AsyncKernelManager):
        async def _async_wait(self, pollinterval: float = 0.005) -> None:
            await super()._async_wait(pollinterval=min(pollinterval, 0.005))

    return ForkKernelManager


def kernel_manager(kernel_name: str) -> Any:
    """An ``AsyncKernelManager`` for ``kernel_name`` whose kernel is forked from the template when possible."""
    import uuid

    from jupyter_client.manager import AsyncKernelManager

    if server() is None:
        return AsyncKernelManager(kernel_name=kernel_name)
    km = _manager_class()(kernel_name=kernel_name)
    km.client_factory = _client_class()
    km.kernel_id = str(uuid.uuid4())
    km.provisioner = provisioner_class()(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
    return km


if __name__ == "__main__":
    # like ipykernel_launcher: the current folder is not an import path of the kernel's libraries
    if sys.path and (sys.path[0] in ("", os.getcwd())):
        del sys.path[0]
    serve(sys.stdin, sys.stdout)
