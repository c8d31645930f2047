"""Local code folders and models become the asset versions azure-ai-ml would register, and
the template, assets.json and `iac-gen assets` agree on them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iac_gen.desired import desired_state
from iac_gen.emit.compile import compile_spec
from iac_gen.spec.load import load_specs
from tests.assets.test_local_assets import TARGET, layout


def _versions(spec: Any) -> dict[str, dict[str, Any]]:
    return {
        r["type"].split("/")[2]: r
        for r in desired_state(spec).resources
        if r["type"].endswith("/versions")
    }


def test_code_version_carries_azure_ai_mls_hash(tmp_path: Path) -> None:
    code_module = pytest.importorskip("azure.ai.ml.entities._assets._artifacts.code")
    (spec,) = load_specs([layout(tmp_path, True)], TARGET)
    ours = _versions(spec)["codes"]
    sdk = code_module.Code(path=str(tmp_path / "src"))._to_rest_object().as_dict()["properties"]
    assert ours["properties"]["isAnonymous"] is sdk["isAnonymous"] is True
    assert ours["properties"]["properties"]["hash_sha256"] == sdk["properties"]["hash_sha256"]
    # azure-ai-ml sends the number; the type's properties map holds strings
    assert ours["properties"]["properties"]["hash_version"] == str(
        sdk["properties"]["hash_version"]
    )
    name, version = ours["name"].split("/")[1:]
    assert (name, version) == ("churn-api-code", sdk["properties"]["hash_sha256"])


def test_anonymous_model_is_named_as_azure_ai_ml_names_it(tmp_path: Path) -> None:
    model_module = pytest.importorskip("azure.ai.ml.entities._assets._artifacts.model")
    (spec,) = load_specs([layout(tmp_path, False)], TARGET)
    ours = _versions(spec)["models"]
    model = model_module.Model(path=str(tmp_path / "model"))
    sdk = model._to_rest_object().as_dict()["properties"]
    assert ours["name"] == f"mlw-ci/{model.name}/{model.version}"
    for key in ("isAnonymous", "isArchived", "modelType"):
        assert ours["properties"][key] == sdk[key], key
    blue = next(r for r in desired_state(spec).resources if r["name"].endswith("/blue"))
    assert blue["properties"]["model"] == ours["id"]


def test_unchanged_folder_keeps_its_version_and_a_change_makes_a_new_one(tmp_path: Path) -> None:
    path = layout(tmp_path, False)
    (spec,) = load_specs([path], TARGET)
    first = compile_spec(spec)
    before = _versions(spec)["codes"]
    (again,) = load_specs([path], TARGET)
    assert compile_spec(again) == first, "same files, same template: a redeploy changes nothing"
    (tmp_path / "src" / "score.py").write_text("def init():\n    return 2\n")
    (changed,) = load_specs([path], TARGET)
    after = _versions(changed)["codes"]
    assert before["name"] != after["name"]
    assert after["name"].endswith(after["properties"]["properties"]["hash_sha256"])


def test_assets_json_and_command_name_the_template_parameters(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from iac_gen.cli import app as app_module

    path = layout(tmp_path, False)
    (spec,) = load_specs([path], TARGET)
    files = compile_spec(spec)
    params = json.loads(files["main.json"])["parameters"]
    records = json.loads(files["assets.json"])
    ids = {r["id"] for r in desired_state(spec).resources}
    for record in records:
        assert record["asset_id"] in ids
        assert "defaultValue" not in params[record["uri_parameter"]], "the URI is required"
        assert params[record["id_parameter"]]["defaultValue"] == ""
    app_module._register()
    args = ["assets", str(path), *(f"--{k.replace('_', '-')}={v}" for k, v in TARGET.items())]
    out = CliRunner().invoke(app_module.app, args).output.splitlines()
    code, model = records
    assert (
        f'{code["uri_parameter"]}="https://${{STORAGE_ACCOUNT}}.blob.core.windows.net/'
        f'${{CONTAINER}}/{code["blob_path"]}"' in out
    )
    assert (
        f'{model["uri_parameter"]}="azureml://subscriptions/{TARGET["subscription"]}'
        f"/resourcegroups/{TARGET['resource_group']}/workspaces/{TARGET['workspace']}"
        f'/datastores/${{DATASTORE}}/paths/{model["blob_path"]}"'
    ) in out
    assert f"# registers {code['asset_id']}" in out


def test_object_hash_is_read_once_per_unchanged_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iac_gen.desired import local_assets as module

    layout(tmp_path, False)
    calls: list[Path] = []
    real = module._object_hash
    monkeypatch.setattr(module, "_object_hash", lambda p: calls.append(p) or real(p))
    first = module.object_hash(tmp_path / "src")
    assert module.object_hash(tmp_path / "src") == first and len(calls) == 1
    (tmp_path / "src" / "score.py").write_text("changed = True\n")
    assert module.object_hash(tmp_path / "src") != first and len(calls) == 2
