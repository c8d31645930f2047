"""What of a companion body is compared: Azure Monitor lists turned into maps.

Autoscale settings and diagnostic settings hold lists (profiles, rules, log entries) whose
order means nothing, or whose entries have a name; `tables.LIST_KEYS` says how each becomes a
map, so entries are compared by identity rather than by position in a list. The endpoint and
its deployments are compared as they are. Each resource kind names its shaping function in
`kinds.KINDS`; the normalise step and the evidence of a difference (`classify`) both use it,
so a value is always shown in the shape it was compared in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iac_gen.drift import tables

_NUMBER_STRINGS = frozenset(tables.NUMBER_STRINGS)


def as_is(body: Mapping[str, Any]) -> Mapping[str, Any]:
    """The endpoint and deployments: compared as ARM returns them."""
    return body


def _number(pattern: str, value: Any) -> Any:
    if pattern in _NUMBER_STRINGS and isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text)
    return value


def shape_autoscale(body: Mapping[str, Any]) -> dict[str, Any]:
    """Profiles keyed by name, rules by position, rule defaults filled, number strings as
    integers."""
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
        shaped["rules"] = _shape_rules(shaped.get("rules") or [])
        profiles[name] = shaped
    props["profiles"] = profiles
    out["properties"] = props
    return out


def _shape_rules(rules: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for index, rule in enumerate(rules):
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
        out[str(index)] = rule
    return out


def shape_diagnostics(body: Mapping[str, Any]) -> dict[str, Any]:
    """Log entries keyed by category; a category group stands for its categories."""
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
