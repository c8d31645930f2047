"""The fast secrets walk gives exactly what the reference walk gives.

`iac_gen.secrets.withhold` (behind `scrub`, the readers and the exporter) copies plain entries
itself and hands suspect ones to `_walk`; `withhold_reference` is `_walk` alone. Hypothesis
builds nested JSON-like bodies from the names and values the rules care about (credential
fields, dropped fields, settings maps with secret and harmless variables, name maps,
`properties.properties`, connection strings, URL passwords, PEM keys, JWTs, bearer and SAS
tokens, cloud keys, references, text that only looks hinted, non-ASCII case-folding traps)
and compares the copies (types, key order and values), the paths `found` hears (in order),
and that the input is left alone. `secret_value_kind`, which tries only the patterns that can
match, is compared with trying every pattern.
"""

from __future__ import annotations

import copy
import string
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iac_gen import secrets
from iac_gen.live.secrets import scrub
from iac_gen.secrets import withhold, withhold_reference

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NAMES = [
    "keys", "primaryKey", "secondaryKey", "primaryKeyValue", "secondary_key", "clientSecret",
    "password", "connectionString", "accountKey", "sasToken", "keyVault", "authMode",
    "keyIdentifier", "environmentVariables", "environment_variables", "traffic",
    "mirrorTraffic", "mirror_traffic", "tags", "properties", "name", "id", "description",
    "scoringUri", "DB_PASSWORD", "apiToken", "STORAGE_KEY", "HF_TOKEN", "LOG_LEVEL",
    "PRIMARY_KEY_COLUMN", "TOKEN_CACHE_ENABLED", "OPENAI_KEY", "dbpassword", "SAS", "blue",
    "tokenizer", "blue-key", "sas-scorer", "", "a.b", "x[0]",
]  # fmt: skip
SECRETS = [
    "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=K0x9==",
    "Endpoint=sb://n.servicebus.windows.net/;SharedAccessKeyName=r;SharedAccessKey=abc=",
    "Server=tcp:s;Database=d;User ID=u;Password = hunter2;",
    "pwd=x",
    "postgres://u:PW@h/db",
    "https://user:tok@github.com/o/r.git",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----",
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk",
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig",
    "Bearer abcdef.ghi",
    "BEARER abcdefgh",
    "https://a.blob.core.windows.net/c/f?sv=2022-11-02&sig=AbCdEfGhIjKl%3D",
    "sig=AbCdEfGhIjKl",
    "AKIAABCDEFGHIJKLMNOP",
    "ghp_" + "a1B2c3D4e5" * 3,
    "sk-" + "aB3dE6gH9j" * 4,
    "q8Z3xV1pL0sK9mN2bR7tY4wE6uI5oA3dF8gH1jK0",
    "AccountKey=<redacted>",
]
HARMLESS = [
    "${{azureml://connections/aoai/credentials/key}}",
    " ${{ keyvault:kv/secret }} ",
    "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/x/)",
    "https://management.azure.com/x/operations/1?api-version=2023-04-01-preview",
    "https://features.contoso.com/v2",
    "https://kv-prod.vault.azure.net/",
    "release-pipeline@contoso.com",
    "4096", "true", "off", "0", "", "   ", "<redacted>", "Succeeded", "AADToken",
    "disk-task-desk", "high_gh_value", "a=b", "BeArEr abcdefgh", "bearer x",
    "ſig=AbCdEfGhIjKl", "Account\u212aey=abc", "SharedAccessSıgnature=abc", "PASSWORD\u0130=x",
    "eyJ.x.y", "-----BEGIN CERTIFICATE-----", "AKIA", "sk-short", "ghp_short",
]  # fmt: skip
FRAGMENTS = SECRETS + HARMLESS + ["=", "://", "@", ":", ";", " ", "?", "&", "-----", "eyJ"]


def _texts() -> st.SearchStrategy[str]:
    """Pool values, random text, and pool pieces glued to random text."""
    noise = st.text(alphabet=string.ascii_letters + string.digits + "=:/@;?&%_-. ſıK", max_size=12)
    glued = st.builds(
        lambda a, b, c: a + b + c, noise, st.sampled_from(FRAGMENTS), st.text(max_size=6)
    )
    return st.one_of(st.sampled_from(SECRETS), st.sampled_from(HARMLESS), glued, st.text())


