"""What the commands print and write: JSON, bytes to a file or standard output, progress."""

from __future__ import annotations

import io
import os
import sys

from octograph.errors import OutputError
from octograph.output import STDOUT

__all__ = ["Progress", "guard_stdout", "print_json", "write"]


class _Descriptor(io.RawIOBase):
    """Standard output's descriptor, whose write errors are OutputErrors naming it."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return os.isatty(self._fd)

    def write(self, data: bytes) -> int:  # type: ignore[override]
        try:
            return os.write(self._fd, data)
        except BrokenPipeError:
            raise  # `| head`: the command line ends quietly
        except OSError as e:
            raise OutputError(e.strerror or str(e), path=STDOUT) from e


def guard_stdout() -> None:
    """Make a failed write to standard output (a full disk, a file too big) one line, not a
    traceback from whichever print() filled the buffer: an OutputError naming it."""
    out = sys.__stdout__
    if out is None or sys.stdout is not out:
        return  # closed (>&-), or captured by a caller that handles its own errors
    try:
        fd = out.fileno()
        out.flush()
    except (OSError, ValueError):
        return
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(_Descriptor(fd)),
        encoding=out.encoding,
        errors=out.errors,
        line_buffering=out.line_buffering,
    )


class Progress:
    """Progress of a long load on stderr: a line each tenth of the way, for big inputs only."""

    def __init__(self, what: str, threshold: int = 50_000) -> None:
        self.what, self.threshold, self.shown = what, threshold, -1

    def __call__(self, graphs: int, total_graphs: int, done: int, total: int) -> None:
        if total < self.threshold:
            return
        tenth = done * 10 // max(total, 1)
        if tenth > self.shown:
            self.shown = tenth
            print(
                f"{self.what}: {graphs}/{total_graphs} graphs, {done}/{total} triples",
                file=sys.stderr,
                flush=True,
            )


def print_json(data: object) -> None:
    """*data* as indented JSON on standard output."""
    import json  # here, not at the top: only the --format json paths need it

    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def write(output: str | None, data: bytes) -> None:
    """*data* into the file *output* (see write_file), or to standard output when None."""
    if output:
        from octograph.output import write_file

        write_file(output, data)
        print(f"wrote {output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
