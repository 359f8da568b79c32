"""A SPARQL 1.1 server over HTTP: the Query, Update and Graph Store protocols, with Basic or
Digest authentication, and octograph's dataset (manifest, snapshot) as pushed there."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from octograph.engines.rewrite import (
    DEFAULT_PART_GRAPH,
    MANIFEST_GRAPH,
    MEMBERS,
    UNION_GRAPH,
    VOID,
    canonical,
    query_form,
)
from octograph.engines.spec import redact
from octograph.errors import StoreError

if TYPE_CHECKING:
    import http.client

__all__ = ["RemoteOptions", "SparqlStore"]


class RemoteOptions:
    """How to reach a SPARQL server beyond its query URL: credentials and other endpoints.

    Without ``update_url`` and ``graph_store_url`` they follow the server's usual layout: a
    query URL ending in ``/query`` (Oxigraph, Fuseki) has ``/update`` and ``/store`` beside it;
    one ending in ``/sparql`` (Virtuoso) has ``/sparql-auth`` and ``/sparql-graph-crud-auth``
    when a user is given.
    """

    __slots__ = ("graph_store_url", "password", "timeout", "update_url", "user")

    def __init__(
        self,
        user: str | None = None,
        password: str | None = None,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        timeout: float = 300.0,
    ) -> None:
        self.user, self.password = user, password
        self.update_url, self.graph_store_url = update_url, graph_store_url
        self.timeout = timeout

    def __repr__(self) -> str:  # never the password
        return f"RemoteOptions(user={self.user!r}, update_url={self.update_url!r})"


def _endpoints(url: str, options: RemoteOptions, has_user: bool) -> tuple[str, str | None]:
    update, store = options.update_url, options.graph_store_url
    base, _, tail = url.rstrip("/").rpartition("/")
    if tail == "query":
        update = update or f"{base}/update"
        store = store or f"{base}/store"
    elif tail == "sparql":
        update = update or (f"{base}/sparql-auth" if has_user else url)
        store = store or (
            f"{base}/sparql-graph-crud-auth" if has_user else f"{base}/sparql-graph-crud"
        )
    return update or url, store


class _Auth:
    """HTTP Basic or Digest (RFC 7616, MD5 or SHA-256, qop=auth), as the server asks."""

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password
        self.challenge: dict[str, str] | None = None
        self.scheme: str | None = None
        self.count = 0

    def learn(self, header: str) -> bool:
        """Take a ``WWW-Authenticate`` challenge; False if it is one this class cannot answer."""
        scheme, _, params = header.partition(" ")
        self.scheme = scheme.lower()
        if self.scheme == "basic":
            return True
        if self.scheme != "digest":
            return False
        self.challenge = {
            k.lower(): v.strip('"') for k, v in re.findall(r'(\w+)=("[^"]*"|[^,\s]+)', params)
        }
        self.count = 0
        return True

    def header(self, method: str, uri: str) -> str | None:
        import base64
        import hashlib

        if self.scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
            return f"Basic {token}"
        if self.scheme != "digest" or self.challenge is None:
            return None
        c = self.challenge
        algorithm = c.get("algorithm", "MD5")
        name = "sha256" if algorithm.upper().startswith("SHA-256") else "md5"

        def h(text: str) -> str:
            return hashlib.new(name, text.encode()).hexdigest()

        self.count += 1
        nc = f"{self.count:08x}"
        cnonce = os.urandom(8).hex()
        ha1 = h(f"{self.user}:{c.get('realm', '')}:{self.password}")
        ha2 = h(f"{method}:{uri}")
        nonce = c.get("nonce", "")
        qop = "auth" if "auth" in c.get("qop", "").split(",") else None
        if qop:
            response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
        else:
            response = h(f"{ha1}:{nonce}:{ha2}")
        parts = [
            f'username="{self.user}"',
            f'realm="{c.get("realm", "")}"',
            f'nonce="{nonce}"',
            f'uri="{uri}"',
            f'response="{response}"',
            f"algorithm={algorithm}",
        ]
        if "opaque" in c:
            parts.append(f'opaque="{c["opaque"]}"')
        if qop:
            parts += [f"qop={qop}", f"nc={nc}", f'cnonce="{cnonce}"']
        return "Digest " + ", ".join(parts)


class SparqlStore:
    """A SPARQL 1.1 server: queries, updates and Graph Store requests over one connection.

    Errors (unreachable, login refused, an HTTP error) raise StoreError naming the store with
    its credentials taken out of the URL.
    """

    def __init__(self, url: str, options: RemoteOptions | None = None) -> None:
        from urllib.parse import urlsplit

        options = options or RemoteOptions()
        parts = urlsplit(url)
        user, password = options.user, options.password
        if parts.username and user is None:
            from urllib.parse import unquote

            user, password = unquote(parts.username), unquote(parts.password or "")
        self.url = redact(url)
        self.location = f"sparql:{self.url}"
        self.update_url, self.graph_store_url = _endpoints(self.url, options, user is not None)
        self.timeout = options.timeout
        self._auth = _Auth(user, password or "") if user is not None else None
        self._connections: dict[tuple[str, str, int], http.client.HTTPConnection] = {}
        self._quads: bool | None = None  # whether the Graph Store takes whole datasets
        # The server's product and version from its Server header ("Oxigraph/0.5.13"), once
        # it has answered (open_remote asks it first): queries are shaped for its planner.
        self.server = ""

    def __repr__(self) -> str:
        return f"<SparqlStore {self.location}>"

    # ------------------------------------------------------------ HTTP

    def _connection(self, scheme: str, host: str, port: int) -> http.client.HTTPConnection:
        import http.client

        key = (scheme, host, port)
        if key not in self._connections:
            cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
            self._connections[key] = cls(host, port, timeout=self.timeout)
        return self._connections[key]

    def close(self) -> None:
        """Close the connections to the server."""
        for conn in self._connections.values():
            conn.close()
        self._connections.clear()

    def request(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        what: str = "request",
    ) -> tuple[int, dict[str, str], bytes]:
        """Send one request (retried once with credentials on a 401); errors raise StoreError."""
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        scheme = parts.scheme
        port = parts.port or (443 if scheme == "https" else 80)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        sent = {"User-Agent": "octograph", **(headers or {})}
        if self._auth is not None and self._auth.scheme is None and body:
            # Learn the server's challenge with a bodiless GET first: a server that refuses a
            # large unauthenticated body may close the connection while it is being sent.
            self._probe(scheme, parts.hostname or "", port, parts.path or "/")
        for attempt in range(3):
            if self._auth is not None:
                auth = self._auth.header(method, target)
                if auth:
                    sent["Authorization"] = auth
            conn = self._connection(scheme, parts.hostname or "", port)
            exchanged = self._exchange(conn, method, target, body, sent, retry=attempt == 0)
            if exchanged is None:
                continue  # a kept-alive connection the server had closed: try a new one
            status, got, data = exchanged
            if status == 401 and self._auth is not None and attempt < 2:
                challenge = got.get("www-authenticate", "")
                stale = "stale=true" in challenge.lower()
                if ("Authorization" not in sent or stale) and self._auth.learn(challenge):
                    continue
            self._check(status, data, what, url)
            return status, got, data
        raise StoreError(f"login refused for a {what} at {redact(url)}", path=self.location)

    def _exchange(
        self,
        conn: http.client.HTTPConnection,
        method: str,
        target: str,
        body: bytes | None,
        headers: dict[str, str],
        *,
        retry: bool,
    ) -> tuple[int, dict[str, str], bytes] | None:
        """One request and its response; None when a dropped connection may be retried."""
        import http.client

        try:
            conn.request(method, target, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (ConnectionError, http.client.HTTPException, OSError) as e:
            conn.close()
            dropped = http.client.RemoteDisconnected | BrokenPipeError | ConnectionResetError
            if retry and isinstance(e, dropped):
                return None
            reason = getattr(e, "strerror", None) or str(e) or type(e).__name__
            raise StoreError(f"cannot reach the server: {reason}", path=self.location) from e
        except BaseException:
            conn.close()  # interrupted mid-exchange (^C, a timeout): never reuse it
            raise
        got = {k.lower(): v for k, v in response.getheaders()}
        self.server = got.get("server", self.server)
        return response.status, got, data

    def _check(self, status: int, data: bytes, what: str, url: str) -> None:
        """A refused login or an HTTP error as a StoreError that says what to do."""
        if status in (401, 403):
            hint = (
                "set OCTOGRAPH_SPARQL_USER and OCTOGRAPH_SPARQL_PASSWORD"
                if self._auth is None
                else "check the user and password (OCTOGRAPH_SPARQL_USER, "
                "OCTOGRAPH_SPARQL_PASSWORD)"
            )
            raise StoreError(
                f"login refused (HTTP {status}) for a {what} at {redact(url)}; {hint}",
                path=self.location,
            )
        if status >= 400:
            raise StoreError(
                f"the server answered HTTP {status} to a {what}: {_first_line(data)}",
                path=self.location,
            )

    def _probe(self, scheme: str, host: str, port: int, path: str) -> None:
        """GET *path*, only to learn the authentication challenge it answers with."""
        import http.client

        conn = self._connection(scheme, host, port)
        try:
            conn.request("GET", path, headers={"User-Agent": "octograph"})
            response = conn.getresponse()
            response.read()
        except (ConnectionError, http.client.HTTPException, OSError):
            conn.close()
            return  # the real request will say what is wrong
        if response.status == 401 and self._auth is not None:
            self._auth.learn(response.getheader("WWW-Authenticate") or "")

    def _form(
        self, url: str, fields: Sequence[tuple[str, str]], accept: str, what: str
    ) -> tuple[dict[str, str], bytes]:
        from urllib.parse import urlencode

        _, headers, data = self.request(
            "POST",
            url,
            body=urlencode(fields).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
                "Accept": accept,
            },
            what=what,
        )
        return headers, data

    # ------------------------------------------------------------ protocols

    def raw_query(self, text: str) -> ox.QuerySolutions | bool | list[ox.Triple]:
        """Send *text* unchanged (SPARQL 1.1 Protocol, POST); results as pyoxigraph's terms."""
        form = query_form(text)
        if form in {"CONSTRUCT", "DESCRIBE"}:
            headers, data = self._form(
                self.url,
                [("query", text)],
                "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5",
                "query",
            )
            kind = headers.get("content-type", "text/turtle").split(";")[0].strip()
            fmt = ox.RdfFormat.RDF_XML if "xml" in kind else ox.RdfFormat.TURTLE
            try:
                return [q.triple for q in ox.parse(data, format=fmt)]
            except SyntaxError as e:
                raise StoreError(
                    f"unreadable {kind} from the server: {e.msg}", path=self.location
                ) from e
        _, data = self._form(
            self.url, [("query", text)], "application/sparql-results+json", "query"
        )
        try:
            raw = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as e:
            raise StoreError(f"unreadable results from the server: {e}", path=self.location) from e
        if isinstance(raw, ox.QuerySolutions) and form == "ASK":
            # Virtuoso answers ASK with one row holding 1 or 0 in a column __ASK_RETVAL.
            rows = list(raw)
            value = rows[0][0] if rows else None
            return value is not None and value.value in {"1", "true"}
        if isinstance(raw, ox.QueryBoolean):
            return bool(raw)
        return raw

    def update(self, text: str, what: str = "update") -> None:
        """Send a SPARQL Update (form-encoded, as Virtuoso and Oxigraph both take it)."""
        self._form(self.update_url, [("update", text)], "*/*", what)

    def graph_store(self, method: str, graph: str, data: bytes = b"", what: str = "") -> None:
        """A Graph Store Protocol request (PUT replaces, POST adds) with N-Triples in *data*."""
        from urllib.parse import quote

        if self.graph_store_url is None:
            raise StoreError("no Graph Store endpoint is known for this server", path=self.location)
        sep = "&" if "?" in self.graph_store_url else "?"
        # Virtuoso reads graph-uri=, the protocol's name is graph=; both are sent.
        url = f"{self.graph_store_url}{sep}graph={quote(graph, safe='')}"
        if "sparql-graph-crud" in self.graph_store_url:
            url = f"{self.graph_store_url}{sep}graph-uri={quote(graph, safe='')}"
        self.request(
            method,
            url,
            body=data,
            headers={"Content-Type": "application/n-triples"},
            what=what or f"Graph Store {method} of <{graph}>",
        )

    def takes_quads(self) -> bool:
        """Whether the Graph Store endpoint takes N-Quads for the whole dataset (Oxigraph and
        Fuseki do, Virtuoso does not): an empty POST, which adds nothing, tells."""
        if self.graph_store_url is None or "sparql-graph-crud" in self.graph_store_url:
            return False
        if self._quads is None:
            try:
                self.post_quads(b"")
                self._quads = True
            except StoreError:
                self._quads = False
        return self._quads

    def post_quads(self, data: bytes) -> None:
        """POST N-Quads to the Graph Store endpoint, graphs and all."""
        if self.graph_store_url is None:
            raise StoreError("no Graph Store endpoint is known for this server", path=self.location)
        self.request(
            "POST",
            self.graph_store_url,
            body=data,
            headers={"Content-Type": "application/n-quads"},
            what="Graph Store POST of N-Quads",
        )

    # ------------------------------------------------------------ octograph's dataset

    def manifest(self) -> dict[str, int]:
        """The graphs octograph pushed, with their triple counts (empty if nothing was)."""
        raw = self.raw_query(
            f"SELECT ?g ?n WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{ {MEMBERS} "
            f"?g <{VOID}triples> ?n }} }}"
        )
        assert isinstance(raw, ox.QuerySolutions)
        out: dict[str, int] = {}
        for sol in raw:
            g, n = sol["g"], sol["n"]
            if isinstance(g, ox.NamedNode) and isinstance(n, ox.Literal):
                out[g.value] = int(n.value)
        return out

    def snapshot(self) -> tuple[ox.Store, list[ox.Quad]]:
        """The pushed graphs, fetched into a local store whose default graph is their union."""
        from octograph.engines.parsing import materialise_union

        counts = self.manifest()
        if not counts:
            raise StoreError(
                "holds no octograph data: run octograph push --store sparql:URL first",
                path=self.location,
            )
        store = ox.Store()
        quads = self.raw_query(
            f"SELECT ?g ?s ?p ?o WHERE {{ GRAPH <{MANIFEST_GRAPH}> "
            f"{{ <{UNION_GRAPH}> <{VOID}subset> ?g }} GRAPH ?g {{ ?s ?p ?o }} }}"
        )
        assert isinstance(quads, ox.QuerySolutions)
        store.extend(ox.Quad(canonical(s["s"]), s["p"], canonical(s["o"]), s["g"]) for s in quads)
        own_raw = self.raw_query(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH <{DEFAULT_PART_GRAPH}> {{ ?s ?p ?o }} }}"
        )
        assert isinstance(own_raw, ox.QuerySolutions)
        own = [ox.Quad(canonical(s["s"]), s["p"], canonical(s["o"])) for s in own_raw]
        expected = sum(n for g, n in counts.items() if g not in {UNION_GRAPH, DEFAULT_PART_GRAPH})
        got = len(store)
        if got != expected:
            raise StoreError(
                f"the server gave {got} of the {expected} pushed quads (does it cap result "
                "rows? Virtuoso: raise ResultSetMaxRows in [SPARQL])",
                path=self.location,
            )
        materialise_union(store)
        return store, own


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    text = re.sub(r"<[^>]+>", " ", text) if text.lstrip().startswith("<") else text
    for line in text.splitlines():
        if line.strip():
            return " ".join(line.split())[:200]
    return "(no message)"
