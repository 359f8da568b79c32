"""Passage search on a synthetic corpus: index build time and the median latency of searches.

Run as a script: ``python tests/bench/bench_search.py [--reports 3100]``. Goal: median under
50 ms per search on about a million triples. Prints a table and writes JSON to tests/artifacts/.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=3100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from octograph import load
    from octograph.load import bundled_data
    from octograph.search import PassageIndex
    from octograph.synth import synthesize

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        synthesize(corpus, reports=args.reports, seed=1)
        start = time.perf_counter()
        kg = load([bundled_data(), corpus])
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        index = PassageIndex(kg)
        built = time.perf_counter() - start
        timings: dict[str, float] = {}
        hits: dict[str, int] = {}
        for text in SEARCHES:
            samples = []
            for _ in range(args.runs):
                t = time.perf_counter()
                found = index.search(text)
                samples.append(time.perf_counter() - t)
            timings[text] = round(statistics.median(samples) * 1000, 2)
            hits[text] = len(found)
        result = {
            "reports": args.reports,
            "quads": len(kg),
            "passages": index.size,
            "load_s": round(loaded, 2),
            "index_build_s": round(built, 2),
            "search_median_ms": timings,
            "median_of_medians_ms": round(statistics.median(timings.values()), 2),
            "hits (top 20)": hits,
        }
    for key, value in result.items():
        print(f"{key:<22} {value}")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "bench_search.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
