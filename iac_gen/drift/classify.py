"""The classify step: what each resource's comparison means - its status, findings and coverage.

Each difference gets its spec field, severity, category, location and waiver. The ARM path ->
spec field mapping and the severities live in `tables.FIELD_RULES`; this module looks them up
(`rule_for`), and each resource kind completes the field its own way (`kinds.Kind`). Finding
ids hash (resource id, ARM path, change) so they stay stable when values change, which keeps
SARIF fingerprints and waivers meaningful over time.

One method of `Outcomes` per situation a resource can be in, decided in this order:
- not judged: a companion (autoscale, diagnostic settings, alerts, role assignments) the
  live input cannot speak for - its properties are listed as not comparable, no status;
- `unmanaged`: live only (a deployment taking traffic is high severity);
- `not_checked`: designed, but its live state could not be read - every property is not
  comparable, with the reader's reason, and the run can never be in sync;
- `missing`: designed, absent from a complete live state;
- `compared`: both sides present - each designed leaf is matched, drifted or waived, each
  unresolved leaf not comparable; live-only values at known paths are findings too.
A deployment's local code is judged by content hash after that (`code_assets.judge`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from iac_gen import coverage
from iac_gen.drift import code_assets, tables
from iac_gen.drift.kinds import KINDS
from iac_gen.drift.match import Pair
from iac_gen.drift.normalise import Path_, as_written, join, pattern_of, split
from iac_gen.drift.normalise_step import Side
from iac_gen.drift.waivers import WaiverBook
from iac_gen.spec.model import Spec

if TYPE_CHECKING:
    from iac_gen.drift.pipeline import DriftRun

_COVERAGE_ORDER = itemgetter(coverage.FIELD, coverage.ARM_PATH)
_COVERAGE_ORDER_OF_LAYOUT = itemgetter(0, 1)  # (field, arm_path, path)
_LABEL = itemgetter(0)
Entries = list[dict[str, Any]]
Rows = list[coverage.Row]
Layout = tuple[list[tuple[str, str]], dict[Path_, int]]  # see Outcomes.layout


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
    entry = KINDS[kind]
    pattern = pattern_of(path)
    found = _lookup(kind, pattern)
    added = None
    if found is None:
        spec_field = join(path)
        severity, category = tables.FALLBACK_RULE
        if entry.fallback_is_resource:  # companions: one spec block sets the whole body
            spec_field = entry.spec_field.replace("{dep}", deployment)
    else:
        key = path[pattern.index("*")] if "*" in pattern else ""
        spec_field = found.field.replace("{key}", key)
        severity, category, added = found.severity, found.category, found.added
    return Rule(entry.fill_field(spec_field, path, deployment), severity, category, added)


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


def deployment_name(pair: Pair) -> str:
    """The deployment's name as the spec spells it (matching is case-insensitive)."""
    if pair.designed is not None:
        for dep in pair.designed.spec.deployments:
            if dep.name.lower() == pair.key.deployment:
                return dep.name
    return pair.key.deployment


def resource_label(pair: Pair) -> str:
    """How reports name a resource (`kinds.Kind.label`): `endpoint`, `endpoint/deployment`,
    spelled as the spec (or Azure) spells them; companions get a third part."""
    return KINDS[pair.kind].label(pair, deployment_name(pair))


