"""Give each difference its spec field, severity, category, location and waiver.

The ARM path -> spec field mapping and the severities live in `tables.FIELD_RULES`; this
module looks them up. Finding ids hash (resource id, ARM path, change) so they stay stable
when values change, which keeps SARIF fingerprints and waivers meaningful over time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from iac_gen.drift import tables
from iac_gen.drift.normalise import Path_, join, pattern_of, split
from iac_gen.drift.waivers import WaiverBook
from iac_gen.spec.model import Spec


@dataclass(frozen=True)
class Rule:
    field: str
    severity: str
    category: str
    added: tuple[str, str] | None = None  # severity, category of a live-only value


@cache
def _rules(kind: str) -> tuple[dict[Path_, tables.FieldRule], list[tuple[Path_, tables.FieldRule]]]:
    exact: dict[Path_, tables.FieldRule] = {}
    prefixes: list[tuple[Path_, tables.FieldRule]] = []
    for rule in tables.FIELD_RULES:
        if rule.kind != kind:
            continue
        if rule.path.endswith(".**"):
            prefixes.append((split(rule.path[:-3]), rule))
        else:
            exact[split(rule.path)] = rule
    return exact, prefixes


def known_field(kind: str, path: Path_) -> bool:
    """Whether the tables know this ARM path (live-only values elsewhere are not reported)."""
    return _lookup(kind, pattern_of(path)) is not None


def _lookup(kind: str, pattern: Path_) -> tables.FieldRule | None:
    exact, prefixes = _rules(kind)
    rule = exact.get(pattern)
    if rule is not None:
        return rule
    for prefix, candidate in prefixes:
        if pattern[: len(prefix)] == prefix:
            return candidate
    return None


@lru_cache(maxsize=65_536)
def rule_for(kind: str, path: Path_, deployment: str) -> Rule:
    """Spec field, severity and category of one ARM path of a resource."""
    pattern = pattern_of(path)
    found = _lookup(kind, pattern)
    added = None
    if found is None:
        spec_field = join(path)
        severity, category = tables.FALLBACK_RULE
        if kind in _COMPANION_FIELDS:
            spec_field = _COMPANION_FIELDS[kind].replace("{dep}", deployment)
    else:
        key = path[pattern.index("*")] if "*" in pattern else ""
        spec_field = found.field.replace("{key}", key)
        severity, category, added = found.severity, found.category, found.added
    if kind == "deployment":
        spec_field = f"deployments.{deployment}.{spec_field}"
    elif kind == "autoscale":
        spec_field = _autoscale_field(spec_field, path, deployment)
    return Rule(spec_field, severity, category, added)


# Spec fields of companion paths the tables do not name (and of alerts and role assignments,
# which are never compared).
_COMPANION_FIELDS = {
    "autoscale": "autoscale.{dep}",
    "diagnostics": "monitoring.log_analytics_workspace",
    "alert": "monitoring.alerts",
    "role_assignment": "access.scorers",
}


def _autoscale_field(template: str, path: Path_, deployment: str) -> str:
    """Fill `{dep}`, `{profile}` and `{edge}`: a schedule's profiles map to its spec entry."""
    profile, edge = "", "start"
    if len(path) > 2 and path[:2] == ("properties", "profiles") and path[2] != "default":
        name = path[2]
        if name.endswith("-end"):
            name, edge = name[: -len("-end")], "end"
        profile = f"schedules.{name}."
    return (
        template.replace("{dep}", deployment).replace("{profile}", profile).replace("{edge}", edge)
    )


def finding_id(resource_id: str, arm_path: str, change: str) -> str:
    digest = hashlib.sha256(f"{resource_id.lower()}|{arm_path}|{change}".encode()).hexdigest()
    return digest[:16]


def jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def _show(value: Any) -> str:
    return json.dumps(jsonable(value), sort_keys=True, ensure_ascii=False)


def message(change: str, arm_path: str, expected: Any, actual: Any, reason: str = "") -> str:
    if change == "not_equal":
        return f"{arm_path} is {_show(actual)} in Azure; the design says {_show(expected)}"
    if change == "removed":
        return f"{arm_path} is not set in Azure; the design says {_show(expected)}"
    if change == "added":
        return f"{arm_path} is {_show(actual)} in Azure but not part of the design"
    if change == "not_comparable":
        return f"{arm_path} cannot be compared: {reason}"
    return reason


@dataclass
class Classifier:
    """Builds finding dicts; owns the waiver book so every finding is checked against it."""

    book: WaiverBook | None

    def finding(
        self,
        *,
        spec: Spec | None,
        resource: str,
        resource_id: str,
        field: str,
        arm_path: str,
        change: str,
        expected: Any,
        actual: Any,
        severity: str,
        category: str,
        text: str,
        fallback_file: str,
    ) -> dict[str, Any]:
        waiver = None
        if self.book is not None and change != "not_comparable":
            waiver = self.book.find(resource, field)
        if spec is not None:
            loc = spec.locate(field)
            location = {"file": loc.file, "line": loc.line, "col": loc.col}
        else:
            location = {"file": fallback_file, "line": 1, "col": 1}
        return {
            "id": finding_id(resource_id, arm_path, change),
            "resource": resource,
            "resource_id": resource_id,
            "field": field,
            "arm_path": arm_path,
            "expected": jsonable(expected),
            "actual": jsonable(actual),
            "change": change,
            "severity": severity,
            "category": category,
            "message": text,
            "waived": waiver is not None,
            "waiver": None if waiver is None else waiver.as_dict(),
            "location": location,
        }
