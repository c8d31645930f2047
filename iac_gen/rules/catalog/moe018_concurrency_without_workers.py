"""MOE018: more concurrent requests per instance than the scoring server has workers."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import deployment_path
from iac_gen.spec.model import Spec


class ConcurrencyWithoutWorkers(Rule):
    id = "MOE018"
    title = "Concurrency above 1 without WORKER_COUNT"
    severity = "medium"
    category = "configuration"
    rationale = (
        "The Azure ML inference server runs one worker unless `WORKER_COUNT` says otherwise; "
        "letting several requests in per instance with one worker queues them inside the "
        "container, adding latency and timeouts instead of throughput."
    )
    docs = (
        "Fires when `request_settings.max_concurrent_requests_per_instance` is above 1 and "
        "the deployment's `environment_variables` has no `WORKER_COUNT`. Set WORKER_COUNT to "
        "match, or suppress with a reason if the container does not use the inference server."
    )
    source = (
        "Azure ML CLI v2 managed online deployment YAML reference "
        "(`max_concurrent_requests_per_instance`, WORKER_COUNT)"
    )

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        for dep in spec.deployments:
            settings = dep.request_settings
            if settings is None or settings.max_concurrent_requests_per_instance is None:
                continue
            concurrency = settings.max_concurrent_requests_per_instance
            if concurrency > 1 and "WORKER_COUNT" not in dep.environment_variables:
                yield RuleHit(
                    deployment_path(dep, "request_settings.max_concurrent_requests_per_instance"),
                    f"deployment {dep.name} allows {concurrency} concurrent requests per "
                    "instance but sets no WORKER_COUNT environment variable",
                )
