"""The bodies of the commands other than query and push: plain functions of plain arguments.

Each prints what a person (or, with ``fmt="json"``, a program) reads, and returns the exit
status; the library raises, and the command line's main() turns errors into one line.
"""

from __future__ import annotations

import sys
from pathlib import Path

from octograph.cli.output import print_json, write

# typing.TYPE_CHECKING without importing typing (mypy treats any name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from octograph.graph.load import KnowledgeGraph

__all__ = [
    "diff",
    "docs",
    "draft",
    "export",
    "path",
    "rank",
    "search",
    "stats",
    "synth",
    "taxonomy_import",
    "validate",
    "view",
]

EXIT_OK, EXIT_FAILED = 0, 1


def stats(kg: KnowledgeGraph, fmt: str = "text") -> int:
    """Print the counts of *kg*: quads, triples, graphs, passages, entities per class."""
    counts = kg.stats()
    if fmt == "json":
        print_json(counts)
        return EXIT_OK
    for key in ("quads", "triples", "graphs", "passages", "key_messages"):
        print(f"{key.replace('_', ' '):<14} {counts[key]}")
    print("entities per class:")
    for cls, n in counts["classes"].items():
        print(f"  {cls:<20} {n}")
    return EXIT_OK


def validate(kg: KnowledgeGraph) -> int:
    """Print the validation report of *kg*; exit status 1 if it is not valid."""
    report = kg.validate()
    print(report.text())
    return EXIT_OK if report.ok else EXIT_FAILED


def export(
    kg: KnowledgeGraph, fmt: str, output: str | None, selection: dict[str, Any] | None = None
) -> int:
    """Write *kg* in the RDF format *fmt*, or its networkx graph (*selection*) as graph data."""
    from octograph import formats

    found = formats.find(fmt, "rdf", "tools")
    if found.kind == "tools":
        from octograph.view.network import GRAPH_FORMATS

        write(output, GRAPH_FORMATS[found.name](kg.to_networkx(**(selection or {}))))
        return EXIT_OK
    from octograph.graph.export import serialize

    write(output, serialize(kg, found.name))
    return EXIT_OK


def view(
    kg: KnowledgeGraph,
    selection: dict[str, Any],
    output: str | None,
    *,
    open_page: bool = False,
    layout: str = "network",
) -> int:
    """Write the HTML view of the *selection* of *kg*, print its path, maybe open it.

    *layout* ``"map"`` opens on the message map; a graph without key messages has none, and
    that is said rather than drawn as an empty map.
    """
    from octograph.errors import NotFoundError
    from octograph.view.page import build_view, page_title

    graph = kg.to_networkx(**selection)
    if graph.number_of_nodes() == 0:
        chosen = {"types": ",".join(selection.get("categories") or []) or None}
        chosen |= {k: selection.get(k) for k in ("focus", "message")}
        what = [f"{k}={v}" for k, v in chosen.items() if v is not None]
        raise NotFoundError(f"the selection {' '.join(what)} is empty: no node to draw")
    page = Path(output or "octograph-view.html")
    title = page_title(graph, kg.files, selection.get("focus"))
    if layout == "map" and not any(c == "KeyMessage" for _, c in graph.nodes(data="category")):
        raise NotFoundError("--layout map: the selection has no key message to lay out")
    build_view(graph, title=title, mode=layout).write(page)
    print(page)
    if open_page:
        import webbrowser

        webbrowser.open(page.resolve().as_uri())
    return EXIT_OK


def rank(kg: KnowledgeGraph, categories: Sequence[str], top: int, fmt: str = "text") -> int:
    """Print the *top* most central entities of each category."""
    from octograph.view.network import rank as ranked

    graph = kg.to_networkx(messages=False)
    _check_categories(categories, {d["category"] for _, d in graph.nodes(data=True)})
    table = ranked(graph, list(categories), top=top)
    if fmt == "json":
        print_json(table)
        return EXIT_OK
    for i, (category, rows) in enumerate(table.items()):
        print(("\n" if i else "") + f"{category}:")
        print("  relations  betweenness  entity")
        for row in rows:
            print(f"  {row['degree']:>9}  {row['betweenness']:>11.3f}  {row['label']}")
    return EXIT_OK


def _check_categories(asked: Sequence[str], known: set[str]) -> None:
    """Refuse a category the graph has no entity of, naming the closest."""
    import difflib

    from octograph.errors import NotFoundError

    for category in asked:
        if category not in known:
            close = difflib.get_close_matches(category, sorted(known), n=1, cutoff=0.5)
            hint = (
                f"did you mean {close[0]}?" if close else f"choose from {', '.join(sorted(known))}"
            )
            raise NotFoundError(f"--types: no entity of category {category!r}; {hint}")


