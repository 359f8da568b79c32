"""`octograph query`: list or show the named questions, or answer SPARQL in a stoppable thread."""

from __future__ import annotations

import sys

from octograph.cli.output import write
from octograph.errors import NotFoundError, OctographError, QueryError

# typing.TYPE_CHECKING without importing typing (~5 ms of the start; mypy treats any name
# TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any, TypeVar

    from octograph.formats import Format
    from octograph.graph.load import KnowledgeGraph
    from octograph.sparql.results import Results

    T = TypeVar("T")

__all__ = ["describe_question", "list_questions", "query"]

EXIT_OK, EXIT_FAILED = 0, 1


def list_questions() -> int:
    """Print the named questions by topic, one a line, with their parameters.

    Every topic is listed, comparing reports too: the graph is not loaded to count them.
    """
    from octograph.sparql.questions import named_questions, question_groups

    for i, (topic, questions) in enumerate(question_groups(named_questions(), reports=2)):
        print(("\n" if i else "") + f"{topic}:")
        for question in questions:
            shown = " ".join(
                f"{p.name}={p.default!r}" if p.default else p.name for p in question.params
            )
            print(f"  {question.name:<26} {question.title}" + (f"  [{shown}]" if shown else ""))
    return EXIT_OK


def describe_question(name: str) -> int:
    """Print what the named question *name* asks, its parameters and where its SPARQL is.

    The meaning, not the SPARQL: the notes on engines and planners stay as comments in the
    .rq file, for whoever edits the query.
    """
    import textwrap

    from octograph.sparql.questions import get_question

    question = get_question(name)
    lines = [question.title, ""]
    lines += textwrap.wrap(question.description, 78) or ["(no description)"]
    if question.params:
        lines += ["", "Parameters:"]
        for p in question.params:
            default = f" (default {p.default!r})" if p.default else " (required)"
            lines += textwrap.wrap(
                f"--param {p.name}=...{default}: {p.description}",
                78,
                initial_indent="  ",
                subsequent_indent="    ",
            )
    lines += ["", f"The SPARQL: {question.path}"]
    print("\n".join(lines))
    return EXIT_OK


def query(
    open_graph: Callable[[], KnowledgeGraph],
    text: str | None,
    *,
    file: str | None = None,
    params: Sequence[str] = (),
    fmt: str | None = None,
    output: str | None = None,
    timeout: float | None = None,
    why: bool = False,
    iris: bool = False,
    **options: Any,
) -> int:
    """Answer *text* (SPARQL or a question's name) or the query in *file* (- for stdin).

    The graph comes from *open_graph*, called only once the query has been read; *options*
    (limit, allow_federation, lang) go to run(). Exit status 1 for an ASK answered false.
    """
    from octograph.graph import querying as q
    from octograph.sparql.questions import get_question

    named, sparql = _query_text(text, file)
    bindings = _params(params)
    empty = None
    # Before the graph is ready, not after: while the data are parsed in a thread
    # (preload.py), the question and the result formats are read for nothing.
    if named:
        question = get_question(named)
        sparql, empty = question.sparql, question.empty
    import octograph.sparql.writers  # noqa: F401  (read while the data are parsed, see above)

    kg = open_graph()

    # An answer as it comes from the engine, written by its own writer where it has one; not
    # when octograph changes it: --why adds columns, --limit cuts rows, --lang relabels.
    as_is = not why and options.get("limit") is None and options.get("lang", "en") == "en"
    exact = _exact_format(fmt, output) if as_is else None

    def answer() -> Results | tuple[bytes, bool | None]:
        if exact is not None:
            text_, values = q.bind_named(named, bindings) if named else (sparql, bindings)
            federation = bool(options.get("allow_federation"))
            written = q.write_answer(kg, text_, values, exact, allow_federation=federation)
            if written is not None:
                return written
        if named:
            results = q.run_named(kg, named, bindings, **options)
        else:
            results = q.run(kg, sparql, bindings, **options)
        return q.add_why(kg, results, sparql) if why else results

    return _show(_stoppable(answer, timeout), fmt, output, iris=iris, empty=empty)


