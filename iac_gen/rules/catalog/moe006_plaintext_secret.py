"""MOE006: a deployment environment variable holds what looks like a plaintext secret.

The message names the variable and why it looks secret, never its value: lint output ends
up in CI logs and evidence files. What looks secret is decided by `iac_gen.secrets`, the
same rules that make the live readers drop a value and the reports withhold it.
"""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import deployment_path
from iac_gen.secrets import secret_reason
from iac_gen.spec.model import Spec

__all__ = ["PlaintextSecret", "secret_reason"]


class PlaintextSecret(Rule):
    id = "MOE006"
    title = "Plaintext secret in deployment environment variables"
    severity = "critical"
    category = "security"
    rationale = (
        "Environment variable values are written into the template, the deployment history "
        "and the deployment resource itself, where anyone with read access sees them. "
        "Azure ML resolves secret injection references at run time instead."
    )
    docs = (
        "Fires when a variable's name contains a secret-like word (KEY, SECRET, PASSWORD, "
        "TOKEN, CREDENTIAL, SAS, ...) or its value looks like a connection string with a "
        "key or password, a JSON web token, a bearer token, a URL with credentials, a SAS "
        "signature, a private key, a cloud access key or a long random key, unless the "
        "value is a secret injection reference such as "
        "`${{azureml://connections/<connection>/credentials/<key>}}` or "
        "`${{keyvault:https://<vault>.vault.azure.net/secrets/<name>/<version>}}`. The value "
        "is never printed. Move the secret to a workspace connection or Key Vault and "
        "reference it."
    )
    source = (
        "Azure ML docs 'Secret injection in online endpoints' (secrets should not be part of "
        "the deployment definition); AzTS control "
        "Azure_MachineLearningWorkspace_D_P_Avoid_Plaintext_Secrets"
    )

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        for dep in spec.deployments:
            for name in sorted(dep.environment_variables):
                value = dep.environment_variables[name]
                reason = secret_reason(name, str(value))
                if reason:
                    yield RuleHit(
                        deployment_path(dep, f"environment_variables.{name}"),
                        f"environment variable {name} of deployment {dep.name} looks like a "
                        f"plaintext secret ({reason}); use a secret injection reference",
                    )
