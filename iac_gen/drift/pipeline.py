"""The drift pipeline: named steps run in a fixed, documented order.

    read_live -> match -> normalise -> apply_policies -> bind_waivers -> compare -> classify
    -> analysis

Why this order:
- `match` before `normalise`: normalising needs to know the resource kind and workspace
  (to expand `azureml:name:version` ids), and unmatched resources need no normalising.
- `normalise` before `apply_policies`: policies read canonical values (traffic without 0 %
  entries, integer capacity).
- `bind_waivers` before `compare`: waivers are parsed and their expiry judged once, against
  the run's date, before any finding exists; `classify` then looks each finding up.
- `compare` only sees normalised, policy-adjusted leaves, so it reports real differences.
- `classify` turns differences into findings; `analysis` counts, sorts and dates them.

Each step is a function of the shared `DriftRun`; `STEPS` is the single list that runs them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any

from iac_gen.drift import tables
from iac_gen.drift.asset_ids import parse_ml_id
from iac_gen.drift.classify import Classifier, message, rule_for
from iac_gen.drift.compare import Difference, compare
from iac_gen.drift.match import Designed, Pair, match
from iac_gen.drift.normalise import Flat, Path_, join, normalise, split
from iac_gen.drift.policies import (
    apply_instance_count_policy,
    apply_traffic_policy,
    autoscale_range,
)
from iac_gen.drift.waivers import WaiverBook, WaiverSet

log = logging.getLogger(__name__)


@dataclass
class Side:
    """One matched resource after normalisation: both flat maps and what was set aside."""

    pair: Pair
    desired: Flat
    live: Flat | None
    not_comparable: dict[Path_, str] = field(default_factory=dict)
    notes: dict[Path_, str] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)


@dataclass
class DriftRun:
    designed: Sequence[Designed]
    live_resources: Sequence[Mapping[str, Any]]
    live_not_checked: Sequence[Mapping[str, Any]]
    waivers: WaiverSet | None
    today: date
    live_label: str = "live"
    pairs: list[Pair] = field(default_factory=list)
    sides: list[Side] = field(default_factory=list)
    book: WaiverBook | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    coverage: list[dict[str, Any]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    traffic: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # inputs, environment, fail_on, clock
    result: dict[str, Any] = field(default_factory=dict)


def step_read_live(run: DriftRun) -> None:
    """Live state arrives already read (`iac_gen.live.read_live`); record what was unreadable.

    Unreadable resources in workspaces no spec targets are out of scope, like the resources
    themselves; an id that cannot be placed counts (it may hide a designed resource).
    """
    workspaces = {item.key.workspace for item in run.designed}
    for entry in run.live_not_checked:
        parsed = parse_ml_id(str(entry.get("id", "")))
        if parsed is not None and parsed[0].workspace not in workspaces:
            continue
        run.errors.append(
            {"resource": str(entry.get("id", "")), "reason": str(entry.get("reason", ""))}
        )


def step_match(run: DriftRun) -> None:
    run.pairs = match(run.designed, run.live_resources, run.live_not_checked)


def step_normalise(run: DriftRun) -> None:
    for pair in run.pairs:
        if pair.designed is None:
            continue
        ws = pair.designed.ws or pair.live_ws
        desired = normalise(pair.designed.body, pair.kind, ws)
        live = (
            normalise(pair.live, pair.kind, pair.live_ws or ws) if pair.live is not None else None
        )
        side = Side(pair, desired, live)
        for arm_path, reason in pair.designed.unresolved:
            path = split(arm_path)
            side.not_comparable[path] = reason
            desired.pop(path, None)
            if live is not None:
                live.pop(path, None)
        run.sides.append(side)


def step_apply_policies(run: DriftRun) -> None:
    for side in run.sides:
        if side.live is None or side.pair.designed is None:
            continue
        spec = side.pair.designed.spec
        if side.pair.kind == "endpoint":
            apply_traffic_policy(spec, side.desired, side.live)
            if spec.policies.traffic == "sum":
                side.notes[("properties", "traffic")] = "policy traffic: sum"
        else:
            bounds = autoscale_range(spec, side.pair.key.deployment)
            if bounds is not None:
                apply_instance_count_policy(spec, side.pair.key.deployment, side.desired, side.live)
                side.notes[("sku", "capacity")] = (
                    f"autoscale owns the count: {bounds[0]}..{bounds[1]} instances"
                )


def step_bind_waivers(run: DriftRun) -> None:
    if run.waivers is not None:
        run.book = WaiverBook(run.waivers.waivers, run.today)


def step_compare(run: DriftRun) -> None:
    for side in run.sides:
        if side.live is not None:
            side.differences = compare(side.desired, side.live)


def _deployment_name(pair: Pair) -> str:
    """The deployment's name as the spec spells it (matching is case-insensitive)."""
    if pair.designed is not None:
        for dep in pair.designed.spec.deployments:
            if dep.name.lower() == pair.key.deployment:
                return dep.name
    return pair.key.deployment


