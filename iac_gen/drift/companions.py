"""Azure Monitor and access companions of an endpoint: matching and list-to-map shaping.

The design emits, besides the endpoint and its deployments, autoscale settings (one per
deployment), a diagnostic setting on the endpoint, metric alerts and role assignments.

- Autoscale settings are matched by `targetResourceUri` (the deployment id, any casing),
  never by name: a portal-made setting named differently still scales that deployment.
- Diagnostic settings are matched on the endpoint they attach to, by name, else by the Log
  Analytics workspace they send to (the same destination under another name).
- Whether a live input can say a companion is *missing* is decided for the whole input: an
  export bundle reads both types; any other shape only when it holds bodies of that type
  (an `az ml ... show` output or plain endpoint bodies say nothing about Azure Monitor).
  Otherwise every designed property is listed as not comparable, and the run's status is
  not affected. Alerts and role assignments are never exported, so the same applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from iac_gen.drift import tables
from iac_gen.drift.asset_ids import ResourceKey, WorkspaceRef, canonical_arm_id, parse_ml_id
from iac_gen.drift.match import Designed, Pair, kind_of
from iac_gen.spec.model import Spec

COMPARED = ("autoscale", "diagnostics")
_INSIGHTS = "/providers/microsoft.insights/"
_NUMBER_STRINGS = frozenset(tables.NUMBER_STRINGS)


def companion_kind(body: Mapping[str, Any]) -> str | None:
    return tables.COMPANION_KINDS.get(str(body.get("type", "")).lower())


def live_reads(live: Any) -> frozenset[str]:
    """The compared companion kinds this live input can vouch for (present or missing)."""
    if getattr(live, "format", "") == "bundle":
        return frozenset(COMPARED)
    found = set()
    for body in getattr(live, "resources", ()):
        kind = tables.COMPANION_KINDS.get(str(body.get("type", "")).lower())
        if kind in COMPARED:
            found.add(kind)
            if len(found) == len(COMPARED):
                break
    return frozenset(found)


def _endpoint_of(resource_id: str) -> tuple[WorkspaceRef, ResourceKey] | None:
    """The online endpoint an extension resource (`<endpoint id>/providers/...`) sits on."""
    head = resource_id.lower().split(_INSIGHTS, 1)[0].split("/providers/microsoft.authorization/")
    parsed = parse_ml_id(head[0])
    if parsed is None or parsed[1] is None or parsed[1].deployment:
        return None
    return parsed[0], parsed[1]


def _target_of(body: Mapping[str, Any]) -> tuple[WorkspaceRef, ResourceKey] | None:
    """The deployment (or endpoint) an autoscale setting scales."""
    target = str((body.get("properties") or {}).get("targetResourceUri") or "")
    parsed = parse_ml_id(target)
    if parsed is None or parsed[1] is None:
        return None
    return parsed[0], parsed[1]


def placed_on(body: Mapping[str, Any]) -> WorkspaceRef | None:
    """The workspace (with subscription and resource group) of the deployment an autoscale
    setting scales or of the endpoint a diagnostic setting sits on; None if unknown."""
    kind = tables.COMPANION_KINDS.get(str(body.get("type", "")).lower())
    if kind is None:
        return None
    found = _target_of(body) if kind == "autoscale" else _endpoint_of(str(body.get("id", "")))
    return found[0] if found is not None else None


def designed_companions(spec: Spec, resources: Iterable[Mapping[str, Any]]) -> list[Designed]:
    """The companion resources of one spec's desired state, keyed by what they attach to."""
    bodies = list(resources)
    endpoint: tuple[WorkspaceRef, ResourceKey] | None = None
    for body in bodies:
        if kind_of(body) == "endpoint":
            parsed = parse_ml_id(str(body.get("id", "")))
            if parsed is not None and parsed[1] is not None:
                endpoint = parsed[0], parsed[1]
    out: list[Designed] = []
    for body in bodies:
        kind = companion_kind(body)
        if kind is None:
            continue
        found = _target_of(body) if kind == "autoscale" else endpoint
        if found is None:
            continue
        out.append(Designed(found[1], found[0], body, spec))
    return out


def label(pair: Pair, endpoint: str, deployment: str) -> str:
    """`endpoint/deployment/autoscale`, `endpoint/diagnostics/<name>`, `endpoint/alerts/<name>`."""
    body = pair.designed.body if pair.designed is not None else pair.live or {}
    name = str(body.get("name", "")).split("/")[-1]
    if pair.kind == "autoscale":
        return f"{endpoint}/{deployment}/autoscale"
    if pair.kind == "diagnostics":
        return f"{endpoint}/diagnostics/{name}"
    if pair.kind == "alert":
        return f"{endpoint}/alerts/{name}"
    return f"{endpoint}/roleAssignments/{name}"


