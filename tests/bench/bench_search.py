"""Passage search on a synthetic corpus: index build times and the median latency of searches.

Run as a script: ``python tests/bench/bench_search.py [--reports 3100]``. Goal: median under
50 ms per search on about a million triples. Measured three ways: the index built in memory
(store ``oxigraph``); the index kept beside a persistent store (``oxigraph:PATH``), built
once and then reopened, in this process and by ``octograph search`` in a fresh one; and
``/search`` of ``octograph serve`` over that store. Prints a table and writes JSON to
tests/artifacts/.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
SEARCHES = [
    "capacity building",
    '"criminal justice"',
    "invest*",
    "elections trust",
    "data protection",
    "WHOIS",
    "cooperation private sector",
    "xylophone",
]


def medians(run: Callable[[str], Any], runs: int) -> tuple[dict[str, float], dict[str, Any]]:
    """The median milliseconds of each search, and its last answer."""
    timings: dict[str, float] = {}
    answers: dict[str, Any] = {}
    for text in SEARCHES:
        samples = []
        for _ in range(runs):
            t = time.perf_counter()
            answers[text] = run(text)
            samples.append(time.perf_counter() - t)
        timings[text] = round(statistics.median(samples) * 1000, 2)
    return timings, answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=3100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    import httpx

    from octograph import load
    from octograph.authoring.synth import synthesize
    from octograph.graph.load import bundled_data
    from octograph.search import PassageIndex
    from octograph.server.app import background, create_app

    result: dict[str, Any] = {"reports": args.reports}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        synthesize(corpus, reports=args.reports, seed=1)
        paths = [bundled_data(), corpus]

        # In memory, as at every start of the default store.
        start = time.perf_counter()
        kg = load(paths)
        result["load_s"] = round(time.perf_counter() - start, 2)
        result["quads"] = len(kg)
        start = time.perf_counter()
        index = PassageIndex.build(kg)
        result["index_build_s"] = round(time.perf_counter() - start, 2)
        result["passages"] = index.size
        timings, found = medians(index.search, args.runs)
        result["search_median_ms"] = timings
        result["median_of_medians_ms"] = round(statistics.median(timings.values()), 2)
        result["hits (top 20)"] = {text: len(hits) for text, hits in found.items()}
        in_memory = {text: [h.as_dict() for h in hits] for text, hits in found.items()}
        index.close()
        del kg, index
        gc.collect()

        # Beside a persistent store: built once, then reopened read-only.
        store = f"oxigraph:{Path(tmp) / 'store'}"
        start = time.perf_counter()
        kg = load(paths, store=store)
        result["store_build_s"] = round(time.perf_counter() - start, 2)
        start = time.perf_counter()
        PassageIndex.for_graph(kg).close()
        result["persistent_index_first_build_s"] = round(time.perf_counter() - start, 2)
        [index_path] = Path(tmp, "store").glob("search-*.sqlite")
        result["persistent_index_mb"] = round(index_path.stat().st_size / 1e6, 1)
        del kg
        gc.collect()
        start = time.perf_counter()
        kg = load(paths, store=store)
        result["store_reopen_ms"] = round((time.perf_counter() - start) * 1000, 1)
        start = time.perf_counter()
        reopened = PassageIndex.for_graph(kg)
        result["persistent_index_reopen_ms"] = round((time.perf_counter() - start) * 1000, 2)
        timings, found = medians(reopened.search, args.runs)
        result["reopened_search_median_ms"] = timings
        result["reopened_median_of_medians_ms"] = round(statistics.median(timings.values()), 2)
        same = all([h.as_dict() for h in found[t]] == in_memory[t] for t in SEARCHES)
        result["reopened_same_hits_as_in_memory"] = same
        reopened.close()

        # `octograph search` in a fresh process: store and index reopened, one search.
        command = [sys.executable, "-m", "octograph", "--store", store]
        command += [arg for path in paths for arg in ("--data", str(path))]
        command += ["search", "capacity building", "--format", "json"]
        samples = []
        for _ in range(args.runs):
            t = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            samples.append(time.perf_counter() - t)
        result["cli_search_reopened_s"] = round(statistics.median(samples), 3)

        # /search of the server over the persistent store (2 workers, JSON).
        start = time.perf_counter()
        app = create_app(kg, workers=2)
        result["server_setup_s"] = round(time.perf_counter() - start, 2)
        with background(app) as base, httpx.Client(base_url=base, timeout=60) as client:

            def over_http(text: str) -> Any:
                r = client.get("/search", params={"q": text, "format": "json"})
                r.raise_for_status()
                return r.json()

            over_http("warm up")  # each worker copies the index at its first search
            over_http("warm up")
            timings, found = medians(over_http, max(args.runs, 9))
        result["server_search_median_ms"] = timings
        result["server_median_of_medians_ms"] = round(statistics.median(timings.values()), 2)
        result["server_same_hits_as_in_memory"] = all(found[t] == in_memory[t] for t in SEARCHES)
    for key, value in result.items():
        print(f"{key:<34} {value}")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "bench_search.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
