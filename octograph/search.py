"""Full-text search over the passages: an SQLite FTS5 index, ranked by BM25, with snippets."""

from __future__ import annotations

import re
import sqlite3
from typing import TYPE_CHECKING, Any, NamedTuple

from octograph.errors import QueryError
from octograph.query import solutions

if TYPE_CHECKING:
    from octograph.load import KnowledgeGraph

__all__ = ["Hit", "PassageIndex", "fts_query"]

MARK_START, MARK_END = "\x02", "\x03"  # snippet markers: rendered bold on a terminal, [..] in text

_PASSAGES = """
SELECT ?passage ?report ?number ?message ?text WHERE {
    ?passage a octo:Passage ; octo:inReport ?report ; octo:passageNumber ?number ;
        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?text ] .
    OPTIONAL { ?passage octo:inKeyMessage/octo:messageNumber ?message }
}"""

_STATED = """
SELECT DISTINCT ?passage ?entity ?label WHERE {
    ?passage a octo:Passage .
    GRAPH ?passage { { ?entity ?p ?o } UNION { ?s ?p ?entity } }
    ?entity a ?class ; rdfs:label ?label .
    FILTER(LANGMATCHES(LANG(?label), "en") || LANG(?label) = "")
    FILTER NOT EXISTS { ?entity a octo:KeyMessage }
    FILTER NOT EXISTS { ?entity a octo:Report }
}"""


class Hit(NamedTuple):
    """One passage that matches a search, with what the passage states."""

    passage: str
    report: str
    number: int
    message: int | None
    text: str
    snippet: str
    score: float
    entities: list[tuple[str, str]]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; the snippet marks matches with [ and ]."""
        out = self._asdict()
        out["snippet"] = self.snippet.replace(MARK_START, "[").replace(MARK_END, "]")
        out["entities"] = [{"iri": iri, "label": label} for iri, label in self.entities]
        return out


def fts_query(text: str) -> str:
    """A user's search words as an FTS5 query: all words, "a phrase", prefix*.

    Every other character is treated as a separator, so no input can inject FTS5 syntax.

    >>> fts_query('data  "criminal justice" invest*')
    '"data" AND "criminal justice" AND "invest"*'
    >>> fts_query("C-PROC")
    '"C PROC"'
    """
    terms: list[str] = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', text):
        raw = phrase if phrase else word
        prefix = not phrase and raw.endswith("*")
        tokens = re.findall(r"\w+", raw)
        if tokens:
            terms.append('"' + " ".join(tokens) + '"' + ("*" if prefix else ""))
    if not terms:
        raise QueryError("search needs at least one word")
    return " AND ".join(terms)


class PassageIndex:
    """An in-memory FTS5 index of every passage of a knowledge graph.

    >>> from octograph import load
    >>> index = PassageIndex(load())
    >>> index.search("WHOIS")[0].number
    36
    """

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute(
            "CREATE VIRTUAL TABLE passage USING fts5("
            "text, iri UNINDEXED, report UNINDEXED, number UNINDEXED, message UNINDEXED, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        self.db.execute("CREATE TABLE stated (iri TEXT, entity TEXT, label TEXT)")
        self.db.execute("CREATE INDEX stated_iri ON stated (iri)")
        rows = [
            (
                s["text"].value,
                s["passage"].value,
                s["report"].value,
                int(s["number"].value),
                int(s["message"].value) if s["message"] is not None else None,
            )
            for s in solutions(kg.store, _PASSAGES)
        ]
        self.db.executemany(
            "INSERT INTO passage (text, iri, report, number, message) VALUES (?, ?, ?, ?, ?)", rows
        )
        self.db.executemany(
            "INSERT INTO stated VALUES (?, ?, ?)",
            [
                (s["passage"].value, s["entity"].value, s["label"].value)
                for s in solutions(kg.store, _STATED)
            ],
        )
        self.db.commit()
        self.size = len(rows)

    def search(self, text: str, *, limit: int = 20, report: str | None = None) -> list[Hit]:
        """The passages matching *text*, best first (BM25), at most *limit*."""
        where = "passage MATCH ?" + (" AND report = ?" if report else "")
        args: list[Any] = [fts_query(text)] + ([report] if report else [])
        try:
            found = self.db.execute(
                f"SELECT iri, report, number, message, text, "
                f"snippet(passage, 0, '{MARK_START}', '{MARK_END}', '…', 24), bm25(passage) "
                f"FROM passage WHERE {where} ORDER BY bm25(passage), report, number LIMIT ?",
                [*args, limit],
            ).fetchall()
        except sqlite3.OperationalError as e:
            raise QueryError(f"search: {e}") from e
        hits = []
        for iri, rep, number, message, body, snippet, score in found:
            entities = self.db.execute(
                "SELECT entity, label FROM stated WHERE iri = ? ORDER BY label", (iri,)
            ).fetchall()
            hits.append(Hit(iri, rep, number, message, body, snippet, -score, entities))
        return hits
