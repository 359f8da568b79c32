"""Questions to the knowledge graph: parameters resolved, answers labelled and traced.

Everything here asks the graph's engine, so that it holds for every engine: embedded
Oxigraph, rdflib's reference engine, or a SPARQL server.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from octograph.errors import NotFoundError, QueryError
from octograph.graph.modality import modal_words
from octograph.namespaces import ID, ONTOLOGY_GRAPH, PREFIXES
from octograph.sparql.binding import term_from_text
from octograph.sparql.questions import get_question
from octograph.sparql.results import Results, Term

# Not typing.TYPE_CHECKING: importing typing costs ~5 ms of the CLI's start (mypy treats any
# name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from octograph.engines.base import Solution
    from octograph.formats import Format
    from octograph.graph.load import KnowledgeGraph

__all__ = [
    "add_labels",
    "add_why",
    "bind_named",
    "resolve_param",
    "run",
    "run_named",
    "select",
    "stats",
    "write_answer",
]

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREFLABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"


def select(kg: KnowledgeGraph, query: str) -> Iterable[Solution]:
    """The rows of octograph's own SELECT *query*, from *kg*'s engine."""
    return kg.engine.select(query)


def _label_index(kg: KnowledgeGraph) -> dict[str, list[tuple[str, str]]]:
    """Labels, case-folded, -> (IRI, label as written)."""
    index: dict[str, list[tuple[str, str]]] = {}
    q = (
        f"SELECT DISTINCT ?s ?l WHERE {{ {{ ?s <{RDFS_LABEL}> ?l }} "
        f"UNION {{ ?s <{SKOS_PREFLABEL}> ?l }} }}"
    )
    for sol in select(kg, q):
        s, lab = sol["s"], sol["l"]
        if isinstance(s, ox.NamedNode) and isinstance(lab, ox.Literal):
            index.setdefault(lab.value.casefold(), []).append((s.value, lab.value))
    return index


def resolve_param(kg: KnowledgeGraph, value: object) -> Term:
    """A parameter value as an RDF term: an ``<IRI>``, an IRI, a CURIE, a label, or a literal.

    Labels match case-insensitively (the spelling as given first). An unknown label raises
    NotFoundError naming close ones.
    """
    term = term_from_text(value)
    if term is not None:
        return term
    text = str(value).strip()
    # The store finds the label: listing every label in Python takes long on a big corpus (and
    # on a server, a download); the full list is for suggestions after a miss. The spelling as
    # given is looked up first, a lookup; other cases need a scan of every label (~90 ms at a
    # million triples), done when the exact spelling names no report entity.
    labelled = f"{{ ?s <{RDFS_LABEL}> ?l }} UNION {{ ?s <{SKOS_PREFLABEL}> ?l }}"
    spelled = f"{ox.Literal(text)} {ox.Literal(text, language='en')}"
    needle = str(ox.Literal(text.lower()))
    hits: list[tuple[str, str]] = []
    for lookup in (
        f"SELECT DISTINCT ?s ?l WHERE {{ VALUES ?l {{ {spelled} }} {labelled} }}",
        f"SELECT DISTINCT ?s ?l WHERE {{ {labelled} FILTER(LCASE(STR(?l)) = {needle}) }}",
    ):
        hits = [
            (sol["s"].value, sol["l"].value)
            for sol in select(kg, lookup)
            if isinstance(sol["s"], ox.NamedNode) and isinstance(sol["l"], ox.Literal)
        ]
        if any(iri.startswith(ID) for iri, _ in hits):
            break
    index = {} if hits else _label_index(kg)
    hits = hits or index.get(text.casefold(), [])
    if hits:
        # A report's entity before an ontology term of the same name ("capacity building").
        return ox.NamedNode(min(hits, key=lambda h: (not h[0].startswith(ID), h[0]))[0])
    import difflib

    # Suggestions are the report's entities, not the ontology's classes and properties: a
    # parameter names a thing (a threat, a body), never a kind of thing.
    entities = [k for k, found in index.items() if any(i.startswith(ID) for i, _ in found)]
    close = difflib.get_close_matches(text.casefold(), entities, n=3, cutoff=0.5)
    hint = f" (did you mean {', '.join(repr(index[c][0][1]) for c in close)}?)" if close else ""
    raise NotFoundError(f"no entity is labelled {text!r}{hint}")


def run(
    kg: KnowledgeGraph,
    text: str,
    params: Mapping[str, object] | None = None,
    *,
    limit: int | None = None,
    allow_federation: bool = False,
    lang: str = "en",
) -> Results:
    """Run SPARQL *text* on *kg*; *params* bind variables by name, resolved by resolve_param.

    *lang* is the language labels are shown in where the graph has one (English otherwise).
    Parameters are bound as RDF terms by the engine, never pasted into the text: Oxigraph,
    embedded or on a server, gets them as one VALUES row at the top of the WHERE group, which
    its planner sees; rdflib as its initial bindings.

    Raises:
        QueryError: the query does not parse (with line and column), uses SERVICE while
            federation is not allowed, or names a graph (FROM) that is not loaded.
    """
    _check_dataset(kg, text, allow_federation)
    bindings = {name: resolve_param(kg, value) for name, value in (params or {}).items()}
    results = kg.engine.query(text, bindings)
    if results.kind == "select" and _selects_all(text):
        _order_as_written(results, text)
    if limit is not None and len(results) > limit:
        # For CONSTRUCT and DESCRIBE too: --limit caps what is printed, whatever the form.
        if results.kind == "select":
            results.rows = results.rows[:limit]
        else:
            results.triples = sorted(results.triples, key=str)[:limit]
        results.truncated = True
    add_labels(kg, results, lang)
    return results


def _selects_all(text: str) -> bool:
    """Whether *text* is a ``SELECT *`` query (comments and strings masked first)."""
    if "*" not in text:
        return False
    from octograph.sparql.lexer import mask

    return re.search(r"(?i)\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?\*", mask(text)) is not None


def _order_as_written(results: Results, text: str) -> None:
    """``SELECT *`` columns in the order the variables first appear in the query.

    Engines list them in an order of their own (Oxigraph alphabetically); people expect
    ``?s ?p ?o`` to come back as s, p, o.
    """
    from octograph.sparql.lexer import mask

    seen: dict[str, int] = {}
    for m in re.finditer(r"[?$]([A-Za-z_][\w]*)", mask(text)):
        seen.setdefault(m[1], len(seen))
    order = sorted(
        range(len(results.variables)),
        key=lambda i: (seen.get(results.variables[i], len(seen)), i),
    )
    results.variables = [results.variables[i] for i in order]
    results.rows = [tuple(row[i] for i in order) for row in results.rows]


def _check_dataset(kg: KnowledgeGraph, text: str, allow_federation: bool) -> None:
    """Refuse SERVICE (unless allowed) and FROM a graph that is not loaded: nothing is fetched."""
    # The lexer only where the word is there at all: its pattern takes ~5 ms to compile, a
    # good part of a named question's answer from the command line.
    folded = text.casefold()
    if not allow_federation and "service" in folded:
        from octograph.sparql.lexer import inspect_query

        if inspect_query(text).service:
            raise QueryError(
                "SERVICE is disabled: octograph does not query other endpoints "
                "unless --allow-federation is given"
            )
    if "from" not in folded:
        return
    from octograph.sparql.lexer import mask

    masked = mask(text)
    for m in re.finditer(r"(?i)\bFROM\s+(?:NAMED\s+)?", text):
        if masked[m.start()] == " " or not text.startswith("<", m.end()):
            continue  # inside a string or comment, or FROM prefix:name (the parser checks it)
        iri = text[m.end() + 1 : text.find(">", m.end())]
        if not kg.engine.has_graph(iri):
            raise QueryError(
                f"FROM <{iri}> names a graph that is not loaded; octograph never fetches graphs"
            )


def add_labels(kg: KnowledgeGraph, results: Results, lang: str = "en") -> None:
    """Label every IRI of *results*: in *lang* where there is one, else English, else any."""
    if not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", lang):
        raise QueryError(f"{lang!r} is not a language tag (e.g. en, fr)")
    iris = {t.value for row in results.rows for t in row if isinstance(t, ox.NamedNode)}
    if not iris:
        return
    ordered = sorted(iris)
    chosen: dict[str, ox.Literal] = {}
    # In slices: a server compiles a VALUES block of many thousand IRIs slowly, or refuses it.
    for start in range(0, len(ordered), 1000):
        values = " ".join(f"<{i}>" for i in ordered[start : start + 1000])
        q = (
            f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s <{RDFS_LABEL}>|<{SKOS_PREFLABEL}> "
            f"?l }} ORDER BY ?s DESC(LANGMATCHES(LANG(?l), '{lang}')) "
            "DESC(LANGMATCHES(LANG(?l), 'en')) ?l"
        )
        for sol in select(kg, q):
            s, lab = sol["s"], sol["l"]
            known = isinstance(s, ox.NamedNode) and s.value in results.labels
            if isinstance(s, ox.NamedNode) and isinstance(lab, ox.Literal) and not known:
                results.labels[s.value] = lab.value
                chosen[s.value] = lab
    if lang.lower() != "en":
        _relabel_twins(results, chosen, lang)


def _relabel_twins(results: Results, chosen: Mapping[str, ox.Literal], lang: str) -> None:
    """The ``xLabel`` column of an IRI column ``x`` in *lang* too, where the graph has it.

    The questions bind their label columns in English; --lang asks for every label of the
    answer in another language, so a label column must not stay English beside its IRI.
    """
    names = results.variables
    twins = [(i, names.index(v + "Label")) for i, v in enumerate(names) if v + "Label" in names]
    if not twins:
        return
    wanted = lang.lower()
    rows = []
    for row in results.rows:
        cells = list(row)
        for i, j in twins:
            term = row[i]
            label = chosen.get(term.value) if isinstance(term, ox.NamedNode) else None
            if (
                label is not None
                and label.language
                and (
                    label.language.lower() == wanted
                    or label.language.lower().startswith(wanted + "-")
                )
            ):
                cells[j] = label
        rows.append(tuple(cells))
    results.rows = rows


def _query_iris(text: str) -> list[ox.NamedNode]:
    """The IRIs a query names, written in full or with a predeclared prefix."""
    found = [ox.NamedNode(iri) for iri in re.findall(r"<([^<>\s]+://[^<>\s]*)>", text)]
    for prefix, local in re.findall(r"(?<![\w<])([a-z][\w-]*):([\w-]+(?:[./][\w-]+)*)", text):
        if prefix in PREFIXES:
            found.append(ox.NamedNode(PREFIXES[prefix] + local))
    return found


def add_why(kg: KnowledgeGraph, results: Results, text: str = "") -> Results:
    """Add three columns to SELECT rows: the passages whose graphs state the row's triples.

    A passage counts for a row when its graph holds a triple whose subject and object are
    both values of that row, or IRIs the query *text* names: the statements the row's answer
    rests on. ``why_passages`` lists the passage numbers, ``why_quotes`` their exact text,
    ``why_modal_words`` the words of those quotes that hedge, demand or set a condition.
    """
    if results.kind != "select":
        return results
    constants: list[Term] = list(_query_iris(text))
    pairs: set[tuple[Term, Term]] = set()
    for row in results.rows:
        bound = [t for t in row if t is not None] + constants
        pairs.update((a, b) for a in bound for b in bound if a != b and isinstance(a, ox.NamedNode))
    stated: dict[tuple[str, str], set[tuple[int, str]]] = {}
    if pairs:
        values = " ".join(f"({a} {b})" for a, b in sorted(pairs, key=str))
        # A hedged or required relation rests on its passage too: as a qualified statement
        # (rdf:subject, rdf:object) or a requirement of a remedy of someone.
        q = f"""SELECT ?s ?o ?n ?quote WHERE {{
            VALUES (?s ?o) {{ {values} }}
            GRAPH ?g {{
                {{ ?s ?p ?o }} UNION {{ ?q rdf:subject ?s ; rdf:object ?o }}
                UNION {{ ?r octo:requires ?s ; octo:requiredOf ?o }}
            }}
            ?g a octo:Passage ; octo:passageNumber ?n ;
               oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?quote ] }}"""
        for sol in select(kg, q):
            key = (str(sol["s"]), str(sol["o"]))
            stated.setdefault(key, set()).add((int(sol["n"].value), sol["quote"].value))
    rows = []
    for row in results.rows:
        bound = [t for t in row if t is not None] + constants
        found = sorted({x for a in bound for b in bound for x in stated.get((str(a), str(b)), ())})
        rows.append(
            (
                *row,
                ox.Literal(" ".join(str(n) for n, _ in found)) if found else None,
                ox.Literal("\n".join(f"¶{n} {quote}" for n, quote in found)) if found else None,
                _modal_column(found),
            )
        )
    columns = [*results.variables, "why_passages", "why_quotes", "why_modal_words"]
    why = Results("select", columns, rows)
    why.labels, why.truncated = results.labels, results.truncated
    return why


def _modal_column(found: list[tuple[int, str]]) -> ox.Literal | None:
    """The modal words of each quote ("¶15 may"), so that a hedge shows beside its answer."""
    lines = []
    for n, quote in found:
        words = modal_words(quote)
        if words:
            lines.append(f"¶{n} " + ", ".join(f"{m.word} ({m.kind})" for m in words))
    return ox.Literal("\n".join(lines)) if lines else None


def run_named(
    kg: KnowledgeGraph, name: str, params: Mapping[str, object] | None = None, **options: Any
) -> Results:
    """Run named question *name*, filling unset parameters with their defaults."""
    sparql, values = bind_named(name, params)
    return run(kg, sparql, values, **options)


def bind_named(name: str, params: Mapping[str, object] | None) -> tuple[str, dict[str, object]]:
    """The SPARQL of named question *name* and its parameters, unset ones at their defaults.

    Raises:
        QueryError: no such question, a parameter it does not take, or one it needs unset.
    """
    question = get_question(name)
    known = {p.name for p in question.params}
    unknown = sorted(set(params or {}) - known)
    if unknown:
        raise QueryError(
            f"named question {name!r} takes no parameter {', '.join(unknown)}"
            + (f" (it takes {', '.join(sorted(known))})" if known else " (it takes none)")
        )
    values: dict[str, object] = {}
    for p in question.params:
        if params and p.name in params:
            values[p.name] = params[p.name]
        elif p.default is not None:
            values[p.name] = p.default
        else:
            raise QueryError(f"named question {name!r} needs --param {p.name}=...")
    return question.sparql, values


def write_answer(
    kg: KnowledgeGraph,
    text: str,
    params: Mapping[str, object] | None,
    fmt: Format,
    *,
    allow_federation: bool = False,
) -> tuple[bytes, bool | None] | None:
    """The answer to *text* in the results format *fmt*, written by the engine's own writer
    (pyoxigraph's serialisers on Oxigraph), with the ASK answer if it is one; None where the
    engine has no writer of its own for it (then ``run`` and octograph's writers answer)."""
    _check_dataset(kg, text, allow_federation)
    bindings = {name: resolve_param(kg, value) for name, value in (params or {}).items()}
    return kg.engine.write(text, bindings, fmt)


def stats(kg: KnowledgeGraph) -> dict[str, Any]:
    """Counts of the loaded graph: quads, distinct triples, graphs, passages, entities per class."""
    distinct = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
    triples = next(iter(select(kg, distinct)))["n"]
    per_class: Counter[str] = Counter()
    q = f"""
        SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{
            ?s a ?c .
            GRAPH <{ONTOLOGY_GRAPH}> {{ ?c a <http://www.w3.org/2002/07/owl#Class> }}
            FILTER(STRSTARTS(STR(?c), "{PREFIXES["octo"]}"))
        }} GROUP BY ?c ORDER BY ?c"""
    for sol in select(kg, q):
        per_class[sol["c"].value.removeprefix(PREFIXES["octo"])] = int(sol["n"].value)
    return {
        "quads": len(kg),
        "triples": int(triples.value) if isinstance(triples, ox.Literal) else 0,
        "graphs": len(kg.graph_names()),
        "passages": per_class.get("Passage", 0),
        "key_messages": per_class.get("KeyMessage", 0),
        "classes": dict(sorted(per_class.items())),
    }
