"""MOE001: the endpoint authenticates callers with static keys."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.spec.model import Spec


class KeyAuthentication(Rule):
    id = "MOE001"
    title = "Endpoint uses key authentication"
    severity = "high"
    category = "security"
    rationale = (
        "Endpoint keys never expire and are shared by every caller, so access cannot be "
        "granted, audited or revoked per caller. Microsoft Entra tokens (`aad_token`) tie "
        "each call to an identity with the `score/action` permission."
    )
    docs = (
        "Fires when `auth_mode` is `key`, or is not stated (the service default is `key`). "
        "Set `auth_mode: aad_token` and grant callers the scoring permission (the native "
        "spec's `access.scorers`); Kubernetes endpoints, which do not support `aad_token`, "
        "are advised to use `aml_token`. Suppress with a reason for endpoints that must serve "
        "clients unable to obtain Entra tokens."
    )
    source = (
        "Azure ML CLI v2 online endpoint YAML reference (`auth_mode`, default `key`); Azure ML "
        "docs 'Authentication for managed online endpoints'; AzTS control "
        "Azure_MachineLearningWorkspace_AuthN_Restrict_Key_Based_AuthType_OnlineEndPoints"
    )

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        mode = spec.endpoint.auth_mode
        # aad_token is only supported on managed endpoints; Kubernetes ones get aml_token.
        better = "aml_token" if spec.endpoint.is_kubernetes else "aad_token"
        if mode is None:
            yield RuleHit(
                "auth_mode",
                "auth_mode is not stated, so the endpoint gets the service default, key "
                f"authentication; set auth_mode: {better}",
            )
        elif mode.lower() == "key":
            yield RuleHit(
                "auth_mode",
                f"endpoint uses key authentication (static keys that never expire); use {better}",
            )
