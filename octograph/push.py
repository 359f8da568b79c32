"""Push a loaded knowledge graph to a SPARQL server: its graphs, their union, a manifest.

The passage graphs (and every other graph loaded) replace the graphs of the same name on the
server, in batches of about ``batch`` triples, each batch in one of two ways:

- a server whose Graph Store endpoint takes a whole dataset (Oxigraph, Fuseki: a POST of
  N-Quads without ``?graph=``) gets one update dropping the batch's graphs, then the quads;
- any other SPARQL 1.1 server (Virtuoso) gets the batch as one Graph Store PUT into a staging
  graph, each triple's graph folded into its predicate (``s <stage:K> o`` and ``<stage:K>``
  naming the graph and the predicate), then one update that empties the batch's graphs, moves
  the triples into them and drops the staging graph. Virtuoso parses N-Triples fast but
  compiles big ``INSERT DATA`` requests slowly, and refuses them past 10,000 lines of SQL.

Then the union of all graphs, a set, is written to ``UNION_GRAPH``, and last the manifest that
lists the graphs with their triple counts, which queries use to tell octograph's graphs from
the server's others. Each graph's count is then checked on the server. Graphs that the push
does not name are left as they were.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

import pyoxigraph as ox

from octograph.engines.http import SparqlStore
from octograph.engines.remote import iter_graphs
from octograph.engines.rewrite import (
    DCTERMS,
    DEFAULT_PART_GRAPH,
    MANIFEST_GRAPH,
    MEMBERS,
    UNION_GRAPH,
    VOID,
)
from octograph.errors import StoreError

if TYPE_CHECKING:
    from octograph.graph.load import KnowledgeGraph

__all__ = ["PushReport", "push"]

Progress = Callable[[int, int, int, int], None]  # graphs done, graphs, triples done, triples


class PushReport(NamedTuple):
    """What a push wrote: graphs, quads (a triple in two graphs counts twice), union triples."""

    graphs: int
    quads: int
    union: int
    seconds: float


def _nt(triples: Iterable[ox.Triple]) -> str:
    return "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)


def _batches(
    graphs: Sequence[tuple[str, list[ox.Triple]]], size: int
) -> list[list[tuple[str, list[ox.Triple]]]]:
    """Graphs grouped, in name order, into batches of about *size* triples (a graph whole)."""
    out: list[list[tuple[str, list[ox.Triple]]]] = [[]]
    room = size
    for name, triples in graphs:
        if room < len(triples) and out[-1]:
            out.append([])
            room = size
        out[-1].append((name, triples))
        room -= max(len(triples), 1)
    return [b for b in out if b]


STAGE = "urn:octograph:stage"


def _replace_by_staging(remote: SparqlStore, part: list[tuple[str, list[ox.Triple]]]) -> None:
    keys: dict[tuple[str, str], int] = {}
    lines = []
    for name, triples in part:
        for t in triples:
            k = keys.setdefault((name, t.predicate.value), len(keys))
            lines.append(f"{t.subject} <{STAGE}:{k}> {t.object} .\n")
    for (name, predicate), k in keys.items():
        lines.append(
            f"<{STAGE}:{k}> <{STAGE}:graph> <{name}> ; <{STAGE}:predicate> <{predicate}> .\n"
        )
    # A graph of the batch with no triple still has to be emptied: name it without a predicate.
    for name, triples in part:
        if not triples:
            lines.append(f"<{STAGE}:empty> <{STAGE}:graph> <{name}> .\n")
    remote.graph_store("PUT", STAGE, "".join(lines).encode("utf-8"), "staging of a batch")
    remote.update(
        f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ "
        f"{{ SELECT DISTINCT ?g WHERE {{ GRAPH <{STAGE}> {{ ?k <{STAGE}:graph> ?g }} }} }} "
        "GRAPH ?g { ?s ?p ?o } } ;\n"
        f"INSERT {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{STAGE}> {{ "
        f"?k <{STAGE}:graph> ?g ; <{STAGE}:predicate> ?p . ?s ?k ?o }} }} ;\n"
        f"DROP SILENT GRAPH <{STAGE}>",
        f"update of {len(part)} graph(s)",
    )


def _replace_by_quads(remote: SparqlStore, part: list[tuple[str, list[ox.Triple]]]) -> None:
    remote.update(
        " ;\n".join(f"DROP SILENT GRAPH <{name}>" for name, _ in part),
        f"update of {len(part)} graph(s)",
    )
    body = "".join(
        f"{t.subject} {t.predicate} {t.object} <{name}> .\n"
        for name, triples in part
        for t in triples
    )
    remote.post_quads(body.encode("utf-8"))


def _write_graph(remote: SparqlStore, graph: str, triples: list[ox.Triple], size: int) -> None:
    """Replace *graph* on the server: Graph Store PUT of the first chunk, POST of the others."""
    chunks = [triples[i : i + size] for i in range(0, len(triples), size)] or [[]]
    for i, chunk in enumerate(chunks):
        remote.graph_store("PUT" if i == 0 else "POST", graph, _nt(chunk).encode("utf-8"))


def _changed(done: list[str], total: int) -> str:
    if not done:
        return "no graph was changed"
    span = f"<{done[0]}>" if len(done) == 1 else f"<{done[0]}> to <{done[-1]}>"
    return f"{len(done)} of {total} graphs were replaced ({span}, in name order)"


def push(
    kg: KnowledgeGraph,
    remote: SparqlStore,
    *,
    batch: int = 50_000,
    progress: Progress | None = None,
) -> PushReport:
    """Write *kg*'s graphs to *remote*, then the union and the manifest; verify the counts.

    Raises:
        StoreError: the server refused or failed; the message says which graphs were changed.
    """
    started = time.perf_counter()
    quads = kg.quads()
    graphs = list(iter_graphs(quads))
    own = sorted({q.triple for q in quads if isinstance(q.graph_name, ox.DefaultGraph)}, key=str)
    del quads
    union = list(kg.triples())
    total_triples = sum(len(t) for _, t in graphs)
    done: list[str] = []
    triples_done = 0
    writing = ""  # what was being written when a request failed
    try:
        # A harmless write first: a refused login or a read-only endpoint stops here, before
        # any graph is touched.
        remote.update(f"DROP SILENT GRAPH <{MANIFEST_GRAPH}/preflight>", "first update (a check)")
        replace = _replace_by_quads if remote.takes_quads() else _replace_by_staging
        for part in _batches(graphs, batch):
            writing = f"the batch <{part[0][0]}> to <{part[-1][0]}> may be partly written"
            replace(remote, part)
            done += [name for name, _ in part]
            triples_done += sum(len(t) for _, t in part)
            if progress is not None:
                progress(len(done), len(graphs), triples_done, total_triples)
        writing = "the union graph may be partly written"
        _write_graph(remote, DEFAULT_PART_GRAPH, own, batch)
        _write_graph(remote, UNION_GRAPH, union, batch)
        writing = "the manifest graph may be partly written"
        _write_graph(remote, MANIFEST_GRAPH, _manifest(graphs, len(own), len(union)), batch)
    except StoreError as e:
        after = f"; {writing}" if writing else ""
        if "manifest" not in writing:
            after += "; the manifest still describes the previous push"
        raise StoreError(
            f"push stopped: {e.message}; {_changed(done, len(graphs))}{after}",
            path=remote.location,
        ) from e
    _verify(remote, graphs, len(own), len(union))
    return PushReport(
        len(graphs), total_triples + len(own), len(union), time.perf_counter() - started
    )


def _manifest(
    graphs: Sequence[tuple[str, list[ox.Triple]]], own: int, union: int
) -> list[ox.Triple]:
    u = ox.NamedNode(UNION_GRAPH)
    subset, triples = ox.NamedNode(VOID + "subset"), ox.NamedNode(VOID + "triples")
    xsd_integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

    def count(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=xsd_integer)

    out = [
        ox.Triple(u, triples, count(union)),
        ox.Triple(u, ox.NamedNode(DCTERMS + "hasPart"), ox.NamedNode(DEFAULT_PART_GRAPH)),
        ox.Triple(ox.NamedNode(DEFAULT_PART_GRAPH), triples, count(own)),
    ]
    for name, g in graphs:
        out.append(ox.Triple(u, subset, ox.NamedNode(name)))
        out.append(ox.Triple(ox.NamedNode(name), triples, count(len(g))))
    return out


def _verify(
    remote: SparqlStore, graphs: Sequence[tuple[str, list[ox.Triple]]], own: int, union: int
) -> None:
    """Compare each graph's triple count on the server with what was pushed."""
    raw = remote.raw_query(
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{ {MEMBERS} }} "
        "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )
    assert isinstance(raw, ox.QuerySolutions)
    found = {
        s["g"].value: int(s["n"].value) for s in raw if s["g"] is not None and s["n"] is not None
    }
    expected = {name: len(t) for name, t in graphs}
    expected[UNION_GRAPH] = union
    expected[DEFAULT_PART_GRAPH] = own
    wrong = [
        f"<{g}> has {found.get(g, 0)} triples, {n} were pushed"
        for g, n in sorted(expected.items())
        if found.get(g, 0) != n
    ]
    if wrong:
        more = f" (and {len(wrong) - 3} more)" if len(wrong) > 3 else ""
        raise StoreError(
            f"push verification failed: {'; '.join(wrong[:3])}{more}", path=remote.location
        )
