"""MOE006 finds secrets by name or value shape, leaves ordinary settings alone, and never
echoes a value."""

from __future__ import annotations

import pytest

from iac_gen.rules.catalog.moe006_plaintext_secret import PlaintextSecret, secret_reason
from rules.lint_spec_builders import good_spec, with_deployment

SECRETS = {
    "API_KEY": "hunter2-but-longer",
    "OPENAI_API_KEY": "not-a-url-value",
    "db-password": "p@ss",
    "GITHUB_TOKEN": "abc",
    "SERVICE_CREDENTIALS": "user:pass",
    "BLOB": "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Zm9vYmFy==;",
    "BUS": "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=r;SharedAccessKey=abc=",
    "SQL": "Server=tcp:x.database.windows.net;Database=d;User ID=u;Password=pw;",
    "JWT": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl",
    "DB_URL": "postgres://admin:s3cret@db.example.com:5432/app",
    "FEED": "https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sig=AbCdEfGhIjKlMnOpQrSt%3D",
    "SEED": "q8Z3xV1pL0sK9mN2bR7tY4wE6uI5oA3dF8gH1jK0",
}

HARMLESS = {
    "WORKER_COUNT": "4",
    "AZUREML_MODEL_DIR": "/var/azureml-app/azureml-models",
    "KEY_VAULT_URL": "https://kv-prod.vault.azure.net/",
    "MAX_TOKENS": "4096",
    "TOKEN_CACHE_ENABLED": "true",
    "LOG_LEVEL": "INFO",
    "MODEL_NAME": "credit-model-v7",
    "OPENAI_KEY": "${{azureml://connections/aoai/credentials/key}}",
    "DB_PASSWORD": "${{keyvault:https://kv.vault.azure.net/secrets/db-password/1}}",
    "PRIMARY_KEY_COLUMN": "0",
    "APP_ID": "6d1c3f0e-2b7a-4c55-9a8e-0f3b2d6a4e19",
}


@pytest.mark.parametrize(("name", "value"), sorted(SECRETS.items()))
def test_secret_is_found(name: str, value: str) -> None:
    assert secret_reason(name, value)


@pytest.mark.parametrize(("name", "value"), sorted(HARMLESS.items()))
def test_harmless_setting_is_not_a_secret(name: str, value: str) -> None:
    assert secret_reason(name, value) is None


def test_message_never_contains_the_value() -> None:
    spec = with_deployment(good_spec(), "blue", environment_variables=dict(SECRETS))
    hits = list(PlaintextSecret().check(spec))
    assert len(hits) == len(SECRETS)
    for hit in hits:
        for value in SECRETS.values():
            assert value not in hit.message
            # no fragment long enough to help an attacker either
            assert not any(part in hit.message for part in value.split(";") if len(part) > 8)
