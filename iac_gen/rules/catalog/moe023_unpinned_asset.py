"""MOE023: a deployment's model or environment is not pinned to a version."""

from __future__ import annotations

import re
from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import deployment_path
from iac_gen.spec.model import Spec

_REGISTRY_HOST = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?$", re.IGNORECASE)
_SHORT_FORM = re.compile(r"^azureml:(?P<name>[^:@/]+)(?::(?P<version>[^:@]+)|@(?P<label>.+))?$")


def pin_problem(ref: str) -> str | None:
    """Why an asset reference does not name one fixed version, or None when it does."""
    ref = ref.strip()
    lower = ref.lower()
    if lower.startswith("azureml://") or lower.startswith("azureml:/subscriptions/"):
        if "/labels/" in lower:
            label = ref.rstrip("/").rsplit("/", 1)[-1]
            return f"follows the label {label!r}, which can move to another version"
        if "/versions/" in lower:
            return None
        return "names no version"
    if lower.startswith("azureml:"):
        match = _SHORT_FORM.match(ref)
        if match is None:
            return None  # not a form we recognise; validation owns its syntax
        if match.group("label"):
            return f"follows the label {match.group('label')!r}, which can move to another version"
        if not match.group("version"):
            return "names no version"
        return None
    if "@sha256:" in lower:
        return None  # container image pinned by digest
    last = ref.rsplit("/", 1)[-1]
    if "/" in ref and _REGISTRY_HOST.match(ref.split("/", 1)[0]):  # e.g. mcr.microsoft.com/x
        if ":" not in last or last.endswith(":latest"):
            return "is a container image without a fixed tag"
        return None
    return "is a local path, created as an anonymous asset at deployment time"


class UnpinnedAsset(Rule):
    id = "MOE023"
    title = "Model or environment not pinned to a version"
    severity = "medium"
    category = "configuration"
    rationale = (
        "A deployment that follows a label (`@latest`), names no version, or uploads a local "
        "folder can change what it serves without any change to the spec, so a release is "
        "neither reproducible nor reviewable, and drift cannot tell intent from accident."
    )
    docs = (
        "Fires when `model` or `environment` is `azureml:<name>` without a version, "
        "`azureml:<name>@<label>`, a registry reference using `/labels/` or no `/versions/`, "
        "a container image without a fixed tag, or a local path. Register the asset and "
        "reference `azureml:<name>:<version>` (or a registry `.../versions/<version>`)."
    )
    source = (
        "Azure ML CLI v2 managed online deployment YAML reference (reference "
        "`azureml:<name>:<version>`; create production assets separately); the "
        "reproducibility argument is iac-gen's"
    )

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        for dep in spec.deployments:
            for field in ("model", "environment"):
                ref = getattr(dep, field)
                if not ref:
                    continue
                problem = pin_problem(ref)
                if problem:
                    yield RuleHit(
                        deployment_path(dep, field),
                        f"{field} of deployment {dep.name} {problem}; reference an exact version",
                    )
