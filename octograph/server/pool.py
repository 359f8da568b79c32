"""Worker processes that run queries for the server, each stopped for good at its time limit.

pyoxigraph cannot interrupt a query from another thread, so a query that runs too long can
only be stopped by ending the process that runs it. The server therefore forks a few workers
after the store is loaded (they share its memory, copy-on-write); each takes one task at a
time over a socket pair, and a worker that overruns is killed and replaced by a fresh fork.

Waiting tasks get a free worker shortest expected first (the store does not change, so a
task costs what it cost last time), with a bounded delay for slow ones; a task that runs
long is moved aside (reniced, replaced in the pool) until it ends or is killed.

A worker also cannot open anything: before its first task it closes every file descriptor
but its socket and lowers RLIMIT_NOFILE so that no new one can be created. Whatever a query
asks for (SERVICE, a graph to fetch) then fails with "too many open files" instead of
reaching the network or the disk. This is the second line of defence, after the refusal of
SERVICE in state.py: it holds even if a spelling of SERVICE gets past the lexer.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import heapq
import itertools
import multiprocessing
import os
import pickle
import resource
import signal
import socket
import struct
import sys
import traceback
from collections import OrderedDict
from collections.abc import Callable, Mapping
from multiprocessing.process import BaseProcess
from typing import Any

from octograph import errors
from octograph.errors import OctographError

__all__ = ["BusyError", "QueryTimeoutError", "WorkerLostError", "WorkerPool"]

Task = Callable[..., Any]
_HEADER = struct.Struct("!Q")
PATIENCE = 10.0  # how much later than its arrival a task's turn comes, per second it costs
UNKNOWN_COST = 0.005  # seconds assumed for a task never seen
COSTS_KEPT = 10_000  # tasks whose cost is remembered


class QueryTimeoutError(OctographError):
    """A task ran past its time limit; its worker was killed."""


class BusyError(OctographError):
    """No worker became free within the time limit."""


class WorkerLostError(OctographError):
    """A worker ended while it was answering (killed from outside, or out of memory)."""


# ---------------------------------------------------------------- inside a worker


def _confine(fd: int) -> int:
    """Close every descriptor but 0-2 and *fd*, move *fd* to 3 and forbid any new one."""
    keep = {0, 1, 2, fd}
    try:
        open_fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # not Linux: close the usual range blindly
        open_fds = list(range(3, 4096))
    for other in open_fds:
        if other not in keep:
            with contextlib.suppress(OSError):
                os.close(other)
    for std in (0, 1, 2):  # a hole below 3 would be the next descriptor handed out
        try:
            os.fstat(std)
        except OSError:
            os.dup2(os.open(os.devnull, os.O_RDWR), std)
    if fd != 3:
        os.dup2(fd, 3)
        os.close(fd)
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (4, hard))
    return 3


def _read_frame(sock: socket.socket) -> bytes | None:
    header = _recv_all(sock, _HEADER.size)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    return _recv_all(sock, size)


def _recv_all(sock: socket.socket, size: int) -> bytes | None:
    buf = bytearray(size)
    view = memoryview(buf)
    got = 0
    while got < size:
        n = sock.recv_into(view[got:])
        if n == 0:
            return None
        got += n
    return bytes(buf)


# A worker sends this byte when it has read a task, before it runs it: a worker that ends
# without sending it never had the task, which can go to another worker.
_TAKEN = b"\x01"


def _frame(payload: object) -> bytes:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


def _limit_memory(extra: int) -> None:
    """Let this process grow by *extra* bytes at most: past that an allocation fails.

    The address space is the limit (RLIMIT_AS) because it is the one Linux enforces on every
    allocation, Oxigraph's included; the fork starts with the server's whole address space,
    so the limit is what it holds now plus *extra*.
    """
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            now = int(f.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return  # not Linux: no limit rather than a wrong one
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = now + extra if hard == resource.RLIM_INFINITY else min(now + extra, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _serve(
    state: object,
    tasks: Mapping[str, Task],
    sock: socket.socket,
    confine: bool,
    memory: int | None = None,
) -> None:
    """A worker's life: answer tasks until the server closes its end of the socket."""
    # The objects inherited from the server (its event loop, its sockets) must never be
    # collected here: their finalisers would close descriptors that now mean something else.
    gc.freeze()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)
    fd = sock.fileno()
    if memory:
        _limit_memory(memory)
    if confine:
        fd = _confine(fd)
    conn = socket.socket(fileno=fd)
    conn.setblocking(True)
    while True:
        request = _read_frame(conn)
        if request is None:
            return
        conn.sendall(_TAKEN)  # the server may now count the task as this worker's
        name, args = pickle.loads(request)
        reply: tuple[Any, ...]
        try:
            reply = ("ok", tasks[name](state, *args))
        except OctographError as e:
            reply = ("error", type(e).__name__, e.message, e.path, e.line, e.column)
        except MemoryError:
            reply = ("memory",)  # the limit of _limit_memory: the server ends this worker
        except Exception as e:
            traceback.print_exc(file=sys.stderr)
            reply = ("crash", f"{type(e).__name__}: {e}")
        conn.sendall(_frame(reply))


