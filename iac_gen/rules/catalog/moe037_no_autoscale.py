"""MOE037: a live deployment has a fixed instance count."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import deployment_path, is_managed, live_deployments
from iac_gen.spec.model import Spec


class NoAutoscale(Rule):
    id = "MOE037"
    title = "No autoscale on a live deployment"
    severity = "medium"
    category = "capacity"
    production_only = True
    rationale = (
        "A fixed instance count is sized for one load: peaks overload it and quiet hours "
        "pay for idle instances. Online endpoints scale through Azure Monitor autoscale "
        "on the deployment."
    )
    docs = (
        "Fires for deployments with live traffic that have no enabled `autoscale` entry "
        "(Kubernetes deployments may instead use `scale_settings.type: "
        "target_utilization`). Add `autoscale.<deployment>` with min/max/default "
        "instances and rules. "
        "Production-only."
    )
    source = (
        "Well-Architected Framework, Azure Machine Learning (autoscale online endpoints "
        "with Azure Monitor); Azure ML docs 'Autoscale online endpoints'"
    )

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        for dep in live_deployments(spec):
            scale = spec.autoscale.get(dep.name)
            if scale is not None and scale.enabled:
                continue
            settings = dep.scale_settings
            if (
                not is_managed(dep, spec)
                and settings is not None
                and settings.type == "target_utilization"
            ):
                continue
            yield RuleHit(
                deployment_path(dep),
                f"deployment {dep.name} serves live traffic with a fixed instance count; "
                "add autoscale",
            )