def path(kg: KnowledgeGraph, source: str, target: str, fmt: str = "text") -> int:
    """Print the shortest chain of relations from *source* to *target*, with the quotes."""
    from octograph.view.network import shortest_path

    # Key messages would be shortcuts between any two things one message names: leave them out.
    graph = kg.to_networkx(messages=False)
    steps = shortest_path(graph, _node(kg, graph, source), _node(kg, graph, target))
    if fmt == "json":
        print_json(steps)
        return EXIT_OK
    for i, step in enumerate(steps, 1):
        print(f"{i}. {step['subject_label']} —{step['label']}→ {step['object_label']}")
        for p in step["passages"]:
            print(f"     ¶{p['number']} “{p['quote']}”")
    return EXIT_OK


def _node(kg: KnowledgeGraph, graph: object, name: str) -> str:
    from octograph.errors import NotFoundError
    from octograph.graph.querying import resolve_param

    term = resolve_param(kg, name)
    if term.value not in graph:  # type: ignore[operator]
        raise NotFoundError(f"{name!r} is not an entity of the graph")
    return term.value


def search(kg: KnowledgeGraph, text: str, limit: int, fmt: str = "text") -> int:
    """Print the passages that match *text*, best first; exit status 1 if none does."""
    from octograph.search import MARK_END, MARK_START, PassageIndex

    hits = PassageIndex.for_graph(kg).search(text, limit=limit)
    if fmt == "json":
        print_json([h.as_dict() for h in hits])
        return EXIT_OK
    bold, plain = ("\x1b[1m", "\x1b[0m") if sys.stdout.isatty() else ("[", "]")
    for hit in hits:
        where = f"message {hit.message}, " if hit.message else ""
        print(f"¶{hit.number} ({where}{hit.report.rsplit('/', 1)[-1]})  {hit.passage}")
        print("   " + hit.snippet.replace(MARK_START, bold).replace(MARK_END, plain))
        if hit.entities:
            print("   states: " + "; ".join(label for _, label in hit.entities))
    print(f"{len(hits)} passage{'s' if len(hits) != 1 else ''}")
    return EXIT_OK if hits else EXIT_FAILED


def diff(kg: KnowledgeGraph, a: str, b: str, fmt: str = "text") -> int:
    """Print what differs between reports *a* and *b*."""
    from octograph.diff import diff_reports

    difference = diff_reports(kg, a, b)
    if fmt == "json":
        print_json(difference.as_dict())
    else:
        print(difference.text(), end="")
    return EXIT_OK


def draft(
    kg: KnowledgeGraph, report: str, report_id: str, output: str | None, *, force: bool = False
) -> int:
    """Draft the data folder of the report whose plain text is in the file *report*."""
    from octograph.authoring.draft import make_draft, read_text, write_draft
    from octograph.errors import OutputError
    from octograph.namespaces import ID

    text = read_text(Path(report))
    if not force and kg.query(f"ASK {{ <{ID}{report_id}> a octo:Report }}").boolean:
        raise OutputError(f"a report with id {report_id!r} exists already (use --force)")
    drafted = make_draft(text, report_id, kg)
    target = Path(output or report_id)
    write_draft(drafted, target, force=force)
    found = sum(len(m) for m in drafted.mentions.values())
    print(
        f"{target}: {len(drafted.passages)} passages, {len(set(drafted.messages.values()))} key "
        f"messages, {found} mentions of known entities; next: octograph --data {target} validate"
    )
    return EXIT_OK


def docs(kg: KnowledgeGraph, output: str) -> int:
    """Write the ontology's HTML documentation into the folder *output*."""
    from octograph.docs import write_docs

    for written in write_docs(kg, output):
        print(f"wrote {written}", file=sys.stderr)
    return EXIT_OK


def synth(output: str, reports: int, seed: int) -> int:
    """Write a synthetic corpus of *reports* reports into the folder *output*."""
    from octograph.authoring.synth import synthesize

    summary = synthesize(output, reports=reports, seed=seed)
    print(
        f"wrote {output}: {summary['reports']} reports, {summary['passages']} passages, "
        f"{summary['shared_entities']} shared entities",
        file=sys.stderr,
    )
    return EXIT_OK


def taxonomy_import(file: str, output: str | None) -> int:
    """Convert the MISP taxonomy *file* to SKOS (TriG), into *output* or standard output."""
    from octograph.authoring.taxonomy import convert

    write(output, convert(file))
    return EXIT_OK
