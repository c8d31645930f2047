"""MOE030: a deployment runs on a VM size smaller than Standard_DS3_v2."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import deployment_path, is_managed, vcpus
from iac_gen.spec.model import Spec

MIN_VCPUS = 4  # Standard_DS3_v2


class SmallInstanceType(Rule):
    id = "MOE030"
    title = "Instance type smaller than Standard_DS3_v2"
    severity = "low"
    category = "capacity"
    production_only = True
    rationale = (
        "Sizes with fewer than 4 vCPUs leave little room next to the inference server and "
        "the platform's own agents; latency under load and out-of-memory restarts follow. "
        "They suit development and tests."
    )
    docs = (
        "Fires for managed deployments whose `instance_type` has fewer than 4 vCPUs (the "
        "size of Standard_DS3_v2), e.g. Standard_DS1_v2, Standard_DS2_v2, Standard_F2s_v2. "
        "Unrecognised size names are not judged. The threshold is iac-gen's choice, not an "
        "Azure limit. Production-only."
    )
    source = "iac-gen sizing guidance (threshold chosen by this project)"

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        for dep in spec.deployments:
            if not is_managed(dep, spec):
                continue
            cores = vcpus(dep.instance_type)
            if cores is not None and cores < MIN_VCPUS:
                yield RuleHit(
                    deployment_path(dep, "instance_type"),
                    f"deployment {dep.name} runs on {dep.instance_type} ({cores} vCPU); "
                    "production deployments should use Standard_DS3_v2 or larger",
                )
