"""Plan evidence: `plan --report DIR` writes every plan format through the report registry,
with a manifest that hashes inputs and outputs; each format parses with a real parser, and
no format shows a secret.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
from junitparser import Failure, JUnitXml, Skipped
from sarif_kit.validate import validation_errors

from iac_gen.report.manifest import verify_manifest
from iac_gen.report.registry import PLAN_REPORTERS
from iac_gen.resources import schemas_dir
from tests.plan.test_plan_golden import planned

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((schemas_dir() / "plan.schema.json").read_text(encoding="utf-8"))


def test_plan_report_writes_every_format_and_a_manifest_covering_them(tmp_path: Path) -> None:
    case = ROOT / "fixtures" / "drift-drifted"
    out = tmp_path / "evidence"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "iac_gen",
            "plan",
            str(case / "spec.yaml"),
            "--live",
            str(case / "live.json"),
            "--report",
            str(out),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1790000000"},
    )
    assert done.returncode == 1, done.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([*(r.filename for r in PLAN_REPORTERS.values()), "manifest.json"])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    outputs = {o["path"] for o in manifest["outputs"]}
    assert outputs == {r.filename for r in PLAN_REPORTERS.values()}
    inputs = [Path(i["path"]).name for i in manifest["inputs"]]
    assert inputs == ["spec.yaml", "live.json"]
    assert verify_manifest(out / "manifest.json") == []
    (out / "plan.md").write_text("tampered\n", encoding="utf-8")
    assert any("plan.md" in p for p in verify_manifest(out / "manifest.json"))
    jsonschema.validate(json.loads((out / "plan.json").read_text("utf-8")), SCHEMA)


def test_sarif_is_schema_valid_and_points_at_spec_lines() -> None:
    for case in ("autoscale-moved-capacity", "removed-deployment", "create-from-nothing"):
        result = planned(case)
        log = json.loads(PLAN_REPORTERS["sarif"].render(result))
        assert validation_errors(log) == [], case
        results = log["runs"][0]["results"]
        hazards = sorted(r["ruleId"] for r in results if r["ruleId"].startswith("PLAN0"))
        assert hazards == sorted(h["hazard"] for h in result["hazards"])
        for r in results:
            region = r["locations"][0]["physicalLocation"]["region"]
            assert region["startLine"] >= 1
    moved = json.loads(PLAN_REPORTERS["sarif"].render(planned("autoscale-moved-capacity")))
    (capacity,) = [
        r for r in moved["runs"][0]["results"] if "instance_count" in r["message"]["text"]
    ]
    assert capacity["locations"][0]["physicalLocation"]["region"]["startLine"] > 1


def test_junit_counts_are_the_plans(tmp_path: Path) -> None:
    result = planned("removed-deployment")
    path = tmp_path / "plan.junit.xml"
    path.write_text(PLAN_REPORTERS["junit"].render(result), encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    cases = [c for suite in xml for c in suite]
    assert len(cases) == len(result["steps"]) + len(result["hazards"])
    skipped = [c for c in cases if any(isinstance(r, Skipped) for r in c.result)]
    failed = [c for c in cases if any(isinstance(r, Failure) for r in c.result)]
    assert [c.name for c in skipped] == ["unmanaged credit-scoring/old"]
    assert len(failed) == len(result["hazards"])


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_escapes_every_value() -> None:
    result = planned("version-bump")
    step = next(s for s in result["steps"] if s["action"] == "update")
    step["changes"][0]["from"] = "<script>alert(1)</script>"
    page = PLAN_REPORTERS["html"].render(result)
    parser = _Text()
    parser.feed(page)
    assert "script" not in parser.tags
    assert '"<script>alert(1)</script>"' in "".join(parser.text)
    assert "Content-Security-Policy" in page


def test_no_plan_format_shows_a_secret() -> None:
    result = copy.deepcopy(planned("version-bump"))
    secret = "sk-live-9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c"
    step = next(s for s in result["steps"] if s["action"] == "update")
    step["changes"].append(
        {
            "field": "deployments.blue.environment_variables.DB_PASSWORD",
            "arm_path": "properties.environmentVariables.DB_PASSWORD",
            "action": "unset",
            "from": secret,
            "to": None,
            "severity": "medium",
            "category": "configuration",
        }
    )
    for reporter in PLAN_REPORTERS.values():
        text = reporter.render(result)
        assert secret not in text, reporter.name
        assert "PASSWORD" in text, reporter.name  # the change is shown, its value is not
