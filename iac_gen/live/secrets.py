"""Remove secrets from live resource bodies before anything is kept or written.

Applied by the exporter and by every reader, so a pasted `az` output holding keys is cleaned
as well. Rules: the endpoint `keys` object and key-valued fields (`primaryKey`,
`secondaryKey`, ...) are dropped; environment variables whose *names* look secret keep
their name with the value replaced by `<redacted>`; any other string field whose name looks
like a credential, or any string that looks like a bearer token / JWT, is redacted too.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "<redacted>"
_DROP_KEYS = frozenset(
    {"keys", "primarykey", "secondarykey", "primarykeyvalue", "secondarykeyvalue"}
)
_ENV_MAPS = frozenset({"environmentvariables", "environment_variables"})
# Names of environment variables that hold secrets (broad on purpose: values are user data).
_SECRET_ENV_NAME = re.compile(r"key|secret|passw|pwd|token|credential|connection_?string|sas", re.I)
# Names of ordinary fields that hold secrets (narrow: ARM ids like `keyVault` must survive).
_SECRET_FIELD_NAME = re.compile(
    r"(secret|password|passwd|accesskey|access_key|apikey|api_key|privatekey|"
    r"connectionstring|connection_string|sastoken|sas_token|bearertoken|accesstoken|"
    r"access_token|refreshtoken|refresh_token|clientsecret|client_secret)$",
    re.I,
)
_TOKEN_VALUE = re.compile(
    r"^(Bearer\s+\S+|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)$"
)


def scrub(body: Any, path: str = "") -> tuple[Any, list[str]]:
    """Return a cleaned deep copy of `body` and the JSON paths that were removed or redacted."""
    removed: list[str] = []
    return _scrub(body, path, removed, in_env=False), removed


def _scrub(value: Any, path: str, removed: list[str], in_env: bool) -> Any:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = str(key)
            here = f"{path}.{name}" if path else name
            lowered = name.lower()
            if lowered in _DROP_KEYS and not in_env:
                if item not in (None, {}, ""):
                    removed.append(here)
                continue
            if in_env and isinstance(item, str) and _SECRET_ENV_NAME.search(name):
                out[name] = REDACTED
                removed.append(here)
                continue
            if isinstance(item, str) and _SECRET_FIELD_NAME.search(name):
                out[name] = REDACTED
                removed.append(here)
                continue
            out[name] = _scrub(item, here, removed, in_env=lowered in _ENV_MAPS)
        return out
    if isinstance(value, list):
        return [_scrub(v, f"{path}[{i}]", removed, in_env) for i, v in enumerate(value)]
    if isinstance(value, str) and _TOKEN_VALUE.match(value):
        removed.append(path)
        return REDACTED
    return value