def match_companions(
    designed: Sequence[Designed],
    live: Iterable[Mapping[str, Any]],
    ml_pairs: Sequence[Pair],
    not_checked: Iterable[Mapping[str, Any]],
    reads: frozenset[str],
) -> list[Pair]:
    """Pairs for designed companions and for unmanaged ones on designed endpoints."""
    endpoints = {
        (p.key.workspace, p.key.endpoint) for p in ml_pairs if p.designed and p.kind == "endpoint"
    }
    if not endpoints:
        return []
    by_target: dict[tuple[str, ResourceKey], list[tuple[WorkspaceRef, Mapping[str, Any]]]] = {}
    if reads:
        for body in live:
            kind = tables.COMPANION_KINDS.get(str(body.get("type", "")).lower())
            if kind not in reads:
                continue
            found = _target_of(body) if kind == "autoscale" else _endpoint_of(str(body["id"]))
            if found is None or (found[1].workspace, found[1].endpoint) not in endpoints:
                continue
            by_target.setdefault((kind, found[1]), []).append((found[0], body))
    ml_reasons = {p.key: p.not_checked for p in ml_pairs if p.not_checked}
    unread = [
        (str(e.get("id", "")).lower(), str(e.get("reason", ""))) for e in not_checked if e.get("id")
    ]
    pairs: list[Pair] = []
    for item in designed:
        kind = companion_kind(item.body)
        assert kind is not None
        pair = Pair(item.key, kind, item, None)
        pairs.append(pair)
        if kind not in COMPARED:
            pair.not_compared = tables.NOT_EXPORTED[kind]
            continue
        if kind not in reads:
            pair.not_compared = tables.NOT_IN_LIVE_INPUT
            continue
        candidates = by_target.get((kind, item.key), [])
        chosen = _choose(kind, item.body, candidates)
        if chosen is not None:
            candidates.remove(chosen)
            pair.live_ws, pair.live = chosen
            continue
        pair.not_checked = _why_unread(item, ml_reasons, unread)
    for (kind, key), rest in sorted(by_target.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        for ws, body in sorted(rest, key=lambda wb: str(wb[1]["id"]).lower()):
            pairs.append(Pair(key, kind, None, body, live_ws=ws))
    return pairs


def _choose(
    kind: str,
    body: Mapping[str, Any],
    candidates: list[tuple[WorkspaceRef, Mapping[str, Any]]],
) -> tuple[WorkspaceRef, Mapping[str, Any]] | None:
    if not candidates:
        return None
    ordered = sorted(candidates, key=lambda wb: str(wb[1]["id"]).lower())
    if kind == "autoscale":
        return ordered[0]  # Azure Monitor allows one autoscale setting per target
    name = str(body.get("name", "")).lower()
    for candidate in ordered:
        if str(candidate[1].get("name", "")).lower() == name:
            return candidate
    destination = canonical_arm_id(str((body.get("properties") or {}).get("workspaceId") or ""))
    for candidate in ordered:
        props = candidate[1].get("properties") or {}
        if destination and canonical_arm_id(str(props.get("workspaceId") or "")) == destination:
            return candidate
    return None


def _why_unread(
    item: Designed,
    ml_reasons: Mapping[ResourceKey, str | None],
    unread: list[tuple[str, str]],
) -> str | None:
    """Why a designed companion absent from the live state may exist after all, if so."""
    key = item.key
    for candidate in (key, ResourceKey(key.workspace, key.endpoint)):
        reason = ml_reasons.get(candidate)
        if reason:
            return reason
    rid = str(item.body.get("id", "")).lower()
    for prefix, reason in unread:
        if rid.startswith(prefix):  # e.g. the autoscale or diagnostic settings listing failed
            return reason
    return None


# -- lists to maps -----------------------------------------------------------------------------


def shape(body: Mapping[str, Any], kind: str) -> Mapping[str, Any]:
    """The body with Azure Monitor lists turned into maps (`tables.LIST_KEYS`); others as is."""
    if kind == "autoscale":
        return _shape_autoscale(body)
    if kind == "diagnostics":
        return _shape_diagnostics(body)
    return body


def _number(pattern: str, value: Any) -> Any:
    if pattern in _NUMBER_STRINGS and isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text)
    return value


def _shape_autoscale(body: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(body)
    props = dict(out.get("properties") or {})
    profiles: dict[str, Any] = {}
    for profile in props.get("profiles") or []:
        if not isinstance(profile, Mapping):
            continue
        shaped = dict(profile)
        name = str(shaped.pop("name", ""))
        capacity = shaped.get("capacity")
        if isinstance(capacity, Mapping):
            shaped["capacity"] = {
                k: _number(f"properties.profiles.*.capacity.{k}", v) for k, v in capacity.items()
            }
        rules: dict[str, Any] = {}
        for index, rule in enumerate(shaped.get("rules") or []):
            if not isinstance(rule, Mapping):
                continue
            rule = dict(rule)
            for dotted, value in tables.RULE_DEFAULTS.items():
                part, _, leaf = dotted.partition(".")
                section = dict(rule.get(part) or {})
                if section.get(leaf) is None:
                    section[leaf] = value
                rule[part] = section
            action = rule.get("scaleAction")
            if isinstance(action, Mapping):
                rule["scaleAction"] = {
                    k: _number(f"properties.profiles.*.rules.*.scaleAction.{k}", v)
                    for k, v in action.items()
                }
            rules[str(index)] = rule
        shaped["rules"] = rules
        profiles[name] = shaped
    props["profiles"] = profiles
    out["properties"] = props
    return out


def _shape_diagnostics(body: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(body)
    props = dict(out.get("properties") or {})
    logs: dict[str, Any] = {}
    for entry in props.get("logs") or []:
        if not isinstance(entry, Mapping):
            continue
        enabled = entry.get("enabled", True) is not False
        category = entry.get("category")
        group = entry.get("categoryGroup")
        if category:
            names: tuple[str, ...] = (str(category),)
        elif group:
            names = tables.LOG_CATEGORY_GROUPS.get(str(group).lower(), (f"group:{group}",))
        else:
            continue
        for name in names:
            current = logs.setdefault(name.lower(), {"enabled": False})
            current["enabled"] = current["enabled"] or enabled
            if entry.get("retentionPolicy") is not None:
                current["retentionPolicy"] = entry["retentionPolicy"]
    props["logs"] = logs
    out["properties"] = props
    return out
