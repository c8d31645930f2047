"""MOE040: a deployment sets the deprecated max_queue_wait_ms."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import deployment_path
from iac_gen.spec.model import Spec


class DeprecatedQueueWait(Rule):
    id = "MOE040"
    title = "Deprecated max_queue_wait_ms is set"
    severity = "low"
    category = "configuration"
    rationale = (
        "The `max_queue_wait_ms` setting is deprecated; a value in the spec suggests a "
        "queueing guarantee that cannot be relied on and will stop being accepted."
    )
    docs = (
        "Fires when `request_settings.max_queue_wait_ms` is set. Remove it and size "
        "`request_timeout_ms` and `max_concurrent_requests_per_instance` instead."
    )
    source = (
        "Azure ML CLI v2 managed online deployment YAML reference (`max_queue_wait_ms` deprecated)"
    )

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        for dep in spec.deployments:
            settings = dep.request_settings
            if settings is not None and settings.max_queue_wait_ms is not None:
                yield RuleHit(
                    deployment_path(dep, "request_settings.max_queue_wait_ms"),
                    f"deployment {dep.name} sets the deprecated max_queue_wait_ms",
                )
