"""Token source, audience per cloud and TLS trust settings."""

from __future__ import annotations

import pytest

from iac_gen.azure.credentials import (
    StaticTokenCredential,
    connection_verify,
    credential_scopes,
    make_credential,
    normalise_endpoint,
)


def test_static_token_from_environment_is_used_and_never_shown() -> None:
    cred = make_credential({"IAC_GEN_ARM_TOKEN": " tok-123 "})
    assert isinstance(cred, StaticTokenCredential)
    assert cred.get_token("https://management.azure.com/.default").token == "tok-123"
    assert "tok-123" not in repr(cred) and "tok-123" not in str(cred)


@pytest.mark.parametrize(
    ("endpoint", "scope"),
    [
        (None, "https://management.azure.com/.default"),
        ("https://management.usgovcloudapi.net/", "https://management.usgovcloudapi.net/.default"),
        ("https://management.chinacloudapi.cn", "https://management.chinacloudapi.cn/.default"),
        ("https://127.0.0.1:8443", "https://127.0.0.1:8443/.default"),
    ],
)
def test_scope_follows_the_arm_endpoint(endpoint: str | None, scope: str) -> None:
    assert credential_scopes(normalise_endpoint(endpoint)) == [scope]


def test_only_https_endpoints() -> None:
    with pytest.raises(ValueError, match="https://"):
        normalise_endpoint("http://management.azure.com")


def test_connection_verify_prefers_requests_ca_bundle() -> None:
    assert (
        connection_verify({"REQUESTS_CA_BUNDLE": "/a.pem", "SSL_CERT_FILE": "/b.pem"}) == "/a.pem"
    )
    assert connection_verify({"SSL_CERT_FILE": "/b.pem"}) == "/b.pem"
    assert connection_verify({}) is True
