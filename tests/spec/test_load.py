"""load_specs: native and CLI v2 formats, discovery, targets, locations."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iac_gen.diagnostics import InputError
from iac_gen.spec.load import load_specs
from iac_gen.spec.model import Spec

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "fixtures" / "example" / "spec.yaml"
CLIV2 = ROOT / "fixtures" / "cliv2-basic"


def test_native_example_maps_every_section() -> None:
    (spec,) = load_specs([EXAMPLE])
    assert spec.format == "native" and spec.files == (EXAMPLE,)
    assert spec.target.workspace == "mlw-risk-prod" and spec.target.api_version == "2026-05-01"
    assert spec.endpoint.auth_mode == "aad_token"
    assert spec.endpoint.traffic == {"blue": 100}
    assert spec.endpoint.mirror_traffic == {"green": 10}
    blue = spec.deployment("blue")
    assert blue is not None and blue.instance_count == 3
    assert blue.request_settings is not None and blue.request_settings.request_timeout_ms == 3000
    assert blue.liveness_probe is not None and blue.liveness_probe.initial_delay == 30
    assert spec.autoscale["blue"].rules[0].cooldown_minutes == 10
    assert spec.autoscale["blue"].schedules[0].days == ("Saturday", "Sunday")
    assert spec.monitoring is not None and spec.monitoring.alerts is not None
    assert spec.monitoring.alerts.action_group.endswith("ag-mlops-oncall")
    assert spec.ownership is not None and spec.ownership.change_ticket == "CHG-20418"
    assert spec.scorers[0].principal_type == "ServicePrincipal"
    assert spec.policies.traffic == "exact" and spec.policies.instance_count == "auto"
    assert set(spec.environments) == {"dev", "prod"}


def test_locations_name_deployments_by_name() -> None:
    (spec,) = load_specs([EXAMPLE])
    text = EXAMPLE.read_text().splitlines()
    loc = spec.locate("deployments.green.instance_count")
    assert text[loc.line - 1].strip() == "instance_count: 1"
    assert spec.locate("autoscale.blue.max_instances").line > loc.line
    # an unwritten path falls back to its nearest written parent
    assert spec.locate("deployments.green.liveness_probe.period") == spec.locate(
        "deployments.green"
    )


def test_cliv2_folder_becomes_one_endpoint() -> None:
    (spec,) = load_specs([CLIV2])
    assert spec.format == "cliv2"
    assert spec.source == CLIV2 / "endpoint.yml"
    assert [f.name for f in spec.files] == ["endpoint.yml", "blue.yml", "green.yml"]
    assert [d.name for d in spec.deployments] == ["blue", "green"]
    assert spec.endpoint.traffic == {"blue": 90, "green": 10}
    blue = spec.deployment("blue")
    assert blue is not None and blue.request_settings is not None
    assert blue.request_settings.request_timeout_ms == 90000
    loc = spec.locate("deployments.blue.instance_count")
    assert loc.file.endswith("blue.yml") and loc.line == 10
    assert spec.locate("traffic.green").file.endswith("endpoint.yml")
    assert "$schema" not in spec.document


def test_cliv2_files_named_one_by_one_equal_the_folder() -> None:
    files = [CLIV2 / "green.yml", CLIV2 / "endpoint.yml", CLIV2 / "blue.yml"]
    (one,) = load_specs(files)
    (two,) = load_specs([CLIV2])
    assert one.document == two.document


def test_cliv2_same_document_as_equivalent_native(tmp_path: Path) -> None:
    """Both formats fold into the same canonical document and Spec fields."""
    (cli,) = load_specs([CLIV2])
    native = tmp_path / "spec.yaml"
    shutil.copytree(CLIV2 / "src", tmp_path / "src")
    import yaml

    doc = dict(cli.document)
    native.write_text(yaml.safe_dump(doc, sort_keys=False))
    (nat,) = load_specs([native])
    assert nat.format == "native"
    assert nat.endpoint == cli.endpoint and nat.deployments == cli.deployments


def test_cliv2_shape_detection_without_schema(tmp_path: Path) -> None:
    (tmp_path / "ep.yml").write_text("name: shape-ep\nauth_mode: key\n")
    (tmp_path / "dep.yml").write_text(
        "name: blue\nendpoint_name: shape-ep\ninstance_type: Standard_DS3_v2\ninstance_count: 1\n"
    )
    (tmp_path / "conda.yaml").write_text("name: env\ndependencies: [python=3.11]\n")
    (tmp_path / "environment.yml").write_text(
        "$schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json\n"
        "name: env\nimage: mcr.microsoft.com/azureml/minimal\n"
    )
    (spec,) = load_specs([tmp_path])
    assert spec.format == "cliv2" and [d.name for d in spec.deployments] == ["blue"]
    assert len(spec.files) == 2  # other YAML found in the folder is not a spec: skipped
    with pytest.raises(InputError) as exc:  # named explicitly, it is read as an endpoint
        load_specs([tmp_path / "conda.yaml"])
    assert [d.code for d in exc.value.diagnostics] == ["IAC102"]


def test_cliv2_kubernetes_schema_sets_deployment_type(tmp_path: Path) -> None:
    base = "https://azuremlschemas.azureedge.net/latest/"
    (tmp_path / "ep.yml").write_text(
        f"$schema: {base}kubernetesOnlineEndpoint.schema.json\nname: k8s-ep\ncompute: aks\n"
    )
    (tmp_path / "dep.yml").write_text(
        f"$schema: {base}kubernetesOnlineDeployment.schema.json\nname: blue\n"
        "endpoint_name: k8s-ep\ninstance_type: small\ninstance_count: 1\n"
        "request_settings:\n  request_timeout_ms: 250000\n"
    )
    (spec,) = load_specs([tmp_path])
    assert spec.endpoint.is_kubernetes and spec.deployments[0].type == "kubernetes"


def test_deployment_folder_joins_endpoint_by_name(tmp_path: Path) -> None:
    (tmp_path / "ep.yml").write_text("name: join-ep\nauth_mode: key\n")
    (tmp_path / "deployments").mkdir()
    (tmp_path / "deployments" / "blue.yml").write_text(
        "name: blue\nendpoint_name: join-ep\ninstance_type: Standard_DS3_v2\ninstance_count: 1\n"
    )
    (spec,) = load_specs([tmp_path])
    assert [d.name for d in spec.deployments] == ["blue"]


SUB_1 = "11111111-2222-3333-4444-555555555555"


def test_target_overrides_fill_cliv2_and_must_agree_with_native() -> None:
    (spec,) = load_specs(
        [CLIV2],
        {"subscription": SUB_1, "resource_group": "rg", "workspace": "ws1", "location": "l"},
    )
    assert (spec.target.subscription, spec.target.location) == (SUB_1, "l")
    (same,) = load_specs([EXAMPLE], {"workspace": "mlw-risk-prod"})
    assert same.target.workspace == "mlw-risk-prod"
    with pytest.raises(InputError) as exc:
        load_specs([EXAMPLE], {"workspace": "other-ws", "location": "westeurope"})
    (diag,) = exc.value.diagnostics
    assert diag.code == "IAC310"
    assert "other-ws" in diag.message and "mlw-risk-prod" in diag.message


def test_native_without_target_takes_overrides(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("name: no-target\ndeployments: []\n")
    (spec,) = load_specs([path], {"subscription": SUB_1, "location": "westeurope"})
    assert spec.target.subscription == SUB_1 and spec.target.resource_group is None


def test_discovery_skips_hidden_and_expected_folders(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "spec.yaml")
    for hidden in (".git", "expected"):
        (tmp_path / hidden).mkdir()
        (tmp_path / hidden / "broken.yaml").write_text("a: [\n")
    specs: list[Spec] = load_specs([tmp_path])
    assert [s.endpoint.name for s in specs] == ["credit-scoring"]


def test_all_files_are_reported_together(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "spec.yaml").write_text("name: ok-name\nauth_mod: key\ndeployments: []\n")
    (tmp_path / "b" / "spec.yaml").write_text("name: x\ndeployments: []\n")
    with pytest.raises(InputError) as exc:
        load_specs([tmp_path])
    assert sorted(d.code for d in exc.value.diagnostics) == ["IAC102", "IAC201"]


def test_several_schema_errors_of_one_file_are_all_reported(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(
        "name: fx-endpoint\nauth_mode: sometimes\ntags: {a: 1}\ndeployments:\n"
        "  - name: blue\n    instance_cout: 1\n"
    )
    with pytest.raises(InputError) as exc:
        load_specs([path])
    assert [d.code for d in exc.value.diagnostics] == ["IAC105", "IAC103", "IAC102"]
    assert [d.location.line for d in exc.value.diagnostics] == [2, 3, 6]


def test_the_same_endpoint_in_another_case_is_defined_twice(tmp_path: Path) -> None:
    """Azure compares endpoint, workspace and resource group names ignoring case, so these are
    one endpoint: IAC232 at load (validate), not IAC430 later in drift."""
    text = (ROOT / "fixtures" / "example" / "spec.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    other = text.replace("name: credit-scoring", "name: Credit-Scoring").replace(
        "workspace: mlw-risk-prod", "workspace: MLW-Risk-Prod"
    )
    assert other.count("Credit-Scoring") == 1 and "MLW-Risk-Prod" in other
    (tmp_path / "b.yaml").write_text(other, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_specs([tmp_path])
    assert [d.code for d in caught.value.diagnostics] == ["IAC232"]
