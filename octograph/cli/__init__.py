"""The ``octograph`` command line: options and environment at the edge, one function a command.

argparse rather than click: the query path must start in a blink (click alone costs ~80 ms
here, more than the whole query), and argparse is already in the standard library. For the
same reason nothing on the query path imports typing, dataclasses, rdflib or networkx.

- config.py reads the OCTOGRAPH_* environment variables, once each, typed and checked;
- parser.py declares the shared options once and builds the parser of one command;
- commands.py turns each command's options into one call of a plain function, which lives
  in actions.py, query.py or push.py.
"""

from __future__ import annotations

import os
import sys

from octograph.cli.config import Config
from octograph.cli.output import guard_stdout
from octograph.cli.parser import COMMANDS, build_parser
from octograph.errors import InputError, OctographError
from octograph.graph.preload import command_in

# typing.TYPE_CHECKING without importing typing (mypy treats any name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["build_parser", "main"]

EXIT_OK, EXIT_USAGE = 0, 2


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; errors become one line on stderr and exit status 2."""
    try:
        argv = sys.argv[1:] if argv is None else list(argv)
        _check_text(argv)
        guard_stdout()
        config = Config()  # the environment, read here and nowhere else
        command = command_in(argv)
        args = build_parser(config, command if command in COMMANDS else None).parse_args(argv)
        if not getattr(args, "func", None):
            if not argv:
                build_parser(config).print_help()  # a bare `octograph`: what it can do
                raise SystemExit(EXIT_USAGE)
            # Options but no command (`--data stats` took the command as the folder): say so.
            raise InputError("no command given; see octograph --help for the commands")
        code = args.func(args, config)
        sys.stdout.flush()  # here, so that a full disk is reported like any other error
    except OctographError as e:
        from octograph.engines.spec import redact  # a URL in a message never shows its password

        print(f"error: {redact(str(e))}", file=sys.stderr)
        if getattr(e, "excerpt", ""):  # a query's line with a caret under the column
            print(e.excerpt, file=sys.stderr)  # type: ignore[attr-defined]
        code = EXIT_USAGE
    except BrokenPipeError:
        # `octograph export | head`: the reader left; that is not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_OK
    except KeyboardInterrupt:
        code = 130
    raise SystemExit(code)


def _check_text(argv: Sequence[str]) -> None:
    """Every argument must be UTF-8: a query, a parameter or a file name that is not would
    fail deep inside (as a UnicodeEncodeError), or name a file no message can show."""
    for i, arg in enumerate(argv, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError as e:
            # sys.argv holds the bytes that are not UTF-8 as lone surrogates (PEP 383).
            raw = os.fsencode(arg)
            raise InputError(
                f"argument {i} is not valid UTF-8 (byte {e.start + 1}): {raw!r}"
            ) from None
