"""The fuzzing properties of the suite with a larger profile (not part of the test run).

tests/test_fuzz.py (data files, SPARQL, parameters, command lines, formats) and
tests/test_fuzz_input.py (argv as bytes, every OCTOGRAPH_* variable set to junk).

Run as a script: ``python tests/bench/fuzz_long.py [--examples N]`` (default 2,000 per target).
It prints pytest's summary and the number of examples each property was given.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=2000)
    args = parser.parse_args()
    env = dict(os.environ, OCTOGRAPH_FUZZ_EXAMPLES=str(args.examples))
    tests = [str(HERE.parent / "test_fuzz.py"), str(HERE.parent / "test_fuzz_input.py")]
    code = subprocess.call(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], env=env
    )
    print(f"{args.examples} examples per property")
    raise SystemExit(code)


if __name__ == "__main__":
    main()
