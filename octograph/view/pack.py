"""The graph page's data block: compact tables, and a deflated form for big graphs.

Rows drop their trailing default values (no curve, a plain statement, the small font, no
place on the map), which view.js reads back as those defaults. Past PACK_BYTES of JSON the
block is deflated and base64-encoded; the browser inflates it with its own
DecompressionStream, so the page still needs nothing from anywhere. A 10,000-node page of
quotes shrinks to less than half, and the reader's text stays plain JSON below that size.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Mapping
from typing import Any

__all__ = ["PACK_BYTES", "pack", "trim"]

PACK_BYTES = 2_000_000


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


def pack(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """*data* as it goes into the page: itself, or ``{"packed": base64 of raw deflate}``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    raw = text.encode("utf-8")
    if len(raw) <= PACK_BYTES:
        return data
    # Level 1: most of the gain (quotes repeat words) for a fifth of level 6's time.
    squeezer = zlib.compressobj(1, zlib.DEFLATED, -15)
    packed = squeezer.compress(raw) + squeezer.flush()
    return {"packed": base64.b64encode(packed).decode("ascii")}
