"""One redaction pass shared by every report format, so a secret can never leak through one.

A value is withheld when its key looks secret (`keys`, `*token*`, `*password*`, `*secret*`,
connection strings, API/access keys), when a finding's field path ends in such a key, or when
the value itself looks like a credential (JWT, bearer token, connection-string fragment).
Secret-injection references (`${{azureml://...}}`, `${{keyvault:...}}`) are not secrets and
stay visible, because a reviewer needs to see that a reference was replaced by a literal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

REDACTED = "<redacted>"

_SECRET_KEY = re.compile(
    r"password|passwd|secret|token|credential|connectionstring|connstr|apikey|accesskey|"
    r"accountkey|privatekey|primarykey|secondarykey|signature|authkey"
)
_EXACT_SECRET_PARTS = frozenset({"key", "keys", "sig", "sas", "pwd", "authorization"})

_SECRET_VALUE = re.compile(
    r"(eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.)"  # JWT
    r"|(^\s*bearer\s+\S{8,})"  # HTTP bearer token
    r"|((AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd)=[^;\s]+)"  # conn strings
    r"|([?&]sig=[A-Za-z0-9%+/=]{8,})"  # SAS signature
    r"|(-----BEGIN [A-Z ]*PRIVATE KEY-----)",
    re.IGNORECASE,
)
_REFERENCE = re.compile(r"^\$\{\{(azureml://|keyvault:)[^}]*\}\}$")


def _normalise_key(key: str) -> str:
    """`DB_PASSWORD`, `dbPassword`, `db-password` -> `db_password`."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key)
    return re.sub(r"[^a-z0-9]+", "_", snake.lower()).strip("_")


@lru_cache(maxsize=65536)
def is_secret_key(key: str) -> bool:
    """True for keys whose values must never appear in a report."""
    norm = _normalise_key(key)
    if any(part in _EXACT_SECRET_PARTS for part in norm.split("_")):
        return True
    return bool(_SECRET_KEY.search(norm.replace("_", "")))


def is_secret_value(value: str) -> bool:
    """True for strings that look like a credential whatever key they sit under."""
    # Cheap pre-check: every pattern needs one of these; most values have none.
    hints = "=" in value or "eyJ" in value or "-----" in value
    if not hints and value.lstrip()[:6].lower() != "bearer":
        return False
    return bool(_SECRET_VALUE.search(value))


@lru_cache(maxsize=65536)
def is_secret_path(path: str) -> bool:
    """True when any segment of a dotted path (`environment_variables.DB_PASSWORD`) is secret."""
    return any(is_secret_key(part) for part in re.split(r"[./\[\]]+", path) if part)


def _withhold(value: Any) -> Any:
    """Replace a secret value, keeping `None` (absent) and secret-injection references."""
    if value is None:
        return None
    if isinstance(value, str) and _REFERENCE.match(value):
        return value
    if isinstance(value, Mapping):
        return {str(k): _withhold(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_withhold(v) for v in value]
    return REDACTED


def redact(value: Any) -> Any:
    """A copy of `value` with every secret-looking entry replaced by `<redacted>`."""
    kind = type(value)
    if kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is str:
        return REDACTED if is_secret_value(value) else value
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out[str(key)] = _withhold(item) if is_secret_key(str(key)) else redact(item)
        return out
    if isinstance(value, list):
        return [redact(v) for v in value]
    if isinstance(value, str) and is_secret_value(value):
        return REDACTED
    return value


def redact_result(result: Mapping[str, Any]) -> dict[str, Any]:
    """Redact a drift or lint result: secret keys anywhere, and findings on secret fields.

    A finding's `expected`/`actual` are withheld when its `field` or `arm_path` names a
    secret (e.g. `deployments.blue.environment_variables.DB_PASSWORD`).
    """
    # Coverage entries hold names and outcomes, never values; only a free-text `reason` is
    # worth a look. Skipping the rest keeps a fleet report (a million entries) fast.
    coverage = result.get("coverage")
    cleaned: dict[str, Any] = redact({k: v for k, v in result.items() if k != "coverage"})
    if isinstance(coverage, list):
        cleaned["coverage"] = [
            redact(entry) if isinstance(entry, Mapping) and entry.get("reason") else entry
            for entry in coverage
        ]
    for finding in cleaned.get("findings") or []:
        if not isinstance(finding, dict):
            continue
        paths = [str(finding.get("field") or ""), str(finding.get("arm_path") or "")]
        if any(is_secret_path(p) for p in paths if p):
            for side in ("expected", "actual"):
                if side in finding:
                    finding[side] = _withhold(finding[side])
    return cleaned
