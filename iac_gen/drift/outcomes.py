"""What each resource's comparison means: its status, findings and coverage entries.

One method per situation a resource can be in, decided in this order:
- not judged: a companion (autoscale, diagnostic settings, alerts, role assignments) the
  live input cannot speak for - its properties are listed as not comparable, no status;
- `unmanaged`: live only (a deployment taking traffic is high severity);
- `not_checked`: designed, but its live state could not be read - every property is not
  comparable, with the reader's reason, and the run can never be in sync;
- `missing`: designed, absent from a complete live state;
- `compared`: both sides present - each designed leaf is matched, drifted or waived, each
  unresolved leaf not comparable; live-only values at known paths are findings too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from typing import Any

from iac_gen.drift import companions, tables
from iac_gen.drift.classify import Classifier, known_field, message, rule_for
from iac_gen.drift.compare import Difference
from iac_gen.drift.match import Pair
from iac_gen.drift.normalise import Flat, Path_, as_written, join
from iac_gen.drift.waivers import WaiverBook
from iac_gen.spec.model import Spec

_COVERAGE_ORDER = itemgetter("field", "arm_path")
Entries = list[dict[str, Any]]


@dataclass
class Side:
    """One matched resource after normalisation: both flat maps and what was set aside."""

    pair: Pair
    desired: Flat
    live: Flat | None
    not_comparable: dict[Path_, str] = field(default_factory=dict)
    notes: dict[Path_, str] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)


def deployment_name(pair: Pair) -> str:
    """The deployment's name as the spec spells it (matching is case-insensitive)."""
    if pair.designed is not None:
        for dep in pair.designed.spec.deployments:
            if dep.name.lower() == pair.key.deployment:
                return dep.name
    return pair.key.deployment


def resource_label(pair: Pair) -> str:
    """`endpoint` or `endpoint/deployment`, spelled as the spec (or Azure) spells them;
    companions get a third part (`companions.label`)."""
    if pair.kind not in ("endpoint", "deployment"):
        endpoint = (
            pair.designed.spec.endpoint.name if pair.designed is not None else pair.key.endpoint
        )
        return companions.label(pair, endpoint, deployment_name(pair))
    if pair.designed is not None:
        endpoint = pair.designed.spec.endpoint.name
        return f"{endpoint}/{deployment_name(pair)}" if pair.key.deployment else endpoint
    name = str((pair.live or {}).get("name", "")).split("/")[-1] or pair.key.deployment
    return f"{pair.key.endpoint}/{name}" if pair.key.deployment else (name or pair.key.endpoint)


def _live_traffic(pairs: Sequence[Pair]) -> dict[tuple[str, str], dict[str, int]]:
    """Live traffic + mirror traffic per (workspace, endpoint), keys lower-case."""
    out: dict[tuple[str, str], dict[str, int]] = {}
    for pair in pairs:
        if pair.kind != "endpoint" or pair.live is None:
            continue
        props = pair.live.get("properties") or {}
        shares: dict[str, int] = {}
        for name in ("traffic", "mirrorTraffic"):
            for dep, pct in (props.get(name) or {}).items():
                shares[str(dep).lower()] = shares.get(str(dep).lower(), 0) + int(pct or 0)
        out[(pair.key.workspace, pair.key.endpoint)] = shares
    return out


