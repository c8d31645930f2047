"""Coverage: one row per judged property - what was compared, and how it came out.

At fleet size coverage is most of a drift result (a million rows for 10,000 endpoints), so
schema 2.0 keeps it as a table, in memory and in drift.json alike:

    "coverage": {"columns": ["resource", "field", "arm_path", "outcome", "reason"],
                 "rows": [["ep/blue", "instance_count", "properties.scaleSettings...",
                           "matched", null], ...]}

A row is a list in memory (under half a dict's size; a list, not a tuple, so the result
in memory is valid against `schemas/drift.schema.json` as it is) and an array on disk (the
four key names are no longer repeated a million times); `reason` is null unless the
outcome needs one. Results of schema 1.x hold a list of objects instead; `rows_of` reads
both, so every report renders either, and `entries` gives the objects back where a mapping
reads better.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

COLUMNS = ("resource", "field", "arm_path", "outcome", "reason")
RESOURCE, FIELD, ARM_PATH, OUTCOME, REASON = range(len(COLUMNS))

Row = list[Any]  # [resource, field, arm_path, outcome, reason or None]


def row(resource: str, field: str, arm_path: str, outcome: str, reason: str | None) -> Row:
    """One coverage row; an empty reason is no reason."""
    return [resource, field, arm_path, outcome, reason or None]


def table(rows: Iterable[Sequence[Any]]) -> dict[str, Any]:
    """The coverage member of a schema 2.0 result."""
    return {"columns": list(COLUMNS), "rows": list(rows)}


def sort_key(r: Sequence[Any]) -> tuple[str, ...]:
    """The result's order: resource (ignoring case), field, path, outcome, reason; ties by
    the resource as written, so equal keys mean equal rows and merged shards come out as
    one run over the union would write them."""
    return (r[RESOURCE].lower(), r[FIELD], r[ARM_PATH], r[OUTCOME], r[REASON] or "", r[RESOURCE])


def sort_rows(rows: Iterable[Row]) -> list[Row]:
    """`sorted(rows, key=sort_key)`, without a key per row: a fleet's result has a million rows,
    and building a six-part key for each costs more than the rest of its analysis.

    The rows of one resource are gathered (a drift run emits them resource by resource) and
    sorted as plain lists: with the resource equal, a list compares field, path, outcome and
    reason just as the key does. The one difference, a reason of None beside a text (the key
    reads None as ""), makes the comparison raise; that resource is then sorted by the key.
    Resources follow in key order; those whose names differ only in case interleave by the
    key, so they are sorted together by it. Equal keys mean equal rows (see `sort_key`), so
    the result is the same list, row for row."""
    by_resource: dict[str, list[Row]] = {}
    for resource, group in groupby(rows, _RESOURCE):
        found = by_resource.get(resource)
        if found is None:
            by_resource[resource] = list(group)
        else:
            found.extend(group)
    names = sorted(by_resource, key=_name_order)
    out: list[Row] = []
    start = 0
    while start < len(names):
        folded = names[start].lower()
        end = start + 1
        while end < len(names) and names[end].lower() == folded:
            end += 1
        if end == start + 1:
            block = by_resource[names[start]]
            try:
                out += sorted(block)
            except TypeError:  # a reason of None beside a text
                out += sorted(block, key=sort_key)
        else:  # one name in several casings: their rows interleave by the key
            out += sorted([r for n in names[start:end] for r in by_resource[n]], key=sort_key)
        start = end
    return out


_RESOURCE = itemgetter(RESOURCE)


def _name_order(name: str) -> tuple[str, str]:
    return name.lower(), name


def rows_of(result: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
    """The coverage rows of a result of any schema version (1.x objects become rows)."""
    coverage = result.get("coverage")
    if not coverage:
        return ()
    if isinstance(coverage, Mapping):
        return coverage.get("rows") or ()
    return [
        row(
            str(e.get("resource") or ""),
            str(e.get("field") or ""),
            str(e.get("arm_path") or ""),
            str(e.get("outcome") or ""),
            e.get("reason"),
        )
        for e in coverage
        if isinstance(e, Mapping)
    ]


def entry(r: Sequence[Any]) -> dict[str, Any]:
    """One row as the object schema 1.x wrote (no `reason` key when there is none)."""
    out = {name: r[i] for i, name in enumerate(COLUMNS[:REASON])}
    if r[REASON]:
        out["reason"] = r[REASON]
    return out


def entries(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A result's coverage as objects, whatever its encoding."""
    return [entry(r) for r in rows_of(result)]
