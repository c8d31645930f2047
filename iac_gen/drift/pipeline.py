"""The drift pipeline: named steps run in a fixed, documented order.

    read_live -> match -> normalise -> apply_policies -> bind_waivers -> compare -> classify
    -> attribute -> analysis

Each step is one function of the shared `DriftRun`, in a module named after the step:
`read_live.py`, `match.py`, `normalise_step.py`, `policies.py` (apply_policies),
`waivers.py` (bind_waivers), `compare_step.py`, `classify.py`, `attribution.py` (attribute),
`analysis.py`. The normalise and compare steps sit beside `normalise.py` and `compare.py`,
the pure functions they run over each resource. What differs between resource kinds
(endpoint, deployment, the companions) is looked up in one table, `kinds.KINDS`.

Why this order:
- `match` before `normalise`: normalising needs to know the resource kind and workspace
  (to expand `azureml:name:version` ids), and unmatched resources need no normalising.
  A designed resource whose live body is not settled (`provisioningState` other than
  `Succeeded`: Creating, Updating, Deleting, Failed, Canceled) is `not_checked` with that
  reason and listed among the run's errors, so every report shows it (a failed deployment
  first of all); its body is not the state to compare.
  It also pairs the Azure Monitor companions (`match.match_companions`): autoscale settings
  by the deployment they target, diagnostic settings by endpoint and name or destination.
- `normalise` before `apply_policies`: policies read canonical values (traffic without 0 %
  entries, integer capacity).
- `bind_waivers` before `compare`: waivers are parsed and their expiry judged once, against
  the run's date, before any finding exists; `classify` then looks each finding up.
- `compare` only sees normalised, policy-adjusted leaves, so it reports real differences.
- `classify` turns differences into findings, coverage and a status per resource (a local
  code folder judged by content hash, `code_assets.py`); `analysis` counts, sorts and dates
  them.
- `attribute` after `classify`: it needs each finding's resource id and ARM path, and adds
  only `attribution` (who changed it, from the change history an export bundle carries;
  `attribution.py`), which decides no status, severity or count - so before `analysis`,
  which copies the findings into the result, and after everything that judges them.

`STEPS` is the single list that runs them. The steps from normalise to classify
(`PER_ENDPOINT`) judge each endpoint from its own pairs alone, so they run chunk by chunk of
endpoints, and over a large fleet in two processes (`parts.py`), with the same result.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from iac_gen.coverage import Row
from iac_gen.drift.analysis import step_analysis
from iac_gen.drift.attribution import step_attribute
from iac_gen.drift.classify import step_classify
from iac_gen.drift.compare_step import step_compare
from iac_gen.drift.match import Designed, Pair, step_match
from iac_gen.drift.normalise_step import Side, step_normalise
from iac_gen.drift.policies import step_apply_policies
from iac_gen.drift.read_live import step_read_live
from iac_gen.drift.waivers import WaiverBook, WaiverSet, step_bind_waivers

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
    coverage: list[Row] = field(default_factory=list)  # see iac_gen.coverage
    resources: list[dict[str, Any]] = field(default_factory=list)
    traffic: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # inputs, environment, fail_on, clock
    changes: Mapping[str, Any] | None = None  # the bundle's change history, if it has one
    redact_actors: bool = False  # pseudonyms for actors in attribution
    result: dict[str, Any] = field(default_factory=dict)


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


PER_ENDPOINT = ("normalise", "apply_policies", "bind_waivers", "compare", "classify")
"""Consecutive steps that read only the pairs of one endpoint at a time (see `parts.py`)."""


def run_steps(run: DriftRun) -> DriftRun:
    from iac_gen.drift.parts import judge_by_endpoint

    names = [name for name, _step in STEPS]
    first, last = names.index(PER_ENDPOINT[0]), names.index(PER_ENDPOINT[-1]) + 1
    assert tuple(names[first:last]) == PER_ENDPOINT, "PER_ENDPOINT must be consecutive steps"
    for name, step in STEPS[:first]:
        log.debug("drift step %s", name)
        step(run)
    shared = judge_by_endpoint(run, STEPS[first:last])
    log.debug("drift steps %s by endpoint%s", ", ".join(PER_ENDPOINT), shared * ", two processes")
    for name, step in STEPS[last:]:
        log.debug("drift step %s", name)
        step(run)
    return run
