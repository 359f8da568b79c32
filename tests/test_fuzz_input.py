"""Fuzzing the command line's input from outside: argv as bytes, OCTOGRAPH_* set to junk.

Whatever the bytes, every command exits 0, 1 or 2, and a failure is one line, never a
traceback. ``python tests/bench/fuzz_long.py --examples N`` runs these with a larger profile.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from octograph.cli import main

# The suite's share is small: each example runs a whole command (loading the graph).
EXAMPLES = int(os.environ.get("OCTOGRAPH_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

VARIABLES = [
    "OCTOGRAPH_STORE",
    "OCTOGRAPH_LANG",
    "OCTOGRAPH_ENGINE",
    "OCTOGRAPH_HOST",
    "OCTOGRAPH_PORT",
    "OCTOGRAPH_ROOT_PATH",
    "OCTOGRAPH_SPARQL_USER",
    "OCTOGRAPH_SPARQL_PASSWORD",
    "OCTOGRAPH_SPARQL_UPDATE",
    "OCTOGRAPH_SPARQL_GRAPH_STORE",
]
# Commands that read the environment, both --help paths among them; none serves or pushes.
COMMANDS = [
    ["--help"],
    ["serve", "--help"],
    ["push", "--help"],
    ["stats", "--format", "json"],
    ["query", "ASK { ?s ?p ?o }"],
    ["export", "--format", "nt", "-o", "out.nt"],
    ["view", "--focus", "france", "-o", "view.html"],
    ["search", "cybercrime"],
]
WORDS = [
    b"stats",
    b"query",
    b"export",
    b"validate",
    b"search",
    b"-o",
    b"--param",
    b"x=\xff",
    b"--data",
    b"--format",
    b"json",
    b"-f",
    b"SELECT * { ?s ?p ?o } LIMIT 1",
    b'ASK { ?s ?p "\xe9" }',
    b"\xc3\xa9",
    b"--help",
]
# What an argument can be: a word the parser knows, or any bytes (none may hold NUL).
ARG = st.sampled_from(WORDS) | st.binary(min_size=1, max_size=16).filter(lambda b: b"\0" not in b)
JUNK = st.binary(max_size=40).filter(lambda b: b"\0" not in b) | st.sampled_from(
    [b"\xff", b"abc", b"-1", b"99999", b"http://", b"sparql:", b"a\nb", b"\x7f", b" "]
)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # what a command writes by default lands here
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as e:
        main(argv)
    _out, err = capsys.readouterr()
    code = e.value.code
    assert isinstance(code, int), err
    return code, err


def _one_clear_line(code: int, err: str) -> None:
    assert code in {0, 1, 2}, err
    assert "Traceback" not in err
    if code == 2:
        assert err.count("\n") == 1 or err.startswith("usage:"), err


@FUZZ
@given(
    st.tuples(st.sampled_from(WORDS[:5]), st.lists(ARG, max_size=5)).map(lambda t: [t[0], *t[1]])
    | st.lists(ARG, min_size=1, max_size=6)
)
@example([b"query", b'SELECT * { ?s ?p "\xff" }'])  # the report
@example([b"search", b"\xc3("])
@example([b"--data", b"stats"])  # options without a command (found by fuzz_long)
def test_any_argv_bytes_exit_0_1_or_2_in_one_line(
    capsys: pytest.CaptureFixture[str], in_tmp: Path, argv: list[bytes]
) -> None:
    # As Python hands a program its arguments: bytes that are not UTF-8 as surrogates.
    code, err = _run(capsys, [os.fsdecode(arg) for arg in argv])
    _one_clear_line(code, err)
    if any(b"\xff" in arg or b"\xc3(" in arg for arg in argv):
        assert code == 2, err


@FUZZ
@given(
    name=st.sampled_from(VARIABLES),
    value=JUNK,
    command=st.sampled_from(COMMANDS),
)
def test_any_octograph_variable_junk_exits_in_one_line(
    capsys: pytest.CaptureFixture[str], in_tmp: Path, name: str, value: bytes, command: list[str]
) -> None:
    saved = os.environ.get(name)
    os.environ[name] = os.fsdecode(value)
    try:
        code, err = _run(capsys, command)
    finally:
        if saved is None:
            del os.environ[name]
        else:
            os.environ[name] = saved
    _one_clear_line(code, err)
