"""CLI v2 files are read as azure-ai-ml reads them (issue 9, items 1, 4 and 6).

Paths resolve from the file that names them and may leave the spec's folder; enums are
case-insensitive where azure-ai-ml is; scalar environment variable values become text;
inline environments become environment version resources named as azure-ai-ml names them;
what a template cannot deploy is refused with one line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iac_gen.desired import desired_state
from iac_gen.diagnostics import InputError
from iac_gen.spec.load import load_specs

TARGET = {
    "subscription": "00000000-0000-0000-0000-0000000000aa",
    "resource_group": "rg-ml-prod",
    "workspace": "mlw-prod",
    "location": "westeurope",
}
EP = "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\n"
DEP = "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n"
K8S_DEP = (
    "$schema: https://azuremlschemas.azureedge.net/latest/kubernetesOnlineDeployment.schema.json\n"
)


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def codes(paths: list[Path]) -> list[str]:
    try:
        load_specs(paths, TARGET)
    except InputError as exc:
        return [d.code for d in exc.diagnostics]
    return []


def sample_layout(root: Path, deployment_extra: str = "") -> None:
    """The `model-1/` layout of azureml-examples: assets beside the endpoint's folder."""
    write(
        root,
        {
            "model-1/onlinescoring/score.py": "def init():\n    pass\n",
            "model-1/model/model.pkl": "x",
            "model-1/environment/conda.yaml": "name: env\ndependencies:\n  - python=3.12\n",
            "managed/sample/endpoint.yml": f"{EP}name: my-endpoint\nauth_mode: Key\n",
            "managed/sample/blue.yml": (
                f"{DEP}name: blue\nendpoint_name: my-endpoint\n"
                "model:\n  path: ../../model-1/model/\n"
                "code_configuration:\n  code: ../../model-1/onlinescoring/\n"
                "  scoring_script: score.py\n"
                "environment:\n  conda_file: ../../model-1/environment/conda.yaml\n"
                "  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest\n"
                "instance_type: Standard_DS3_v2\ninstance_count: 1\n" + deployment_extra
            ),
        },
    )


def test_the_flagship_sample_shape_loads(tmp_path: Path) -> None:
    sample_layout(tmp_path, "environment_variables:\n  WORKER_COUNT: 2\n  RATIO: 0.5\n")
    (spec,) = load_specs([tmp_path / "managed" / "sample"], TARGET)
    assert spec.endpoint.auth_mode == "key"  # `Key`, as azure-ai-ml reads it
    (dep,) = spec.deployments
    assert dep.environment_variables == {"WORKER_COUNT": "2", "RATIO": "0.5"}
    assert dep.inline_environment is not None and dep.inline_model is not None


def test_code_resolves_from_the_deployment_files_folder(tmp_path: Path) -> None:
    """The endpoint file is one folder up; `../model-1` is relative to the deployment file."""
    write(
        tmp_path,
        {
            "model-1/onlinescoring/score.py": "",
            "ep/endpoint.yml": f"{EP}name: my-endpoint\n",
            "ep/blue/blue.yml": (
                f"{DEP}name: blue\nendpoint_name: my-endpoint\nmodel: azureml:m:1\n"
                "environment: azureml:e:1\n"
                "code_configuration:\n  code: ../../model-1/onlinescoring\n"
                "  scoring_script: score.py\n"
                "instance_type: Standard_DS3_v2\ninstance_count: 1\n"
            ),
        },
    )
    assert codes([tmp_path / "ep"]) == []


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("../../model-1/missing/", "does not exist"),
        ("../../model-1/model/model.pkl", "is a file, not a folder"),
        ("bad\\x00name", "contains a NUL byte"),
        ("a" * 300, "longer than 255 bytes"),
    ],
)
def test_unusable_code_paths_are_one_line(tmp_path: Path, code: str, expected: str) -> None:
    sample_layout(tmp_path)
    blue = tmp_path / "managed" / "sample" / "blue.yml"
    text = blue.read_text().replace("../../model-1/onlinescoring/", f'"{code}"')
    blue.write_text(text)
    with pytest.raises(InputError) as err:
        load_specs([tmp_path / "managed" / "sample"], TARGET)
    (diag,) = err.value.diagnostics
    assert diag.code == "IAC227" and expected in diag.message


def test_local_code_without_scoring_script_is_refused(tmp_path: Path) -> None:
    sample_layout(tmp_path)
    blue = tmp_path / "managed" / "sample" / "blue.yml"
    blue.write_text(blue.read_text().replace("  scoring_script: score.py\n", ""))
    assert codes([tmp_path / "managed" / "sample"]) == ["IAC237"]


