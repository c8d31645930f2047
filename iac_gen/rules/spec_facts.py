"""Facts about a spec that several rules ask (which deployments serve traffic, is it prod).

Kept in one place so that two rules never disagree about, say, what "serves traffic" means.
"""

from __future__ import annotations

import re

from iac_gen.spec.model import Deployment, Spec

NON_PRODUCTION_ENVIRONMENTS = frozenset(
    {"dev", "development", "test", "testing", "qa", "sandbox", "sbx", "local", "ci", "demo"}
)
"""Overlay names that mark a spec as non-production; production-only rules skip them."""


def is_non_production(spec: Spec) -> bool:
    """True when the spec was resolved for an overlay named like a non-production one."""
    env = (spec.environment or "").strip().lower()
    return env in NON_PRODUCTION_ENVIRONMENTS


def live_deployments(spec: Spec) -> list[Deployment]:
    """Deployments that receive a share (> 0 %) of live traffic, in spec order."""
    return [d for d in spec.deployments if spec.endpoint.traffic.get(d.name, 0) > 0]


def is_managed(dep: Deployment, spec: Spec) -> bool:
    """Managed (Azure-hosted) rather than Kubernetes compute."""
    return dep.type != "kubernetes" and not spec.endpoint.is_kubernetes


def deployment_path(dep: Deployment, field: str | None = None) -> str:
    """The spec path of a deployment, or of one of its fields."""
    return f"deployments.{dep.name}" + (f".{field}" if field else "")


_DV2_VCPUS = {1: 1, 2: 2, 3: 4, 4: 8, 5: 16, 11: 2, 12: 4, 13: 8, 14: 16, 15: 20}
"""D/DS v1 and v2 sizes number their sizes, not their vCPUs (Standard_DS3_v2 has 4)."""


def vcpus(instance_type: str | None) -> int | None:
    """vCPUs of an Azure VM size name, or None when the name is not one we can read.

    For most families the number after the family letters is the vCPU count
    (Standard_F4s_v2, Standard_E8s_v3, Standard_NC6s_v3); D/DS v1-v2 are the exception.
    """
    if not instance_type:
        return None
    match = re.match(r"^Standard_([A-Za-z]+?)(\d+)[A-Za-z0-9_]*?(?:_v(\d+))?$", instance_type, re.I)
    if match is None:
        return None
    family, number, version = match.group(1).upper(), int(match.group(2)), match.group(3)
    if family in {"D", "DS"} and (version is None or int(version) <= 2):
        return _DV2_VCPUS.get(number)
    return number
