"""MOE005: a deployment may send data to the public internet."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import deployment_path, is_managed
from iac_gen.spec.model import Spec


class EgressNotRestricted(Rule):
    id = "MOE005"
    title = "Deployment outbound traffic not restricted"
    severity = "medium"
    category = "security"
    rationale = (
        "A scoring container that can reach the internet can exfiltrate the data it scores. "
        "Outbound access is restricted either by the workspace managed network (allow only "
        "approved outbound) or, on workspaces without one, by "
        "`egress_public_network_access: disabled`."
    )
    docs = (
        "Fires for managed deployments whose `egress_public_network_access` is `enabled` or "
        "not stated (default `enabled`). The flag cannot be changed after the deployment is "
        "created. If the workspace uses a managed virtual network the flag no longer applies: "
        "suppress this rule with that reason instead of setting it."
    )
    source = (
        "Azure ML docs 'Network isolation with managed online endpoints'; CLI v2 managed "
        "online deployment YAML reference (`egress_public_network_access`)"
    )

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        for dep in spec.deployments:
            if not is_managed(dep, spec):
                continue
            egress = dep.egress_public_network_access
            if egress is None:
                yield RuleHit(
                    deployment_path(dep),
                    f"deployment {dep.name} does not state egress_public_network_access, so "
                    "outbound internet access is enabled by default",
                )
            elif egress.lower() == "enabled":
                yield RuleHit(
                    deployment_path(dep, "egress_public_network_access"),
                    f"deployment {dep.name} allows outbound internet access",
                )