def _resource_label(pair: Pair) -> str:
    if pair.designed is not None:
        endpoint = pair.designed.spec.endpoint.name
        return f"{endpoint}/{_deployment_name(pair)}" if pair.key.deployment else endpoint
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


def step_classify(run: DriftRun) -> None:
    classifier = Classifier(run.book)
    sides = {id(side.pair): side for side in run.sides}
    live_traffic = _live_traffic(run.pairs)
    endpoint_specs = {
        (p.key.workspace, p.key.endpoint): p.designed.spec
        for p in run.pairs
        if p.designed is not None and p.kind == "endpoint"
    }
    shapes: dict[tuple[Any, ...], list[tuple[str, str]]] = {}
    # Coverage is produced in its final order: resources by label, then field and ARM path.
    labelled = sorted(((_resource_label(p), p) for p in run.pairs), key=lambda lp: lp[0])
    for label, pair in labelled:
        dep = _deployment_name(pair)
        spec = (
            pair.designed.spec
            if pair.designed is not None
            else endpoint_specs.get((pair.key.workspace, pair.key.endpoint))
        )
        side = sides.get(id(pair))
        common: dict[str, Any] = {
            "spec": spec,
            "resource": label,
            "resource_id": pair.resource_id,
            "fallback_file": run.live_label,
        }
        status = "in_sync"
        reason = None
        entries: list[dict[str, Any]] = []
        if side is None:  # unmanaged: live only
            status = "unmanaged"
            share = live_traffic.get((pair.key.workspace, pair.key.endpoint), {}).get(
                pair.key.deployment, 0
            )
            if pair.kind == "endpoint":
                severity, category = tables.UNMANAGED_ENDPOINT
                text = f"endpoint {label} exists in Azure but no spec declares it"
                spec_field = "name"
            else:
                severity, category = (
                    tables.UNMANAGED_WITH_TRAFFIC if share else tables.UNMANAGED_WITHOUT_TRAFFIC
                )
                text = f"deployment {label} exists in Azure but not in the design"
                if share:
                    text += f"; it takes {share}% of the endpoint's traffic"
                spec_field = f"deployments.{dep}"
            run.findings.append(
                classifier.finding(
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
        elif side.live is None and pair.not_checked is not None:
            status, reason = "not_checked", pair.not_checked
            why = f"live state not read: {reason}"
            entries = [
                _coverage(label, rule_for(pair.kind, path, dep).field, path, "not_comparable", why)
                for path in (*side.desired, *side.not_comparable)
            ]
        elif side.live is None:
            status = "missing"
            severity, category = (
                tables.MISSING_DEPLOYMENT if pair.key.deployment else tables.MISSING_ENDPOINT
            )
            spec_field = f"deployments.{dep}" if pair.key.deployment else "name"
            kind_word = "deployment" if pair.key.deployment else "endpoint"
            finding = classifier.finding(
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
            run.findings.append(finding)
            outcome = "waived" if finding["waived"] else "drifted"
            entries = [
                _coverage(
                    label, rule_for(pair.kind, path, dep).field, path, outcome, "resource missing"
                )
                for path in side.desired
            ]
            entries += _not_comparable(run, classifier, common, pair, side, dep, label)
        elif not side.differences and not side.notes and not side.not_comparable:
            # In sync: the common case of a fleet. Resources of one shape share their
            # (field, arm_path) list, so only the dicts are made per resource.
            shape = (pair.kind, dep, tuple(side.desired))
            names = shapes.get(shape)
            if names is None:
                names = shapes[shape] = sorted(
                    (rule_for(pair.kind, path, dep).field, join(path)) for path in side.desired
                )
            entries = [
                {"resource": label, "field": f, "arm_path": a, "outcome": "matched"}
                for f, a in names
            ]
        else:
            differing = {d.path: d for d in side.differences}
            drifted = False
            entries = []
            for path in (*side.desired, *(p for p in differing if p not in side.desired)):
                rule = rule_for(pair.kind, path, dep)
                diff = differing.get(path)
                if diff is None:
                    entries.append(
                        _coverage(label, rule.field, path, "matched", side.notes.get(path))
                    )
                    continue
                if diff.change == "added" and not _reportable_added(pair.kind, path):
                    continue
                arm_path = join(path)
                finding = classifier.finding(
                    **common,
                    field=rule.field,
                    arm_path=arm_path,
                    change=diff.change,
                    expected=diff.expected,
                    actual=diff.actual,
                    severity=rule.severity,
                    category=rule.category,
                    text=message(diff.change, arm_path, diff.expected, diff.actual),
                )
                run.findings.append(finding)
                drifted = True
                if path in side.desired:
                    outcome = "waived" if finding["waived"] else "drifted"
                    entries.append(
                        _coverage(label, rule.field, path, outcome, side.notes.get(path))
                    )
            entries += _not_comparable(run, classifier, common, pair, side, dep, label)
            entries.sort(key=_COVERAGE_ORDER)
            if drifted:
                status = "modified"
        if entries and status in ("not_checked", "missing"):
            entries.sort(key=_COVERAGE_ORDER)
        run.coverage.extend(entries)
        entry = {
            "id": pair.resource_id,
            "name": label,
            "type": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
            + ("/deployments" if pair.key.deployment else ""),
            "status": status,
            "endpoint": label.split("/")[0],
        }
        if reason is not None:
            entry["reason"] = reason
        run.resources.append(entry)
        if pair.kind == "endpoint" and pair.designed is not None:
            run.traffic.append(_traffic_entry(label, pair))


def step_analysis(run: DriftRun) -> None:
    run.sides.clear()  # the flat maps are no longer needed; free them before the JSON is built
    from iac_gen.drift.analysis import build_result

    run.result = build_result(run)


_COVERAGE_ORDER = itemgetter("field", "arm_path")


def _reportable_added(kind: str, path: Path_) -> bool:
    from iac_gen.drift.classify import known_field

    return known_field(kind, path)


def _not_comparable(
    run: DriftRun,
    classifier: Classifier,
    common: dict[str, Any],
    pair: Pair,
    side: Side,
    dep: str,
    label: str,
) -> list[dict[str, Any]]:
    entries = []
    for path, why in sorted(side.not_comparable.items()):
        rule = rule_for(pair.kind, path, dep)
        arm_path = join(path)
        severity, category = tables.NOT_COMPARABLE
        actual = _get(pair.live, path) if pair.live is not None else None
        run.findings.append(
            classifier.finding(
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
    entry = {"resource": resource, "field": spec_field, "arm_path": join(path), "outcome": outcome}
    if reason:
        entry["reason"] = reason
    return entry


def _traffic_entry(label: str, pair: Pair) -> dict[str, Any]:
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


STEPS: tuple[tuple[str, Callable[[DriftRun], None]], ...] = (
    ("read_live", step_read_live),
    ("match", step_match),
    ("normalise", step_normalise),
    ("apply_policies", step_apply_policies),
    ("bind_waivers", step_bind_waivers),
    ("compare", step_compare),
    ("classify", step_classify),
    ("analysis", step_analysis),
)


def run_steps(run: DriftRun) -> DriftRun:
    for name, step in STEPS:
        log.debug("drift step %s", name)
        step(run)
    return run
