"""Cold start of ``octograph query <named question>``: embedded Oxigraph vs rdflib's engine.

Run as a script (not collected by pytest): ``python tests/bench/bench_cli.py [--runs N]``.
Each run starts a fresh process; the two engines alternate so both see the same machine
load, and the ratio comes from medians measured in this one run. Goal: median <= 80 ms on
the default engine and >= 6x faster than --engine rdflib.

The package's bytecode is compiled first, as installing from a wheel does (an editable install
under PYTHONDONTWRITEBYTECODE would otherwise compile every module at every start).
"""

from __future__ import annotations

import argparse
import compileall
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--question", default="threats-by-message")
    args = parser.parse_args()
    import octograph

    compileall.compile_dir(Path(octograph.__file__).parent, quiet=1)
    exe = str(Path(sys.executable).with_name("octograph"))
    base = [exe, "query", args.question, "--format", "csv"]
    fast, slow, bare = [], [], []
    for _ in range(args.runs):
        bare.append(_time([sys.executable, "-c", "pass"]))
        fast.append(_time(base))
        slow.append(_time([*base, "--engine", "rdflib"]))
    result = {
        "question": args.question,
        "runs": args.runs,
        "python_startup_median_ms": round(statistics.median(bare) * 1000, 1),
        "oxigraph_median_ms": round(statistics.median(fast) * 1000, 1),
        "rdflib_median_ms": round(statistics.median(slow) * 1000, 1),
        "ratio": round(statistics.median(slow) / statistics.median(fast), 2),
    }
    for key, value in result.items():
        print(f"{key:<26} {value}")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "bench_cli.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
