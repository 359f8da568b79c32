"""Write octograph/sparql/queries/NAME.expected.json from what Oxigraph answers now (review diffs).

Usage: ``python tests/expected.py NAME...`` (or ``--all``). The files record what reading the
report says the answer is: regenerating one only saves typing, and ``git diff`` must then be
checked against the report before the file is kept.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from octograph import Results, load
from octograph.sparql.questions import named_questions

Cell = str | None


def cells(results: Results) -> list[list[Cell]]:
    """The rows of *results* as strings: an IRI in full, a literal's lexical form, or None."""
    return [[None if term is None else term.value for term in row] for row in results.rows]


def expected_path(rq: Path) -> Path:
    """The expected-results file that sits beside the named question *rq*."""
    return rq.with_name(f"{rq.stem}.expected.json")


def write(name: str) -> Path:
    """Run named question *name* with its defaults on Oxigraph and write its expected file."""
    question = named_questions()[name]
    results = load().ask(name)
    path = expected_path(question.path)
    path.write_text(dumps(results.variables, cells(results)), encoding="utf-8")
    return path


def dumps(variables: list[str], rows: list[list[Cell]]) -> str:
    """JSON with one row per line, so that a diff shows which answers changed."""
    lines = ",\n".join(f"    {json.dumps(row, ensure_ascii=False)}" for row in rows)
    body = f"[\n{lines}\n  ]" if rows else "[]"
    return f'{{\n  "variables": {json.dumps(variables)},\n  "rows": {body}\n}}\n'


def main(argv: list[str]) -> int:
    known = named_questions()
    names = list(known) if argv == ["--all"] else argv
    unknown = [n for n in names if n not in known]
    if not names or unknown:
        print(f"usage: python tests/expected.py NAME... | --all  (unknown: {unknown})")
        print("named questions:", " ".join(known))
        return 2
    for name in names:
        print("wrote", write(name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