# ---------------------------------------------------------------- in the server


class _Worker:
    def __init__(self, process: BaseProcess, sock: socket.socket) -> None:
        self.process = process
        self.sock = sock
        self.aside = False  # reniced for a long task, and replaced in the pool


def _rebuild(
    name: str, message: str, path: str | None, line: int | None, column: int | None
) -> OctographError:
    cls = getattr(errors, name, None)
    if not (isinstance(cls, type) and issubclass(cls, OctographError)):
        cls = OctographError
    return cls(message, path=path, line=line, column=column)


class WorkerPool:
    """Forked workers that run named *tasks* on *state*, each task within a time limit.

    ``tasks`` maps a name to ``function(state, *args)``; results cross back pickled. Start
    the pool from the process that holds *state* once it is loaded, and close it at the end.

    A task still running after *long_after* seconds is moved aside: its worker is reniced
    (it gets only the CPU the others leave) and a fresh worker takes its place, so a
    runaway query does not take a core and a worker away from the quick ones until its
    time limit. Its process ends with the task. At most *size* workers are aside at once.
    """

    def __init__(
        self,
        state: object,
        tasks: Mapping[str, Task],
        *,
        size: int = 2,
        confine: bool = True,
        long_after: float = 1.0,
        memory: int | None = None,
    ) -> None:
        if size < 1:
            raise OctographError(f"a worker pool needs at least one worker, not {size}")
        self._state = state
        self._tasks = dict(tasks)
        self._size = size
        self._confine = confine
        self._long_after = long_after
        self._memory = memory
        self._context = multiprocessing.get_context("fork")
        self._free: list[_Worker] = []
        self._waiting: list[tuple[float, int, asyncio.Future[_Worker]]] = []  # a heap
        self._arrivals = itertools.count()
        self._costs: OrderedDict[int, float] = OrderedDict()  # task -> seconds it took
        self._all: set[_Worker] = set()
        self._aside = 0
        self._reaping: set[asyncio.Task[None]] = set()

    def pids(self) -> list[int]:
        """The process ids of the live workers (those moved aside included)."""
        return sorted(w.process.pid for w in self._all if w.process.pid is not None)

    def _spawn(self) -> _Worker:
        ours, theirs = socket.socketpair()
        process = self._context.Process(
            target=_serve,
            args=(self._state, self._tasks, theirs, self._confine, self._memory),
            name="octograph-query-worker",
            daemon=True,
        )
        process.start()
        theirs.close()
        ours.setblocking(False)
        worker = _Worker(process, ours)
        self._all.add(worker)
        return worker

    async def start(self) -> None:
        """Fork the workers."""
        for _ in range(self._size):
            self._release(self._spawn())

    def _end(self, worker: _Worker) -> None:
        """Kill *worker* now; unless it was moved aside (already replaced), fork its successor."""
        self._all.discard(worker)
        worker.sock.close()
        with contextlib.suppress(OSError, ValueError):
            worker.process.kill()
        reap = asyncio.get_running_loop().create_task(self._reap(worker.process))
        self._reaping.add(reap)
        reap.add_done_callback(self._reaping.discard)
        if worker.aside:
            self._aside -= 1
        else:
            self._release(self._spawn())

    def _move_aside(self, worker: _Worker) -> None:
        if self._aside >= self._size or worker.process.pid is None:
            return  # enough workers aside already: this one keeps its place
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, worker.process.pid, 19)
        worker.aside = True
        self._aside += 1
        self._release(self._spawn())

    # ------------------------------------------------------------ scheduling

    def _learn(self, key: int, seconds: float) -> None:
        self._costs[key] = seconds
        self._costs.move_to_end(key)
        if len(self._costs) > COSTS_KEPT:
            self._costs.popitem(last=False)

    async def _acquire(self, key: int, timeout: float) -> _Worker:
        """A free worker; the waiting tasks get them shortest expected first.

        The store does not change, so a task takes about as long as it took the last time.
        A waiting task's turn is its arrival time plus PATIENCE times that cost: a quick
        question does not wait behind a slow one, and a slow one waits only a bounded time
        longer (PATIENCE times its own cost) however many quick ones keep arriving.
        """
        # A worker killed from outside while idle is replaced before it is handed a query
        # (is_alive is one waitpid(WNOHANG) a free worker).
        for dead in [w for w in self._free if not w.process.is_alive()]:
            self._free.remove(dead)
            self._end(dead)
        if self._free and not self._waiting:
            return self._free.pop()
        loop = asyncio.get_running_loop()
        turn = loop.time() + PATIENCE * self._costs.get(key, UNKNOWN_COST)
        waiter: asyncio.Future[_Worker] = loop.create_future()
        heapq.heappush(self._waiting, (turn, next(self._arrivals), waiter))
        try:
            async with asyncio.timeout(timeout):
                return await waiter
        except BaseException as e:
            if waiter.done() and not waiter.cancelled():
                self._release(waiter.result())  # it came just as time ran out: pass it on
            else:
                waiter.cancel()  # _release skips it
            if isinstance(e, TimeoutError):
                raise BusyError(
                    f"every query worker stayed busy for {timeout:g} s; try again later"
                ) from None
            raise

    def _release(self, worker: _Worker) -> None:
        """Give *worker* to the waiting task whose turn comes first, or keep it free."""
        while self._waiting:
            _, _, waiter = heapq.heappop(self._waiting)
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._free.append(worker)

    @staticmethod
    async def _reap(process: BaseProcess) -> None:
        # join() would block the event loop while the kernel frees a large process.
        while process.is_alive():
            await asyncio.sleep(0.02)
        process.join()
        process.close()

    async def run(self, task: str, *args: Any, timeout: float) -> Any:
        """Run *task* on a free worker and return its result.

        Raises:
            BusyError: no worker became free within *timeout* seconds.
            QueryTimeoutError: the task ran for more than *timeout* seconds (it was stopped).
            WorkerLostError: the worker ended while running the task.
            OctographError: the task raised it (the same class, message and location).
        """
        frame = _frame((task, args))
        key = hash(frame)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        stopped = QueryTimeoutError(
            f"the query was stopped after {timeout:g} s, the time limit of this server"
        )
        try:
            worker = await self._handed(frame, key, deadline)
        except TimeoutError:
            raise stopped from None
        aside = loop.call_later(self._long_after, self._move_aside, worker)
        start = loop.time()
        try:
            async with asyncio.timeout_at(deadline):
                reply = await _read_reply(loop, worker.sock)
        except TimeoutError:
            self._learn(key, timeout)
            self._end(worker)
            raise stopped from None
        except OSError as e:
            reason = await self._why_lost(worker)
            self._end(worker)
            raise WorkerLostError(reason) from e
        except BaseException:
            # Cancelled mid-task: the worker may still answer, so it cannot be reused.
            self._end(worker)
            raise
        finally:
            aside.cancel()
        self._learn(key, loop.time() - start)
        if worker.aside or reply[0] == "memory":
            self._end(worker)  # it stays reniced: its place went to a fresh worker
        else:
            self._release(worker)
        if reply[0] == "ok":
            return reply[1]
        if reply[0] == "error":
            raise _rebuild(*reply[1:])
        if reply[0] == "memory":
            raise WorkerLostError(self._out_of_memory())
        raise WorkerLostError(f"the query worker failed: {reply[1]}")

    async def _handed(self, frame: bytes, key: int, deadline: float) -> _Worker:
        """A worker that has taken the task *frame*. One that ends before taking it (killed
        while idle, after _acquire looked and before the task reached it) is replaced, and
        the task goes to the next: it never ran, so nothing is run twice."""
        loop = asyncio.get_running_loop()
        while True:
            worker = await self._acquire(key, deadline - loop.time())
            try:
                async with asyncio.timeout_at(deadline):
                    await loop.sock_sendall(worker.sock, frame)
                    taken = await loop.sock_recv(worker.sock, 1) == _TAKEN
            except OSError:
                taken = False
            except BaseException:  # out of time (TimeoutError) or cancelled
                self._end(worker)
                raise
            if taken:
                return worker
            self._end(worker)

    def _out_of_memory(self) -> str:
        mb = (self._memory or 0) // (1024 * 1024)
        return f"the query needed more memory than a query worker may use ({mb} MB, --worker-mb)"

    async def _why_lost(self, worker: _Worker) -> str:
        """Why *worker* ended under a task, from how it ended (it has a moment to finish)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 1.0
        while worker.process.is_alive() and loop.time() < deadline:
            await asyncio.sleep(0.01)
        code = worker.process.exitcode
        if code == -signal.SIGKILL:
            return "the query worker was killed while answering; try again"
        if self._memory and code in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS):
            # Oxigraph aborts the process when an allocation fails (Rust's handler).
            return self._out_of_memory()
        return "the query worker ended while answering"

    async def close(self) -> None:
        """Stop every worker: end-of-file on its socket, then SIGKILL after two seconds."""
        workers = list(self._all)
        self._all.clear()
        for worker in workers:
            worker.sock.close()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 2
        for worker in workers:
            while worker.process.is_alive() and loop.time() < deadline:
                await asyncio.sleep(0.01)
            with contextlib.suppress(OSError, ValueError):
                worker.process.kill()
            worker.process.join()
        for reap in list(self._reaping):
            await reap


async def _read_reply(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> Any:
    header = await _recv_exactly(loop, sock, _HEADER.size)
    (size,) = _HEADER.unpack(header)
    return pickle.loads(await _recv_exactly(loop, sock, size))


async def _recv_exactly(loop: asyncio.AbstractEventLoop, sock: socket.socket, size: int) -> bytes:
    buf = bytearray(size)
    view = memoryview(buf)
    got = 0
    while got < size:
        n = await loop.sock_recv_into(sock, view[got:])
        if n == 0:
            raise ConnectionResetError("the query worker closed its socket")
        got += n
    return bytes(buf)
