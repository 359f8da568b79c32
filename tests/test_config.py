"""The OCTOGRAPH_* variables: read at the edge, typed and checked; junk is one line, exit 2."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from octograph.cli import main
from octograph.cli.config import Config, ConfigError

# A SPARQL server nobody listens on: the credentials are checked before any connection.
NOWHERE = ["--store", "sparql:http://127.0.0.1:1/sparql", "stats"]
SERVE_HELP = ["serve", "--help"]
QUERY = ["query", "key-messages", "--format", "csv"]

# variable, a value it does not take, a command line that reads it, what the message says
JUNK = [
    ("OCTOGRAPH_STORE", "oxygraph", QUERY, "oxigraph, oxigraph:PATH, memory or sparql:URL"),
    ("OCTOGRAPH_STORE", "sparql:ftp://x", QUERY, "oxigraph, oxigraph:PATH, memory or sparql:URL"),
    ("OCTOGRAPH_LANG", "english please", QUERY, "a language tag"),
    ("OCTOGRAPH_ENGINE", "blazegraph", QUERY, "oxigraph or rdflib"),
    ("OCTOGRAPH_HOST", "local host", SERVE_HELP, "a host name or an IP address"),
    ("OCTOGRAPH_PORT", "abc", SERVE_HELP, "a port number from 0 to 65535"),
    ("OCTOGRAPH_PORT", "70000", SERVE_HELP, "a port number from 0 to 65535"),
    ("OCTOGRAPH_PORT", "-1", SERVE_HELP, "a port number from 0 to 65535"),
    ("OCTOGRAPH_ROOT_PATH", "octograph", SERVE_HELP, "a path that starts with /"),
    ("OCTOGRAPH_SPARQL_USER", "me:you", NOWHERE, "a user name without a colon"),
    ("OCTOGRAPH_SPARQL_USER", "me\tyou", NOWHERE, "text without control characters"),
    ("OCTOGRAPH_SPARQL_PASSWORD", "pass\nword", NOWHERE, "text without control characters"),
    ("OCTOGRAPH_SPARQL_UPDATE", "localhost/update", NOWHERE, "an http:// or https:// URL"),
    ("OCTOGRAPH_SPARQL_GRAPH_STORE", "ftp://x/store", NOWHERE, "an http:// or https:// URL"),
]
# Each variable, and a command line that reads it.
VARIABLES = sorted({(name, tuple(argv)) for name, _, argv, _ in JUNK})


def _clean_environment() -> dict[bytes, bytes]:
    return {k: v for k, v in os.environb.items() if not k.startswith(b"OCTOGRAPH_")}


def run(argv: list[str] | tuple[str, ...], **env: bytes) -> subprocess.CompletedProcess[str]:
    """The real command in a child process, with these variables as raw bytes."""
    environment = _clean_environment()
    environment.update({name.encode(): value for name, value in env.items()})
    return subprocess.run(
        [sys.executable, "-m", "octograph", *argv],
        env=environment,
        capture_output=True,
        text=True,
        errors="backslashreplace",
        timeout=120,
        check=False,
    )


def _one_line_error(stderr: str, name: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert stderr.count("\n") == 1, stderr
    assert stderr.startswith(f"error: {name}: expected "), stderr


@pytest.mark.parametrize("argv", [["--help"], SERVE_HELP], ids=["help", "serve-help"])
def test_a_port_that_is_not_a_number_is_one_line_not_a_traceback(argv: list[str]) -> None:
    r = run(argv, OCTOGRAPH_PORT=b"abc")
    assert r.returncode == 2, r.stderr
    _one_line_error(r.stderr, "OCTOGRAPH_PORT")
    assert r.stderr == (
        "error: OCTOGRAPH_PORT: expected a port number from 0 to 65535, got 'abc'\n"
    )
    assert r.stdout == ""


@pytest.mark.parametrize(
    ("name", "value", "argv", "expects"),
    [pytest.param(*case, id=f"{case[0]}={case[1]!r}") for case in JUNK],
)
def test_junk_in_a_variable_is_one_line_naming_it_with_exit_2(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    value: str,
    argv: list[str],
    expects: str,
) -> None:
    for other in [k for k in os.environ if k.startswith("OCTOGRAPH_")]:
        monkeypatch.delenv(other)
    monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as e:
        main(argv)
    _, err = capsys.readouterr()
    assert e.value.code == 2, err
    _one_line_error(err, name)
    assert f"expected {expects}" in err


@pytest.mark.parametrize(("name", "argv"), [pytest.param(n, a, id=n) for n, a in VARIABLES])
def test_a_variable_that_is_not_utf8_is_one_line_naming_it(name: str, argv: list[str]) -> None:
    r = run(argv, **{name: b"caf\xe9"})
    assert r.returncode == 2, r.stderr
    _one_line_error(r.stderr, name)
    assert "expected UTF-8 text" in r.stderr
    if name != "OCTOGRAPH_SPARQL_PASSWORD":
        assert r.stderr.rstrip().endswith(r"got b'caf\xe9'")


def test_the_password_never_shows(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ConfigError) as e:
        _ = Config({"OCTOGRAPH_SPARQL_PASSWORD": "s3cret\n"}).sparql_password
    assert "s3cret" not in str(e.value)
    assert str(e.value) == "OCTOGRAPH_SPARQL_PASSWORD: expected text without control characters"


def test_the_option_wins_and_the_variable_beats_the_default() -> None:
    config = Config({"OCTOGRAPH_PORT": "9000", "OCTOGRAPH_HOST": "::1"})
    assert (config.port, config.host, config.root_path) == (9000, "::1", "")
    from octograph.cli import build_parser

    args = build_parser(config, "serve").parse_args(["serve", "--port", "9001"])
    assert (args.port, args.host) == (9001, "::1")


def test_empty_is_unset_but_an_empty_password_is_a_password() -> None:
    config = Config({name: "" for name, _ in VARIABLES})
    assert (config.store, config.lang, config.engine) == ("oxigraph", "en", "oxigraph")
    assert (config.host, config.port, config.root_path) == ("127.0.0.1", 8000, "")
    assert (config.sparql_user, config.sparql_update, config.sparql_graph_store) == (None,) * 3
    assert config.sparql_password == ""
    assert Config({}).sparql_password is None


def test_each_variable_is_read_once() -> None:
    reads: list[str] = []

    class Environ(dict[str, str]):
        def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
            reads.append(key)
            return super().get(key, default)

    config = Config(Environ(OCTOGRAPH_LANG="fr"))
    assert config.lang == config.lang == "fr"
    assert reads == ["OCTOGRAPH_LANG"]


def test_an_option_takes_the_same_check_as_its_variable() -> None:
    r = run(["serve", "--port", "http", "--help"])
    assert r.returncode == 2
    assert r.stderr == (
        "error: octograph serve: argument --port: expected a port number from 0 to 65535, "
        "got 'http'\n"
    )


def test_only_the_command_line_reads_the_environment() -> None:
    package = Path(__file__).parents[1] / "octograph"
    readers = {
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if re.search(r"\bos\.environ\b|\bgetenv\(", path.read_text(encoding="utf-8"))
    }
    # __main__.py hands OCTOGRAPH_STORE to the head start, which guesses before the command
    # line is parsed whether the bundled data will be loaded (load() checks the guess).
    assert readers <= {"cli/config.py", "__main__.py"}, readers