def _live_traffic(pairs: Sequence[Pair]) -> dict[tuple[str, str, str], dict[str, int]]:
    """Live traffic + mirror traffic per endpoint (`ResourceKey.endpoint_key`), keys
    lower-case."""
    out: dict[tuple[str, str, str], dict[str, int]] = {}
    for pair in pairs:
        if not KINDS[pair.kind].traffic or pair.live is None:
            continue
        props = pair.live.get("properties") or {}
        shares: dict[str, int] = {}
        for name in ("traffic", "mirrorTraffic"):
            for dep, pct in (props.get(name) or {}).items():
                shares[str(dep).lower()] = shares.get(str(dep).lower(), 0) + int(pct or 0)
        out[pair.key.endpoint_key] = shares
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
        self.endpoint_specs: dict[tuple[str, str, str], Spec] = {
            p.key.endpoint_key: p.designed.spec
            for p in self.pairs
            if p.designed is not None and KINDS[p.kind].root
        }
        # Resources of one shape share their coverage layout (`layout`; fleet speed).
        self.shapes: dict[tuple[Any, ...], Layout] = {}

    def resource(
        self, label: str, pair: Pair, side: Side | None, dep: str | None = None
    ) -> tuple[str | None, str | None, Rows]:
        """(status, reason, coverage entries in order) for one resource; status None when
        the live input cannot speak for the resource at all. `dep`: `deployment_name(pair)`,
        when the caller has it."""
        if dep is None:
            dep = deployment_name(pair)
        spec = (
            pair.designed.spec
            if pair.designed is not None
            else self.endpoint_specs.get(pair.key.endpoint_key)
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
    ) -> tuple[str, str | None, Rows]:
        share = self.live_traffic.get(pair.key.endpoint_key, {}).get(pair.key.deployment, 0)
        unmanaged = KINDS[pair.kind].unmanaged
        assert unmanaged is not None, f"{pair.kind} is never read from Azure"
        (severity, category), text = unmanaged(pair, label, share)
        spec_field = KINDS[pair.kind].spec_field.replace("{dep}", dep)
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
    ) -> tuple[str | None, str | None, Rows]:
        """Coverage only: alerts and role assignments as one entry each (never exported);
        autoscale and diagnostic settings property by property."""
        why = pair.not_compared or ""
        if KINDS[pair.kind].not_exported is None:
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
    ) -> tuple[str, str | None, Rows]:
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
    ) -> tuple[str, str | None, Rows]:
        kind = KINDS[pair.kind]
        assert kind.missing is not None, f"{pair.kind} is never compared"
        severity, category = kind.missing
        spec_field, kind_word = kind.spec_field.replace("{dep}", dep), kind.noun
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

    def layout(self, kind: str, dep: str, desired: Mapping[Path_, Any]) -> Layout:
        """(spec field, ARM path) of each designed leaf, in coverage order (by field and ARM
        path, ties as designed), and each leaf's place in that order: worked out once per
        resource shape, as a fleet's resources share a few shapes."""
        shape = (kind, dep, tuple(desired))
        found = self.shapes.get(shape)
        if found is None:
            ordered = sorted(
                ((rule_for(kind, path, dep).field, join(path), path) for path in desired),
                key=_COVERAGE_ORDER_OF_LAYOUT,
            )
            found = self.shapes[shape] = (
                [(f, a) for f, a, _ in ordered],
                {path: i for i, (_, _, path) in enumerate(ordered)},
            )
        return found

    def compared(
        self, label: str, pair: Pair, side: Side, dep: str, common: dict[str, Any]
    ) -> tuple[str, str | None, Rows]:
        """Both sides present: each designed leaf matched, drifted or waived (its entry in the
        place the resource's shape gives it), each set-aside leaf not comparable."""
        layout, place = self.layout(pair.kind, dep, side.desired)
        entries = [[label, f, a, "matched", None] for f, a in layout]
        if not side.differences and not side.notes and not side.not_comparable:
            return "in_sync", None, entries
        judged, drifted = self._differences(pair, side, dep, common)
        for path, outcome in judged.items():
            entries[place[path]][coverage.OUTCOME] = outcome
        for path, note in side.notes.items():
            if path in place:  # a note on a leaf the design does not hold is not shown
                entries[place[path]][coverage.REASON] = note or None
        if side.not_comparable:
            entries += self._not_comparable(common, pair, side, dep, label)
            entries.sort(key=_COVERAGE_ORDER)
        return ("modified" if drifted else "in_sync"), None, entries

    def _differences(
        self, pair: Pair, side: Side, dep: str, common: dict[str, Any]
    ) -> tuple[dict[Path_, str], bool]:
        """A finding per difference (designed leaves in their order, then live-only values);
        returns the outcome of each designed leaf that differs, and whether any finding was
        made."""
        desired = side.desired
        differing = {d.path: d for d in side.differences}
        judged: dict[Path_, str] = {}
        drifted = False
        written: tuple[Mapping[str, Any] | None, Mapping[str, Any] | None] | None = None
        ordered = [p for p in desired if p in differing]
        ordered += [p for p in differing if p not in desired]
        for path in ordered:
            diff = differing[path]
            if diff.change == "added" and not known_field(pair.kind, path):
                continue  # live-only values at paths the tables do not know are not judged
            rule = rule_for(pair.kind, path, dep)
            arm_path = join(path)
            severity, category = rule.severity, rule.category
            if diff.change == "added" and rule.added is not None:
                severity, category = rule.added
            if written is None:  # both bodies as written, shaped like the flat maps
                written = _written_bodies(pair)
            designed_body, live_body = written
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
            if path in desired:
                judged[path] = "waived" if finding["waived"] else "drifted"
        return judged, drifted

    def _not_comparable(
        self, common: dict[str, Any], pair: Pair, side: Side, dep: str, label: str
    ) -> Rows:
        entries: Rows = []
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


def _written_bodies(pair: Pair) -> tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]:
    """Both bodies as written, shaped as they were compared; built only on a difference."""
    designed = pair.designed.body if pair.designed is not None else None
    return (
        KINDS[pair.kind].shape(designed) if designed is not None else None,
        KINDS[pair.kind].shape(pair.live) if pair.live is not None else None,
    )


def _get(body: Mapping[str, Any], path: Path_) -> Any:
    node: Any = body
    for part in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _coverage(
    resource: str, spec_field: str, path: Path_, outcome: str, reason: str | None
) -> coverage.Row:
    return coverage.row(resource, spec_field, join(path), outcome, reason)


def resource_entry(label: str, pair: Pair, status: str, reason: str | None) -> dict[str, Any]:
    entry = {
        "id": pair.resource_id,
        "name": label,
        "type": KINDS[pair.kind].arm_type,
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


def step_classify(run: DriftRun) -> None:
    """Findings, coverage and a status per resource; coverage comes out in its final order
    (resources by label, then spec field and ARM path)."""
    outcomes = Outcomes(run.pairs, run.book, run.live_label)
    sides = {id(side.pair): side for side in run.sides}
    named = ((p, deployment_name(p)) for p in run.pairs)
    labelled = sorted(((KINDS[p.kind].label(p, dep), p, dep) for p, dep in named), key=_LABEL)
    for label, pair, dep in labelled:
        side = sides.get(id(pair))
        status, reason, entries = outcomes.resource(label, pair, side, dep)
        status, code = code_assets.judge(run, label, pair, side, outcomes, status, dep)
        if code:  # the entries come sorted; the code's entry takes its place among them
            entries = sorted([*entries, *code], key=_COVERAGE_ORDER)
        run.coverage.extend(entries)
        if status is not None:  # None: not judged at all (the live input cannot say)
            run.resources.append(resource_entry(label, pair, status, reason))
        if KINDS[pair.kind].traffic and pair.designed is not None:
            run.traffic.append(traffic_entry(label, pair))
    run.findings.extend(outcomes.findings)
