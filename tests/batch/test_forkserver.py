"""Kernels forked from the worker's template: fresh processes, libraries already imported, gone with the server."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from qclib.batch import engine as eng
from qclib.batch import forkserver as fs


def _gone(pid: int, within: float = 15.0) -> bool:
    end = time.monotonic() + within
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def server(monkeypatch):
    """A fork server for this test alone (no kernel started ahead)."""
    eng._release_spare()
    monkeypatch.setattr(eng, "_PRESTART", False)
    srv = fs.start_server()
    assert srv is not None and srv.ready(), "the template imports what the reports use"
    yield srv
    fs.stop_server()


def _run(km, code: str) -> dict:
    from jupyter_client import BlockingKernelClient

    kc = BlockingKernelClient()
    kc.load_connection_info(km.get_connection_info())
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)  # never hang the suite: a kernel that does not answer fails the test
        out: list[str] = []
        reply = kc.execute_interactive(
            code, timeout=120, output_hook=lambda m: out.append(m["content"].get("text", ""))
        )
        return {"count": reply["content"]["execution_count"], "text": "".join(out).strip()}
    finally:
        kc.stop_channels()


PROBE = (
    "import os, sys, random, matplotlib\n"
    "print(os.getpid(), os.getppid(), os.getpgid(0), 'seaborn' in sys.modules, 'qclib.report.tables' in sys.modules,"
    " matplotlib.get_backend(), 'left_over' in dir(), random.random(), os.getcwd(),"
    " 'ipykernel.debugger' in sys.modules, get_ipython().history_manager.hist_file, __import__('gc').get_freeze_count() > 0)\n"
    "left_over = 1"
)

#: A kernel's own subprocess reports its exit code (the server ignores SIGCHLD; its kernels must not).
EXIT_CODE = "import subprocess, sys\nprint(subprocess.run([sys.executable, '-c', 'raise SystemExit(3)']).returncode)"


@pytest.mark.slow
def test_each_report_gets_a_fresh_forked_kernel_with_the_libraries_imported(server):
    (f1, km1), (f2, km2) = eng.take_kernel("python3"), eng.take_kernel("python3")
    try:
        assert isinstance(km1.provisioner.process, fs.ForkedProcess), "forked, not a new interpreter"
        one, two = _run(km1, PROBE), _run(km2, PROBE)
        assert one["count"] == two["count"] == 1, "nothing ran in a kernel before its report"
        p1, p2 = one["text"].split(), two["text"].split()
        assert p1[0] != p2[0] and p1[1] == p2[1] == str(server.process.pid), "new processes, children of the server"
        assert p1[2] == p1[0], "its own process group: an interrupt reaches the kernel alone"
        assert p1[3:7] == ["True", "True", "module://matplotlib_inline.backend_inline", "False"]
        assert p1[7] != p2[7], "random seeds are not shared with the template or the other kernel"
        assert (p1[8], p2[8]) == (str(f1), str(f2)), "each in its report's private folder"
        assert p1[9:11] == ["True", ":memory:"], "the kernel's own imports done by the template; no history file"
        assert p1[11] == "True", "the template's objects are frozen: a kernel's collector leaves their pages alone"
        assert _run(km1, EXIT_CODE)["text"] == "3"
    finally:
        eng.release_kernel(f1, km1)
        eng.release_kernel(f2, km2)
    assert not f1.exists() and _gone(int(p1[0]), 5) and _gone(int(p2[0]), 5)


@pytest.mark.slow
def test_an_interrupt_reaches_a_forked_kernel(server):
    folder, km = eng.take_kernel("python3")
    try:
        pid = km.provisioner.pid
        assert _run(km, "print('ready')")["text"] == "ready"  # a signal before the kernel's start would stop it
        os.killpg(pid, signal.SIGINT)  # what KernelManager.interrupt_kernel sends: KeyboardInterrupt, not death
        time.sleep(0.2)
        assert not _gone(pid, 0.5)
        assert _run(km, "print('alive')")["text"] == "alive"
    finally:
        eng.release_kernel(folder, km)


@pytest.mark.slow
def test_kernels_go_with_their_server():
    srv = fs.start_server()
    try:
        pid = srv.fork(["-f", os.devnull], os.getcwd(), dict(os.environ))  # a kernel that cannot start exits alone
        assert _gone(pid)
        folder, km = eng.take_kernel("python3")
        kernel = km.provisioner.pid
    finally:
        fs.stop_server()
    assert _gone(kernel), "the parent poller sees the server go"
    eng.release_kernel(folder, km)


def test_without_a_server_kernels_start_as_usual():
    fs.stop_server()
    from jupyter_client.manager import AsyncKernelManager

    km = fs.kernel_manager("python3")
    assert type(km) is AsyncKernelManager and km.provisioner is None


def test_only_this_interpreters_ipykernel_is_forked():
    assert fs.forkable([sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"])
    assert not fs.forkable([sys.executable, "-m", "other_kernel", "-f", "k.json"])
    assert not fs.forkable(["/usr/bin/R", "--slave", "-e", "IRkernel::main()"])
