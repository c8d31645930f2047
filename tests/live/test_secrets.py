"""Secret scrubbing rules shared by the exporter and every reader."""

from __future__ import annotations

from iac_gen.live.secrets import REDACTED, scrub


def test_drops_keys_and_key_values() -> None:
    body = {
        "id": "/x",
        "properties": {
            "keys": {"primaryKey": "p", "secondaryKey": "s"},
            "nested": {"primaryKey": "p2"},
            "authMode": "Key",
        },
    }
    clean, removed = scrub(body)
    assert clean == {"id": "/x", "properties": {"nested": {}, "authMode": "Key"}}
    assert removed == ["properties.keys", "properties.nested.primaryKey"]
    assert body["properties"]["keys"]  # the input is not modified


def test_null_keys_dropped_without_being_reported() -> None:
    clean, removed = scrub({"properties": {"keys": None}})
    assert clean == {"properties": {}} and removed == []


def test_environment_variables_with_secret_names_are_redacted() -> None:
    env = {
        "LOG_LEVEL": "info",
        "STORAGE_KEY": "abc",
        "api_secret": "abc",
        "DB_PASSWORD": "abc",
        "HF_TOKEN": "abc",
        "SERVICE_CONNECTION_STRING": "abc",
        "WORKER_COUNT": "2",
    }
    clean, removed = scrub({"properties": {"environmentVariables": env}})
    out = clean["properties"]["environmentVariables"]
    assert out["LOG_LEVEL"] == "info" and out["WORKER_COUNT"] == "2"
    assert all(out[k] == REDACTED for k in env if k not in ("LOG_LEVEL", "WORKER_COUNT"))
    assert len(removed) == 5


def test_ordinary_ids_survive_but_token_values_do_not() -> None:
    body = {
        "properties": {
            "keyVault": "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/kv",
            "clientSecret": "x",
            "note": "Bearer abc.def",
            "jwt": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig",
            "description": "uses a key vault",
        }
    }
    clean, removed = scrub(body)
    props = clean["properties"]
    assert props["keyVault"].endswith("/vaults/kv")
    assert props["description"] == "uses a key vault"
    assert props["clientSecret"] == props["note"] == props["jwt"] == REDACTED
    assert sorted(removed) == ["properties.clientSecret", "properties.jwt", "properties.note"]
