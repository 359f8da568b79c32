"""What the commands print and write: JSON, bytes to a file or standard output, progress."""

from __future__ import annotations

import sys

__all__ = ["Progress", "print_json", "write"]


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
    """*data* into the file *output* (atomically), or to standard output when None."""
    if output:
        from octograph.output import write_atomic

        write_atomic(output, data)
        print(f"wrote {output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