@dataclass
class Outcomes:
    """Judges resources one by one; collects the findings of the whole run."""

    pairs: Sequence[Pair]
    book: WaiverBook | None
    live_label: str
    findings: Entries = field(default_factory=list)

    def __post_init__(self) -> None:
        self.classifier = Classifier(self.book)
        self.live_traffic = _live_traffic(self.pairs)
        self.endpoint_specs: dict[tuple[str, str], Spec] = {
            (p.key.workspace, p.key.endpoint): p.designed.spec
            for p in self.pairs
            if p.designed is not None and p.kind == "endpoint"
        }
        # In-sync resources of one shape share their (field, arm_path) list (fleet speed).
        self.shapes: dict[tuple[Any, ...], list[tuple[str, str]]] = {}

    def resource(
        self, label: str, pair: Pair, side: Side | None
    ) -> tuple[str | None, str | None, Entries]:
        """(status, reason, coverage entries in order) for one resource; status None when
        the live input cannot speak for the resource at all."""
        dep = deployment_name(pair)
        spec = (
            pair.designed.spec
            if pair.designed is not None
            else self.endpoint_specs.get((pair.key.workspace, pair.key.endpoint))
        )
        common: dict[str, Any] = {
            "spec": spec,
            "resource": label,
            "resource_id": pair.resource_id,
            "fallback_file": self.live_label,
        }
        if side is None:
            return self.unmanaged(label, pair, dep, common)
        if pair.not_compared is not None:
            return self.not_compared(label, pair, side, dep)
        if side.live is None and pair.not_checked is not None:
            return self.not_checked(label, pair, side, dep)
        if side.live is None:
            return self.missing(label, pair, side, dep, common)
        return self.compared(label, pair, side, dep, common)

    def unmanaged(
        self, label: str, pair: Pair, dep: str, common: dict[str, Any]
    ) -> tuple[str, str | None, Entries]:
        share = self.live_traffic.get((pair.key.workspace, pair.key.endpoint), {}).get(
            pair.key.deployment, 0
        )
        if pair.kind == "endpoint":
            severity, category = tables.UNMANAGED_ENDPOINT
            text = f"endpoint {label} exists in Azure but no spec declares it"
            spec_field = "name"
        elif pair.kind == "autoscale":
            severity, category = tables.UNMANAGED_AUTOSCALE
            text = (
                f"autoscale setting {(pair.live or {}).get('name', '')} scales {pair.key.label} "
                "in Azure but is not part of the design"
            )
            spec_field = f"autoscale.{dep}"
        elif pair.kind == "diagnostics":
            severity, category = tables.UNMANAGED_DIAGNOSTICS
            destination = _destination(pair.live)
            text = (
                f"diagnostic setting {(pair.live or {}).get('name', '')} on {pair.key.endpoint} "
                f"sends logs to {destination} but is not part of the design"
            )
            spec_field = "monitoring.log_analytics_workspace"
        else:
            severity, category = (
                tables.UNMANAGED_WITH_TRAFFIC if share else tables.UNMANAGED_WITHOUT_TRAFFIC
            )
            text = f"deployment {label} exists in Azure but not in the design"
            if share:
                text += f"; it takes {share}% of the endpoint's traffic"
            spec_field = f"deployments.{dep}"
        self.findings.append(
            self.classifier.finding(
                **common,
                field=spec_field,
                arm_path="",
                change="unmanaged_resource",
                expected=None,
                actual=str((pair.live or {}).get("name", label)),
                severity=severity,
                category=category,
                text=text,
            )
        )
        return "unmanaged", None, []

    def not_compared(
        self, label: str, pair: Pair, side: Side, dep: str
    ) -> tuple[str | None, str | None, Entries]:
        """Coverage only: alerts and role assignments as one entry each (never exported);
        autoscale and diagnostic settings property by property."""
        why = pair.not_compared or ""
        if pair.kind in companions.COMPARED:
            paths: list[Path_] = [*side.desired, *side.not_comparable]
        else:
            paths = [("properties",)]
        entries = [
            _coverage(label, rule_for(pair.kind, path, dep).field, path, "not_comparable", why)
            for path in paths
        ]
        entries.sort(key=_COVERAGE_ORDER)
        return None, None, entries

    def not_checked(
        self, label: str, pair: Pair, side: Side, dep: str
    ) -> tuple[str, str | None, Entries]:
        reason = pair.not_checked
        settled = reason is None or not reason.startswith("provisioningState")
        why = f"live state {'not read' if settled else 'not settled'}: {reason}"
        entries = [
            _coverage(label, rule_for(pair.kind, path, dep).field, path, "not_comparable", why)
            for path in (*side.desired, *side.not_comparable)
        ]
        entries.sort(key=_COVERAGE_ORDER)
        return "not_checked", reason, entries

    def missing(
        self, label: str, pair: Pair, side: Side, dep: str, common: dict[str, Any]
    ) -> tuple[str, str | None, Entries]:
        if pair.kind == "autoscale":
            severity, category = tables.MISSING_AUTOSCALE
            spec_field, kind_word = f"autoscale.{dep}", "autoscale setting"
        elif pair.kind == "diagnostics":
            severity, category = tables.MISSING_DIAGNOSTICS
            spec_field = "monitoring.log_analytics_workspace"
            kind_word = "diagnostic setting (endpoint logs to Log Analytics)"
        else:
            severity, category = (
                tables.MISSING_DEPLOYMENT if pair.key.deployment else tables.MISSING_ENDPOINT
            )
            spec_field = f"deployments.{dep}" if pair.key.deployment else "name"
            kind_word = "deployment" if pair.key.deployment else "endpoint"
        finding = self.classifier.finding(
            **common,
            field=spec_field,
            arm_path="",
            change="missing_resource",
            expected=str(pair.designed.body.get("name", label)) if pair.designed else label,
            actual=None,
            severity=severity,
            category=category,
            text=f"{kind_word} {label} is in the design but does not exist in Azure",
        )
        self.findings.append(finding)
        outcome = "waived" if finding["waived"] else "drifted"
        entries = [
            _coverage(
                label, rule_for(pair.kind, path, dep).field, path, outcome, "resource missing"
            )
            for path in side.desired
        ]
        entries += self._not_comparable(common, pair, side, dep, label)
        entries.sort(key=_COVERAGE_ORDER)
        return "missing", None, entries

    def compared(
        self, label: str, pair: Pair, side: Side, dep: str, common: dict[str, Any]
    ) -> tuple[str, str | None, Entries]:
        if not side.differences and not side.notes and not side.not_comparable:
            shape = (pair.kind, dep, tuple(side.desired))
            names = self.shapes.get(shape)
            if names is None:
                names = self.shapes[shape] = sorted(
                    (rule_for(pair.kind, path, dep).field, join(path)) for path in side.desired
                )
            entries = [
                {"arm_path": a, "field": f, "outcome": "matched", "resource": label}
                for f, a in names
            ]
            return "in_sync", None, entries
        differing = {d.path: d for d in side.differences}
        drifted = False

        @cache
        def written_bodies() -> tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]:
            """Both bodies as written, shaped like the flat maps; built only on a difference."""
            designed = pair.designed.body if pair.designed is not None else None
            return (
                companions.shape(designed, pair.kind) if designed is not None else None,
                companions.shape(pair.live, pair.kind) if pair.live is not None else None,
            )

        entries = []
        for path in (*side.desired, *(p for p in differing if p not in side.desired)):
            rule = rule_for(pair.kind, path, dep)
            diff = differing.get(path)
            if diff is None:
                entries.append(_coverage(label, rule.field, path, "matched", side.notes.get(path)))
                continue
            if diff.change == "added" and not known_field(pair.kind, path):
                continue  # live-only values at paths the tables do not know are not judged
            arm_path = join(path)
            severity, category = rule.severity, rule.category
            if diff.change == "added" and rule.added is not None:
                severity, category = rule.added
            designed_body, live_body = written_bodies()
            expected = as_written(designed_body, pair.kind, path, diff.expected, pair.ws)
            actual = as_written(live_body, pair.kind, path, diff.actual, pair.ws)
            finding = self.classifier.finding(
                **common,
                field=rule.field,
                arm_path=arm_path,
                change=diff.change,
                expected=expected,
                actual=actual,
                severity=severity,
                category=category,
                text=message(diff.change, arm_path, expected, actual),
            )
            self.findings.append(finding)
            drifted = True
            if path in side.desired:
                outcome = "waived" if finding["waived"] else "drifted"
                entries.append(_coverage(label, rule.field, path, outcome, side.notes.get(path)))
        entries += self._not_comparable(common, pair, side, dep, label)
        entries.sort(key=_COVERAGE_ORDER)
        return ("modified" if drifted else "in_sync"), None, entries

    def _not_comparable(
        self, common: dict[str, Any], pair: Pair, side: Side, dep: str, label: str
    ) -> Entries:
        entries = []
        for path, why in sorted(side.not_comparable.items()):
            rule = rule_for(pair.kind, path, dep)
            arm_path = join(path)
            severity, category = tables.NOT_COMPARABLE
            actual = _get(pair.live, path) if pair.live is not None else None
            self.findings.append(
                self.classifier.finding(
                    **common,
                    field=rule.field,
                    arm_path=arm_path,
                    change="not_comparable",
                    expected=None,
                    actual=actual,
                    severity=severity,
                    category=category,
                    text=message("not_comparable", arm_path, None, actual, why),
                )
            )
            entries.append(_coverage(label, rule.field, path, "not_comparable", why))
        return entries


