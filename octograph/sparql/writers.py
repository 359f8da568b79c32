"""SELECT and ASK results -> text: an aligned table, CSV, TSV, SPARQL JSON and SPARQL XML."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox

from octograph.errors import NotFoundError
from octograph.sparql.results import Results, Term

__all__ = ["RESULT_FORMATS", "render"]

RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml")
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
SEP = (",", ":")
# Turtle's short forms of numbers and booleans, which SPARQL TSV writes bare (as pyoxigraph).
_BARE = {
    XSD + "integer": r"[+-]?[0-9]+",
    XSD + "decimal": r"[+-]?[0-9]*\.[0-9]+",
    XSD + "double": r"[+-]?(?:[0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+",
    XSD + "boolean": r"true|false",
}


def escape(text: str) -> str:
    """Escape text for XML as pyoxigraph does (xml.sax.saxutils costs ~35 ms of imports)."""
    for raw, entity in (
        ("&", "&amp;"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ('"', "&quot;"),
        ("'", "&apos;"),
    ):
        text = text.replace(raw, entity)
    return text


def quoteattr(text: str) -> str:
    """Quote text as an XML attribute value."""
    return '"' + escape(text).replace("\n", "&#10;") + '"'


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def to_json(results: Results) -> str:
    """SPARQL 1.1 Query Results JSON."""
    import json  # here, not at the top: each format's module is imported when it is used

    if results.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(results.boolean)}, separators=SEP) + "\n"
    bindings = [
        {v: _json_term(t) for v, t in zip(results.variables, row, strict=True) if t is not None}
        for row in results.rows
    ]
    doc = {"head": {"vars": results.variables}, "results": {"bindings": bindings}}
    # Compact, as pyoxigraph writes it (json's C encoder only serves compact output, too).
    return json.dumps(doc, ensure_ascii=False, separators=SEP) + "\n"


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def to_xml(results: Results) -> str:
    """SPARQL Query Results XML, in one line as pyoxigraph writes it."""
    out = ['<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if results.kind == "ask":
        out.append(f"<head></head><boolean>{'true' if results.boolean else 'false'}</boolean>")
    else:
        out.append("<head>")
        out += [f"<variable name={quoteattr(v)}/>" for v in results.variables]
        out.append("</head><results>")
        for row in results.rows:
            out.append("<result>")
            for v, t in zip(results.variables, row, strict=True):
                if t is not None:
                    out.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "".join(out) + "\n"


def to_csv(results: Results) -> str:
    """SPARQL 1.1 CSV: plain values, IRIs as IRIs, a header line of variable names."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(results.variables)
    for row in results.rows:
        writer.writerow(
            [
                "" if t is None else (f"_:{t.value}" if isinstance(t, ox.BlankNode) else t.value)
                for t in row
            ]
        )
    return buf.getvalue()


def _turtle(term: Term) -> str:
    """*term* in Turtle syntax, a number or boolean in its short form where it has one."""
    if isinstance(term, ox.Literal) and term.datatype.value in _BARE:
        import re

        if re.fullmatch(_BARE[term.datatype.value], term.value):
            return term.value
    return str(term)


def to_tsv(results: Results) -> str:
    """SPARQL 1.1 TSV: terms in Turtle syntax, a header line of ?variables."""
    lines = ["\t".join(f"?{v}" for v in results.variables)]
    lines += ["\t".join("" if t is None else _turtle(t) for t in row) for row in results.rows]
    return "\n".join(lines) + "\n"


def render(
    results: Results,
    fmt: str,
    *,
    iris: bool = False,
    width: int = 80,
    empty: str | None = None,
) -> str:
    """*results* (SELECT or ASK) as text in *fmt*: table, csv, tsv, json or xml.

    A table is for people (see table.py: *width*, *empty*); the other formats are exact
    and complete, and every one ends with a newline.
    """
    if results.kind == "ask" and fmt in {"table", "csv", "tsv"}:
        return ("true" if results.boolean else "false") + "\n"
    writers = {"json": to_json, "xml": to_xml, "csv": to_csv, "tsv": to_tsv}
    fmt = _result_format(fmt)
    if fmt == "table":
        from octograph.sparql.table import to_table

        return to_table(results, iris=iris, width=width, empty=empty)
    return writers[fmt](results)


def _result_format(name: str) -> str:
    """The results format called *name* or an alias of it (srj, srx, text), by its name.

    Raises:
        NotFoundError: not a results format; an RDF format's name says what it is for.
    """
    from octograph import formats

    try:
        return formats.find(name, "results").name
    except NotFoundError as e:
        try:
            rdf = formats.find(name, "rdf").name
        except NotFoundError:
            raise NotFoundError(
                str(e).replace("unknown format", "unknown result format", 1)
            ) from None
        raise NotFoundError(
            f"{name!r} ({rdf}) is an RDF format, for CONSTRUCT and DESCRIBE; a SELECT or ASK "
            f"answer is one of {', '.join(RESULT_FORMATS)}"
        ) from None
