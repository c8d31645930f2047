"""MOE016: probe settings outside the documented bounds."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import deployment_path
from iac_gen.spec.model import Probe, Spec

PROBES = ("liveness_probe", "readiness_probe", "startup_probe")
AT_LEAST_ONE = ("initial_delay", "period", "timeout", "success_threshold", "failure_threshold")


class ProbeBounds(Rule):
    id = "MOE016"
    title = "Probe settings outside documented bounds"
    severity = "medium"
    category = "configuration"
    rationale = (
        "Probe timings below 1 are rejected or meaningless, a liveness probe's success "
        "threshold is fixed at 1, and a timeout longer than the period overlaps probes; each "
        "makes a healthy container restart or an unhealthy one keep taking traffic."
    )
    docs = (
        "Fires when a probe's `initial_delay`, `period`, `timeout`, `success_threshold` or "
        "`failure_threshold` is below 1, when `liveness_probe.success_threshold` is not 1, "
        "or when `timeout` exceeds `period` (this last check is iac-gen's own: probes that "
        "outlive their period overlap)."
    )
    source = "Azure ML CLI v2 managed online deployment YAML reference (ProbeSettings)"

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        for dep in spec.deployments:
            for probe_name in PROBES:
                probe: Probe | None = getattr(dep, probe_name)
                if probe is None:
                    continue
                base = f"{probe_name}"
                for field in AT_LEAST_ONE:
                    value = getattr(probe, field)
                    if value is not None and value < 1:
                        yield RuleHit(
                            deployment_path(dep, f"{base}.{field}"),
                            f"{probe_name}.{field} of deployment {dep.name} is {value}; the "
                            "minimum is 1",
                        )
                if (
                    probe_name == "liveness_probe"
                    and probe.success_threshold is not None
                    and probe.success_threshold != 1
                ):
                    yield RuleHit(
                        deployment_path(dep, f"{base}.success_threshold"),
                        f"liveness_probe.success_threshold of deployment {dep.name} is "
                        f"{probe.success_threshold}; it must be 1",
                    )
                if (
                    probe.timeout is not None
                    and probe.period is not None
                    and probe.timeout > probe.period
                ):
                    yield RuleHit(
                        deployment_path(dep, f"{base}.timeout"),
                        f"{probe_name}.timeout of deployment {dep.name} ({probe.timeout} s) "
                        f"is longer than its period ({probe.period} s)",
                    )