def _get(body: Mapping[str, Any], path: Path_) -> Any:
    node: Any = body
    for part in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _coverage(
    resource: str, spec_field: str, path: Path_, outcome: str, reason: str | None
) -> dict[str, Any]:
    # Keys in sorted order: drift.json writes large coverage lists without re-sorting keys.
    if reason:
        return {
            "arm_path": join(path),
            "field": spec_field,
            "outcome": outcome,
            "reason": reason,
            "resource": resource,
        }
    return {"arm_path": join(path), "field": spec_field, "outcome": outcome, "resource": resource}


_TYPES = tables.KINDS


def _destination(body: Mapping[str, Any] | None) -> str:
    props = (body or {}).get("properties") or {}
    for key in ("workspaceId", "storageAccountId", "eventHubAuthorizationRuleId"):
        if props.get(key):
            return str(props[key])
    return "an unknown destination"


def resource_entry(label: str, pair: Pair, status: str, reason: str | None) -> dict[str, Any]:
    entry = {
        "id": pair.resource_id,
        "name": label,
        "type": _TYPES[pair.kind],
        "status": status,
        "endpoint": label.split("/")[0],
    }
    if pair.designed is not None:  # the spec file that declares it, for evidence per resource
        entry["spec"] = str(pair.designed.spec.source)
    if reason is not None:
        entry["reason"] = reason
    return entry


def traffic_entry(label: str, pair: Pair) -> dict[str, Any]:
    """Intended and live traffic of one designed endpoint, 0 % entries left out."""

    def shares(body: Mapping[str, Any] | None, name: str) -> dict[str, int]:
        props = (body or {}).get("properties") or {}
        return {str(k): int(v) for k, v in sorted((props.get(name) or {}).items()) if v}

    designed = pair.designed.body if pair.designed is not None else None
    return {
        "endpoint": label,
        "intended": shares(designed, "traffic"),
        "live": shares(pair.live, "traffic"),
        "intended_mirror": shares(designed, "mirrorTraffic"),
        "live_mirror": shares(pair.live, "mirrorTraffic"),
    }
