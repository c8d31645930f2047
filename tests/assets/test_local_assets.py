"""`iac-gen assets`: local folders get azure-ai-ml's own hashes and upload location."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iac_gen.desired.local_assets import local_assets, object_hash, upload_commands
from iac_gen.spec.load import load_specs

TARGET = {
    "subscription": "00000000-0000-0000-0000-000000000000",
    "resource_group": "rg-ci",
    "workspace": "mlw-ci",
    "location": "westeurope",
}
SPEC = (
    "name: churn-api\nauth_mode: key\ndeployments:\n  - name: blue\n"
    "    model:\n      path: ../model\n    environment: azureml:e:1\n"
    "    code_configuration:\n      code: ../src\n      scoring_script: score.py\n"
    "    instance_type: Standard_DS3_v2\n    instance_count: 1\n"
)


def layout(root: Path, ignore: bool) -> Path:
    (root / "src" / "pkg" / "Sub").mkdir(parents=True)
    (root / "src" / "score.py").write_text("def init():\n    pass\n")
    (root / "src" / "pkg" / "a.py").write_text("A = 1\n")
    (root / "src" / "pkg" / "Sub" / "B.txt").write_text("b\n")
    (root / "src" / "notes.log").write_text("log\n")
    if ignore:
        (root / "src" / ".amlignore").write_text("*.log\n!keep.log\n")
    (root / "model").mkdir()
    (root / "model" / "model.pkl").write_bytes(b"\x00\x01")
    (root / "spec").mkdir()
    (root / "spec" / "spec.yaml").write_text(SPEC)
    return root / "spec" / "spec.yaml"


@pytest.mark.parametrize("ignore", [False, True])
def test_hashes_equal_azure_ai_ml(tmp_path: Path, ignore: bool) -> None:
    utils = pytest.importorskip("azure.ai.ml._utils._asset_utils")
    (spec,) = load_specs([layout(tmp_path, ignore)], TARGET)
    code, model = local_assets(spec)
    for asset, folder in ((code, tmp_path / "src"), (model, tmp_path / "model")):
        ignore_file = utils.get_ignore_file(str(folder))
        assert asset.content_hash == utils.get_content_hash(str(folder), ignore_file)
        assert asset.object_hash == utils.get_object_hash(str(folder), ignore_file)
        assert asset.blob_path == f"LocalUpload/{asset.object_hash}/{folder.name}"


def test_object_hash_changes_with_content(tmp_path: Path) -> None:
    layout(tmp_path, False)
    before = object_hash(tmp_path / "src")
    (tmp_path / "src" / "score.py").write_text("def init():\n    return 1\n")
    assert object_hash(tmp_path / "src") != before


def test_upload_commands_name_only_the_files_azure_ai_ml_uploads(tmp_path: Path) -> None:
    (spec,) = load_specs([layout(tmp_path, True)], TARGET)
    code, model = local_assets(spec)
    commands = upload_commands(code)
    assert len(commands) == 4  # .amlignore, score.py, pkg/a.py, pkg/Sub/B.txt: not notes.log
    assert not any("notes.log" in c for c in commands)
    (batch,) = upload_commands(model)
    assert "upload-batch" in batch and model.blob_path in batch


def test_assets_command_prints_upload_commands(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from iac_gen.cli import app as app_module

    app_module._register()
    spec = layout(tmp_path, False)
    args = ["assets", str(spec), *(f"--{k.replace('_', '-')}={v}" for k, v in TARGET.items())]
    result = CliRunner().invoke(app_module.app, args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("# churn-api/blue code ../src: hash_sha256 ")
    assert sum("az storage blob upload-batch" in line for line in lines) == 2
    json_out = CliRunner().invoke(app_module.app, [*args, "--format", "json"])
    assert [r["role"] for r in json.loads(json_out.output)] == ["code", "model"]


def test_a_folder_removed_after_loading_is_one_line(tmp_path: Path) -> None:
    from iac_gen.diagnostics import InputError

    (spec,) = load_specs([layout(tmp_path, False)], TARGET)
    import shutil

    shutil.rmtree(tmp_path / "src")
    with pytest.raises(InputError) as err:
        local_assets(spec)
    assert [d.code for d in err.value.diagnostics] == ["IAC227"]
