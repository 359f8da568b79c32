"""The ``octograph`` command (and ``python -m octograph``): starts parsing, then the CLI."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run the command line on ``sys.argv``."""
    argv = sys.argv[1:]
    # Before argparse and the rest are imported, so that parsing the bundled data (in a
    # thread, without the GIL) overlaps them; see preload.py.
    from octograph.graph.preload import command_in, finish, start

    try:
        # The one look at the environment before the configuration is read (cli/config.py):
        # a guess, which load() checks, of whether the bundled data will be loaded.
        start(argv, os.environ.get("OCTOGRAPH_STORE"))
        from octograph.cli import main as run

        run(argv)
    except KeyboardInterrupt:
        os._exit(130)  # Ctrl-C while starting, before the command line handles it itself
    except SystemExit as e:
        if command_in(argv) == "serve" or not isinstance(e.code, int | None):
            raise
        # Done, and everything written has been closed or is flushed here: end the process
        # without the interpreter's clean-up of every module and object, ~10 ms of a query.
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            pass
        os._exit(e.code or 0)
    finally:
        finish()  # the interpreter must not exit while the parsing thread runs


if __name__ == "__main__":
    main()
