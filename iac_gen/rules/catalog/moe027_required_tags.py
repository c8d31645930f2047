"""MOE027: the endpoint lacks the tags cost reports and on-call rotas look for."""

from __future__ import annotations

import re
from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.spec.model import Spec

REQUIRED_TAGS = ("cost-center", "owner")


def _normalise(tag: str) -> str:
    return re.sub(r"[^a-z0-9]", "", tag.lower())


class RequiredTags(Rule):
    id = "MOE027"
    title = "Required tags missing"
    severity = "low"
    category = "metadata"
    rationale = (
        "Cost allocation and incident routing read resource tags; an endpoint without a "
        "cost center or owner tag ends up in nobody's budget and nobody's pager."
    )
    docs = (
        "Fires for each of `cost-center` and `owner` missing from the endpoint `tags` "
        "(spelling variants such as `CostCenter` or `cost_center` count). `ownership.owner` "
        "satisfies `owner`, because iac-gen writes it as a tag."
    )
    source = "PSRule Azure.Resource.UseTags (Well-Architected CO:03)"

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        present = {_normalise(tag) for tag, value in spec.endpoint.tags.items() if value}
        if spec.ownership is not None and spec.ownership.owner:
            present.add("owner")
        for tag in REQUIRED_TAGS:
            if _normalise(tag) not in present:
                yield RuleHit("tags", f"endpoint has no {tag} tag")