def _show(
    results: Results | tuple[bytes, bool | None],
    fmt: str | None,
    output: str | None,
    *,
    iris: bool,
    empty: str | None,
) -> int:
    """Write *results* (or what the engine wrote itself); the exit status of the command."""
    from octograph.sparql.writers import render

    if isinstance(results, tuple):  # written by the engine itself
        data, boolean = results
        write(output, data)
        return EXIT_FAILED if boolean is False else EXIT_OK
    if results.kind == "graph":
        from octograph.graph.export import serialize_triples

        write(output, serialize_triples(results.triples, fmt or "turtle"))
        return EXIT_OK
    shown = fmt or ("table" if sys.stdout.isatty() and not output else "csv")
    width = 80
    if shown == "table":
        import shutil

        # COLUMNS first, then the terminal itself, then 80: a table fits where it is read.
        width = shutil.get_terminal_size().columns
    text = render(results, shown, iris=iris, width=width, empty=empty)
    write(output, text.encode("utf-8"))
    if results.kind == "ask":
        return EXIT_OK if results.boolean else EXIT_FAILED
    return EXIT_OK


def _exact_format(fmt: str | None, output: str | None) -> Format | None:
    """The results format an engine may write itself: CSV, TSV, JSON or XML as asked, or CSV
    for a pipe or a file when none is; None for a table."""
    from octograph import formats

    if fmt is None and sys.stdout.isatty() and not output:
        return None
    try:
        found = formats.find(fmt or "csv", "results")
    except NotFoundError:
        return None  # octograph's writers say what is wrong with it
    return found if found.oxigraph is not None else None


def _query_text(text: str | None, file: str | None) -> tuple[str | None, str]:
    """(the named question, or None; the SPARQL text, "" for a named question)."""
    from octograph.sparql.questions import looks_like_name

    if file == "-":
        return None, sys.stdin.read()
    if file:
        from pathlib import Path

        try:
            return None, Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise QueryError(str(getattr(e, "strerror", None) or e), path=file) from e
    if text is None:
        raise QueryError("give a query, -f FILE, or a named question (see octograph query --list)")
    return (text, "") if looks_like_name(text) else (None, text)


def _params(pairs: Sequence[str]) -> dict[str, object]:
    out: dict[str, object] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.isidentifier():
            raise QueryError(f"--param takes NAME=VALUE, got {pair!r}")
        out[name] = value
    return out


def _stoppable(answer: Callable[[], T], timeout: float | None) -> T:
    """*answer*() in a thread, so that Ctrl-C and *timeout* (seconds) can stop it.

    Oxigraph evaluates without the GIL but never returns to Python until it is done: run on
    the main thread, a runaway query would ignore Ctrl-C. Stopped, it is left to end with the
    process (the command line ends with os._exit).

    Raises:
        QueryError: the answer took longer than *timeout*.
    """
    # _thread, not threading: importing threading costs ~1.7 ms of the start.
    import _thread

    outcome: list[T | BaseException] = []
    done = _thread.allocate_lock()
    done.acquire()

    def target() -> None:
        try:
            outcome.append(answer())
        except BaseException as e:  # handed to the main thread, which raises it
            if isinstance(e, OctographError):
                # Printed as one line: the tracebacks go, and with them the frames that hold
                # Oxigraph's results, which must be freed on the thread that made them.
                cause: BaseException | None = e
                while cause is not None:
                    cause.__traceback__ = None
                    cause = cause.__cause__ or cause.__context__
            outcome.append(e)
        finally:
            done.release()

    _thread.start_new_thread(target, ())
    # The wait is interrupted by a signal: Ctrl-C raises KeyboardInterrupt here (exit 130).
    if not done.acquire(timeout=-1 if timeout is None else timeout):
        raise QueryError(f"stopped after {timeout:g} s (--timeout); nothing was written")
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]