def test_inline_environment_is_named_as_azure_ai_ml_names_it(tmp_path: Path) -> None:
    ml = pytest.importorskip("azure.ai.ml")
    sample_layout(tmp_path)
    (spec,) = load_specs([tmp_path / "managed" / "sample"], TARGET)
    state = desired_state(spec)
    (env,) = [r for r in state.resources if r["type"].endswith("/environments/versions")]
    sdk = ml.load_online_deployment(str(tmp_path / "managed" / "sample" / "blue.yml"))
    sdk_env = sdk.environment
    assert env["name"] == f"mlw-prod/{sdk_env.name}/{sdk_env.version}"
    assert env["properties"] == sdk_env._to_rest_object().as_dict()["properties"]
    (dep,) = [r for r in state.resources if r["type"].endswith("/deployments")]
    assert dep["properties"]["environmentId"] == env["id"]
    # the local code folder and model are registered by the template; only where the
    # pipeline uploaded them is a parameter
    assert sorted(u.arm_path for u in state.unresolved) == [
        "properties.codeUri",
        "properties.modelUri",
    ]
    model_id = dep["properties"]["model"]
    assert model_id.endswith(f"/workspaces/mlw-prod/models/{sdk.model.name}/versions/1")


def test_inline_environment_with_inference_config_matches_azure_ai_ml(tmp_path: Path) -> None:
    ml = pytest.importorskip("azure.ai.ml")
    write(
        tmp_path,
        {
            "endpoint.yml": f"{EP}name: tfs-endpoint\n",
            "models/half_plus_two/saved_model.pb": "x",
            "deployment.yml": (
                f"{DEP}name: tfs\nendpoint_name: tfs-endpoint\n"
                "model:\n  name: tfserving-mounted\n  version: 1\n  path: ./models\n"
                "environment_variables:\n  MODEL_BASE_PATH: /var/azureml-app/azureml-models\n"
                "environment:\n  image: docker.io/tensorflow/serving:latest\n"
                "  inference_config:\n"
                "    liveness_route: {port: 8501, path: /v1/models/hpt}\n"
                "    readiness_route: {port: 8501, path: /v1/models/hpt}\n"
                "    scoring_route: {port: 8501, path: '/v1/models/hpt:predict'}\n"
                "instance_type: Standard_DS3_v2\ninstance_count: 1\n"
            ),
        },
    )
    (spec,) = load_specs([tmp_path], TARGET)
    (env,) = [
        r for r in desired_state(spec).resources if r["type"].endswith("/environments/versions")
    ]
    sdk_env = ml.load_online_deployment(str(tmp_path / "deployment.yml")).environment
    assert env["name"] == f"mlw-prod/{sdk_env.name}/{sdk_env.version}"
    assert env["properties"] == sdk_env._to_rest_object().as_dict()["properties"]


def test_kubernetes_deployment_always_carries_a_sku(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "endpoint.yml": (
                "$schema: https://azuremlschemas.azureedge.net/latest/"
                "kubernetesOnlineEndpoint.schema.json\nname: k8s-endpoint\ncompute: azureml:k8s\n"
            ),
            "green.yml": (
                f"{K8S_DEP}name: green\nendpoint_name: k8s-endpoint\nmodel: azureml:m:1\n"
                "environment: azureml:e:1\ninstance_type: defaultinstancetype\n"
                "scale_settings:\n  type: TargetUtilization\n  min_instances: 1\n"
                "  max_instances: 3\n"
            ),
        },
    )
    (spec,) = load_specs([tmp_path], TARGET)
    (dep,) = [r for r in desired_state(spec).resources if r["type"].endswith("/deployments")]
    assert dep["sku"] == {"name": "Default"}
    assert dep["properties"]["scaleSettings"]["scaleType"] == "TargetUtilization"


def test_batch_files_named_explicitly_are_refused(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "batch.yml": (
                "$schema: https://azuremlschemas.azureedge.net/latest/batchEndpoint.schema.json\n"
                "name: batch-endpoint\nauth_mode: aad_token\n"
            )
        },
    )
    assert codes([tmp_path / "batch.yml"]) == ["IAC112"]


def test_secret_references_are_not_placeholders(tmp_path: Path) -> None:
    sample_layout(tmp_path, "environment_variables:\n  KEY: ${{keyvault:https://kv/secrets/a}}\n")
    assert codes([tmp_path / "managed" / "sample"]) == []


def test_registry_labels_are_sent_as_azure_ai_ml_sends_them(tmp_path: Path) -> None:
    sample_layout(tmp_path)
    blue = tmp_path / "managed" / "sample" / "blue.yml"
    text = blue.read_text()
    text = text[: text.index("environment:")] + (
        "environment: azureml://registries/azureml/environments/sklearn-1.5/labels/latest\n"
        "instance_type: Standard_DS3_v2\ninstance_count: 1\n"
    )
    blue.write_text(text)
    assert codes([tmp_path / "managed" / "sample"]) == []
