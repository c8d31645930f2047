"""MOE016: a probe's timeout is not shorter than its period."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import deployment_path
from iac_gen.spec.model import Probe, Spec

PROBES = ("liveness_probe", "readiness_probe", "startup_probe")


class ProbeTiming(Rule):
    id = "MOE016"
    title = "Probe timeout not shorter than its period"
    severity = "medium"
    category = "configuration"
    rationale = (
        "A probe that may still be waiting for an answer when the next one starts counts a "
        "slow container as failing twice: healthy instances are restarted (liveness) or "
        "taken out of rotation (readiness) under load, exactly when they are needed."
    )
    docs = (
        "Fires when a probe's `timeout` is equal to or longer than its `period` (seconds; "
        "service defaults: timeout 2, period 10). Keep the timeout well below the period. "
        "Values below 1 and a liveness success threshold other than 1 are rejected earlier, "
        "by validation (IAC221, IAC222)."
    )
    source = (
        "Azure ML CLI v2 managed online deployment YAML reference (ProbeSettings); the "
        "timeout-versus-period check is iac-gen's own"
    )

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        for dep in spec.deployments:
            for probe_name in PROBES:
                probe: Probe | None = getattr(dep, probe_name)
                if probe is None:
                    continue
                timeout = 2 if probe.timeout is None else probe.timeout
                period = 10 if probe.period is None else probe.period
                if timeout >= period:
                    field = "timeout" if probe.timeout is not None else "period"
                    yield RuleHit(
                        deployment_path(dep, f"{probe_name}.{field}"),
                        f"{probe_name} of deployment {dep.name} times out after {timeout} s "
                        f"but runs every {period} s; keep the timeout below the period",
                    )
