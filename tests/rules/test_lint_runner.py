"""The runner: positions, order, fingerprints, suppressions, selection, crash isolation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from iac_gen.diagnostics import InputError
from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.registry import all_rules
from iac_gen.rules.runner import fingerprint, render_text, run_lint, select_rules
from iac_gen.spec.model import Spec, Suppression
from rules.lint_spec_builders import SOURCE, good_spec, with_deployment, with_endpoint

ROOT = Path(__file__).resolve().parents[2]


def _bad_spec() -> Spec:
    spec = with_endpoint(good_spec(), auth_mode="key")
    return with_deployment(spec, "blue", instance_count=1)


def _ids(result: object) -> list[str]:
    return [f.rule for f in result.findings]  # type: ignore[attr-defined]


def test_findings_are_located_via_spec_paths() -> None:
    result = run_lint([_bad_spec()], base_dir=ROOT)
    by_rule = {f.rule: f for f in result.findings}
    assert (by_rule["MOE001"].line, by_rule["MOE001"].col) == (4, 1)  # auth_mode
    assert (by_rule["MOE010"].line, by_rule["MOE010"].col) == (12, 5)  # instance_count
    assert by_rule["MOE010"].path == "deployments.blue.instance_count"
    assert by_rule["MOE010"].file == "fixtures/handmade/spec.yaml"


def test_unwritten_path_falls_back_to_nearest_written_parent() -> None:
    spec = with_deployment(good_spec(), "blue", app_insights_enabled=False)
    finding = next(f for f in run_lint([spec], base_dir=ROOT).findings if f.rule == "MOE020")
    assert finding.path == "deployments.blue.app_insights_enabled"
    assert (finding.line, finding.col) == (11, 5)  # deployments.blue


def test_findings_sorted_by_file_line_col_rule() -> None:
    other = replace(_bad_spec(), source=Path("a/spec.yaml"), locations={}, files=())
    result = run_lint([_bad_spec(), other], base_dir=ROOT)
    keys = [(f.file, f.line, f.col, f.rule) for f in result.findings]
    assert keys == sorted(keys)
    assert result.findings[0].file == "a/spec.yaml"


def test_fingerprint_is_stable_and_depends_on_its_inputs() -> None:
    first = run_lint([_bad_spec()], base_dir=ROOT).findings
    second = run_lint([_bad_spec()], base_dir=ROOT).findings
    assert [f.fingerprint for f in first] == [f.fingerprint for f in second]
    assert len({f.fingerprint for f in first}) == len(first)
    f = first[0]
    assert f.fingerprint == fingerprint(f.rule, f.file, f.path, f.message)
    assert fingerprint("MOE001", "a.yaml", "auth_mode", "m") != fingerprint(
        "MOE001", "b.yaml", "auth_mode", "m"
    )


def test_fingerprint_does_not_depend_on_checkout_location(tmp_path: Path) -> None:
    spec = replace(_bad_spec(), source=tmp_path / "spec.yaml", locations={}, files=())
    a = run_lint([spec], base_dir=tmp_path).findings
    moved = replace(spec, source=tmp_path / "x" / ".." / "spec.yaml")
    b = run_lint([moved], base_dir=tmp_path).findings
    assert [f.file for f in a] == ["spec.yaml"] * len(a)
    assert [f.fingerprint for f in a] == [f.fingerprint for f in b]


def test_suppressed_finding_stays_with_reason_and_does_not_fail() -> None:
    spec = replace(
        with_endpoint(good_spec(), auth_mode="key"),
        suppressions=(Suppression("moe001", "partner SDK only supports keys"),),
    )
    result = run_lint([spec])
    moe001 = [f for f in result.findings if f.rule == "MOE001"]
    assert len(moe001) == 1
    assert moe001[0].suppressed
    assert moe001[0].suppression_reason == "partner SDK only supports keys"
    assert not result.fails("high")
    assert result.counts()["suppressed"] == 1
    assert "MOE001" not in render_text(result, "high")


def test_suppression_for_another_rule_does_not_hide_a_finding() -> None:
    spec = replace(
        with_endpoint(good_spec(), auth_mode="key"),
        suppressions=(Suppression("MOE003", "public by design"),),
    )
    assert run_lint([spec]).fails("high")


def test_each_suppression_reports_what_became_of_it() -> None:
    spec = replace(
        with_endpoint(good_spec(), auth_mode="key"),
        suppressions=(
            Suppression("MOE001", "keys by design"),
            Suppression("MOE003", "nothing to hide: endpoint is private"),
            Suppression("MOE010", "not run in dev"),
            Suppression("MOE777", "typo"),
        ),
    )
    result = run_lint([spec], ignore=["MOE010"])
    status = {s.rule: (s.status, s.matched) for s in result.suppressions}
    assert status == {
        "MOE001": ("used", 1),
        "MOE003": ("unused", 0),
        "MOE010": ("not_run", 0),
        "MOE777": ("unknown_rule", 0),
    }
    assert "; 1 suppressed, 2 stale suppressions (" in render_text(result, "high")
    assert [s["status"] for s in result.to_dict()["suppressions"]] == [
        "used", "unused", "not_run", "unknown_rule",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("fail_on", "fails"),
    [("critical", False), ("high", True), ("medium", True), ("info", True)],
)
def test_fail_on_threshold(fail_on: str, fails: bool) -> None:
    result = run_lint([with_endpoint(good_spec(), auth_mode="key")])  # one high
    assert result.fails(fail_on) is fails


def test_info_finding_fails_only_at_info() -> None:
    result = run_lint([good_spec()])  # MOE028 info only
    assert _ids(result) == ["MOE028"]
    assert not result.fails("low")
    assert result.fails("info")


def test_select_and_ignore_by_id_or_prefix() -> None:
    spec = _bad_spec()
    assert set(_ids(run_lint([spec], select=["MOE001"]))) == {"MOE001"}
    assert set(_ids(run_lint([spec], select=["moe01"]))) == {"MOE010"}
    assert set(_ids(run_lint([spec], ignore=["MOE00"]))) == {"MOE010", "MOE028"}
    assert set(_ids(run_lint([spec], select=["MOE0"], ignore=["MOE010", "MOE028"]))) == {"MOE001"}
    selected = [r.id for r in select_rules(select=["MOE001"])]
    assert selected == ["MOE000", "MOE001"]  # the tool rule is always part of the run


def test_unknown_select_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        run_lint([good_spec()], select=["MOE999"])
    assert "IAC350" in str(info.value)
    assert "MOE999" in str(info.value)


class _Exploding(Rule):
    id = "MOE998"
    title = "explodes"
    severity = "low"
    category = "operations"
    rationale = "test"
    docs = "test"

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        yield RuleHit("auth_mode", "first")
        raise RuntimeError("secret-value-in-exception")


def test_crashing_rule_becomes_moe000_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    import iac_gen.rules.runner as lint

    monkeypatch.setattr(lint, "all_rules", lambda: (*all_rules(), _Exploding()))
    result = lint.run_lint([good_spec()])
    tool = [f for f in result.findings if f.rule == "MOE000"]
    assert len(tool) == 1
    assert "MOE998" in tool[0].message and "RuntimeError" in tool[0].message
    assert "secret-value" not in tool[0].message
    assert tool[0].severity == "high"
    assert "MOE998" not in _ids(result)  # partial output of a crashed rule is dropped
    assert result.fails("high")


def test_production_only_rules_skip_non_production_environments() -> None:
    spec = _bad_spec()
    assert "MOE010" in _ids(run_lint([replace(spec, environment="prod")]))
    dev = _ids(run_lint([replace(spec, environment="dev")]))
    assert "MOE010" not in dev
    assert "MOE001" in dev  # security rules apply everywhere


def test_result_json_shape() -> None:
    result = run_lint([_bad_spec()], base_dir=ROOT).to_dict()
    assert result["schema_version"] == "1.0"
    assert result["tool"]["name"] == "iac-gen"
    assert {r["id"] for r in result["rules"]} >= {"MOE000", "MOE001", "MOE040"}
    for rule in result["rules"]:
        assert set(rule) >= {"id", "title", "severity", "category", "rationale", "docs"}
    finding = result["findings"][0]
    assert set(finding) == {
        "rule", "severity", "category", "title", "message", "file", "line", "col", "path",
        "fingerprint", "suppressed", "suppression_reason",
    }  # fmt: skip
    assert result["summary"]["findings"]["high"] == 2
    assert result["inputs"][0]["path"] == SOURCE.as_posix()
    json.dumps(result)  # serialisable as is


def test_text_lines_and_summary() -> None:
    text = render_text(run_lint([_bad_spec()], base_dir=ROOT), "high")
    lines = text.splitlines()
    assert lines[1] == (
        "fixtures/handmade/spec.yaml:4:1: high MOE001 endpoint uses key authentication "
        "(static keys that never expire); use aad_token"
    )
    assert lines[-1].startswith(
        f"lint: 1 spec, {len(all_rules())} rules: 0 critical, 2 high, 0 medium"
    )
    assert lines[-1].endswith("(--fail-on high: failed)")
    assert text.endswith("\n")
