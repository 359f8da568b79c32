"""SPARQL text or a named question -> results, on the embedded Oxigraph or rdflib's engine."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox

from octograph.errors import NotFoundError, QueryError
from octograph.namespaces import ID, ONTOLOGY_GRAPH, PREFIXES

# Not typing.TYPE_CHECKING: importing typing costs ~5 ms of the CLI's start (mypy treats any
# name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from octograph.graph.load import KnowledgeGraph

__all__ = [
    "NamedQuestion",
    "Param",
    "Results",
    "Term",
    "named_questions",
    "python_value",
    "resolve_param",
    "run",
    "run_named",
    "stats",
]

Term = ox.NamedNode | ox.BlankNode | ox.Literal
XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREFLABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"


# ---------------------------------------------------------------- results


def python_value(term: Term | None) -> object:
    """The Python value of an RDF term: int, Decimal, float, bool, date, or str.

    >>> python_value(ox.Literal("64", datatype=ox.NamedNode(XSD + "integer")))
    64
    >>> python_value(ox.NamedNode("https://w3id.org/octograph/id/france"))
    'https://w3id.org/octograph/id/france'
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    kind = term.datatype.value.removeprefix(XSD)
    try:
        if kind in {
            "integer",
            "int",
            "long",
            "short",
            "byte",
            "positiveInteger",
            "nonNegativeInteger",
            "negativeInteger",
            "nonPositiveInteger",
            "unsignedInt",
            "unsignedLong",
            "unsignedShort",
            "unsignedByte",
        }:
            return int(term.value)
        if kind == "decimal":
            from decimal import Decimal  # imported when needed: ~4 ms at start-up otherwise

            return Decimal(term.value)
        if kind in {"double", "float"}:
            return float(term.value)
        if kind == "boolean":
            return term.value in {"true", "1"}
        if kind == "date":
            import datetime

            return datetime.date.fromisoformat(term.value)
    except ValueError:
        pass  # an ill-typed literal keeps its lexical form
    return term.value


class Results:
    """What a query returns: rows of terms (SELECT), a boolean (ASK) or triples.

    ``rows`` hold RDF terms; ``to_dicts()`` gives Python values, ``label(term)`` a term's label.
    """

    # Plain classes rather than dataclasses on the query path: see KnowledgeGraph.
    def __init__(
        self,
        kind: str,  # "select", "ask" or "graph"
        variables: list[str] | None = None,
        rows: list[tuple[Term | None, ...]] | None = None,
        boolean: bool | None = None,
        triples: list[ox.Triple] | None = None,
    ) -> None:
        self.kind = kind
        self.variables = variables or []
        self.rows = rows or []
        self.boolean = boolean
        self.triples = triples or []
        self.labels: dict[str, str] = {}
        self.truncated = False

    def __repr__(self) -> str:
        return (
            f"<Results {self.kind}: {len(self)} {'rows' if self.kind == 'select' else 'triples'}>"
        )

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples)

    def __iter__(self) -> Iterator[dict[str, object]]:
        return iter(self.to_dicts())

    def label(self, term: Term | None) -> str:
        """The label of *term* where the graph has one, else its value."""
        if term is None:
            return ""
        if isinstance(term, ox.NamedNode):
            return self.labels.get(term.value, term.value)
        return str(python_value(term))

    def to_dicts(self) -> list[dict[str, object]]:
        """The rows as dicts of Python values (unbound variables are None)."""
        return [
            {v: python_value(t) for v, t in zip(self.variables, row, strict=True)}
            for row in self.rows
        ]

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (pandas is optional: install it to use this)."""
        try:
            import pandas as pd
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise NotFoundError("pandas is not installed (pip install pandas)") from e
        return pd.DataFrame(self.to_dicts(), columns=self.variables)


# ---------------------------------------------------------------- errors


_ERROR_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


def _query_error(e: SyntaxError, text: str) -> QueryError:
    match = _ERROR_AT.match(e.msg)
    if not match:
        return QueryError(e.msg)
    line, column, what = int(match[1]), int(match[2]), match[3]
    undeclared = _undeclared_prefix(text)
    if undeclared is not None:
        name, line, column = undeclared
        return QueryError(
            f'unknown prefix "{name}:" (declare it with PREFIX {name}: <...>)',
            path="query",
            line=line,
            column=column,
        )
    what = what.split("\n")[0]
    if len(what) > 120:
        what = what[:117].rsplit(",", 1)[0] + ", ..."
    return QueryError(what, path="query", line=line, column=column)


# ---------------------------------------------------------------- parameters


def solutions(store: ox.Store, query: str) -> ox.QuerySolutions:
    """The solutions of a SELECT *query* over the union of *store*'s graphs."""
    result = store.query(query, prefixes=PREFIXES)
    assert isinstance(result, ox.QuerySolutions), "a SELECT query was expected"
    return result


