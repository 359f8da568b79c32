"""`octograph push` and `load`: the data into a SPARQL server or a persistent store, verified."""

from __future__ import annotations

import sys
from pathlib import Path

from octograph.cli.output import Progress
from octograph.errors import OctographError

# typing.TYPE_CHECKING without importing typing (mypy treats any name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from octograph.engines.http import RemoteOptions
    from octograph.engines.spec import StoreSpec
    from octograph.push import PushReport

__all__ = ["push_data"]


def push_data(
    store: str,
    data: Sequence[str],
    remote_options: RemoteOptions,
    *,
    batch: int = 50_000,
    force: bool = False,
) -> int:
    """Load *data* (or the bundled report) into *store* and print the verified counts.

    *store* is ``sparql:URL`` (sent in batches of *batch* triples, with *remote_options*)
    or ``oxigraph:PATH`` (rebuilt when the data changed, or when *force*).
    """
    from octograph.engines.spec import parse_spec

    spec = parse_spec(store)
    if spec.kind == "sparql":
        report = _to_server(spec.url or "", data, remote_options, batch)
    elif spec.path is not None:
        report = _to_folder(spec, data, force)
    else:
        raise OctographError(
            f"{spec}: push and load take --store sparql:URL or --store oxigraph:PATH"
        )
    print(
        f"{spec}: {report.graphs} graphs, {report.quads} quads, {report.union} triples in the "
        f"union, verified ({report.seconds:.1f} s)"
    )
    return 0


def _to_server(
    url: str, data: Sequence[str], remote_options: RemoteOptions, batch: int
) -> PushReport:
    from octograph.engines.http import SparqlStore
    from octograph.graph.load import load
    from octograph.push import push

    remote = SparqlStore(url, remote_options)
    kg = load(list(data) or None)
    report = push(kg, remote, batch=batch, progress=Progress("push"))
    remote.close()
    return report


def _to_folder(spec: StoreSpec, data: Sequence[str], force: bool) -> PushReport:
    import time

    from octograph.engines.embedded import OxigraphEngine
    from octograph.engines.ondisk import open_persistent
    from octograph.graph.load import KnowledgeGraph, bundled_data, bundled_ontology, data_files
    from octograph.graph.querying import select
    from octograph.push import PushReport

    started = time.perf_counter()
    files = data_files([Path(p) for p in data] if data else [bundled_data()])

    def progress(done: int, total: int) -> None:
        if total >= 200 and done % max(total // 10, 1) == 0:
            print(f"load: {done}/{total} files", file=sys.stderr, flush=True)

    assert spec.path is not None  # push_data() sends only oxigraph:PATH here
    store, own, _ = open_persistent(
        spec.path, files, bundled_ontology(), rebuild=force, progress=progress
    )
    kg = KnowledgeGraph(OxigraphEngine(store, own, location=str(spec)), files=files)
    union = next(iter(select(kg, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))["n"]
    return PushReport(
        len(kg.graph_names()),
        len(kg),
        int(union.value) if union is not None else 0,
        time.perf_counter() - started,
    )
