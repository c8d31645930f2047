"""The evidence folder: every format plus a manifest that verifies; samples match the schema."""

from __future__ import annotations

import json

import pytest

from iac_gen.report.evidence import render_all, write_evidence
from iac_gen.report.load import result_kind
from iac_gen.report.manifest import verify_manifest
from iac_gen.report.registry import REPORTERS
from iac_gen.resources import schemas_dir

from .samples import DRIFT_SAMPLES, load


def test_write_evidence_writes_every_format_and_a_verifiable_manifest(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("name: credit-scoring\n", encoding="utf-8")
    report_dir = tmp_path / "reports"
    written = write_evidence(
        load("drifted"),
        report_dir,
        inputs=[spec],
        sources=[spec],
        argv=["iac-gen", "drift", str(spec)],
        env={"SOURCE_DATE_EPOCH": "0"},
    )
    names = sorted(p.name for p in written)
    assert names == sorted([r.filename for r in REPORTERS.values()] + ["manifest.json"])
    manifest = json.loads((report_dir / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(o["path"] for o in manifest["outputs"]) == sorted(
        r.filename for r in REPORTERS.values()
    )
    assert manifest["inputs"][0]["path"] == "../spec.yaml"
    assert verify_manifest(report_dir / "manifest.json") == []
    (report_dir / "drift.sarif").write_text("{}", encoding="utf-8")
    assert any(p.startswith("drift.sarif:") for p in verify_manifest(report_dir / "manifest.json"))


def test_render_all_rejects_unknown_formats():
    with pytest.raises(ValueError, match="pdf"):
        render_all(load("in_sync"), ["md", "pdf"])
    assert list(render_all(load("in_sync"), ["md", "sarif"])) == ["drift.md", "drift.sarif"]


@pytest.mark.parametrize("sample", DRIFT_SAMPLES)
def test_samples_satisfy_the_drift_schema(sample):
    schema_path = schemas_dir() / "drift.schema.json"
    if not schema_path.is_file():
        pytest.skip("schemas/drift.schema.json is not part of this checkout")
    import jsonschema

    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    assert [e.message for e in validator.iter_errors(load(sample))] == []
    assert result_kind(load(sample)) == "drift"
    assert result_kind(load("lint")) == "lint"


def test_a_fleet_s_git_lookups_are_the_first_file_of_each_folder_as_paths():
    from pathlib import Path

    from iac_gen.report.evidence import GIT_LOOKUPS, git_lookups, spec_inputs

    written = ["top.yml", "other.yml", "specs/ep-000/c.yml"]
    written += [f"specs/ep-{i:03}/{name}.yml" for i in range(60) for name in ("a", "b")]
    result = {"inputs": [{"path": p, "role": "spec"} for p in written]}
    result["inputs"].append({"path": "live.json", "role": "live"})
    assert spec_inputs(result) == written
    expected: dict[Path, Path] = {}
    for path in map(Path, written):  # the rule in `Path` terms: one file per parent folder
        expected.setdefault(path.parent, path)
    looked_up = git_lookups(spec_inputs(result))
    assert looked_up == list(expected.values())[:GIT_LOOKUPS] and len(looked_up) == GIT_LOOKUPS
    assert all(isinstance(p, Path) for p in looked_up)
    assert git_lookups(list(map(Path, written))) == looked_up  # Paths given: the same files
    assert git_lookups(written[:3]) == [Path(p) for p in written[:3]]  # a small run: every one
