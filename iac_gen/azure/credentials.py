"""Credentials, audience and TLS trust for ARM requests.

`IAC_GEN_ARM_TOKEN` holds a bearer token acquired elsewhere (for example by a pipeline's
federated login); otherwise `DefaultAzureCredential` is used, imported only when needed.
The token scope follows the ARM endpoint so sovereign clouds work with `--arm-endpoint`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

TOKEN_ENV = "IAC_GEN_ARM_TOKEN"
PUBLIC_ARM = "https://management.azure.com"


class StaticTokenCredential:
    """A TokenCredential that returns one pre-acquired bearer token and never shows it."""

    def __init__(self, token: str, expires_in: int = 3600):
        self._token = token
        self._expires_on = int(time.time()) + expires_in

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken(self._token, self._expires_on)

    def __repr__(self) -> str:
        return "StaticTokenCredential(<redacted>)"

    def close(self) -> None:
        """Nothing to release."""


def make_credential(environ: Mapping[str, str] | None = None) -> Any:
    env = os.environ if environ is None else environ
    token = env.get(TOKEN_ENV, "").strip()
    if token:
        return StaticTokenCredential(token)
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential()


def normalise_endpoint(arm_endpoint: str | None) -> str:
    """`https://host[:port]` without a trailing slash; only HTTPS is accepted."""
    url = (arm_endpoint or PUBLIC_ARM).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        raise ValueError(f"--arm-endpoint must be an https:// URL, got {arm_endpoint!r}")
    return f"{parts.scheme}://{parts.netloc}"


def credential_scopes(arm_endpoint: str) -> list[str]:
    """The token audience for an ARM endpoint: its origin plus `/.default`.

    Public cloud `https://management.azure.com/.default`; US Gov
    `https://management.usgovcloudapi.net/.default`; China
    `https://management.chinacloudapi.cn/.default`.
    """
    return [f"{normalise_endpoint(arm_endpoint)}/.default"]


def connection_verify(environ: Mapping[str, str] | None = None) -> bool | str:
    """CA bundle for TLS: REQUESTS_CA_BUNDLE, then SSL_CERT_FILE, else the system default."""
    env = os.environ if environ is None else environ
    for name in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"):
        value = env.get(name, "").strip()
        if value:
            return value
    return True
