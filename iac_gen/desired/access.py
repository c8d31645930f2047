"""Role assignments that let `spec.scorers` call an endpoint using Microsoft Entra tokens."""

from __future__ import annotations

import uuid
from typing import Any

from iac_gen.desired.ids import Scope
from iac_gen.spec.model import Scorer, Spec
from iac_gen.vocabulary import ROLE_ASSIGNMENT_API, ROLE_ASSIGNMENT_TYPE

# Built-in "AzureML Data Scientist": includes onlineEndpoints/score/action (the action an
# aad_token caller needs on the endpoint). No narrower built-in role grants scoring only.
SCORER_ROLE_ID = "f6c7c914-8db3-469d-8ca1-694a8f32e121"
# Fixed namespace so the assignment name is the same GUID on every compile.
_NAMESPACE = uuid.UUID("6f1d3c1e-4b7a-5a8e-9c2d-1e0f3a5b7c9d")


def assignment_name(endpoint_id: str, principal_id: str, role_id: str) -> str:
    """Deterministic GUID (uuid5) from scope, principal and role: reruns update, never duplicate."""
    return str(uuid.uuid5(_NAMESPACE, f"{endpoint_id.lower()}|{principal_id.lower()}|{role_id}"))


def role_assignment_body(spec: Spec, scorer: Scorer, scope: Scope) -> dict[str, Any]:
    endpoint_id = scope.endpoint_id(spec.endpoint.name)
    name = assignment_name(endpoint_id, scorer.principal_id, SCORER_ROLE_ID)
    return {
        "type": ROLE_ASSIGNMENT_TYPE,
        "apiVersion": ROLE_ASSIGNMENT_API,
        "name": name,
        "id": f"{endpoint_id}/providers/{ROLE_ASSIGNMENT_TYPE}/{name}",
        "scope": endpoint_id,
        "properties": {
            "roleDefinitionId": f"/subscriptions/{scope.subscription}/providers/"
            f"Microsoft.Authorization/roleDefinitions/{SCORER_ROLE_ID}",
            "principalId": scorer.principal_id,
            "principalType": scorer.principal_type,
        },
    }


def role_assignment_bodies(spec: Spec, scope: Scope) -> list[dict[str, Any]]:
    if (spec.endpoint.auth_mode or "key").lower() != "aad_token":
        return []
    return [role_assignment_body(spec, s, scope) for s in spec.scorers]
