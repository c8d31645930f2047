"""MOE017: the request timeout is at or close to the service maximum."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import deployment_path, is_managed
from iac_gen.spec.model import Spec

MAX_REQUEST_TIMEOUT_MS = 180_000
NEAR_FRACTION = 0.5


class RequestTimeoutNearMax(Rule):
    id = "MOE017"
    title = "Request timeout close to the service maximum"
    severity = "medium"
    category = "configuration"
    rationale = (
        "Managed online endpoints cut requests at 180 s. A timeout near that limit leaves no "
        "room for growth, holds an instance's concurrency slot for minutes, and usually "
        "means the work belongs in a batch endpoint."
    )
    docs = (
        "Fires when a managed deployment's `request_settings.request_timeout_ms` is "
        "90000 ms (half the 180000 ms maximum) or more. The default is 5000 ms. The "
        "half-way threshold is iac-gen's choice."
    )
    source = "Azure ML CLI v2 managed online deployment YAML reference (`request_timeout_ms`)"

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        for dep in spec.deployments:
            if not is_managed(dep, spec):
                continue
            settings = dep.request_settings
            if settings is None or settings.request_timeout_ms is None:
                continue
            timeout = settings.request_timeout_ms
            if timeout >= MAX_REQUEST_TIMEOUT_MS * NEAR_FRACTION:
                yield RuleHit(
                    deployment_path(dep, "request_settings.request_timeout_ms"),
                    f"deployment {dep.name} request timeout is {timeout} ms, close to the "
                    f"{MAX_REQUEST_TIMEOUT_MS} ms maximum",
                )
