"""MOE006: a deployment environment variable holds what looks like a plaintext secret.

The message names the variable and why it looks secret, never its value: lint output ends
up in CI logs and evidence files.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import deployment_path
from iac_gen.spec.model import Spec

SECRET_NAME_WORDS = frozenset(
    {
        "KEY",
        "APIKEY",
        "ACCESSKEY",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "PWD",
        "TOKEN",
        "CREDENTIAL",
        "CREDENTIALS",
        "CONNSTR",
        "CONNECTIONSTRING",
        "SAS",
    }
)
"""Words (between `_`, `-` or `.`) that make a variable name look like it holds a secret."""

SECRET_REFERENCE = re.compile(r"^\$\{\{\s*(azureml://connections/|keyvault:)", re.IGNORECASE)
"""Azure ML secret injection references: resolved at run time, never stored in the spec."""

SECRET_VALUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "a connection string with a key or password",
        re.compile(
            r"(AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd)\s*=", re.IGNORECASE
        ),
    ),
    ("a JSON web token", re.compile(r"^eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.")),
    ("a URL with embedded credentials", re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")),
    ("a SAS token", re.compile(r"(^|[?&])sig=[A-Za-z0-9%+/=]{16,}")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    (
        "a cloud access key",
        re.compile(r"^(AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|sk-\S{20,})"),
    ),
)

HARMLESS_VALUE = re.compile(r"^(\d{1,6}|true|false|yes|no|on|off|none|null|)$", re.IGNORECASE)
URL_WITHOUT_CREDENTIALS = re.compile(r"^[a-z][a-z0-9+.-]*://[^@\s]*$", re.IGNORECASE)


def _name_words(name: str) -> set[str]:
    return {w for w in re.split(r"[^A-Za-z0-9]+", name.upper()) if w}


def _entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _looks_random(value: str) -> bool:
    """A long base64-like string mixing cases and digits with high character entropy.

    GUIDs and hex digests (ids, hashes) are deliberately not matched: they are common,
    harmless settings and a secret-like name still catches hex keys.
    """
    return (
        len(value) >= 32
        and re.fullmatch(r"[A-Za-z0-9+/=_\-]+", value) is not None
        and re.search(r"[A-Z]", value) is not None
        and re.search(r"[a-z]", value) is not None
        and re.search(r"[0-9]", value) is not None
        and _entropy(value) >= 4.0
    )


def secret_reason(name: str, value: str) -> str | None:
    """Why `name=value` looks like a plaintext secret, or None. Never includes the value."""
    value = value.strip()
    if SECRET_REFERENCE.match(value):
        return None
    for what, pattern in SECRET_VALUE_PATTERNS:
        if pattern.search(value):
            return f"its value looks like {what}"
    if _looks_random(value):
        return "its value looks like a randomly generated key"
    suspicious = _name_words(name) & SECRET_NAME_WORDS
    if suspicious and not HARMLESS_VALUE.match(value) and not URL_WITHOUT_CREDENTIALS.match(value):
        return f"its name contains {sorted(suspicious)[0]}"
    return None


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
        "key, a JSON web token, a URL with credentials, a SAS signature, a private key or a "
        "long random key, unless the value is a secret injection reference such as "
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
