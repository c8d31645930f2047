"""SARIF output validates against the OASIS 2.1.0 schema and carries what code scanning needs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sarif_kit.validate import validation_errors

from iac_gen.report import sarif

from .samples import DRIFT_SAMPLES, load, with_extra_finding

ROOT = Path(__file__).resolve().parents[2]
ENGINE_RESULTS = sorted(ROOT.glob("fixtures/*/expected/drift.json"))


def _run(result: dict) -> dict:
    return json.loads(sarif.render(result))["runs"][0]


@pytest.mark.parametrize("sample", DRIFT_SAMPLES)
def test_drift_sarif_is_schema_valid(sample):
    log = json.loads(sarif.render(load(sample)))
    assert validation_errors(log) == []
    assert log["version"] == "2.1.0"


def test_lint_sarif_is_schema_valid():
    log = json.loads(sarif.render_lint(load("lint")))
    assert validation_errors(log) == []


def test_the_validator_does_reject_broken_logs():
    log = json.loads(sarif.render(load("drifted")))
    del log["runs"][0]["tool"]["driver"]["name"]
    log["runs"][0]["results"][0]["level"] = "fatal"
    errors = validation_errors(log)
    assert any("'name' is a required property" in e for e in errors)
    assert any("fatal" in e for e in errors)


def test_rule_ids_are_stable_and_bounded():
    run = _run(load("drifted"))
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids == sorted(ids)
    assert all(re.fullmatch(r"DRIFT(-[A-Z0-9]+)+", i) for i in ids)
    assert "DRIFT-SECURITY-AUTH-MODE" in ids
    assert "DRIFT-CAPACITY-INSTANCE-COUNT" in ids
    assert "DRIFT-ROUTING-TRAFFIC" in ids  # traffic.blue and traffic.green share one rule
    assert "DRIFT-RESOURCE-MISSING" in ids and "DRIFT-RESOURCE-UNMANAGED" in ids
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


@pytest.mark.parametrize(
    ("field", "rule"),
    [
        ("deployments.blue.instance_count", "DRIFT-CAPACITY-INSTANCE-COUNT"),
        ("deployments.green.instance_count", "DRIFT-CAPACITY-INSTANCE-COUNT"),
        ("deployments.blue.environment_variables.X", "DRIFT-CAPACITY-ENVIRONMENT-VARIABLES"),
        (
            "deployments.blue.request_settings.request_timeout_ms",
            "DRIFT-CAPACITY-REQUEST-SETTINGS-REQUEST-TIMEOUT-MS",
        ),
        ("autoscale.blue.max_instances", "DRIFT-CAPACITY-MAX-INSTANCES"),
        ("tags.owner", "DRIFT-CAPACITY-TAGS"),
    ],
)
def test_rule_id_drops_deployment_names_and_map_keys(field, rule):
    assert (
        sarif.drift_rule_id({"field": field, "category": "capacity", "change": "not_equal"}) == rule
    )


def test_levels_fingerprints_locations_and_suppressions():
    result = load("drifted")
    run = _run(result)
    by_fp = {r["partialFingerprints"][sarif.DRIFT_FINGERPRINT]: r for r in run["results"]}
    assert set(by_fp) == {f["id"] for f in result["findings"]}
    levels = {
        "critical": "error",
        "high": "error",
        "medium": "warning",
        "low": "note",
        "info": "note",
    }
    for f in result["findings"]:
        r = by_fp[f["id"]]
        loc = r["locations"][0]
        assert loc["physicalLocation"]["artifactLocation"]["uri"] == f["location"]["file"]
        assert loc["physicalLocation"]["region"] == {
            "startLine": f["location"]["line"],
            "startColumn": f["location"]["col"],
        }
        assert loc["logicalLocations"][0]["fullyQualifiedName"] == f["resource_id"]
        if f["change"] == "not_comparable":
            assert (r["kind"], r["level"]) == ("informational", "none")
        else:
            assert (r["kind"], r["level"]) == ("fail", levels[f["severity"]])
        if f["waived"]:
            (s,) = r["suppressions"]
            assert (s["kind"], s["status"]) == ("external", "accepted")
            assert f["waiver"]["reason"] in s["justification"]
            assert f["waiver"]["approver"] in s["justification"]
        else:
            assert "suppressions" not in r


def test_security_rules_carry_security_severity():
    rules = {r["id"]: r for r in _run(load("drifted"))["tool"]["driver"]["rules"]}
    assert rules["DRIFT-SECURITY-AUTH-MODE"]["properties"]["security-severity"] == "8.0"
    assert rules["DRIFT-SECURITY-ENVIRONMENT-VARIABLES"]["properties"]["security-severity"] == "9.5"
    assert "security-severity" not in rules["DRIFT-ROUTING-TRAFFIC"]["properties"]
    for rule in rules.values():
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"]


def test_invocation_artifacts_and_provenance():
    run = _run(load("not_checked"))
    (inv,) = run["invocations"]
    assert inv["executionSuccessful"] is False
    assert len(inv["toolExecutionNotifications"]) == 2
    assert _run(load("in_sync"))["invocations"][0]["executionSuccessful"] is True
    artifacts = {a["location"]["uri"]: a for a in run["artifacts"]}
    assert (
        artifacts["fixtures/example/spec.yaml"]["hashes"]["sha-256"]
        == load("not_checked")["inputs"][0]["sha256"]
    )
    assert "versionControlProvenance" not in run
    prov = {
        "repository_uri": "https://github.com/contoso/ml",
        "revision_id": "a" * 40,
        "branch": "main",
    }
    log = json.loads(sarif.render(load("in_sync"), provenance=prov))
    assert validation_errors(log) == []
    assert log["runs"][0]["versionControlProvenance"] == [
        {"repositoryUri": "https://github.com/contoso/ml", "revisionId": "a" * 40, "branch": "main"}
    ]


def test_absolute_paths_become_file_uris_and_unknown_lines_have_no_region():
    result = with_extra_finding(
        load("drifted"),
        id="eeeeeeeeeeeeeeee",
        location={"file": "/srv/specs/a b.yaml", "line": 0, "col": 0},
    )
    log = json.loads(sarif.render(result))
    assert validation_errors(log) == []
    (r,) = [
        x
        for x in log["runs"][0]["results"]
        if x["partialFingerprints"][sarif.DRIFT_FINGERPRINT] == "eeeeeeeeeeeeeeee"
    ]
    physical = r["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "file:///srv/specs/a%20b.yaml"
    assert "region" not in physical


def test_lint_results_map_rules_and_suppressions():
    lint = load("lint")
    run = json.loads(sarif.render_lint(lint))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["MOE001", "MOE010", "MOE020", "MOE027"]
    assert rules[0]["properties"]["security-severity"] == "8.0"
    assert rules[0]["helpUri"].startswith("https://")
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert by_rule["MOE010"]["suppressions"][0]["justification"].startswith("Shadow deployment")
    assert by_rule["MOE001"]["level"] == "error" and by_rule["MOE020"]["level"] == "warning"
    assert (
        by_rule["MOE001"]["partialFingerprints"][sarif.LINT_FINGERPRINT]
        == lint["findings"][0]["fingerprint"]
    )
    assert by_rule["MOE020"]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 20,
        "startColumn": 5,
    }


@pytest.mark.parametrize("path", ENGINE_RESULTS, ids=lambda p: p.parent.parent.name)
def test_results_of_the_drift_engine_are_schema_valid(path):
    result = json.loads(path.read_text(encoding="utf-8"))
    log = json.loads(sarif.render(result))
    assert validation_errors(log) == []
    fingerprints = [
        r["partialFingerprints"][sarif.DRIFT_FINGERPRINT] for r in log["runs"][0]["results"]
    ]
    assert sorted(fingerprints) == sorted(f["id"] for f in result["findings"])


def test_lint_engine_output_renders_valid_sarif():
    """The real linter's result document (not a hand-written one) through render_lint."""
    lint = pytest.importorskip("iac_gen.rules.runner")
    from iac_gen.spec.load import load_specs

    specs = load_specs(
        [ROOT / "fixtures" / "example" / "spec.yaml", ROOT / "fixtures" / "cliv2-basic"]
    )
    data = lint.run_lint(specs).to_dict(fail_on="high", environment=None)
    log = json.loads(sarif.render_lint(data))
    assert validation_errors(log) == []
    run = log["runs"][0]
    assert len(run["results"]) == len(data["findings"])
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {
        f["rule"] for f in data["findings"]
    }
    docs = {r["id"]: r.get("docs") for r in data["rules"]}
    for rule in run["tool"]["driver"]["rules"]:
        if docs.get(rule["id"]) and not str(docs[rule["id"]]).startswith("https://"):
            assert str(docs[rule["id"]]) in rule["help"]["text"]  # prose docs travel in help
