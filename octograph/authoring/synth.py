"""A synthetic corpus for benchmarks: many reports shaped like the Octopus 2019 key messages.

Each report is written as the real one is built: its text first (a title page, an opening
paragraph with figures, key messages as list items of a few sentences), then the text is cut
into passages by ``octograph.segment.segment``, then each passage states the relations its
sentence names, in its own named graph, with quote and position selectors into that text.
Shared entities (instruments, bodies, countries, threats, values, remedies) are drawn with a
Zipf-like skew from a pool whose head is the bundled report's own entities, so that a few are
everywhere and most are rare; each report also defines remedies and events of its own.

The same seed gives the same bytes; the folder is written aside and renamed into place.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from octograph.authoring.synth_pools import Entity, shared_pools
from octograph.authoring.synth_report import HEADER, Report, definition, graph
from octograph.errors import OutputError
from octograph.namespaces import ENTITIES_GRAPH
from octograph.output import new_folder

__all__ = ["synthesize"]

FORMAT_VERSION = 1


def synthesize(output: str | os.PathLike[str], *, reports: int, seed: int = 0) -> dict[str, int]:
    """Write *reports* synthetic reports to the folder *output* (replaced as a whole).

    Returns counts: reports, passages, shared entities. The folder holds ``common/`` (the
    shared entities the reports use), one folder per report (``report.txt``, ``report.trig``)
    and ``synth.json`` (seed and counts), which also marks it as replaceable.

    Raises:
        OutputError: the parent folder is missing, or *output* is a folder of something else.
    """
    target = Path(output)
    if reports < 1:
        raise OutputError("--reports must be at least 1", path=str(target))
    if not target.parent.is_dir():
        raise OutputError("folder does not exist", path=str(target.parent))
    if target.exists() and (
        not target.is_dir() or (any(target.iterdir()) and not (target / "synth.json").is_file())
    ):
        raise OutputError(
            "exists and is not a synthetic corpus (no synth.json); choose another folder",
            path=str(target),
        )
    with new_folder(target) as tmp:
        passages, used = _write_reports(tmp, reports, seed)
        (tmp / "common").mkdir()
        shared = [definition(used[iri]) for iri in sorted(used)]
        (tmp / "common" / "entities.trig").write_text(
            HEADER
            + "\n# Shared entities the synthetic reports use (the bundled ones keep their IRIs).\n"
            + graph(ENTITIES_GRAPH, shared),
            encoding="utf-8",
        )
        summary = {"reports": reports, "passages": passages, "shared_entities": len(used)}
        (tmp / "synth.json").write_text(
            json.dumps({"format": FORMAT_VERSION, "seed": seed, **summary}, indent=1) + "\n",
            encoding="utf-8",
        )
    return summary


def _write_reports(folder: Path, reports: int, seed: int) -> tuple[int, dict[str, Entity]]:
    """Write each report's folder; return the passage count and the shared entities used."""
    pools = shared_pools()
    used: dict[str, Entity] = {}
    passages = 0
    for number in range(1, reports + 1):
        report = Report(number, seed, pools)
        text, trig, count = report.build()
        passages += count
        (folder / report.code).mkdir()
        (folder / report.code / "report.txt").write_text(text, encoding="utf-8")
        (folder / report.code / "report.trig").write_text(trig, encoding="utf-8")
        for e in report.used:
            used.setdefault(e.iri, e)
    return passages, used
