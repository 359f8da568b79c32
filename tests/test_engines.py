"""The engine seam: every command that reads the graph answers alike on every engine."""

from __future__ import annotations

import subprocess
import sys

import pytest

from octograph import KnowledgeGraph, load
from octograph.engines.embedded import OxigraphEngine
from octograph.engines.reference import RdflibEngine
from octograph.formats import find
from octograph.search import PassageIndex


@pytest.fixture(scope="module")
def reference() -> KnowledgeGraph:
    return load(engine="rdflib")


def test_the_engine_chosen_is_the_engine_that_answers(
    kg: KnowledgeGraph, reference: KnowledgeGraph
) -> None:
    assert isinstance(kg.engine, OxigraphEngine)
    assert isinstance(reference.engine, RdflibEngine)
    assert (kg.engine.name, reference.engine.name) == ("oxigraph", "rdflib")


def test_statistics_are_the_same_on_both_engines(
    kg: KnowledgeGraph, reference: KnowledgeGraph
) -> None:
    assert reference.stats() == kg.stats()
    assert reference.graph_names() == kg.graph_names()
    assert len(reference) == len(kg)


def test_the_view_and_search_read_the_same_graph_on_both_engines(
    kg: KnowledgeGraph, reference: KnowledgeGraph
) -> None:
    fast, slow = kg.to_networkx(), reference.to_networkx()
    assert sorted(slow.nodes) == sorted(fast.nodes)
    assert sorted(slow.edges(keys=True)) == sorted(fast.edges(keys=True))
    hits = PassageIndex.build(kg).search("WHOIS")
    assert PassageIndex.build(reference).search("WHOIS") == hits != []


def test_exports_are_the_same_on_both_engines(
    kg: KnowledgeGraph, reference: KnowledgeGraph
) -> None:
    assert reference.export("nquads") == kg.export("nquads")


@pytest.mark.parametrize("command", [["stats"], ["rank", "--top", "3"]])
def test_a_command_given_engine_rdflib_answers_with_it(command: list[str]) -> None:
    def run(*extra: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "octograph", *extra, *command],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        return done.stdout

    assert run("--engine", "rdflib") == run()


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_answers_are_written_by_pyoxigraph_and_alike_on_every_engine(
    kg: KnowledgeGraph, fmt: str
) -> None:
    # Oxigraph's answers are written by its own serialisers; octograph's writers, which write
    # what the other engines answer (and rows with added columns), give the same bytes.
    import pyoxigraph as ox

    from octograph.sparql.questions import get_question

    def run(*extra: str) -> bytes:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "octograph",
                *extra,
                "query",
                "budapest-figures",
                "--format",
                fmt,
            ],
            capture_output=True,
            timeout=300,
            check=True,
        )
        return done.stdout

    native = kg.engine
    assert isinstance(native, OxigraphEngine)
    bound = {"instrument": ox.NamedNode("https://w3id.org/octograph/id/budapest-convention")}
    question = get_question("budapest-figures").sparql
    raw = native.write(question, bound, find(fmt, "results"))
    assert raw is not None
    fast = run()
    assert fast == raw[0]
    assert run("--engine", "rdflib") == fast