def _select(kg: KnowledgeGraph, query: str) -> Iterable[ox.QuerySolution]:
    """The solutions of SELECT *query* on *kg*'s store, or on its server if it has one."""
    return kg.remote.select(query) if kg.remote is not None else solutions(kg.store, query)


def _label_index(kg: KnowledgeGraph) -> dict[str, list[tuple[str, str]]]:
    """Labels, case-folded, -> (IRI, label as written)."""
    index: dict[str, list[tuple[str, str]]] = {}
    q = (
        f"SELECT DISTINCT ?s ?l WHERE {{ {{ ?s <{RDFS_LABEL}> ?l }} "
        f"UNION {{ ?s <{SKOS_PREFLABEL}> ?l }} }}"
    )
    for sol in _select(kg, q):
        s, lab = sol["s"], sol["l"]
        if isinstance(s, ox.NamedNode) and isinstance(lab, ox.Literal):
            index.setdefault(lab.value.casefold(), []).append((s.value, lab.value))
    return index


def _named_node(iri: str, given: str) -> ox.NamedNode:
    """*iri* as a term; a parameter *given* as an IRI that is not one is a QueryError."""
    try:
        return ox.NamedNode(iri)
    except ValueError:
        # Oxigraph's message quotes the offending character raw (a newline, a return).
        raise QueryError(f"parameter {given!r} is not a valid IRI") from None