def _scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        _texts(),
        st.none(),
        st.booleans(),
        st.integers(-5, 5000),
        st.floats(allow_nan=False),
    )


def _keys() -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(NAMES), st.text(max_size=8), st.integers(0, 2))


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.dictionaries(_keys(), children, max_size=6),
        st.lists(children, max_size=4),
        st.just({}),
        st.just([]),
        st.tuples(children),  # not JSON: the fast walk hands it to the reference
    )


BODIES = st.recursive(_scalars(), _containers, max_leaves=40)
ROOT_PATHS = st.sampled_from(
    [
        (),
        ("properties",),
        ("properties", "properties"),
        ("properties", "environmentVariables"),
        ("properties", "keys"),
        ("tags",),
        ("clientSecret",),
        ("",),
    ]
)


def _same(a: Any, b: Any) -> bool:
    """Equal, with the same types everywhere and the same key order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return [(type(k), k) for k in a] == [(type(k), k) for k in b] and all(
            _same(a[k], b[k]) for k in a
        )
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _containers_of(value: Any) -> list[int]:
    if isinstance(value, dict):
        return [id(value), *(i for v in value.values() for i in _containers_of(v))]
    if isinstance(value, list):
        return [id(value), *(i for v in value for i in _containers_of(v))]
    return []


@SETTINGS
@given(
    body=st.one_of(st.dictionaries(_keys(), BODIES, max_size=8), BODIES),
    path=ROOT_PATHS,
    where=st.sampled_from(["", "x", "properties.env"]),
    drop=st.booleans(),
)
def test_withhold_matches_the_reference_walk(
    body: Any, path: tuple[str, ...], where: str, drop: bool
) -> None:
    before = copy.deepcopy(body)
    fast_found: list[str] = []
    ref_found: list[str] = []
    fast = withhold(body, path, drop=drop, found=fast_found.append, where=where)
    ref = withhold_reference(body, path, drop=drop, found=ref_found.append, where=where)
    assert _same(fast, ref)
    assert fast_found == ref_found
    assert _same(body, before)
    assert not set(_containers_of(fast)) & set(_containers_of(body))  # a copy, not a view
    assert _same(withhold(body, path, drop=drop), ref)  # without `found`


@SETTINGS
@given(
    env=st.dictionaries(st.one_of(st.sampled_from(NAMES), st.text(max_size=10)), _scalars()),
    extra=st.dictionaries(_keys(), BODIES, max_size=4),
)
def test_scrub_of_a_deployment_body_matches_the_reference_walk(
    env: dict[str, Any], extra: dict[Any, Any]
) -> None:
    body = {
        "id": "/subscriptions/s/x/onlineEndpoints/e/deployments/blue",
        "properties": {
            "keys": {"primaryKey": "p", "secondaryKey": "s"},
            "environmentVariables": env,
            "properties": {"AzureAsyncOperationUri": "https://m/x?api-version=1", **extra},
            "traffic": dict(extra),
            **extra,
        },
        "tags": extra,
    }
    ref_found: list[str] = []
    ref = withhold_reference(body, drop=True, found=ref_found.append)
    clean, removed = scrub(body)
    assert _same(clean, ref) and removed == ref_found
    clean, removed = scrub(body["properties"], "properties")
    ref_found = []
    ref = withhold_reference(
        body["properties"], ("properties",), drop=True, found=ref_found.append, where="properties"
    )
    assert _same(clean, ref) and removed == ref_found


def _kind_by_every_pattern(value: str) -> str | None:
    """`secret_value_kind` as first written: every pattern tried in order."""
    if not secrets._hinted(value) or secrets.is_reference(value):
        return None
    for what, pattern, _ in secrets._VALUE_PATTERNS:
        if pattern.search(value):
            return what
    return None


@settings(max_examples=2000, deadline=None)
@given(value=st.one_of(_texts(), st.lists(st.sampled_from(FRAGMENTS)).map("".join)))
def test_secret_value_kind_matches_trying_every_pattern(value: str) -> None:
    assert secrets.secret_value_kind(value) == _kind_by_every_pattern(value)
