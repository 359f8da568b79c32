"""Two reports compared: entities one names and the other not, relations, changed figures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from octograph.graph.querying import resolve_param, run_named

if TYPE_CHECKING:
    from octograph.graph.load import KnowledgeGraph

__all__ = ["ReportDiff", "diff_reports"]


class ReportDiff(NamedTuple):
    """The differences between reports *a* and *b*, each row with the passages behind it."""

    a: str
    b: str
    entities: list[dict[str, Any]]
    relations: list[dict[str, Any]]
    figures: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {**self._asdict(), "modality_changes": self.modality_changes()}

    def modality_changes(self) -> list[dict[str, Any]]:
        """Relations both reports make with a different modality ("may" in A, "states" in B).

        Each is a change, not two unrelated relations: one per relation, with the modalities
        and the passage numbers of each side.
        """
        sides: dict[tuple[str, str, str], dict[str, dict[str, set[int]]]] = {}
        for row in self.relations:
            key = (str(row["subject"]), str(row["predicate"]), str(row["object"]))
            side = sides.setdefault(key, {}).setdefault(str(row["side"]), {})
            side.setdefault(str(row.get("modality") or "states"), set()).add(int(row["number"]))
        labels = {
            (str(r["subject"]), str(r["predicate"]), str(r["object"])): r for r in self.relations
        }
        changes = []
        for key, by_side in sides.items():
            if set(by_side) != {"only in A", "only in B"}:
                continue
            row = labels[key]
            changes.append(
                {
                    "subjectLabel": row["subjectLabel"],
                    "predicateLabel": row["predicateLabel"],
                    "objectLabel": row["objectLabel"],
                    "modalityA": ", ".join(sorted(by_side["only in A"])),
                    "numbersA": sorted(set().union(*by_side["only in A"].values())),
                    "modalityB": ", ".join(sorted(by_side["only in B"])),
                    "numbersB": sorted(set().union(*by_side["only in B"].values())),
                }
            )
        return changes

    def text(self) -> str:
        """A readable summary, one line per difference, with passage numbers."""
        lines = [f"A = {self.a}", f"B = {self.b}", ""]
        lines.append(f"entities ({len(self.entities)}):")
        for side, rows in _group(self.entities, "side"):
            for category, label, numbers in _merge(rows, ("category", "label")):
                lines.append(f"  {side}: {category.lower()} {label}  (¶{numbers})")
        changes = self.modality_changes()
        changed = {(c["subjectLabel"], c["predicateLabel"], c["objectLabel"]) for c in changes}
        lines.append(f"relations ({len(self.relations)}):")
        for side, rows in _group(self.relations, "side"):
            keys = ("subjectLabel", "predicateLabel", "objectLabel", "modality")
            for subject, predicate, obj, modality, numbers in _merge(rows, keys):
                if (subject, predicate, obj) not in changed:
                    how = "" if modality in ("states", "None") else f" [{modality}]"
                    lines.append(f"  {side}: {subject} —{predicate}→ {obj}{how}  (¶{numbers})")
        lines.append(f"modality changed ({len(changes)}):")
        for c in changes:
            numbers_a = ", ".join(str(n) for n in c["numbersA"])
            numbers_b = ", ".join(str(n) for n in c["numbersB"])
            lines.append(
                f"  {c['subjectLabel']} —{c['predicateLabel']}→ {c['objectLabel']}: "
                f"{c['modalityA']} (A ¶{numbers_a}) → {c['modalityB']} (B ¶{numbers_b})"
            )
        lines.append(f"figures ({len(self.figures)}):")
        for row in self.figures:
            lines.append(
                f"  {row['subjectLabel']}, {row['propertyLabel']}: "
                f"{row['valueA']} (A ¶{row['numberA']}) → {row['valueB']} (B ¶{row['numberB']})"
            )
        return "\n".join(lines) + "\n"


def _group(rows: list[dict[str, Any]], key: str) -> list[tuple[str, list[dict[str, Any]]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(str(row[key]), []).append(row)
    return list(out.items())


def _merge(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> list[tuple[str, ...]]:
    """One line per distinct *keys*, with the passage numbers joined."""
    merged: dict[tuple[str, ...], set[int]] = {}
    for row in rows:
        merged.setdefault(tuple(str(row.get(k)) for k in keys), set()).add(int(row["number"]))
    return [(*k, ", ".join(str(n) for n in sorted(v))) for k, v in merged.items()]


def diff_reports(kg: KnowledgeGraph, a: str, b: str) -> ReportDiff:
    """Compare reports *a* and *b* (IRI, CURIE, label or report id such as ``octopus-2019``).

    It runs the named questions diff-entities, diff-relations and diff-figures.
    """
    ids = [_report(kg, r) for r in (a, b)]
    params = {"a": f"<{ids[0]}>", "b": f"<{ids[1]}>"}
    rows = {
        name: run_named(kg, f"diff-{name}", params).to_dicts()
        for name in ("entities", "relations", "figures")
    }
    return ReportDiff(ids[0], ids[1], rows["entities"], rows["relations"], rows["figures"])


def _report(kg: KnowledgeGraph, name: str) -> str:
    from octograph.errors import NotFoundError
    from octograph.namespaces import ID

    if "/" not in name and ":" not in name and " " not in name:
        name = f"<{ID}{name}>"
    term = resolve_param(kg, name)
    if not kg.query(f"ASK {{ {term} a octo:Report }}").boolean:
        reports = [r["r"] for r in kg.query("SELECT ?r WHERE { ?r a octo:Report } ORDER BY ?r")]
        raise NotFoundError(
            f"{name} is not a report here (reports: {', '.join(str(r) for r in reports)})"
        )
    return term.value
