"""MOE038: the change is not linked to a change ticket."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.spec.model import Spec


class NoChangeTicket(Rule):
    id = "MOE038"
    title = "Change ticket missing"
    severity = "low"
    category = "metadata"
    rationale = (
        "Change management (NIST SP 800-53 CM-3, SOC 2 CC8.1) asks that each change be "
        "authorised and traceable; the ticket ties the deployed configuration and its "
        "evidence to that approval."
    )
    docs = (
        "Fires when `ownership.change_ticket` is not set. Set it to the ticket that "
        "approved this version of the spec; iac-gen carries it into tags and evidence."
    )
    source = "NIST SP 800-53 rev. 5 CM-3; AICPA SOC 2 CC8.1"

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        if spec.ownership is not None and spec.ownership.change_ticket:
            return
        yield RuleHit(
            "ownership.change_ticket" if spec.ownership is not None else "ownership",
            "no change ticket is linked; set ownership.change_ticket",
        )
