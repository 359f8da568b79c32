"""What a request asks: its URL parameters, its Content-Type, the path it is served under.

Reading a parameter can fail (bytes that are not UTF-8, a parameter given twice): those are
the client's mistakes, raised as HTTPException with the status the client should see.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request

__all__ = [
    "QueryForm",
    "content_type",
    "one",
    "parse_query_string",
    "query_params",
    "root",
    "with_charset",
]


def with_charset(media: str) -> str:
    """A media type as a response header gives it: text types say they are UTF-8.

    >>> with_charset("text/html"), with_charset("application/json")
    ('text/html; charset=utf-8', 'application/json')
    """
    return f"{media}; charset=utf-8" if media.startswith("text/") else media


def root(request: Request) -> str:
    """The path prefix the app is served under (a reverse proxy's), without the final slash."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def parse_query_string(raw: bytes | str) -> dict[str, list[str]]:
    """URL-encoded parameters, decoded as UTF-8 strictly (a wrong byte is a 400).

    >>> parse_query_string(b"q=a+b&q=%C3%A9&x=")
    {'q': ['a b', 'é'], 'x': ['']}
    """
    text = raw.decode("latin-1") if isinstance(raw, bytes) else raw
    try:
        pairs = parse_qsl(
            text, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=1000
        )
    except UnicodeDecodeError as e:
        raise HTTPException(400, "the parameters are not UTF-8 text") from e
    except ValueError as e:
        raise HTTPException(400, f"the parameters cannot be read: {e}") from e
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def query_params(request: Request) -> dict[str, list[str]]:
    """The parameters of the request's URL (see parse_query_string)."""
    return parse_query_string(request.scope.get("query_string", b""))


def one(params: Mapping[str, list[str]], name: str) -> str | None:
    """The one value of parameter *name*, None if absent; given twice, it is a 400."""
    values = params.get(name, [])
    if len(values) > 1:
        raise HTTPException(400, f"give one {name} parameter, not {len(values)}")
    return values[0] if values else None


def content_type(header: str | None) -> tuple[str, dict[str, str]]:
    """A Content-Type header as its media type (lower case) and parameters.

    >>> content_type('application/x-www-form-urlencoded; Charset="UTF-8"')
    ('application/x-www-form-urlencoded', {'charset': 'UTF-8'})
    """
    media, *rest = (header or "").split(";")
    params = {}
    for part in rest:
        key, _, value = part.partition("=")
        params[key.strip().lower()] = value.strip().strip('"')
    return media.strip().lower(), params


class QueryForm(NamedTuple):
    """What the query page was asked: a SPARQL text or a named question with its values."""

    text: str = ""
    name: str = ""
    params: Mapping[str, str] = {}
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    def query_string(self, **extra: str) -> str:
        """The URL query that asks the same again (plus *extra*), to share or download.

        >>> QueryForm(text="ASK {}").query_string(format="csv")
        'query=ASK+%7B%7D&format=csv'
        """
        pairs: list[tuple[str, str]] = []
        if self.name:
            pairs += [("name", self.name), *sorted(self.params.items())]
        else:
            pairs.append(("query", self.text))
            pairs += [("default-graph-uri", g) for g in self.default_graphs]
            pairs += [("named-graph-uri", g) for g in self.named_graphs]
        pairs += list(extra.items())
        return urlencode(pairs)
