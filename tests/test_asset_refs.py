"""One parser of `azureml:` references (iac_gen.asset_refs), and its two former owners'
cases: the compiler's (`desired.ids.parse_asset`) and drift's (`canonical_asset_id`)."""

from __future__ import annotations

import pytest

from iac_gen import asset_refs
from iac_gen.desired.ids import AssetRef, Scope, parse_asset
from iac_gen.drift.asset_ids import WorkspaceRef, canonical_asset_id
from iac_gen.spec.model import Target

SUB = "00000000-0000-0000-0000-000000000000"
SCOPE = Scope.of(Target(SUB, "rg-a", "mlw-a", "westeurope"))
WS = WorkspaceRef(SUB, "rg-a", "mlw-a")
ARM = f"/subscriptions/{SUB}/resourceGroups/rg-a/providers/Microsoft.MachineLearningServices"
REGISTRY = "azureml://registries/azureml/environments/sklearn-1.5/versions/3"


@pytest.mark.parametrize(
    ("ref", "kind", "expected"),
    [
        (
            "azureml:credit-model:7",
            "models",
            AssetRef("workspace", "azureml:credit-model:7", "credit-model", "7"),
        ),
        (
            "azureml:env.v2:1.0.3",
            "environments",
            AssetRef("workspace", "azureml:env.v2:1.0.3", "env.v2", "1.0.3"),
        ),
        (REGISTRY, "environments", AssetRef("passthrough", REGISTRY)),
        (
            f"{ARM}/workspaces/mlw-a/models/m/versions/1",
            "models",
            AssetRef("passthrough", f"{ARM}/workspaces/mlw-a/models/m/versions/1"),
        ),
        (
            f"azureml:{ARM}/workspaces/mlw-a/models/m/versions/1",
            "models",
            AssetRef("passthrough", f"{ARM}/workspaces/mlw-a/models/m/versions/1"),
        ),
        (
            "azureml:AzureML-sklearn-1.5:3",
            "environments",
            AssetRef("passthrough", "azureml:AzureML-sklearn-1.5:3"),
        ),
        (
            "azureml:AzureML-sklearn-1.5:3",
            "models",
            AssetRef("workspace", "azureml:AzureML-sklearn-1.5:3", "AzureML-sklearn-1.5", "3"),
        ),
        (
            "azureml:credit-model@latest",
            "models",
            AssetRef("passthrough", "azureml:credit-model@latest"),
        ),
        ("azureml:credit-model", "models", AssetRef("passthrough", "azureml:credit-model")),
        ("./model", "models", AssetRef("local", "./model")),
        # azure-ai-ml matches the prefix exactly; anything else is a local path to it
        ("AzureML:credit-model:7", "models", AssetRef("local", "AzureML:credit-model:7")),
    ],
)
def test_compiler_cases(ref: str, kind: str, expected: AssetRef) -> None:
    assert parse_asset(ref, kind) == expected


@pytest.mark.parametrize(
    ("value", "collection", "expected"),
    [
        ("azureml:m:2", "models", f"{ARM}/workspaces/mlw-a/models/m/versions/2".lower()),
        # Azure echoes values in its own casing: drift compares ignoring it
        ("AzureML:M:2", "models", f"{ARM}/workspaces/mlw-a/models/m/versions/2".lower()),
        (" azureml:m:2 ", "models", f"{ARM}/workspaces/mlw-a/models/m/versions/2".lower()),
        (
            "azureml:AzureML-sklearn-1.5:3",
            "environments",
            REGISTRY.replace("environments/sklearn", "environments/azureml-sklearn"),
        ),
        (
            f"AZUREML:{ARM}/workspaces/mlw-a/models/m/versions/2",
            "models",
            f"{ARM}/workspaces/mlw-a/models/m/versions/2".lower(),
        ),
        ("azureml:m@latest", "models", "azureml:m@latest"),
        (REGISTRY.upper(), "environments", REGISTRY),
    ],
)
def test_drift_cases(value: str, collection: str, expected: str) -> None:
    assert canonical_asset_id(value, collection, WS) == expected


@pytest.mark.parametrize(
    "ref", ["azureml:m:2", "azureml:credit_model.v2:10", "azureml:a-b:1.0.0", "azureml:x:latest2"]
)
def test_compiler_and_drift_expand_a_short_reference_alike(ref: str) -> None:
    asset = parse_asset(ref, "models")
    assert asset.kind == "workspace"
    compiled = SCOPE.asset_id("models", asset.name, asset.version)
    assert canonical_asset_id(ref, "models", WS) == canonical_asset_id(compiled, "models", WS)


@pytest.mark.parametrize(
    "text",
    [
        "azureml:a:b:1",
        "azureml:a/b:1",
        "azureml:a:1/2",
        "azureml::1",
        "azureml:a:",
        "azureml:a@b:1",
    ],
)
def test_forms_that_are_no_short_reference(text: str) -> None:
    """Name and version hold no `:`, `/` or `@`; the compiler sends such a value as written
    (it used to split `azureml:a:b:1` into name `a:b`, which drift never did)."""
    assert asset_refs.short_ref(text) is None
    assert parse_asset(text, "models").kind == "passthrough"


def test_arm_id_behind_the_prefix() -> None:
    assert asset_refs.arm_id("azureml:/subscriptions/x") == "/subscriptions/x"
    assert asset_refs.arm_id("AzureML:/subscriptions/x") is None
    assert asset_refs.arm_id("AzureML:/Subscriptions/x", ignore_case=True) == "/Subscriptions/x"
    assert asset_refs.arm_id("azureml:m:1") is None
