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


def test_secret_values_under_neutral_names_are_redacted() -> None:
    """D2: the value decides too, whatever the variable is called."""
    env = {
        "STORAGE": "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=K==",
        "DATABASE_URL": "postgres://u:PW@h/db",
        "PRIVATE": "-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----",
        "FEED": "https://a.blob.core.windows.net/c/f?sv=2022-11-02&sig=AbCdEfGhIjKl%3D",
        "SEED": "q8Z3xV1pL0sK9mN2bR7tY4wE6uI5oA3dF8gH1jK0",
        "PLAIN_URL": "https://example.com/models",
        "KEY_VAULT_URL": "https://kv-prod.vault.azure.net/",
        "MAX_TOKENS": "4096",
        "OPENAI_KEY": "${{azureml://connections/aoai/credentials/key}}",
    }
    clean, removed = scrub({"properties": {"environmentVariables": env}})
    out = clean["properties"]["environmentVariables"]
    secret = ("STORAGE", "DATABASE_URL", "PRIVATE", "FEED", "SEED")
    assert all(out[k] == REDACTED for k in secret)
    assert {k: v for k, v in out.items() if k not in secret} == {
        k: v for k, v in env.items() if k not in secret
    }
    assert sorted(removed) == sorted(f"properties.environmentVariables.{k}" for k in secret)


def test_names_are_never_judged() -> None:
    """D3: deployment names in traffic, tag names and property names are names."""
    body = {
        "properties": {
            "traffic": {"tokenizer": 60, "blue-key": 40, "sas-scorer": 0},
            "mirrorTraffic": {"signature-v2": 10},
            "properties": {"client-secret-rotation": "monthly"},
        },
        "tags": {"api-key-owner": "team-a", "keys": "none", "primaryKey": "id"},
    }
    clean, removed = scrub(body)
    assert clean == body and removed == []


def test_secret_shaped_values_in_tags_are_redacted_but_names_kept() -> None:
    body = {"tags": {"feed": "https://a.blob.core.windows.net/c?sig=AbCdEfGhIjKl%3D"}}
    clean, removed = scrub(body)
    assert clean == {"tags": {"feed": REDACTED}} and removed == ["tags.feed"]
