"""Who changed it: the drift step that attaches a change record to each finding.

Runs only when the live input carries a change history (an export bundle written with
`iac-gen export --changes`); without one, findings carry no `attribution` and every report
looks as it always did. Per finding (drift only; `not_comparable` findings are information):

- `recorded`, `match: property`: the latest record of the same resource, at or before the
  observation time, whose changed property paths name the finding's ARM path (or a path
  above or below it: Resource Graph names `properties.traffic.blue` where drift names
  `properties.traffic`; list indexes `[0]` read as `.0`);
- `recorded`, `match: nearest_write`: no record names the property (the Activity Log never
  does), so the latest write of the resource before the observation is shown, and says so;
- `none`: the history was read and holds nothing for the resource in the last N days;
- `unknown`: the history could not be read for it (HTTP 403, a source not registered, a
  resource the export did not read), with the reason.

`text` is the one line every report shows beside the finding ("changed by X via Y at T",
"no change record in the last N days", "unknown (reason)"). `redact_actors` replaces actor
names by pseudonyms here too (`iac_gen.live.change_records.pseudonymise`), so
a bundle exported with names can still be reported without them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from iac_gen.live.change_records import pseudonymise
from iac_gen.secrets import REDACTED, is_secret_value

if TYPE_CHECKING:
    from iac_gen.drift.pipeline import DriftRun

STATUSES = ("recorded", "none", "unknown")
_INDEX = re.compile(r"\[(\d+)\]")
_NOT_READ = "the change history was not read for this resource"


def property_path(path: str) -> tuple[str, ...]:
    """`properties.profiles[0].capacity` -> ('properties', 'profiles', '0', 'capacity'),
    lower case: Resource Graph and drift spell the same path with different case at times."""
    return tuple(p for p in _INDEX.sub(r".\1", path).lower().split(".") if p)


def names_property(changed: Iterable[str], arm_path: str) -> bool:
    """True when one of the changed paths is the finding's path or lies above or below it."""
    target = property_path(arm_path)
    if not target:
        return False
    for path in changed:
        parts = property_path(path)
        n = min(len(parts), len(target))
        if n and parts[:n] == target[:n]:
            return True
    return False


def _shown(value: Any, fallback: str) -> str:
    if not isinstance(value, str) or not value:
        return fallback
    return REDACTED if is_secret_value(value) else value


def actor_text(record: Mapping[str, Any]) -> str:
    actor = _shown(record.get("changed_by"), "an unrecorded actor")
    kind = record.get("changed_by_type")
    return f"{actor} ({kind})" if isinstance(kind, str) and kind and kind != actor else actor


def client_text(record: Mapping[str, Any]) -> str:
    client = record.get("client_type")
    if isinstance(client, str) and client:
        return _shown(client, "an unrecorded client")
    method = record.get("http_method")
    if isinstance(method, str) and method:
        return f"a {method} request"
    return "an unrecorded client"


def recorded_text(record: Mapping[str, Any], match: str) -> str:
    text = f"changed by {actor_text(record)} via {client_text(record)} at {record['timestamp']}"
    if match == "nearest_write":
        text += " (latest write to the resource; no record names this property)"
    return text


class Attributor:
    """Change records indexed by resource, answering one finding at a time."""

    def __init__(self, changes: Mapping[str, Any], redact_actors: bool = False) -> None:
        self.days = int(changes.get("days") or 0)
        self.observed_at = str(changes.get("observed_at") or "")
        records = [dict(r) for r in changes.get("records") or [] if isinstance(r, Mapping)]
        if redact_actors and not changes.get("actors_redacted"):
            records = pseudonymise(records)
        self.by_resource: dict[str, list[dict[str, Any]]] = {}
        for record in records:
            when = str(record.get("timestamp") or "")
            if self.observed_at and when > self.observed_at:
                continue  # after the observation: it cannot explain what was observed
            self.by_resource.setdefault(str(record.get("resource_id", "")).lower(), []).append(
                record
            )
        for found in self.by_resource.values():
            found.sort(key=lambda r: (str(r.get("timestamp")), str(r.get("correlation_id"))))
        self.coverage = {
            str(c.get("id", "")).lower(): c
            for c in changes.get("resources") or []
            if isinstance(c, Mapping)
        }

    def attribution(self, finding: Mapping[str, Any]) -> dict[str, Any]:
        rid = str(finding.get("resource_id") or "").lower()
        cover = self.coverage.get(rid)
        records = self.by_resource.get(rid, [])
        if records:
            arm_path = str(finding.get("arm_path") or "")
            named = [r for r in records if names_property(r.get("properties") or [], arm_path)]
            match, record = ("property", named[-1]) if named else ("nearest_write", records[-1])
            return {
                "status": "recorded",
                "match": match,
                "source": record.get("source"),
                "changed_by": record.get("changed_by"),
                "changed_by_type": record.get("changed_by_type"),
                "client_type": record.get("client_type"),
                "operation": record.get("operation"),
                "change_type": record.get("change_type"),
                "timestamp": record.get("timestamp"),
                "correlation_id": record.get("correlation_id"),
                "text": recorded_text(record, match),
            }
        if cover is None:
            return {"status": "unknown", "reason": _NOT_READ, "text": f"unknown ({_NOT_READ})"}
        if cover.get("status") != "read":
            reason = str(cover.get("reason") or "the change history could not be read")
            return {"status": "unknown", "reason": reason, "text": f"unknown ({reason})"}
        days = int(cover.get("days") or self.days)
        return {
            "status": "none",
            "days": days,
            "text": f"no change record in the last {days} days",
        }


def attach(
    findings: list[dict[str, Any]], changes: Mapping[str, Any] | None, redact_actors: bool = False
) -> None:
    """Give each drift finding its `attribution` (in place); nothing without a history."""
    if changes is None:
        return
    attributor = Attributor(changes, redact_actors)
    for finding in findings:
        if finding.get("change") != "not_comparable":
            finding["attribution"] = attributor.attribution(finding)


def step_attribute(run: DriftRun) -> None:
    """The attribute step: after `classify`, before `analysis` copies the findings."""
    attach(run.findings, run.changes, run.redact_actors)