def resolve_param(kg: KnowledgeGraph, value: object) -> Term:
    """A parameter value as an RDF term: an ``<IRI>``, an IRI, a CURIE, a label, or a literal.

    Labels match case-insensitively (the spelling as given first). An unknown label raises
    NotFoundError naming close ones.
    """
    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        return value
    if isinstance(value, bool):
        return ox.Literal(str(value).lower(), datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    text = str(value).strip()
    if text.startswith("<") and text.endswith(">"):
        return _named_node(text[1:-1], text)
    if re.match(r"https?://\S+$", text):
        return _named_node(text, text)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and " " not in text:
        return _named_node(PREFIXES[prefix] + local, text)
    # The store finds the label: listing every label in Python takes long on a big corpus (and
    # on a server, a download); the full list is for suggestions after a miss. The spelling as
    # given is looked up first, a lookup; other cases need a scan of every label (~90 ms at a
    # million triples), done when the exact spelling names no report entity.
    labelled = f"{{ ?s <{RDFS_LABEL}> ?l }} UNION {{ ?s <{SKOS_PREFLABEL}> ?l }}"
    spelled = f"{ox.Literal(text)} {ox.Literal(text, language='en')}"
    needle = str(ox.Literal(text.lower()))
    hits: list[tuple[str, str]] = []
    for select in (
        f"SELECT DISTINCT ?s ?l WHERE {{ VALUES ?l {{ {spelled} }} {labelled} }}",
        f"SELECT DISTINCT ?s ?l WHERE {{ {labelled} FILTER(LCASE(STR(?l)) = {needle}) }}",
    ):
        hits = [
            (sol["s"].value, sol["l"].value)
            for sol in _select(kg, select)
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

    close = difflib.get_close_matches(text.casefold(), list(index), n=3, cutoff=0.5)
    hint = f" (did you mean {', '.join(repr(index[c][0][1]) for c in close)}?)" if close else ""
    raise NotFoundError(f"no entity is labelled {text!r}{hint}")


# ---------------------------------------------------------------- running


def _mask(text: str) -> str:
    """*text* with strings, IRIs and comments blanked out, keeping every position."""
    from octograph.sparql.lexer import mask

    return mask(text)


def values_block(bindings: Mapping[str, Term]) -> str:
    """One VALUES row binding every parameter ("" for none).

    One block, not one per variable: Oxigraph starts its plan from a VALUES block and knows
    the variables of that block bound, so with two blocks it would plan the second variable as
    unknown (``path`` between two well-linked entities: 45 s instead of 30 ms). The terms are
    written by pyoxigraph's own serialiser, so a value can never change the shape of the query.

    >>> values_block({"a": ox.NamedNode("http://x/a"), "n": ox.Literal("1")})
    'VALUES (?a ?n) { (<http://x/a> "1") }'
    """
    if not bindings:
        return ""
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


def _with_values(text: str, bindings: Mapping[str, Term]) -> str | None:
    """*text* with its parameters in one VALUES row at the top of its WHERE group.

    None where the query has no WHERE group (``DESCRIBE ?x``): there is nowhere to put it.
    """
    from octograph.sparql.lexer import where_group

    group = where_group(text)
    if group is None:
        return None
    return f"{text[: group[0] + 1]} {values_block(bindings)} {text[group[0] + 1 :]}"


def _query_embedded(
    kg: KnowledgeGraph, text: str, bindings: Mapping[str, Term]
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """*text* on the embedded store, its parameters as one VALUES row (see ``run``)."""
    given = _with_values(text, bindings) if bindings else text
    if given is not None:
        try:
            return kg.store.query(given, prefixes=PREFIXES)
        except SyntaxError:
            if given is text:
                raise
    # No WHERE group (DESCRIBE ?x), or a query the row does not fit (a BIND to a parameter):
    # Oxigraph's own substitution, whose errors point into *text*.
    return kg.store.query(
        text, prefixes=PREFIXES, substitutions={ox.Variable(k): v for k, v in bindings.items()}
    )


def _undeclared_prefix(text: str) -> tuple[str, int, int] | None:
    """The first prefixed name whose prefix is neither predeclared nor declared in *text*."""
    masked = _mask(text)
    declared = set(PREFIXES) | set(re.findall(r"(?i)\bPREFIX\s+([\w.-]*):", masked))
    for m in re.finditer(r"(?<![\w?$:])([A-Za-z][\w.-]*)?:(?=[\w(<]|\s)", masked):
        name = m.group(1) or ""
        if re.match(r"(?i)PREFIX\s*$", masked[max(0, m.start() - 8) : m.start()].strip() + " "):
            continue
        if name not in declared:
            line = masked.count("\n", 0, m.start()) + 1
            column = m.start() - (masked.rfind("\n", 0, m.start()) + 1) + 1
            return name, line, column
    return None


def run(
    kg: KnowledgeGraph,
    text: str,
    params: Mapping[str, object] | None = None,
    *,
    limit: int | None = None,
    allow_federation: bool = False,
    engine: str | None = None,
    lang: str = "en",
) -> Results:
    """Run SPARQL *text* on *kg*; *params* bind variables by name, resolved by resolve_param.

    *engine* overrides ``kg.engine`` for this query ("oxigraph" or "rdflib"); *lang* is the
    language labels are shown in where the graph has one (English otherwise).

    Parameters reach Oxigraph, embedded or on a server, as one VALUES row at the top of the
    WHERE group, which its planner sees: its own substitutions are fed in after the plan is
    made (spareval's initial bindings), so a question planned for every threat at once would
    be answered for one by the same plan. rdflib gets them as its initial bindings.

    Raises:
        QueryError: the query does not parse (with line and column), or uses SERVICE while
            federation is not allowed.
    """
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
    masked = _mask(text) if "from" in folded else text
    for m in re.finditer(r"(?i)\bFROM\s+(?:NAMED\s+)?", text):
        if masked[m.start()] == " " or not text.startswith("<", m.end()):
            continue  # inside a string or comment, or FROM prefix:name (the parser checks it)
        iri = text[m.end() + 1 : text.find(">", m.end())]
        try:
            known = kg.store.contains_named_graph(ox.NamedNode(iri))
        except ValueError:
            known = False
        if not known:
            raise QueryError(
                f"FROM <{iri}> names a graph that is not loaded; octograph never fetches graphs"
            )
    bindings = {name: resolve_param(kg, value) for name, value in (params or {}).items()}
    if (engine or kg.engine) == "rdflib":
        from octograph.engines.reference import run_rdflib

        results = run_rdflib(kg, text, bindings)
    elif kg.remote is not None:
        from octograph.engines.store import run_remote, to_results

        results = to_results(run_remote(kg.remote, text, bindings))
    else:
        try:
            raw = _query_embedded(kg, text, bindings)
        except SyntaxError as e:
            raise _query_error(e, text) from e
        except (RuntimeError, OSError) as e:
            raise QueryError(str(e)) from e
        try:
            # Oxigraph evaluates lazily: errors (a failing SERVICE) surface while iterating.
            results = _collect(raw)
        except OSError as e:
            raise QueryError(" ".join(str(e).split())[:300]) from e
    if limit is not None and results.kind == "select" and len(results.rows) > limit:
        results.rows = results.rows[:limit]
        results.truncated = True
    _add_labels(kg, results, lang)
    return results


def _collect(raw: Any) -> Results:
    if isinstance(raw, ox.QueryBoolean):
        return Results(kind="ask", boolean=bool(raw))
    if isinstance(raw, ox.QuerySolutions):
        variables = [v.value for v in raw.variables]
        rows = [tuple(sol) for sol in raw]  # a solution iterates its values in variable order
        return Results(kind="select", variables=variables, rows=rows)
    return Results(kind="graph", triples=list(raw))


def _add_labels(kg: KnowledgeGraph, results: Results, lang: str = "en") -> None:
    """Label every IRI of *results*: in *lang* where there is one, else English, else any."""
    if not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", lang):
        raise QueryError(f"{lang!r} is not a language tag (e.g. en, fr)")
    iris = {t.value for row in results.rows for t in row if isinstance(t, ox.NamedNode)}
    if not iris:
        return
    ordered = sorted(iris)
    # In slices: a server compiles a VALUES block of many thousand IRIs slowly, or refuses it.
    for start in range(0, len(ordered), 1000):
        values = " ".join(f"<{i}>" for i in ordered[start : start + 1000])
        q = (
            f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s <{RDFS_LABEL}>|<{SKOS_PREFLABEL}> "
            f"?l }} ORDER BY ?s DESC(LANGMATCHES(LANG(?l), '{lang}')) "
            "DESC(LANGMATCHES(LANG(?l), 'en')) ?l"
        )
        for sol in _select(kg, q):
            s, lab = sol["s"], sol["l"]
            if isinstance(s, ox.NamedNode) and isinstance(lab, ox.Literal):
                results.labels.setdefault(s.value, lab.value)


def _query_iris(text: str) -> list[ox.NamedNode]:
    """The IRIs a query names, written in full or with a predeclared prefix."""
    found = [ox.NamedNode(iri) for iri in re.findall(r"<([^<>\s]+://[^<>\s]*)>", text)]
    for prefix, local in re.findall(r"(?<![\w<])([a-z][\w-]*):([\w-]+(?:[./][\w-]+)*)", text):
        if prefix in PREFIXES:
            found.append(ox.NamedNode(PREFIXES[prefix] + local))
    return found


def add_why(kg: KnowledgeGraph, results: Results, text: str = "") -> Results:
    """Add two columns to SELECT rows: the passages whose graphs state the row's triples.

    A passage counts for a row when its graph holds a triple whose subject and object are
    both values of that row, or IRIs the query *text* names: the statements the row's answer
    rests on. ``why_passages`` lists the passage numbers, ``why_quotes`` their exact text.
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
        q = f"""SELECT ?s ?o ?n ?quote WHERE {{
            VALUES (?s ?o) {{ {values} }}
            GRAPH ?g {{ ?s ?p ?o }}
            ?g a octo:Passage ; octo:passageNumber ?n ;
               oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?quote ] }}"""
        for sol in _select(kg, q):
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
            )
        )
    why = Results("select", [*results.variables, "why_passages", "why_quotes"], rows)
    why.labels, why.truncated = results.labels, results.truncated
    return why


# ---------------------------------------------------------------- named questions


class Param:
    """A parameter of a named question, with its default value (a label, IRI or literal)."""

    __slots__ = ("default", "description", "name")

    def __init__(self, name: str, default: str | None, description: str) -> None:
        self.name, self.default, self.description = name, default, description

    def __repr__(self) -> str:
        return f"Param({self.name!r}, default={self.default!r})"


class NamedQuestion:
    """A SPARQL file of octograph/sparql/queries with its header: title, description, parameters."""

    __slots__ = ("description", "name", "params", "path", "sparql", "title")

    def __init__(
        self,
        name: str,
        title: str,
        description: str,
        params: tuple[Param, ...],
        sparql: str,
        path: Path,
    ) -> None:
        self.name, self.title, self.description = name, title, description
        self.params, self.sparql, self.path = params, sparql, path

    def __repr__(self) -> str:
        return f"<NamedQuestion {self.name}: {self.title}>"


_PARAM = re.compile(r'(\w+)(?:\s*=\s*"([^"]*)")?\s*(?:[-\u2014:]\s*)?(.*)')


def _parse_question(path: Path) -> NamedQuestion:
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line.lstrip("# ").partition(":")
        if sep:
            fields.setdefault(key.strip().lower(), []).append(value.strip())
    params = []
    for spec in fields.get("param", []):
        m = _PARAM.match(spec)
        if m:
            params.append(Param(m[1], m[2], m[3].strip()))
    return NamedQuestion(
        name=path.stem,
        title=" ".join(fields.get("title", [path.stem])),
        description=" ".join(fields.get("description", [])),
        params=tuple(params),
        sparql=text,
        path=path,
    )


def looks_like_name(text: str) -> bool:
    """Whether *text* is a named question's name rather than SPARQL.

    >>> looks_like_name("threats-by-message"), looks_like_name("ASK { ?s ?p ?o }")
    (True, False)
    """
    return re.fullmatch(r"[a-z0-9][a-z0-9-]*", text) is not None


def queries_dir() -> Path:
    """The folder of the named questions that ship with octograph."""
    return Path(__file__).resolve().parent / "queries"


def named_questions() -> dict[str, NamedQuestion]:
    """Every named question, by name, in name order."""
    return {p.stem: _parse_question(p) for p in sorted(queries_dir().glob("*.rq"))}


def get_question(name: str) -> NamedQuestion:
    """The named question *name*; an unknown name suggests the closest names."""
    path = queries_dir() / f"{name}.rq"
    if "/" not in name and path.is_file():
        return _parse_question(path)
    import difflib

    names = [p.stem for p in queries_dir().glob("*.rq")]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.4)
    hint = f"; did you mean {', '.join(close)}?" if close else "; see octograph query --list"
    raise QueryError(f"no named question {name!r}{hint}")


def run_named(
    kg: KnowledgeGraph, name: str, params: Mapping[str, object] | None = None, **options: Any
) -> Results:
    """Run named question *name*, filling unset parameters with their defaults."""
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
    return run(kg, question.sparql, values, **options)


# ---------------------------------------------------------------- stats


def stats(kg: KnowledgeGraph) -> dict[str, Any]:
    """Counts of the loaded graph: quads, distinct triples, graphs, passages, entities per class."""
    store = kg.store
    triples = next(
        iter(solutions(store, "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"))
    )["n"]
    per_class: Counter[str] = Counter()
    q = f"""
        SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{
            ?s a ?c .
            GRAPH <{ONTOLOGY_GRAPH}> {{ ?c a <http://www.w3.org/2002/07/owl#Class> }}
            FILTER(STRSTARTS(STR(?c), "{PREFIXES["octo"]}"))
        }} GROUP BY ?c ORDER BY ?c"""
    for sol in solutions(store, q):
        per_class[sol["c"].value.removeprefix(PREFIXES["octo"])] = int(sol["n"].value)
    return {
        "quads": len(kg),
        "triples": int(triples.value) if isinstance(triples, ox.Literal) else 0,
        "graphs": len(kg.graph_names()),
        "passages": per_class.get("Passage", 0),
        "key_messages": per_class.get("KeyMessage", 0),
        "classes": dict(sorted(per_class.items())),
    }
