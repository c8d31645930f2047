"""The drift pipeline: named steps run in a fixed, documented order.

    read_live -> match -> normalise -> apply_policies -> bind_waivers -> compare -> classify
    -> attribute -> analysis

Why this order:
- `match` before `normalise`: normalising needs to know the resource kind and workspace
  (to expand `azureml:name:version` ids), and unmatched resources need no normalising.
  A designed resource whose live body is not settled (`provisioningState` other than
  `Succeeded`: Creating, Updating, Deleting, Failed, Canceled) is `not_checked` with that
  reason and listed among the run's errors, so every report shows it (a failed deployment
  first of all); its body is not the state to compare.
  It also pairs the Azure Monitor companions (`companions.py`): autoscale settings by the
  deployment they target, diagnostic settings by endpoint and name or destination.
- `normalise` before `apply_policies`: policies read canonical values (traffic without 0 %
  entries, integer capacity).
- `bind_waivers` before `compare`: waivers are parsed and their expiry judged once, against
  the run's date, before any finding exists; `classify` then looks each finding up.
- `compare` only sees normalised, policy-adjusted leaves, so it reports real differences.
- `classify` turns differences into findings; `analysis` counts, sorts and dates them.
- `attribute` after `classify`: it needs each finding's resource id and ARM path, and adds
  only `attribution` (who changed it, from the change history an export bundle carries;
  `attribution.py`), which decides no status, severity or count - so before `analysis`,
  which copies the findings into the result, and after everything that judges them.

Each step is a function of the shared `DriftRun`; `STEPS` is the single list that runs them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from iac_gen.drift import code_assets, tables
from iac_gen.drift.asset_ids import parse_ml_id
from iac_gen.drift.companions import COMPARED, match_companions, shape
from iac_gen.drift.compare import compare
from iac_gen.drift.match import Designed, Pair, in_scope, match
from iac_gen.drift.normalise import Flat, normalise, reconcile, split
from iac_gen.drift.outcomes import Outcomes, Side, resource_entry, resource_label, traffic_entry
from iac_gen.drift.policies import (
    apply_instance_count_policy,
    apply_traffic_policy,
    autoscale_range,
)
from iac_gen.drift.waivers import WaiverBook, WaiverSet
from iac_gen.secrets import REDACTED, WITHHELD_REASON, withhold

log = logging.getLogger(__name__)


@dataclass
class DriftRun:
    designed: Sequence[Designed]
    live_resources: Sequence[Mapping[str, Any]]
    live_not_checked: Sequence[Mapping[str, Any]]
    waivers: WaiverSet | None
    today: date
    live_label: str = "live"
    companions: Sequence[Designed] = ()  # autoscale, diagnostic settings, alerts, access
    live_reads: frozenset[str] = frozenset()  # companion kinds the live input can vouch for
    pairs: list[Pair] = field(default_factory=list)
    sides: list[Side] = field(default_factory=list)
    book: WaiverBook | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    coverage: list[dict[str, Any]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    traffic: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # inputs, environment, fail_on, clock
    changes: Mapping[str, Any] | None = None  # the bundle's change history, if it has one
    redact_actors: bool = False  # pseudonyms for actors in attribution
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


def unsettled_reason(body: Mapping[str, Any]) -> str | None:
    """Why a live body is not the settled state, or None when it is (`Succeeded`, or no
    provisioning state at all: a shape that does not carry it)."""
    props = body.get("properties")
    state = props.get("provisioningState") if isinstance(props, Mapping) else None
    if not isinstance(state, str) or not state:
        return None
    settled = {s.lower() for s in tables.SETTLED_STATES}
    if state.lower() in settled:
        return None
    known = {k.lower(): (k, why) for k, why in tables.UNSETTLED_STATES.items()}
    name, why = known.get(state.lower(), (state, "not a settled state"))
    return f"provisioningState {name}: {why}"


def step_match(run: DriftRun) -> None:
    live = in_scope(run.designed, run.live_resources)  # same names elsewhere are not ours
    run.pairs = match(run.designed, live, run.live_not_checked)
    for pair in run.pairs:
        if pair.designed is None or pair.live is None or pair.kind not in _ML_KINDS:
            continue
        reason = unsettled_reason(pair.live)
        if reason is not None:
            pair.not_checked = reason
            run.errors.append({"resource": str(pair.live.get("id", "")), "reason": reason})
    if run.companions or run.live_reads:
        run.pairs.extend(
            match_companions(
                run.companions,
                live,
                run.pairs,
                run.live_not_checked,
                run.live_reads,
            )
        )


_ML_KINDS = ("endpoint", "deployment")


def step_normalise(run: DriftRun) -> None:
    for pair in run.pairs:
        if pair.designed is None:
            continue
        kind = pair.kind
        if pair.not_compared is not None and kind not in COMPARED:
            run.sides.append(Side(pair, {}, None))  # alerts, access: listed, never compared
            continue
        ws = pair.designed.ws or pair.live_ws
        designed_body = shape(pair.designed.body, kind)
        desired = normalise(designed_body, kind, ws)
        live_body = pair.live if pair.not_checked is None else None  # unsettled: not compared
        live = (
            normalise(shape(live_body, kind), kind, pair.live_ws or ws)
            if live_body is not None
            else None
        )
        side = Side(pair, desired, live)
        if live is not None and kind in _ML_KINDS:
            side.not_comparable.update(reconcile(kind, desired, live, designed_body, live_body))
        if live is not None:
            _set_aside_withheld(side, desired, live)
        code_assets.set_aside(side)  # local code: judged by content hash in step_classify
        for arm_path, reason in pair.designed.unresolved:
            path = split(arm_path)
            side.not_comparable[path] = reason
            desired.pop(path, None)
            if live is not None:
                live.pop(path, None)
        run.sides.append(side)


def _set_aside_withheld(side: Side, desired: Flat, live: Flat) -> None:
    """A live value the readers withheld as a secret, where the design holds a secret too,
    cannot be compared: it is not comparable (never a false "changed"), and neither value
    is kept. Where the design holds a value that is *not* secret (a secret injection
    reference, a plain setting) the two differ for certain, and that stays a finding."""
    withheld = [
        path
        for path, value in live.items()
        if value == REDACTED and path in desired and withhold(desired[path], path) != desired[path]
    ]
    for path in withheld:
        side.not_comparable[path] = WITHHELD_REASON
        desired.pop(path, None)
        live.pop(path, None)


def step_apply_policies(run: DriftRun) -> None:
    for side in run.sides:
        if side.live is None or side.pair.designed is None:
            continue
        spec = side.pair.designed.spec
        if side.pair.kind == "endpoint":
            apply_traffic_policy(spec, side.desired, side.live)
            if spec.policies.traffic == "sum":
                side.notes[("properties", "traffic")] = "policy traffic: sum"
        elif side.pair.kind == "deployment":
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


def step_classify(run: DriftRun) -> None:
    """Findings, coverage and a status per resource; coverage comes out in its final order
    (resources by label, then spec field and ARM path)."""
    outcomes = Outcomes(run.pairs, run.book, run.live_label)
    sides = {id(side.pair): side for side in run.sides}
    labelled = sorted(((resource_label(p), p) for p in run.pairs), key=lambda lp: lp[0])
    for label, pair in labelled:
        status, reason, entries = outcomes.resource(label, pair, sides.get(id(pair)))
        status, code = code_assets.judge(run, label, pair, sides.get(id(pair)), outcomes, status)
        run.coverage.extend(sorted([*entries, *code], key=lambda e: (e["field"], e["arm_path"])))
        if status is not None:  # None: not judged at all (the live input cannot say)
            run.resources.append(resource_entry(label, pair, status, reason))
        if pair.kind == "endpoint" and pair.designed is not None:
            run.traffic.append(traffic_entry(label, pair))
    run.findings.extend(outcomes.findings)


def step_attribute(run: DriftRun) -> None:
    from iac_gen.drift.attribution import attach

    attach(run.findings, run.changes, run.redact_actors)


def step_analysis(run: DriftRun) -> None:
    run.sides.clear()  # the flat maps are no longer needed; free them before the JSON is built
    from iac_gen.drift.analysis import build_result

    run.result = build_result(run)


STEPS: tuple[tuple[str, Callable[[DriftRun], None]], ...] = (
    ("read_live", step_read_live),
    ("match", step_match),
    ("normalise", step_normalise),
    ("apply_policies", step_apply_policies),
    ("bind_waivers", step_bind_waivers),
    ("compare", step_compare),
    ("classify", step_classify),
    ("attribute", step_attribute),
    ("analysis", step_analysis),
)


def run_steps(run: DriftRun) -> DriftRun:
    for name, step in STEPS:
        log.debug("drift step %s", name)
        step(run)
    return run
