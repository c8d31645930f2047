"""Secrets never reach any report format: one redaction pass serves them all."""

from __future__ import annotations

import copy

import pytest

from iac_gen.coverage import REASON, table
from iac_gen.coverage import entries as coverage_entries
from iac_gen.report.junit import render_lint as junit_lint
from iac_gen.report.redact import REDACTED, is_secret_key, redact_result
from iac_gen.report.registry import REPORTERS
from iac_gen.report.sarif import render_lint as sarif_lint

from .samples import PLANTED_SECRETS, load, with_extra_finding

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmMxMjM0NTY3OCJ9.c2lnbmF0dXJlMTIzNDU2"
PRIMARY_KEY = "pk-5e4fd0c3a7b2-primary"
CONN = "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=c3VwZXJzZWNyZXQ9PQ=="


def _planted() -> dict:
    result = with_extra_finding(
        load("drifted"),
        id="bbbbbbbbbbbbbbbb",
        resource="credit-scoring",
        field="keys",
        arm_path="properties.keys",
        expected=None,
        actual={"primaryKey": PRIMARY_KEY, "secondaryKey": PRIMARY_KEY + "2"},
        message="Endpoint keys were returned",
        waived=False,
        waiver=None,
    )
    result = with_extra_finding(
        result,
        id="aaaaaaaaaaaaaaaa",
        field="deployments.blue.environment_variables.STORAGE",
        arm_path="properties.environmentVariables.STORAGE",
        expected="${{azureml://connections/st/credentials/key}}",
        actual=CONN,
        waived=False,
        waiver=None,
    )
    result["errors"] = [{"resource": "credit-scoring", "reason": f"Bearer {JWT}"}]
    return result


ALL_SECRETS = (*PLANTED_SECRETS, JWT, PRIMARY_KEY, "c3VwZXJzZWNyZXQ9PQ==")


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_no_secret_in_any_format(fmt):
    text = REPORTERS[fmt].render(_planted())
    for secret in ALL_SECRETS:
        assert secret not in text, f"{secret!r} leaked into {fmt}"
    assert REDACTED in text or "&lt;redacted&gt;" in text


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_secret_injection_references_stay_visible(fmt):
    text = REPORTERS[fmt].render(_planted())
    assert "kv-risk.vault.azure.net/secrets/db-password/3" in text
    assert "azureml://connections/st/credentials/key" in text


def test_lint_renderings_are_redacted_too():
    lint = load("lint")
    lint["findings"][0]["message"] = f"token {JWT}"
    lint["findings"][0]["suppression_reason"] = None
    for text in (sarif_lint(lint), junit_lint(lint), REPORTERS["json"].render_lint(lint)):
        assert JWT not in text


def test_redaction_does_not_touch_the_input():
    result = _planted()
    before = copy.deepcopy(result)
    redact_result(result)
    assert result == before


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("keys", True),
        ("primaryKey", True),
        ("DB_PASSWORD", True),
        ("apiToken", True),
        ("client-secret", True),
        ("AZURE_STORAGE_CONNECTION_STRING", True),
        ("sas", True),
        ("auth_mode", False),
        ("resource_id", False),
        ("summary", False),
        ("environment_variables", False),
        ("fingerprint", False),
        ("sha256", False),
        ("monkey", False),
    ],
)
def test_secret_key_detection(key, secret):
    assert is_secret_key(key) is secret


def test_coverage_reasons_are_redacted_and_plain_entries_kept():
    jwt = JWT
    plain = {
        "resource": "ep",
        "field": "auth_mode",
        "arm_path": "properties.authMode",
        "outcome": "matched",
    }
    leaky = {
        "resource": "ep",
        "field": "x",
        "arm_path": "x",
        "outcome": "not_comparable",
        "reason": f"Bearer {jwt}",
    }
    cleaned = redact_result({"findings": [], "coverage": [plain, leaky]})  # schema 1.x
    assert cleaned["coverage"][0] == plain
    assert cleaned["coverage"][1]["reason"] == REDACTED
    assert leaky["reason"].startswith("Bearer")  # the input is not modified


def test_coverage_row_reasons_are_redacted_and_plain_rows_shared():
    plain = ["ep", "auth_mode", "properties.authMode", "matched", None]
    leaky = ["ep", "x", "x", "not_comparable", f"Bearer {JWT}"]
    cleaned = redact_result({"findings": [], "coverage": table([plain, leaky])})
    rows = cleaned["coverage"]["rows"]
    assert rows[0] is plain  # nothing to judge: shared, not copied
    assert rows[1] == ["ep", "x", "x", "not_comparable", REDACTED]
    assert leaky[REASON].startswith("Bearer")  # the input is not modified
    assert coverage_entries(cleaned)[1]["reason"] == REDACTED


def test_inputs_and_traffic_are_shared_in_lists_of_their_own():
    inputs = [{"role": "spec", "path": "specs/ep.yml", "sha256": "0" * 64}]
    traffic = [{"endpoint": "ep", "deployments": {"blue": 100}}]
    result = {"findings": [], "inputs": inputs, "traffic": traffic}
    cleaned = redact_result(result)
    assert cleaned["inputs"] == inputs and cleaned["inputs"] is not inputs
    assert cleaned["inputs"][0] is inputs[0]  # nothing in them to redact: not copied
    assert cleaned["traffic"] == traffic and cleaned["traffic"] is not traffic
    assert cleaned["traffic"][0] is traffic[0]
