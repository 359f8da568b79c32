"""Full-text search over the passages: an SQLite FTS5 index, ranked by BM25, with snippets.

The index is built from the knowledge graph: in memory for a graph loaded at each start, and
once, in a file beside the store, for a persistent store (``oxigraph:PATH``), where it is
reopened read-only while the store holds the same data (see ``PassageIndex.for_graph``).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from octograph.errors import OutputError, QueryError, StoreError
from octograph.graph.querying import select

if TYPE_CHECKING:
    from octograph.graph.load import KnowledgeGraph

__all__ = ["MAX_TERMS", "Hit", "PassageIndex", "fts_query", "index_file"]

MARK_START, MARK_END = "\x02", "\x03"  # snippet markers: rendered bold on a terminal, [..] in text
MAX_TERMS = 64  # words and phrases in one search; FTS5 refuses expressions past a depth of 256
# The layout of the index's tables: an index file of another layout is rebuilt, not read.
INDEX_FORMAT = 1

_PASSAGES = """
SELECT ?passage ?report ?number ?message ?text WHERE {
    ?passage a octo:Passage ; octo:inReport ?report ; octo:passageNumber ?number ;
        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?text ] .
    OPTIONAL { ?passage octo:inKeyMessage/octo:messageNumber ?message }
}"""

# What each passage states is two queries joined here, not one: Oxigraph evaluates the
# labels and filters once per term of every passage graph in the single query (14 s at a
# million triples, against 1.5 s for the two).
_MENTIONED = """
SELECT DISTINCT ?passage ?entity WHERE {
    ?passage a octo:Passage .
    GRAPH ?passage { { ?entity ?p ?o } UNION { ?s ?p ?entity } }
}"""

_LABELLED = """
SELECT ?entity ?label WHERE {
    ?entity rdfs:label ?label .
    FILTER(LANGMATCHES(LANG(?label), "en") || LANG(?label) = "")
    FILTER EXISTS { ?entity a ?class }
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

    Raises:
        QueryError: no word, or more than MAX_TERMS words and phrases.

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
    if len(terms) > MAX_TERMS:
        raise QueryError(f"a search takes at most {MAX_TERMS} words and phrases, not {len(terms)}")
    return " AND ".join(terms)


def index_file(folder: Path, fingerprint: str) -> Path:
    """Where the index of a persistent store's data sits: in the store's folder, named after
    the data's fingerprint and the index's layout, so that no other data's index is read.

    >>> index_file(Path("kg"), "0123456789abcdef0123").name
    'search-1-0123456789abcdef.sqlite'
    """
    return folder / f"search-{INDEX_FORMAT}-{fingerprint[:16]}.sqlite"


class PassageIndex:
    """An FTS5 index of every passage of a knowledge graph.

    Made by ``build`` (in memory), ``for_graph`` (beside a persistent store, else in memory),
    ``open`` (a file, read-only) or ``from_image`` (bytes from ``image``).

    >>> from octograph import load
    >>> index = PassageIndex.build(load())
    >>> index.search("WHOIS")[0].number
    36
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        """Wrap the open index *db*.

        Raises:
            StoreError: *db* is not a passage index of this layout.
        """
        try:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as e:
            raise StoreError(f"not a passage index: {e}") from e
        if meta.get("format") != str(INDEX_FORMAT):
            raise StoreError(f"not a passage index of format {INDEX_FORMAT}")
        self.db = db
        self.size = int(meta["passages"])  # passages indexed
        self.fingerprint: str = meta.get("fingerprint", "")  # the store's data, if persistent

    # ------------------------------------------------------------ making one

    @classmethod
    def build(cls, kg: KnowledgeGraph, fingerprint: str = "") -> PassageIndex:
        """Index every passage of *kg* in memory (*fingerprint*: the store's, if persistent)."""
        # Any thread may search (a web framework's thread pool, a notebook's): the index is
        # only read once built, and SQLite serialises the use of a connection (threadsafety 3).
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.execute(
            "CREATE VIRTUAL TABLE passage USING fts5("
            "text, iri UNINDEXED, report UNINDEXED, number UNINDEXED, message UNINDEXED, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        db.execute("CREATE TABLE stated (iri TEXT, entity TEXT, label TEXT)")
        db.execute("CREATE INDEX stated_iri ON stated (iri)")
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        rows = [
            (
                s["text"].value,
                s["passage"].value,
                s["report"].value,
                int(s["number"].value),
                int(s["message"].value) if s["message"] is not None else None,
            )
            for s in select(kg, _PASSAGES)
        ]
        db.executemany(
            "INSERT INTO passage (text, iri, report, number, message) VALUES (?, ?, ?, ?, ?)", rows
        )
        db.executemany("INSERT INTO stated VALUES (?, ?, ?)", _stated(kg))
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [
                ("format", str(INDEX_FORMAT)),
                ("passages", str(len(rows))),
                ("fingerprint", fingerprint),
            ],
        )
        db.commit()
        return cls(db)

    @classmethod
    def open(cls, path: Path) -> PassageIndex:
        """The index in the file *path*, read-only.

        Raises:
            StoreError: the file is missing, damaged or of another layout.
        """
        # immutable: the file is never changed in place (a new one is renamed over it), so
        # SQLite may skip locking, and it opens no journal beside it.
        uri = f"{path.absolute().as_uri()}?mode=ro&immutable=1"
        try:
            db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        except sqlite3.DatabaseError as e:
            raise StoreError(f"cannot open the search index: {e}", path=str(path)) from e
        try:
            return cls(db)
        except StoreError as e:
            db.close()
            raise StoreError(e.message, path=str(path)) from e

    @classmethod
    def for_graph(cls, kg: KnowledgeGraph) -> PassageIndex:
        """The index of *kg*: kept beside its store if that is persistent, else built in memory.

        In a persistent store's folder the index is a file named after the store's
        fingerprint (``index_file``). It is built once: by one process at a time (the others
        wait, then open it), into a temporary file renamed into place, so that no reader
        ever sees half of one; then every process reopens it read-only in milliseconds
        until the store's data change. Building a new one removes the index of older data.
        A folder that cannot be written gets an index in memory, built at each call.

        Raises:
            StoreError: the store's folder is no longer an octograph store.
        """
        from octograph.engines.ondisk import store_fingerprint
        from octograph.engines.spec import parse_spec

        if not kg.location.startswith("oxigraph:"):
            return cls.build(kg)
        folder = parse_spec(kg.location).path
        digest = store_fingerprint(folder) if folder is not None else None
        if folder is None or digest is None:
            return cls.build(kg)
        path = index_file(folder, digest)
        try:
            return cls._open_current(path, digest)
        except StoreError:
            pass  # none yet, or damaged: built below
        try:
            lock = _lock(folder)
        except OSError:
            return cls.build(kg, digest)
        try:
            # Another process may have built it while this one waited for the lock.
            try:
                return cls._open_current(path, digest)
            except StoreError:
                pass
            index = cls.build(kg, digest)
            try:
                from octograph.output import write_file

                write_file(path, index.image())
            except OutputError:
                return index  # a folder this process may not write: the index stays in memory
            # Under the lock no other build runs: what is left of one was interrupted.
            for old in [*folder.glob("search-*.sqlite"), *folder.glob(".search-*.tmp")]:
                if old != path:
                    old.unlink(missing_ok=True)  # a reader of it keeps its open file
            return index
        finally:
            lock.close()

    @classmethod
    def _open_current(cls, path: Path, digest: str) -> PassageIndex:
        index = cls.open(path)
        if index.fingerprint != digest:  # the name holds only a prefix of the fingerprint
            index.close()
            raise StoreError("indexes other data", path=str(path))
        return index

    @classmethod
    def from_image(cls, image: bytes) -> PassageIndex:
        """An in-memory, read-only copy of the index *image* (see ``image``).

        It opens no file, not even a temporary one: the server's workers, which may open
        none, search it.
        """
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.deserialize(image)
        db.execute("PRAGMA temp_store = MEMORY")
        db.execute("PRAGMA query_only = ON")
        return cls(db)

    def image(self) -> bytes:
        """The whole index as bytes: an SQLite database file."""
        return self.db.serialize()

    def close(self) -> None:
        """Close the index's connection."""
        self.db.close()

    # ------------------------------------------------------------ searching

    def search(self, text: str, *, limit: int = 20, report: str | None = None) -> list[Hit]:
        """The passages matching *text*, best first (BM25), at most *limit*.

        Raises:
            QueryError: *text* holds no word, too many, or SQLite cannot run the search.
        """
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
                "SELECT entity, label FROM stated WHERE iri = ? ORDER BY label, entity", (iri,)
            ).fetchall()
            hits.append(Hit(iri, rep, number, message, body, snippet, -score, entities))
        return hits


def _stated(kg: KnowledgeGraph) -> list[tuple[str, str, str]]:
    """(passage, entity, label) for each labelled entity a passage's graph names."""
    labels: dict[Any, list[str]] = {}
    for s in select(kg, _LABELLED):
        labels.setdefault(s["entity"], []).append(s["label"].value)
    return [
        (s["passage"].value, s["entity"].value, label)
        for s in select(kg, _MENTIONED)
        for label in labels.get(s["entity"], ())
    ]


def _lock(folder: Path) -> Any:
    """The store folder's lock (the one its builds take), held until the handle is closed."""
    import fcntl

    handle = (folder / ".lock").open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
    except BaseException:
        handle.close()
        raise
    return handle
