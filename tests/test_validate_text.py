"""One text, two copies: validate finds report.txt and the octo:content literal apart."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from octograph import load


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {path.name}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _text_problems(data: Path) -> list[str]:
    report = load([data]).validate()
    return [f"{p.focus}: {p.message}" for p in report.problems if p.check == "text"]


def test_a_word_changed_in_report_txt_is_named_by_line_and_column(data_copy: Path) -> None:
    source = data_copy / "octopus-2019" / "report.txt"
    _edit(source, "cybercrime", "cyber-crime")
    [problem] = _text_problems(data_copy)
    assert problem.startswith(f"{source}: differs from octo:content at line 17, column 15: ")
    r = subprocess.run(
        [sys.executable, "-m", "octograph", "--data", str(data_copy), "validate"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert r.returncode == 1, r.stdout + r.stderr
    assert "[text]" in r.stdout


def test_a_word_changed_in_the_literal_is_found(data_copy: Path) -> None:
    structure = data_copy / "octopus-2019" / "structure.trig"
    text = (data_copy / "octopus-2019" / "report.txt").read_text(encoding="utf-8")
    last_line = text.rstrip("\n").rsplit("\n", 1)[-1]
    _edit(structure, last_line, last_line.replace(last_line[-5:], last_line[-5:].upper()))
    problems = _text_problems(data_copy)
    assert len(problems) == 1
    assert "differs from octo:content at line" in problems[0]


def test_a_report_txt_cut_short_is_found(data_copy: Path) -> None:
    source = data_copy / "octopus-2019" / "report.txt"
    text = source.read_text(encoding="utf-8")
    source.write_text(text[:-10], encoding="utf-8")
    [problem] = _text_problems(data_copy)
    assert "report.txt has '(the end)'" in problem


def test_the_bundled_copies_agree() -> None:
    report = load().validate()
    assert report.counts["text"] == 1
    assert [p for p in report.problems if p.check == "text"] == []
