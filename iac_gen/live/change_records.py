"""Change records as an export bundle carries them (`changes.records`), shared by the
exporter (`iac_gen.azure.changes`) and the drift step (`iac_gen.drift.attribution`), so
neither needs the other and drift never imports the Azure SDK."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

UNNAMED_ACTORS = frozenset({"system"})  # what Resource Graph writes for background changes


def record_key(record: Mapping[str, Any]) -> tuple[str, str, str, str]:
    """The order records are kept in: resource, time, source, correlation id."""
    return (
        str(record["resource_id"]).lower(),
        str(record["timestamp"]),
        str(record["source"]),
        str(record.get("correlation_id") or ""),
    )


def pseudonymise(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every actor replaced by `actor-N`, N in order of first appearance over the sorted
    records: the same actor (compared without case) keeps one pseudonym within the run, and
    the pseudonym says nothing about who it was (no hash to try e-mail addresses against).
    `System` (a background change) is no person and stays."""
    names: dict[str, str] = {}
    out = []
    for record in sorted(records, key=record_key):
        actor = record.get("changed_by")
        copy = dict(record)
        if isinstance(actor, str) and actor.lower() not in UNNAMED_ACTORS:
            names.setdefault(actor.lower(), f"actor-{len(names) + 1}")
            copy["changed_by"] = names[actor.lower()]
        out.append(copy)
    return out
