"""The OCTOGRAPH_* environment variables: read here only, once each, typed and checked.

A setting resolves as: the option on the command line, then its OCTOGRAPH_* variable, then
the default. The parser takes a variable's value as its option's default, so a variable is
read when the parser of a command that has its option is built (`octograph --help` builds
them all); the SPARQL credentials are read when a command reaches a SPARQL server. An empty
variable counts as unset, except the password, which may be empty. A value that is not what
the variable expects is a ConfigError, one line naming the variable (exit status 2), even
where an option overrides it: a wrong setting is reported, not silently shadowed.

No dataclasses and no typing here: this module is on the path of every command's start.
"""

from __future__ import annotations

import os
import re

from octograph.errors import OctographError

# typing.TYPE_CHECKING without importing typing (mypy treats any name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = [
    "ENGINES",
    "Config",
    "ConfigError",
    "engine",
    "host",
    "language_tag",
    "port",
    "root_path",
    "sparql_url",
    "store_spec",
]

ENGINES = ("oxigraph", "rdflib")


class ConfigError(OctographError):
    """An OCTOGRAPH_* variable whose value is not what it expects."""


# ---------------------------------------------------------------- readers
#
# Each takes the text of a variable or an option and returns the typed value, or raises
# ValueError saying what it expects (the caller adds whose value it was). The options that
# take the same setting use the same reader as their argparse type.


def engine(text: str) -> str:
    """A SPARQL engine's name.

    >>> engine("rdflib")
    'rdflib'
    """
    if text not in ENGINES:
        raise ValueError("oxigraph or rdflib")
    return text


def store_spec(text: str) -> str:
    """Where the graph lives, in the form --store takes (parse_spec checks it in full).

    >>> store_spec("oxigraph:/tmp/kg")
    'oxigraph:/tmp/kg'
    """
    if not re.fullmatch(r"oxigraph|memory|oxigraph:\S.*|sparql:https?://[^/\s]+\S*", text):
        raise ValueError("oxigraph, oxigraph:PATH, memory or sparql:URL")
    return text


def language_tag(text: str) -> str:
    """A language tag, as the labels of the graph carry them.

    >>> language_tag("pt-BR")
    'pt-BR'
    """
    # The same pattern the queries check *lang* against (sparql/query.py).
    if not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", text):
        raise ValueError("a language tag such as en or fr")
    return text


def host(text: str) -> str:
    """An address to bind: a host name, an IPv4 or an IPv6 address.

    >>> host("::1")
    '::1'
    """
    if not re.fullmatch(r"[A-Za-z0-9._-]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%\w]*", text):
        raise ValueError("a host name or an IP address such as 127.0.0.1")
    return text


def port(text: str) -> int:
    """A TCP port; 0 lets the system choose a free one.

    >>> port("8080")
    8080
    """
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise ValueError("a port number from 0 to 65535")
    return int(text)


def root_path(text: str) -> str:
    """The path prefix a reverse proxy serves under: empty, or a path starting with /.

    >>> root_path("/octograph")
    '/octograph'
    """
    if text and not re.fullmatch(r"(/[A-Za-z0-9._~!$&'()*+,;=:@%-]*)+", text):
        raise ValueError("a path that starts with /, such as /octograph")
    return text


def sparql_url(text: str) -> str:
    """The URL of a SPARQL endpoint.

    >>> sparql_url("http://127.0.0.1:7878/update")
    'http://127.0.0.1:7878/update'
    """
    if not re.fullmatch(r"https?://[^/\s]+\S*", text):
        raise ValueError("an http:// or https:// URL")
    return text


def _user(text: str) -> str:
    # HTTP Basic authentication puts "user:password" together: a user cannot hold a colon.
    if ":" in text:
        raise ValueError("a user name without a colon")
    return text


def _any(text: str) -> str:
    return text


# ---------------------------------------------------------------- the settings of one run


class Config:
    """The OCTOGRAPH_* settings of one run of the command line, each read on first use.

    >>> config = Config({"OCTOGRAPH_PORT": "8080", "OCTOGRAPH_LANG": ""})
    >>> config.port, config.lang, config.sparql_user
    (8080, 'en', None)
    >>> try:
    ...     Config({"OCTOGRAPH_PORT": "http"}).port
    ... except ConfigError as e:
    ...     print(e)
    OCTOGRAPH_PORT: expected a port number from 0 to 65535, got 'http'
    """

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ
        self._read: dict[str, object] = {}

    @property
    def store(self) -> str:
        return str(self._get("OCTOGRAPH_STORE", store_spec, "oxigraph"))

    @property
    def lang(self) -> str:
        return str(self._get("OCTOGRAPH_LANG", language_tag, "en"))

    @property
    def engine(self) -> str:
        return str(self._get("OCTOGRAPH_ENGINE", engine, "oxigraph"))

    @property
    def host(self) -> str:
        return str(self._get("OCTOGRAPH_HOST", host, "127.0.0.1"))

    @property
    def port(self) -> int:
        value = self._get("OCTOGRAPH_PORT", port, 8000)
        assert isinstance(value, int)
        return value

    @property
    def root_path(self) -> str:
        return str(self._get("OCTOGRAPH_ROOT_PATH", root_path, ""))

    @property
    def sparql_user(self) -> str | None:
        return self._optional("OCTOGRAPH_SPARQL_USER", _user)

    @property
    def sparql_password(self) -> str | None:
        # Empty is a password (unlike the other variables), and its value never shows.
        if "OCTOGRAPH_SPARQL_PASSWORD" not in self._environ:
            return None
        return str(self._get("OCTOGRAPH_SPARQL_PASSWORD", _any, "", secret=True, empty=True))

    @property
    def sparql_update(self) -> str | None:
        return self._optional("OCTOGRAPH_SPARQL_UPDATE", sparql_url)

    @property
    def sparql_graph_store(self) -> str | None:
        return self._optional("OCTOGRAPH_SPARQL_GRAPH_STORE", sparql_url)

    def _optional(self, name: str, read: Callable[[str], str]) -> str | None:
        value = self._get(name, read, None)
        return None if value is None else str(value)

    def _get(
        self,
        name: str,
        read: Callable[[str], object],
        default: object,
        *,
        secret: bool = False,
        empty: bool = False,
    ) -> object:
        if name not in self._read:
            text = self._environ.get(name)
            if text is None or (text == "" and not empty):
                self._read[name] = default
            else:
                self._read[name] = _checked(name, text, read, secret=secret)
        return self._read[name]


def _checked(name: str, text: str, read: Callable[[str], object], *, secret: bool) -> object:
    """*read*(*text*), or a ConfigError that names the variable and what it expects."""
    # os.environ holds bytes that are not UTF-8 as lone surrogates (PEP 383).
    shown = "" if secret else f", got {os.fsencode(text)!r}"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError(f"{name}: expected UTF-8 text{shown}") from None
    if any(c < " " or c == "\x7f" for c in text):
        raise ConfigError(f"{name}: expected text without control characters{shown}")
    try:
        return read(text)
    except ValueError as e:
        raise ConfigError(f"{name}: expected {e}" + ("" if secret else f", got {text!r}")) from None
