"""MOE031: nobody is named as the owner of the endpoint."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.spec.model import Spec


class NoOwner(Rule):
    id = "MOE031"
    title = "No owner named"
    severity = "high"
    category = "metadata"
    rationale = (
        "A production service needs an owner who answers for incidents, approves changes "
        "and accepts waivers; without one, alerts and audit findings have nowhere to go."
    )
    docs = (
        "Fires when `ownership.owner` is not set and the endpoint has no `owner` tag. Set "
        "`ownership.owner` to a team mailbox or group (iac-gen also writes it as a tag)."
    )
    source = "Production-readiness checks of the operators' field manual (ownership)"

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        if spec.ownership is not None and spec.ownership.owner:
            return
        if any(tag.lower() == "owner" and value for tag, value in spec.endpoint.tags.items()):
            return
        yield RuleHit(
            "ownership.owner" if spec.ownership is not None else "ownership",
            "no owner is named; set ownership.owner",
        )
