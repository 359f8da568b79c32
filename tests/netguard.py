"""A listening socket that counts connections, and an audit hook that records socket.connect.

Shared by the tests that prove no query opens a connection (test_no_network, test_server).
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["CONNECTS", "Listener", "connects_to", "recording"]

CONNECTS: list[Any] = []
_RECORDING = threading.Event()


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.connect" and _RECORDING.is_set():
        CONNECTS.append(args[1])


# Audit hooks cannot be removed: this one is installed once, when the module is first
# imported, and records only while a listener fixture is active.
sys.addaudithook(_audit)


class Listener:
    """A TCP server on 127.0.0.1 that accepts and counts connections, answering a bare 500."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.accepted += 1
            conn.sendall(b"HTTP/1.1 500 No\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@contextmanager
def recording() -> Iterator[Listener]:
    """A fresh listener, with the audit hook recording while the block runs."""
    server = Listener()
    CONNECTS.clear()
    _RECORDING.set()
    try:
        yield server
    finally:
        _RECORDING.clear()
        server.close()


def connects_to(port: int) -> list[Any]:
    """The socket.connect calls this process made to *port* while recording."""
    return [a for a in CONNECTS if isinstance(a, tuple) and len(a) >= 2 and a[1] == port]
