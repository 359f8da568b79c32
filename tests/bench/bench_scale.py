"""Scale benchmark: 1, 100 and 3,100 reports (about a million quads) on every store.

Run as a script (not collected by pytest)::

    python tests/bench/bench_scale.py [--sizes 1,100,3100] [--runs 5] [--no-servers]

The 1-report corpus is the bundled report; larger ones add ``octograph synth`` reports to it
(so that every named question's default parameter names an entity that exists). Each engine
runs in a child process of its own so that its peak memory is its own: embedded Oxigraph in
memory, the persistent Oxigraph store (built, then reopened), rdflib's memory store (up to
100 reports: it takes minutes beyond), Virtuoso 7 and the Oxigraph server (the server's peak
RSS). Per engine: load time, peak memory, the median latency of every named question with
its default parameter (and, for questions with parameters, with a selective one: an entity of
one synthetic report), export (N-Quads) and view generation time. Prints a table and writes
tests/artifacts/bench_scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent / "artifacts"
ID = "https://w3id.org/octograph/id/"
# Parameters that select little at any size: one synthetic report's own entities.
SELECTIVE = {
    "entity": f"<{ID}synth-00010/conference>",
    "conference": f"<{ID}synth-00010/conference>",
    "instrument": f"<{ID}synth/instrument/attacks-on-power-grids>",
    "threat": f"<{ID}synth/threat/attacks-on-power-grids>",
    "from": f"<{ID}synth-00010>",
    "to": f"<{ID}synth-00010/conference>",
    "subject": f"<{ID}synth-00010>",
    "object": f"<{ID}synth-00010/conference>",
}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _TooSlowError(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _TooSlowError


def _median_ms(fn: Any, runs: int, cap: int = 10) -> float | str:
    """The median of *runs* timings in ms, or "> cap s" when one run takes longer than *cap*."""
    import signal

    times = []
    signal.signal(signal.SIGALRM, _alarm)
    for _ in range(runs):
        start = time.perf_counter()
        signal.alarm(cap)
        try:
            fn()
        except _TooSlowError:
            return f"> {cap} s"
        finally:
            signal.alarm(0)
        times.append(time.perf_counter() - start)
        if times[-1] > 2:
            break  # one run is enough to say it is slow
    return round(statistics.median(times) * 1000, 1)


# ---------------------------------------------------------------- one engine, in a child


def worker(
    engine: str, data: list[str], store: str, runs: int, extras: bool, skip: set[str]
) -> dict[str, Any]:
    import octograph
    from octograph.engines.http import RemoteOptions
    from octograph.sparql.questions import named_questions

    out: dict[str, Any] = {"engine": engine}
    remote = None
    if store.startswith("sparql:"):
        user = os.environ.get("BENCH_USER")
        remote = RemoteOptions(user=user, password=os.environ.get("BENCH_PASSWORD"))
    start, cpu = time.perf_counter(), time.process_time()
    kg = octograph.load(data or None, store=store, remote=remote)
    if kg.engine.name == "rdflib":
        # rdflib's store is built on first use: its load is that parse, not Oxigraph's.
        kg.dataset  # noqa: B018
    out["open_s"] = round(time.perf_counter() - start, 2)
    # CPU time as well: other work on a shared machine stretches the wall clock, not this.
    out["open_cpu_s"] = round(time.process_time() - cpu, 2)
    questions = named_questions()
    latencies: dict[str, float | str] = {}
    for name, q in questions.items():
        if name in skip:
            # Oxigraph evaluates in Rust, where no alarm reaches: a question that took over a
            # second at the previous size would run for minutes here.
            latencies[name] = "skipped (> 1 s smaller)"
            continue
        try:
            latencies[name] = _median_ms(lambda n=name: kg.ask(n), runs)
            if q.params:
                params = {p.name: SELECTIVE[p.name] for p in q.params if p.name in SELECTIVE}
                latencies[name + " (selective)"] = _median_ms(
                    lambda n=name, p=params: kg.ask(n, **p), runs
                )
        except Exception as e:  # a server's error is a result to report, not a crash
            latencies[name] = f"error: {str(e)[:80]}"
    out["questions_ms"] = latencies
    if extras:
        start = time.perf_counter()
        kg.export("nquads")
        out["export_s"] = round(time.perf_counter() - start, 2)
        try:
            from octograph.view.page import build_view

            start = time.perf_counter()
            build_view(kg.to_networkx()).to_html()
            out["view_s"] = round(time.perf_counter() - start, 2)
        except Exception as e:
            out["view_s"] = f"error: {str(e)[:80]}"
    out["peak_mb"] = round(_peak_mb())
    return out


def _child(
    engine: str,
    data: list[str],
    store: str,
    runs: int,
    extras: bool,
    env: dict[str, str] | None = None,
    skip: set[str] | None = None,
) -> dict[str, Any]:
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        engine,
        "--store",
        store,
        "--runs",
        str(runs),
        *(["--extras"] if extras else []),
        *(["--skip", ",".join(sorted(skip))] if skip else []),
        *[x for d in data for x in ("--data", d)],
    ]
    r = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
        env={**ENV, **(env or {})},
    )
    if r.returncode != 0:
        return {"engine": engine, "error": r.stderr.strip().splitlines()[-1:] or ["failed"]}
    result: dict[str, Any] = json.loads(r.stdout.strip().splitlines()[-1])
    return result


# ---------------------------------------------------------------- the run


# Children run as users run them: with compiled bytecode (a shell may set the opposite).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _cli_cold(store: str, data: list[str], runs: int, question: str) -> float:
    exe = str(Path(sys.executable).with_name("octograph"))
    cmd = [
        exe,
        "--store",
        store,
        *[x for d in data for x in ("--data", d)],
        "query",
        question,
        "--format",
        "csv",
    ]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=ENV)  # writes the .pyc files
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=ENV)
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 1)


def _slow(previous: list[dict[str, Any]], engine: str) -> set[str]:
    """The questions that took over a second (or failed) for *engine* at the previous size."""
    out: set[str] = set()
    for row in previous:
        if row["engine"] == engine:
            for name, ms in row.get("questions_ms", {}).items():
                if not isinstance(ms, int | float) or ms > 1000:
                    out.add(name.removesuffix(" (selective)"))
    return out


def run_size(
    size: int, tmp: Path, runs: int, servers: bool, previous: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    sys.path.insert(0, str(HERE.parent))  # tests/servers.py: a script, not a test module
    import octograph
    from octograph.engines.http import SparqlStore
    from octograph.graph.load import bundled_data
    from octograph.push import push

    data = [str(bundled_data())]
    if size > 1:
        from octograph.authoring.synth import synthesize

        corpus = tmp / f"synth-{size}"
        start = time.perf_counter()
        synthesize(corpus, reports=size - 1, seed=1)
        print(
            f"[{size}] synthesised {size - 1} reports in {time.perf_counter() - start:.1f} s",
            flush=True,
        )
        data.append(str(corpus))
    rows: list[dict[str, Any]] = []
    big = size > 1000
    print(f"[{size}] embedded oxigraph", flush=True)
    rows.append(
        _child(
            "oxigraph (memory)",
            data,
            "oxigraph",
            runs,
            extras=True,
            skip=_slow(previous, "oxigraph (memory)"),
        )
    )
    rows[-1]["load_s"] = rows[-1].get("open_s")
    folder = tmp / f"store-{size}"
    print(f"[{size}] persistent oxigraph", flush=True)
    start = time.perf_counter()
    build = subprocess.run(
        [
            str(Path(sys.executable).with_name("octograph")),
            "load",
            "--store",
            f"oxigraph:{folder}",
            *[x for d in data for x in ("--data", d)],
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    build_s = round(time.perf_counter() - start, 2)
    row = _child(
        "oxigraph:PATH (reopened)",
        data,
        f"oxigraph:{folder}",
        runs,
        extras=not big,
        skip=_slow(previous, "oxigraph:PATH (reopened)"),
    )
    row["load_s"] = build_s if build.returncode == 0 else build.stderr.strip()[-120:]
    # A question with a small answer (one report's tensions) and one whose answer grows with
    # the corpus (every key message: 27,900 rows at 3,100 reports).
    row["cli_cold_ms"] = _cli_cold(f"oxigraph:{folder}", data, 7, "tensions")
    row["cli_cold_large_ms"] = _cli_cold(f"oxigraph:{folder}", data, 7, "key-messages")
    rows.append(row)
    if size <= 100:
        print(f"[{size}] rdflib memory", flush=True)
        row = _child("rdflib (memory)", data, "memory", 1 if size > 1 else runs, extras=False)
        row["load_s"] = row.get("open_s")
        rows.append(row)
    if servers:
        from servers import VIRTUOSO_PASSWORD, VIRTUOSO_USER, oxigraph_server, virtuoso

        from octograph.engines.http import RemoteOptions

        local = octograph.load(data)
        for name, start_server in (("virtuoso", virtuoso), ("oxigraph server", oxigraph_server)):
            print(f"[{size}] {name}", flush=True)
            opts = (
                RemoteOptions(user=VIRTUOSO_USER, password=VIRTUOSO_PASSWORD)
                if name == "virtuoso"
                else None
            )
            with start_server(tmp / f"{name.replace(' ', '-')}-{size}") as server:
                remote = SparqlStore(server.url, opts)
                try:
                    report = push(local, remote)
                    load_s: Any = round(report.seconds, 2)
                except Exception as e:
                    load_s = f"error: {str(e)[:100]}"
                remote.close()
                env = (
                    {"BENCH_USER": VIRTUOSO_USER, "BENCH_PASSWORD": VIRTUOSO_PASSWORD}
                    if opts
                    else {}
                )
                row = _child(
                    name,
                    [],
                    f"sparql:{server.url}",
                    runs,
                    extras=not big,
                    env=env,
                    skip=_slow(previous, name),
                )
                row["load_s"] = load_s
                row["peak_mb"] = round(server.rss_mb())
                row["peak_is"] = "server"
                rows.append(row)
        del local
    for row in rows:
        row["reports"] = size
    return rows


def _print(rows: list[dict[str, Any]]) -> None:
    names = sorted({q for r in rows for q in r.get("questions_ms", {})})
    for size in sorted({r["reports"] for r in rows}):
        group = [r for r in rows if r["reports"] == size]
        print(f"\n== {size} report(s)")
        print(f"{'':34}" + "".join(f"{r['engine'][:22]:>24}" for r in group))
        keys = ("load_s", "open_cpu_s", "peak_mb", "export_s", "view_s")
        for key in (*keys, "cli_cold_ms", "cli_cold_large_ms"):
            print(f"{key:34}" + "".join(f"{str(r.get(key, '-'))[:22]:>24}" for r in group))
        for name in names:
            print(
                f"{name[:34]:34}"
                + "".join(
                    f"{str(r.get('questions_ms', {}).get(name, '-'))[:22]:>24}" for r in group
                )
            )
        for r in group:
            if "error" in r:
                print(f"{r['engine']}: {r['error']}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1,100,3100")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-servers", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--store", default="oxigraph", help=argparse.SUPPRESS)
    parser.add_argument("--data", action="append", default=[], help=argparse.SUPPRESS)
    parser.add_argument("--extras", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        skip = set(args.skip.split(",")) if args.skip else set()
        print(json.dumps(worker(args.worker, args.data, args.store, args.runs, args.extras, skip)))
        return
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="octograph-bench-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            rows += run_size(size, Path(tmp), args.runs, not args.no_servers, rows)
            _print(rows)
    total = round(time.perf_counter() - started)
    print(f"\ntotal {total} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "bench_scale.json").write_text(
        json.dumps({"seconds": total, "rows": rows}, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
