"""CLI-only workflows (issue 9, items 5 and 7): deployment files without an endpoint file,
traffic given on the command line as `az ml` takes it, per-environment values and ownership
in a sidecar file or tags, and one report per unstated security field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iac_gen.cli import app as app_module
from iac_gen.diagnostics import InputError
from iac_gen.rules.runner import run_lint
from iac_gen.spec.load import load_specs
from iac_gen.spec.overlay import resolve

app_module._register()
TARGET = {
    "subscription": "00000000-0000-0000-0000-0000000000aa",
    "resource_group": "rg-ml-prod",
    "workspace": "mlw-prod",
    "location": "westeurope",
}
TARGET_ARGS = [f"--{k.replace('_', '-')}={v}" for k, v in TARGET.items()]
DEP = "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n"


def deployment(name: str, endpoint: str = "churn-api") -> str:
    return (
        f"{DEP}name: {name}\nendpoint_name: {endpoint}\nmodel: azureml:m:1\n"
        "environment: azureml:e:1\ninstance_type: Standard_DS3_v2\ninstance_count: 2\n"
    )


def two_deployments(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "blue.yml").write_text(deployment("blue"))
    (root / "green.yml").write_text(deployment("green"))
    return root


def test_deployment_files_alone_imply_their_endpoint(tmp_path: Path) -> None:
    (spec,) = load_specs([two_deployments(tmp_path)], TARGET)
    assert spec.implied_endpoint
    assert spec.endpoint.name == "churn-api"
    assert spec.endpoint.auth_mode is None and spec.endpoint.identity is None
    assert [d.name for d in spec.deployments] == ["blue", "green"]


def test_traffic_options_set_traffic_as_az_ml_does(tmp_path: Path) -> None:
    folder = two_deployments(tmp_path / "specs")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app_module.app,
        [
            "compile",
            str(folder),
            "-o",
            str(out),
            "--target",
            "resources",
            "--traffic",
            "blue=90 green=10",
            *TARGET_ARGS,
        ],
    )
    assert result.exit_code == 0, result.output
    resources = json.loads((out / "churn-api" / "resources.json").read_text())
    (endpoint,) = [r for r in resources if r["type"].endswith("/onlineEndpoints")]
    assert endpoint["properties"]["traffic"] == {"blue": 90, "green": 10}


def test_mirror_traffic_option(tmp_path: Path) -> None:
    folder = two_deployments(tmp_path)
    overrides = {**TARGET, "traffic": "blue=100", "mirror_traffic": "green=10"}
    (spec,) = load_specs([folder], overrides)
    assert dict(spec.endpoint.traffic) == {"blue": 100}
    assert dict(spec.endpoint.mirror_traffic) == {"green": 10}


@pytest.mark.parametrize(
    ("traffic", "code"),
    [
        ("blue=90 green=20", "IAC205"),
        ("blue=90,red=10", "IAC206"),
        ("blue:100", "IAC314"),
        ("blue=50 blue=50", "IAC314"),
    ],
)
def test_bad_traffic_options_are_one_line(tmp_path: Path, traffic: str, code: str) -> None:
    with pytest.raises(InputError) as err:
        load_specs([two_deployments(tmp_path)], {**TARGET, "traffic": traffic})
    (diag,) = err.value.diagnostics
    assert diag.code == code
    assert diag.location.file == "--traffic"


def test_traffic_option_needs_one_endpoint(tmp_path: Path) -> None:
    two_deployments(tmp_path / "a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.yml").write_text(deployment("blue", "other-api"))
    with pytest.raises(InputError) as err:
        load_specs([tmp_path], {**TARGET, "traffic": "blue=100"})
    assert [d.code for d in err.value.diagnostics] == ["IAC315"]


def test_sidecar_file_gives_ownership_and_environments(tmp_path: Path) -> None:
    folder = two_deployments(tmp_path)
    (folder / "iac-gen.yml").write_text(
        "ownership:\n  owner: team@example.com\n  change_ticket: CHG-1\n"
        "environments:\n  dev:\n    deployments:\n      blue:\n        instance_count: 1\n"
    )
    (spec,) = load_specs([folder], TARGET)
    assert spec.ownership is not None and spec.ownership.owner == "team@example.com"
    dev = resolve(spec, "dev")
    assert dev.deployment("blue").instance_count == 1  # type: ignore[union-attr]
    assert spec.deployment("blue").instance_count == 2  # type: ignore[union-attr]
    rules = {f.rule for f in run_lint([spec]).findings}
    assert "MOE031" not in rules and "MOE038" not in rules


def test_ownership_is_read_from_endpoint_tags(tmp_path: Path) -> None:
    (tmp_path / "endpoint.yml").write_text(
        "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\n"
        "name: churn-api\nauth_mode: aad_token\n"
        "tags:\n  owner: team@example.com\n  change-ticket: CHG-7\n"
    )
    (tmp_path / "blue.yml").write_text(deployment("blue"))
    (spec,) = load_specs([tmp_path], TARGET)
    rules = {f.rule for f in run_lint([spec]).findings}
    assert "MOE031" not in rules and "MOE038" not in rules
    from iac_gen.desired import desired_state

    (dep,) = [r for r in desired_state(spec).resources if r["type"].endswith("/deployments")]
    assert dep["tags"] == {}  # tags of the endpoint are not copied onto deployments


def test_unstated_auth_mode_is_reported_once(tmp_path: Path) -> None:
    (tmp_path / "endpoint.yml").write_text(
        "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\n"
        "name: churn-api\n"
    )
    (tmp_path / "blue.yml").write_text(deployment("blue"))
    (spec,) = load_specs([tmp_path], TARGET)
    about_auth = [f for f in run_lint([spec]).findings if "auth_mode" in f.message]
    assert [f.rule for f in about_auth] == ["MOE001"]
