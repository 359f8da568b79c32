"""The graph page's data block: compact tables, and a deflated form for big graphs.

Rows drop their trailing default values (no curve, a plain statement, the small font, no
place on the map), which view.js reads back as those defaults. Past PACK_BYTES of JSON the
block is deflated and base64-encoded; the browser inflates it with its own
DecompressionStream, so the page still needs nothing from anywhere. A 10,000-node page of
quotes shrinks to less than half, and the reader's text stays plain JSON below that size.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import os
import zlib
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson

__all__ = ["MOST_PARTS", "PACK_BYTES", "PART_BYTES", "collector_paused", "deflate", "pack", "trim"]

PACK_BYTES = 2_000_000
# Past this many bytes of JSON a part of its own, compressed on its own core (see deflate).
PART_BYTES = 500_000
MOST_PARTS = min(4, os.cpu_count() or 1)


def trim(row: list[Any], defaults: tuple[Any, ...]) -> list[Any]:
    """*row* without the trailing values equal to the *defaults* of its last columns.

    >>> trim([1, 2, 0, "states"], (0, "states"))
    [1, 2]
    >>> trim([1, 2, {"x": 1}, "states"], (0, "states"))
    [1, 2, {'x': 1}]
    """
    end = len(row)
    start = len(row) - len(defaults)
    while end > start and row[end - 1] == defaults[end - 1 - start]:
        end -= 1
    return row[:end]


def pack(data: Mapping[str, Any]) -> str:
    """*data* as the JSON text of the page's data block: itself, or past PACK_BYTES
    ``{"packed": base64 of raw deflate}``; either way safe inside a script element.

    >>> print(pack({"label": "</script><b>&'"}))
    {"label":"\\u003c/script\\u003e\\u003cb\\u003e\\u0026\\u0027"}
    """
    # orjson: compact, not ASCII-escaped, in key order, ten times json's speed; a NaN it
    # would write as null, but every number here is a count, a size or a rounded position.
    raw = orjson.dumps(data)
    if len(raw) > PACK_BYTES:
        return '{"packed":"' + base64.b64encode(deflate(raw)).decode("ascii") + '"}'
    # What Jinja's tojson does: no "</script>" or "<!--" can end or bend the block.
    text = raw.decode("utf-8")
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, escape)
    return text


def deflate(raw: bytes) -> bytes:
    """*raw* as one raw deflate stream, its parts compressed side by side on the machine's
    cores, as pigz does: each part ends on a byte boundary (a sync flush), the last one
    ends the stream, and none refers back into another, so the parts simply follow on.

    >>> text = b"the Budapest Convention " * 40_000
    >>> zlib.decompress(deflate(text), -15) == text
    True
    """
    parts = max(1, min(MOST_PARTS, len(raw) // PART_BYTES))
    size = -(-len(raw) // parts)
    chunks = [raw[start : start + size] for start in range(0, len(raw), size)] or [b""]

    def squeeze(index: int) -> bytes:
        # Level 1: most of the gain (quotes repeat words) for a fifth of level 6's time.
        squeezer = zlib.compressobj(1, zlib.DEFLATED, -15)
        end = zlib.Z_FINISH if index == len(chunks) - 1 else zlib.Z_SYNC_FLUSH
        return squeezer.compress(chunks[index]) + squeezer.flush(end)

    if len(chunks) == 1:
        return squeeze(0)
    with ThreadPoolExecutor(len(chunks)) as pool:  # zlib lets go of the GIL while it works
        return b"".join(pool.map(squeeze, range(len(chunks))))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block, as it was after: a big page's
    tables are many small lists in no cycle, which it would otherwise walk the heap for."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
