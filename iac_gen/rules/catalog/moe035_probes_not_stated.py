"""MOE035: a deployment relies on default health probes."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import deployment_path
from iac_gen.spec.model import Spec


class ProbesNotStated(Rule):
    id = "MOE035"
    title = "Health probes not configured"
    severity = "low"
    category = "configuration"
    rationale = (
        "The default probes wait up to 30 failures before acting and know nothing of the "
        "model's load time; probes tuned to the container decide when an instance gets "
        "traffic and when it is restarted."
    )
    docs = (
        "Fires for deployments that state neither `liveness_probe` nor "
        "`readiness_probe`, or only one of them. Set both, with `initial_delay` covering "
        "the model's load time."
    )
    source = "Azure ML CLI v2 managed online deployment YAML reference (ProbeSettings defaults)"

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        for dep in spec.deployments:
            missing = [
                name for name in ("liveness_probe", "readiness_probe") if getattr(dep, name) is None
            ]
            if missing:
                yield RuleHit(
                    deployment_path(dep),
                    f"deployment {dep.name} does not configure {' or '.join(missing)}; "
                    "service defaults apply",
                )
