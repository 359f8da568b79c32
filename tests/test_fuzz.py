"""Property-based fuzzing of what users type and feed: a clear error or an answer, never a crash.

The example counts here are what the test run affords; `tests/bench/fuzz_long.py` runs the same
properties with a larger profile.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from typing import TypeVar

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from octograph import InputError, KnowledgeGraph, OctographError, load
from octograph.cli import main
from octograph.engines.embedded import OxigraphEngine
from octograph.formats import find, names
from octograph.graph.export import serialize
from octograph.graph.querying import run, run_named

T = TypeVar("T")


def attempt(fn: Callable[[], T]) -> tuple[T | None, OctographError | None]:
    """Run *fn*: its result, or the OctographError it raised (anything else propagates)."""
    try:
        return fn(), None
    except OctographError as e:
        return None, e


EXAMPLES = int(os.environ.get("OCTOGRAPH_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SUFFIXES = [".ttl", ".trig", ".nt", ".nq", ".jsonld", ".rdf"]
VALID = {
    ".ttl": b'@prefix ex: <http://example.org/> .\nex:a ex:b "c"@en , 12 ; ex:d [ ex:e ex:f ] .\n',
    ".trig": b'<http://example.org/g> { <http://example.org/a> <http://example.org/b> "c" . }\n',
    ".nt": b'<http://example.org/a> <http://example.org/b> "c\\u00e9" .\n',
    ".nq": b'<http://example.org/a> <http://example.org/b> "c" <http://example.org/g> .\n',
    ".jsonld": b'{"@id": "http://example.org/a", "http://example.org/b": "c"}',
    ".rdf": (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns:ex="http://example.org/"><rdf:Description rdf:about="http://example.org/a">'
        b"<ex:b>c</ex:b></rdf:Description></rdf:RDF>"
    ),
}


def _mangle(data: bytes, cut: int, junk: bytes, encoding: str) -> bytes:
    out = data[: cut % (len(data) + 1)] + junk
    return out.decode("utf-8", "replace").encode(encoding, "replace") if encoding else out


@FUZZ
@given(
    suffix=st.sampled_from(SUFFIXES),
    cut=st.integers(min_value=0, max_value=400),
    junk=st.binary(max_size=40)
    | st.sampled_from(
        [b"", b"{" * 2000, b"[" * 2000, b"x" * 50_000, b"\xff\xfe", b"\x00", b"@prefix", b"<"]
    ),
    encoding=st.sampled_from(["", "latin-1", "utf-16", "cp1252"]),
)
def test_any_data_file_loads_or_gives_one_input_error(
    tmp_path_factory: pytest.TempPathFactory, suffix: str, cut: int, junk: bytes, encoding: str
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"data{suffix}"
    path.write_bytes(_mangle(VALID[suffix], cut, junk, encoding))
    kg, error = attempt(lambda: load([path], ontology=False))
    if error is not None:
        assert isinstance(error, InputError)
        assert str(path) in str(error)
        assert "\n" not in str(error)
    else:
        assert isinstance(kg, KnowledgeGraph)


SPARQL_PIECES = st.sampled_from(
    [
        "SELECT",
        "ASK",
        "CONSTRUCT",
        "DESCRIBE",
        "*",
        "?s",
        "?p",
        "?o",
        "{",
        "}",
        "(",
        ")",
        ".",
        ";",
        ",",
        "WHERE",
        "FILTER",
        "OPTIONAL",
        "UNION",
        "GRAPH",
        "VALUES",
        "BIND",
        "AS",
        "LIMIT",
        "10",
        "ORDER BY",
        "GROUP BY",
        "COUNT(*)",
        "octo:Threat",
        "rdfs:label",
        "a",
        "kg:france",
        "foo:bar",
        '"x"',
        "'y'@en",
        "<http://example.org/>",
        'REGEX(?o, "(a+)+$")',
        "#",
        "\n",
        "PREFIX ex:",
        "SERVICE",
        "LOAD",
        "INSERT DATA",
        "\\u0000",
        "\u00e9",
        "\U0001f600",
    ]
)


@FUZZ
@given(st.lists(SPARQL_PIECES, max_size=25).map(" ".join) | st.text(max_size=200))
def test_any_sparql_text_answers_or_gives_one_query_error(kg: KnowledgeGraph, text: str) -> None:
    results, error = attempt(lambda: run(kg, text))
    if error is not None:
        assert "\n" not in str(error)
    else:
        assert results is not None
        assert results.kind in {"select", "ask", "graph"}


# A parameter is read as an <IRI>, an http(s) IRI, a CURIE or a label: each shape, with any text.
PARAMETER_VALUES = st.text(max_size=80) | st.builds(
    lambda shape, text: shape.format(text),
    st.sampled_from(["<{}>", "https://w3id.org/octograph/id/{}", "kg:{}", "octo:{}"]),
    st.text(max_size=40),
)


@FUZZ
@given(value=PARAMETER_VALUES)
def test_any_parameter_value_is_a_label_an_iri_or_a_clear_error(
    kg: KnowledgeGraph, value: str
) -> None:
    results, error = attempt(lambda: run_named(kg, "remedies-for-threat", {"threat": value}))
    if error is not None:
        assert "\n" not in str(error)
    else:
        assert results is not None
        assert results.kind == "select"


CLI_WORDS = st.sampled_from(
    [
        "query",
        "export",
        "validate",
        "stats",
        "view",
        "rank",
        "path",
        "--format",
        "json",
        "xml",
        "turtle",
        "graphml",
        "table",
        "--limit",
        "-1",
        "0",
        "abc",
        "--param",
        "threat=x",
        "=",
        "--types",
        "Threat,Nope",
        "--depth",
        "-5",
        "--message",
        "99",
        "--focus",
        "nowhere",
        "-o",
        "/nonexistent/x",
        "--engine",
        "bogus",
        "--data",
        "/nonexistent.ttl",
        "--iris",
        "--why",
        "key-messages",
        "SELECT * { ?s ?p ?o } LIMIT 1",
        "--",
        "-",
        "\u00e9",
    ]
)


@FUZZ
@given(st.lists(CLI_WORDS, max_size=7))
def test_any_command_line_exits_0_1_or_2_without_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path_factory: pytest.TempPathFactory, argv: list[str]
) -> None:
    assume("view" not in argv or "-o" in argv)  # view writes into the current folder
    with pytest.raises(SystemExit) as e:
        main(argv)
    _out, err = capsys.readouterr()
    assert e.value.code in {0, 1, 2}, err
    assert "Traceback" not in err
    if e.value.code == 2 and err:
        assert err.count("\n") == 1 or err.startswith("usage:"), err


AWKWARD_STRINGS = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=60
) | st.sampled_from(
    [
        "",
        "line\nbreak",
        'quote " and \\ backslash',
        "\U0001f600 beyond the BMP",
        "x" * 5000,
        "\t\r\n",
        "<b>&amp;</b>",
        "]]>",
        "\u2028",
    ]
)


@st.composite
def awkward_quads(draw: st.DrawFn) -> list[ox.Quad]:
    iris = st.sampled_from(
        [
            "http://example.org/a",
            "http://example.org/%C3%A9?q=1#frag",
            "urn:x-octo:é~ü",
            "https://example.org/path/with%20space",
            "http://example.org/(paren)",
            "tag:a,2024:b",
        ]
    ).map(ox.NamedNode)
    literal = st.one_of(
        AWKWARD_STRINGS.map(ox.Literal),
        st.tuples(AWKWARD_STRINGS, st.sampled_from(["en", "fr-BE", "de-CH-1996"])).map(
            lambda t: ox.Literal(t[0], language=t[1])
        ),
        st.integers(-(10**30), 10**30).map(
            lambda n: ox.Literal(
                str(n), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
            )
        ),
        st.tuples(AWKWARD_STRINGS, st.sampled_from(["http://example.org/dt", "urn:dt"])).map(
            lambda t: ox.Literal(t[0], datatype=ox.NamedNode(t[1]))
        ),
    )
    graphs = st.sampled_from(["http://example.org/g1", "http://example.org/g2"]).map(ox.NamedNode)
    return draw(
        st.lists(
            st.builds(ox.Quad, iris, iris, st.one_of(iris, literal), graphs),
            min_size=1,
            max_size=20,
        )
    )


@FUZZ
@given(quads=awkward_quads(), name=st.sampled_from(names("rdf")))
def test_every_format_round_trips_awkward_literals(quads: list[ox.Quad], name: str) -> None:
    store = ox.Store()
    store.extend(quads)
    kg = KnowledgeGraph(OxigraphEngine.from_quads(quads))
    fmt = find(name, "rdf")
    parsed = list(ox.parse(io.BytesIO(serialize(kg, name)), format=fmt.rdf))
    if fmt.quads:
        assert set(parsed) == set(kg.quads())
    else:
        assert {q.triple for q in parsed} == kg.triples()
