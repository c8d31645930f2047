"""ARM what-if output without the noise: the changes that are only spellings Azure fills in.

`az deployment group what-if --result-format FullResourcePayloads --no-pretty-print` lists,
per resource, `before` (what runs) and `after` (what the template would leave). For an online
endpoint or deployment it reports every field the service fills in or spells differently
(`PT0.5S` vs `PT0S`, `Standard_DS3_v2` vs `standard_ds3_v2`, server-owned ids) as a
modification. Both sides go through drift's normalisation (`iac_gen.drift.normalise`), so a
field is a change here exactly when drift would call it drift; other resource types are kept
as what-if reported them. The result has the same field names and severities as drift.
"""

from __future__ import annotations

from typing import Any

from iac_gen.diagnostics import error

KEPT = ("Create", "Delete", "Modify", "Deploy", "Unsupported")
QUIET = ("NoChange", "Ignore")


def changes_of(document: Any, file: str) -> list[dict[str, Any]]:
    """The `changes` array of what-if output (CLI JSON or the REST operation's result)."""
    if isinstance(document, dict):
        found = document.get("changes")
        if found is None and isinstance(document.get("properties"), dict):
            found = document["properties"].get("changes")
        if isinstance(found, list) and all(isinstance(c, dict) for c in found):
            if str(document.get("status", "Succeeded")) != "Succeeded":
                raise error("IAC441", f"what-if status is {document.get('status')!r}", file)
            return found
    raise error(
        "IAC440",
        "not what-if output; expected the JSON of `az deployment group what-if "
        "--result-format FullResourcePayloads --no-pretty-print` (an object with `changes`)",
        file,
    )


def _kind(body: dict[str, Any] | None) -> str | None:
    from iac_gen.drift.match import kind_of

    return kind_of(body) if isinstance(body, dict) else None


def _real_differences(change: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Drift-normalised differences of a Modify, or None when the type is not one we know."""
    from iac_gen.drift.asset_ids import parse_ml_id
    from iac_gen.drift.classify import rule_for
    from iac_gen.drift.compare import compare
    from iac_gen.drift.normalise import join, normalise, reconcile

    before, after = change.get("before"), change.get("after")
    kind = _kind(after) or _kind(before)
    if kind is None or not isinstance(before, dict) or not isinstance(after, dict):
        return None
    rid = str(change.get("resourceId") or after.get("id") or "")
    parsed = parse_ml_id(rid)
    ws = parsed[0] if parsed else None
    deployment = rid.rstrip("/").rsplit("/", 1)[-1] if kind == "deployment" else ""
    desired, live = normalise(after, kind, ws), normalise(before, kind, ws)
    # The tables that need both sides (keys the service writes, fields it keeps when unset,
    # api-version-only fields), exactly as drift applies them.
    set_aside = reconcile(kind, desired, live, after, before)
    for path in set_aside:
        desired.pop(path, None)
        live.pop(path, None)
    out = []
    for diff in compare(desired, live):
        rule = rule_for(kind, diff.path, deployment)
        out.append(
            {
                "field": rule.field,
                "arm_path": join(diff.path),
                "from": diff.actual,
                "to": diff.expected,
                "severity": rule.severity,
                "category": rule.category,
            }
        )
    return out


def _as_reported(delta: dict[str, Any]) -> dict[str, Any]:
    """A `delta` entry of a type drift does not know, as what-if reported it; its `before` /
    `after` (present since the 2020-06-01 API, see tests/plan/whatif_recorded) as from / to,
    credential-shaped values withheld."""
    from iac_gen.report.redact import redact

    out: dict[str, Any] = {
        "arm_path": str(delta.get("path", "")),
        "change": str(delta.get("propertyChangeType", "")),
    }
    for side, key in (("before", "from"), ("after", "to")):
        if side in delta:
            out[key] = redact(delta[side], tuple(out["arm_path"].split(".")))
    return out


def filter_whatif(document: Any, file: str = "what-if") -> dict[str, Any]:
    """What remains of what-if output once server-filled fields and spellings are dropped."""
    kept: list[dict[str, Any]] = []
    dropped = 0
    for change in changes_of(document, file):
        kind = str(change.get("changeType", ""))
        rid = str(change.get("resourceId", ""))
        if kind in QUIET:
            continue
        if kind == "Modify":
            real = _real_differences(change)
            if real is not None:
                if not real:
                    dropped += 1
                    continue
                kept.append({"resource_id": rid, "change": kind, "properties": real})
                continue
        delta = [_as_reported(d) for d in change.get("delta") or [] if isinstance(d, dict)]
        kept.append({"resource_id": rid, "change": kind, "properties": delta})
    return {
        "status": "changes" if kept else "no_change",
        "changes": kept,
        "dropped_as_noise": dropped,
    }
