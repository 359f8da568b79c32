"""Start real SPARQL servers on 127.0.0.1 for tests and benchmarks: Virtuoso 7 and Oxigraph.

Virtuoso comes from Debian's ``virtuoso-opensource-7-bin`` (no service is started by the
package: ``virtuoso-t`` runs in the foreground with an ini written here, both ports on
127.0.0.1, its database in a temporary folder). The Oxigraph server comes from PyPI's
``oxigraph`` package, installed in the virtual environment. ``.ci/run`` installs both; with
``CI=true`` a missing server fails the tests, elsewhere it skips them with the reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

__all__ = [
    "VIRTUOSO_PASSWORD",
    "VIRTUOSO_USER",
    "Server",
    "oxigraph_server",
    "require",
    "virtuoso",
]

# Virtuoso's default administrator; the server only listens on 127.0.0.1 and lives for a test.
VIRTUOSO_USER = "dba"
VIRTUOSO_PASSWORD = "dba"


class Server:
    """A running server: its query URL, its process (for memory figures) and its log."""

    def __init__(self, name: str, url: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.name, self.url, self.process, self.log = name, url, process, log

    def rss_mb(self) -> float:
        """The server process's resident memory now, in MB (VmHWM: its peak so far)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0


def require(executable: str | None, what: str) -> str:
    """*executable*, or fail (CI) / skip (elsewhere) the test naming what to install."""
    if executable and Path(executable).exists():
        return executable
    message = f"{what} is not installed (.ci/run installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer in {seconds} s: {log.read_text()[-2000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
; about 700 MB of buffers: enough for a million triples in memory
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
DirsAllowed = ., {d}
ThreadsPerQuery = 2
MaxQueryMem = 1G

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
ServerThreads = 10
MaxClientConnections = 10
EnabledDavVSP = 0
HTTPProxyEnabled = 0

[SPARQL]
; octograph's snapshot fetches every pushed quad in one answer: no cap below that
ResultSetMaxRows = 100000000
MaxQueryExecutionTime = 600
MaxQueryCostEstimationTime = 0
"""


@contextmanager
def virtuoso(folder: Path, *, buffers: int = 85_000) -> Iterator[Server]:
    """Virtuoso 7 on two free ports of 127.0.0.1 with its database in *folder*."""
    exe = require(shutil.which("virtuoso-t"), "virtuoso-t (Debian: virtuoso-opensource-7-bin)")
    folder.mkdir(parents=True, exist_ok=True)
    http_port = _free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        _VIRTUOSO_INI.format(
            d=folder,
            sql_port=_free_port(),
            http_port=http_port,
            buffers=buffers,
            dirty=buffers * 3 // 4,
        )
    )
    log = folder / "stdout.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [exe, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        _wait(f"{url}?query=ASK%7B%7D", process, log, 120)
        yield Server("virtuoso", url, process, log)
    finally:
        _stop(process)


@contextmanager
def oxigraph_server(folder: Path) -> Iterator[Server]:
    """The Oxigraph server (PyPI ``oxigraph``) on a free port of 127.0.0.1, data in *folder*."""
    exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    exe = require(exe, "the oxigraph server (pip install oxigraph)")
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    log = folder / "stdout.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [exe, "serve", "-l", str(folder / "db"), "-b", f"127.0.0.1:{port}"],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    url = f"http://127.0.0.1:{port}/query"
    try:
        _wait(f"{url}?query=ASK%7B%7D", process, log, 60)
        yield Server("oxigraph-server", url, process, log)
    finally:
        _stop(process)
