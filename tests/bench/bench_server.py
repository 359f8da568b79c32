"""Load test of ``octograph serve`` against ``oxigraph serve`` on the same data, on loopback.

Run as a script (not collected by pytest)::

    python tests/bench/bench_server.py [--seconds 30] [--clients 16] [--workers 2]

Four servers, one store content: the named graphs (``octograph export --format nquads``)
plus their union as the default graph (``octograph export --format nt``), which is what
octograph queries as its default graph.

- ``oxigraph``: ``oxigraph serve-read-only`` on a store built by ``oxigraph load`` (RocksDB);
- ``oxigraph-memory``: ``oxigraph serve`` in memory, loaded through its Graph Store endpoint;
- ``octograph``: ``octograph serve`` as shipped (answers to repeated requests cached);
- ``octograph-no-cache``: the same with the answer cache off: every request is evaluated.

16 clients (one keep-alive asyncio connection each) ask the named questions, with their
default parameters, in turn; the questions carry their PREFIX declarations and parameter
values (VALUES) in the text, so every server runs the very same SPARQL, and the bench
checks they return the same number of rows. Each server gets 30 s of load in rounds that
alternate the servers, so that all see the same machine (a shared one is noisy).

Then octograph gets 30 s more during which one client sends a runaway query: it must be
stopped at the time limit (504) while the others keep their latency (before, during and
after windows), and the memory of the server and its workers must come back to its
baseline. Goal: p50 of octograph <= 2x p50 of oxigraph, no error. Prints a table and
writes tests/artifacts/bench_server.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
HOST = "127.0.0.1"
ACCEPT = "application/sparql-results+json"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def questions() -> dict[str, str]:
    """Every named question as self-contained SPARQL: prefixes declared, defaults bound."""
    import octograph
    from octograph.graph.querying import resolve_param
    from octograph.namespaces import PREFIXES
    from octograph.sparql.binding import with_values
    from octograph.sparql.questions import named_questions

    kg = octograph.load()
    prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    out = {}
    for name, q in named_questions().items():
        bindings = {p.name: resolve_param(kg, p.default) for p in q.params if p.default}
        text = with_values(q.sparql, bindings) if bindings else q.sparql
        # Whole-line comments (the header, the engine notes) go: sent as GET, the longest
        # question would pass the 8 KB of request line that servers take.
        text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        out[name] = prologue + text
    return out


# ---------------------------------------------------------------- a small HTTP/1.1 client


class Client:
    """One keep-alive HTTP/1.1 connection; reads Content-Length and chunked bodies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, target: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        assert self.reader is not None
        request = f"GET {target} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\nAccept: {ACCEPT}\r\n\r\n"
        self.writer.write(request.encode())
        status = int((await self.reader.readline()).split()[1])
        headers = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            key, _, value = line.decode("latin-1").partition(":")
            headers[key.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            await self.reader.readline()
            body = b"".join(parts)
        else:
            body = await self.reader.read()
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(ConnectionError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


@dataclass
class Sample:
    name: str
    start: float
    seconds: float
    status: int


@dataclass
class Run:
    samples: list[Sample] = field(default_factory=list)
    runaway: Sample | None = None


async def load(
    port: int,
    path: str,
    texts: dict[str, str],
    clients: int,
    seconds: float,
    runaway_at: float | None,
) -> Run:
    run = Run()
    names = sorted(texts)
    targets = {n: f"{path}?query={quote(texts[n])}" for n in names}
    t0 = time.perf_counter()
    stop = t0 + seconds

    async def worker(index: int) -> None:
        client = Client(port)
        i = index
        try:
            while time.perf_counter() < stop:
                name = names[i % len(names)]
                i += 1
                start = time.perf_counter()
                try:
                    status, _ = await client.get(targets[name])
                except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                    status = 0
                    await client.close()
                run.samples.append(Sample(name, start - t0, time.perf_counter() - start, status))
        finally:
            await client.close()

    async def runaway() -> None:
        assert runaway_at is not None
        await asyncio.sleep(runaway_at)
        client = Client(port)
        start = time.perf_counter()
        status, _ = await client.get(f"{path}?query={quote(RUNAWAY)}")
        run.runaway = Sample("runaway", start - t0, time.perf_counter() - start, status)
        await client.close()

    jobs = [worker(i) for i in range(clients)]
    if runaway_at is not None:
        jobs.append(runaway())
    await asyncio.gather(*jobs)
    return run


# ---------------------------------------------------------------- servers


class Server:
    """A server process started for the run, stopped by its own pid."""

    def __init__(self, command: Sequence[str], port: int, path: str) -> None:
        self.port = port
        self.path = path
        self.process = subprocess.Popen(
            list(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection((HOST, port), 0.2):
                return
            if self.process.poll() is not None:
                raise SystemExit(f"{command[0]} exited with {self.process.returncode}")
            time.sleep(0.05)
        raise SystemExit(f"{command[0]} did not listen on {port}")

    def memory(self) -> dict[str, float]:
        """RSS and PSS in MB of the server and its worker processes together."""
        import psutil

        procs = [psutil.Process(self.process.pid)]
        procs += procs[0].children(recursive=True)
        rss = pss = 0.0
        for p in procs:
            with contextlib.suppress(psutil.NoSuchProcess):
                info = p.memory_full_info()
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
        return {"rss_mb": round(rss / 2**20, 1), "pss_mb": round(pss / 2**20, 1)}

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def running(command: Sequence[str], port: int, path: str) -> Iterator[Server]:
    server = Server(command, port, path)
    try:
        yield server
    finally:
        server.stop()


def rows(port: int, path: str, text: str) -> int:
    async def once() -> tuple[int, bytes]:
        client = Client(port)
        try:
            return await client.get(f"{path}?query={quote(text)}")
        finally:
            await client.close()

    status, body = asyncio.run(once())
    if status != 200:
        raise SystemExit(f"{path} answered {status}: {body[:300]!r}")
    return len(json.loads(body)["results"]["bindings"])


# ---------------------------------------------------------------- figures


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(run: Run, seconds: float) -> dict[str, float | int]:
    ok = [s.seconds for s in run.samples if s.status == 200]
    return {
        "requests": len(run.samples),
        "errors": sum(1 for s in run.samples if s.status != 200),
        "throughput_rps": round(len(ok) / seconds, 1),
        "p50_ms": round(pct(ok, 50) * 1000, 2),
        "p90_ms": round(pct(ok, 90) * 1000, 2),
        "p99_ms": round(pct(ok, 99) * 1000, 2),
        "mean_ms": round(statistics.fmean(ok) * 1000, 2) if ok else float("nan"),
    }


def window(run: Run, start: float, end: float) -> dict[str, float | int]:
    inside = [s.seconds for s in run.samples if start <= s.start < end and s.status == 200]
    return {
        "requests": len(inside),
        "p50_ms": round(pct(inside, 50) * 1000, 2),
        "p99_ms": round(pct(inside, 99) * 1000, 2),
    }


def per_question(run: Run) -> dict[str, float]:
    by: dict[str, list[float]] = {}
    for s in run.samples:
        if s.status == 200:
            by.setdefault(s.name, []).append(s.seconds)
    return {name: round(pct(v, 50) * 1000, 2) for name, v in sorted(by.items())}


def merge(runs: Sequence[Run]) -> Run:
    merged = Run()
    for run in runs:
        merged.samples += run.samples
    return merged


def post_store(port: int, data: bytes) -> None:
    """Load N-Quads into an in-memory oxigraph serve through its Graph Store endpoint."""
    import http.client

    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    conn.request("POST", "/store", body=data, headers={"Content-Type": "application/n-quads"})
    response = conn.getresponse()
    response.read()
    if response.status >= 300:
        raise SystemExit(f"loading oxigraph serve failed: {response.status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="per server")
    parser.add_argument("--rounds", type=int, default=3, help="alternations of the servers")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="octograph serve --workers")
    parser.add_argument("--timeout", type=float, default=10.0, help="octograph serve --timeout")
    parser.add_argument("--runaway-at", type=float, default=5.0, help="seconds into the run")
    args = parser.parse_args()
    if not 1 <= args.clients <= 64 or not 1 <= args.seconds <= 120 or not 1 <= args.rounds <= 10:
        raise SystemExit("keep the load bounded: 1-64 clients, 1-120 seconds, 1-10 rounds")
    bin_dir = Path(sys.executable).parent
    octograph_cli = str(bin_dir / "octograph")
    oxigraph_cli = str(bin_dir / "oxigraph")
    texts = questions()
    result: dict[str, object] = {
        "clients": args.clients,
        "seconds_per_server": args.seconds,
        "rounds": args.rounds,
        "questions": len(texts),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "octograph_workers": args.workers,
        "octograph_timeout_s": args.timeout,
    }
    slot = args.seconds / args.rounds
    with tempfile.TemporaryDirectory(prefix="bench-server-") as tmp:
        folder = Path(tmp)
        for fmt, name in (("nquads", "graphs.nq"), ("nt", "union.nt")):
            subprocess.run(
                [octograph_cli, "export", "--format", fmt, "-o", str(folder / name)],
                check=True,
                stderr=subprocess.DEVNULL,
            )
        db = folder / "db"
        subprocess.run(
            [oxigraph_cli, "load", "--location", str(db), "--file",
             str(folder / "graphs.nq"), str(folder / "union.nt")],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        names = ("oxigraph", "oxigraph-memory", "octograph", "octograph-no-cache")
        ports = {name: free_port() for name in names}
        no_cache = (
            "import octograph; from octograph.server.app import serve; "
            f"serve(octograph.load(), host={HOST!r}, port={ports['octograph-no-cache']}, "
            f"workers={args.workers}, timeout={args.timeout}, cache_bytes=0)"
        )
        commands = {
            "oxigraph": [oxigraph_cli, "serve-read-only", "--location", str(db),
                         "--bind", f"{HOST}:{ports['oxigraph']}"],
            "oxigraph-memory": [oxigraph_cli, "serve", "--bind",
                                f"{HOST}:{ports['oxigraph-memory']}"],
            "octograph": [octograph_cli, "serve", "--host", HOST, "--port",
                          str(ports["octograph"]), "--workers", str(args.workers),
                          "--timeout", str(args.timeout)],
            "octograph-no-cache": [sys.executable, "-c", no_cache],
        }  # fmt: skip
        paths = {name: "/sparql" if name.startswith("octograph") else "/query" for name in names}
        runs: dict[str, list[Run]] = {name: [] for name in commands}
        with contextlib.ExitStack() as stack:
            servers = {
                name: stack.enter_context(running(cmd, ports[name], paths[name]))
                for name, cmd in commands.items()
            }
            # The union goes into the default graph: N-Triples carry no graph name.
            post_store(
                ports["oxigraph-memory"],
                (folder / "graphs.nq").read_bytes() + (folder / "union.nt").read_bytes(),
            )
            counts = {
                name: {n: rows(ports[name], paths[name], t) for n, t in texts.items()}
                for name in commands
            }
            # Rounds alternate the servers, so that both see the same machine.
            for _ in range(args.rounds):
                for name in commands:
                    runs[name].append(
                        asyncio.run(load(ports[name], paths[name], texts, args.clients, slot, None))
                    )
            # The runaway phase, on octograph as shipped and with its cache off (where the
            # other queries really run while the runaway does).
            runaway_phase = {}
            for name in ("octograph", "octograph-no-cache"):
                time.sleep(1)
                baseline = servers[name].memory()
                run = asyncio.run(
                    load(ports[name], "/sparql", texts, args.clients, args.seconds,
                         args.runaway_at)
                )  # fmt: skip
                time.sleep(2)
                runaway_phase[name] = (run, baseline, servers[name].memory())

    reference = counts["oxigraph"]
    mismatched = {
        name: {n: (c[n], reference[n]) for n in texts if c[n] != reference[n]}
        for name, c in counts.items()
    }
    summaries = {name: summary(merge(r), args.seconds) for name, r in runs.items()}
    under_runaway: dict[str, dict[str, Any]] = {}
    for name, (run, baseline, after) in runaway_phase.items():
        runaway = run.runaway
        assert runaway is not None
        stopped_at = runaway.start + runaway.seconds
        under_runaway[name] = {
            "runaway": {
                "status": runaway.status,
                "seconds": round(runaway.seconds, 2),
                "sent_at_s": round(runaway.start, 2),
            },
            "whole_run": summary(run, args.seconds),
            "before": window(run, 0, runaway.start),
            "during": window(run, runaway.start, stopped_at),
            "after": window(run, stopped_at, args.seconds),
            "memory": {"baseline": baseline, "after": after},
        }

    def ratio(a: str, b: str) -> float:
        return round(float(summaries[a]["p50_ms"]) / float(summaries[b]["p50_ms"]), 2)

    result.update(
        {
            "same_answers": not any(mismatched.values()),
            "mismatched_row_counts": {k: v for k, v in mismatched.items() if v},
            "servers": summaries,
            "p50_ratio_vs_oxigraph": ratio("octograph", "oxigraph"),
            "p50_ratio_vs_oxigraph_memory": ratio("octograph", "oxigraph-memory"),
            "p50_ratio_no_cache_vs_oxigraph": ratio("octograph-no-cache", "oxigraph"),
            "p50_ratio_no_cache_vs_oxigraph_memory": ratio("octograph-no-cache", "oxigraph-memory"),
            "under_runaway": under_runaway,
            "p50_per_question_ms": {name: per_question(merge(r)) for name, r in runs.items()},
        }
    )
    print(f"{'':<17}{'requests':>9}{'errors':>8}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}")
    for name, s in summaries.items():
        print(
            f"{name:<17}{s['requests']:>9}{s['errors']:>8}{s['throughput_rps']:>8}"
            f"{s['p50_ms']:>9}{s['p99_ms']:>9}"
        )
    print("p50 ratios (goal <= 2):")
    for key in (
        "p50_ratio_vs_oxigraph",
        "p50_ratio_vs_oxigraph_memory",
        "p50_ratio_no_cache_vs_oxigraph",
        "p50_ratio_no_cache_vs_oxigraph_memory",
    ):
        print(f"  {key.removeprefix('p50_ratio_'):<32} {result[key]}")
    for name, phase in under_runaway.items():
        r, memory = phase["runaway"], phase["memory"]
        print(f"{name} under a runaway: {r['status']} after {r['seconds']} s")
        for part in ("before", "during", "after"):
            w = phase[part]
            print(
                f"  {part:<7}{w['requests']:>6} requests  p50 {w['p50_ms']} ms"
                f"  p99 {w['p99_ms']} ms"
            )
        print(f"  memory (server + workers): {memory['baseline']} -> {memory['after']}")
    if not result["same_answers"]:
        print(f"row counts differ: {result['mismatched_row_counts']}")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "bench_server.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
