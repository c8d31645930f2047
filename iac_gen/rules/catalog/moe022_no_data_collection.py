"""MOE022: a live deployment does not collect its inputs and outputs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import deployment_path, is_managed, live_deployments
from iac_gen.spec.model import Spec


def collects_data(data_collector: Mapping[str, Any] | None) -> bool:
    """True when at least one collection is enabled (`enabled: true` or `'True'`)."""
    collections = (data_collector or {}).get("collections") or {}
    return any(
        isinstance(c, Mapping) and str(c.get("enabled")).lower() == "true"
        for c in collections.values()
    )


class NoDataCollection(Rule):
    id = "MOE022"
    title = "Model data collection not configured"
    severity = "low"
    category = "operations"
    production_only = True
    rationale = (
        "Model monitoring (data drift, prediction drift, data quality) needs the production "
        "inputs and outputs; without a data collector the model can degrade unnoticed."
    )
    docs = (
        "Fires for managed deployments with live traffic whose `data_collector` is missing "
        "or enables no collection. Add "
        "`data_collector: {collections: {model_inputs: {enabled: 'True'}, model_outputs: "
        "{enabled: 'True'}}}`. Production-only."
    )
    source = (
        "Well-Architected Framework, Azure Machine Learning (monitor model performance); CLI "
        "v2 managed online deployment YAML reference (`data_collector`)"
    )

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        for dep in live_deployments(spec):
            if is_managed(dep, spec) and not collects_data(dep.data_collector):
                yield RuleHit(
                    deployment_path(dep),
                    f"deployment {dep.name} serves live traffic without a data_collector",
                )
