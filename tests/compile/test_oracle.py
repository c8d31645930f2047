"""Differential tests: our desired state against Microsoft's own YAML -> REST conversion.

For each CLI v2 fixture, `azure.ai.ml.load_online_endpoint(...)._to_rest_online_endpoint()`
and `load_online_deployment(...)._to_rest_object()` give the wire bodies the Azure ML SDK
would PUT. Our resources.json bodies must equal them after `normalise()`, which only
removes the known, documented differences listed there (one comment per difference).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from iac_gen.desired import desired_state
from iac_gen.spec.load import load_specs
from tests.compile.conftest import CI_TARGET
from tests.conftest import FIXTURES

pytestmark = pytest.mark.oracle

CASES = [*sorted(p.name for p in FIXTURES.glob("oracle-*")), "cliv2-basic"]
WORKSPACE_ID = (
    f"/subscriptions/{CI_TARGET['subscription']}/resourceGroups/{CI_TARGET['resource_group']}"
    f"/providers/Microsoft.MachineLearningServices/workspaces/{CI_TARGET['workspace']}"
)
ENVELOPE = ("location", "tags", "identity", "sku", "properties")
# The SDK's StringTransformedEnum lower-cases these; the service treats them case-insensitively.
LOWERED_ENUMS = {
    "publicNetworkAccess",
    "egressPublicNetworkAccess",
    "dataCollectionMode",
    "rollingRate",
}
ASSET_KIND = {"model": "models", "environmentId": "environments", "codeId": "codes"}


def _asset_id(value: str, field: str, folder: Path) -> str | None:
    """What the SDK's operation orchestrator (which needs a workspace) would send."""
    if value.startswith(("azureml://", "/subscriptions/")):
        return value  # registry asset ids and ARM ids are sent unchanged
    short = value.removeprefix("azureml:")
    if field == "environmentId" and short.startswith("AzureML-"):
        return f"azureml:{short}"  # curated environments: the service expands the short id
    if field == "codeId" and (folder / value).exists():
        # azure-ai-ml uploads a local folder and registers it under a random name; its content
        # hash (the `hash_sha256` it stores and looks versions up by) is the identity. Ours
        # registers the same folder with that hash as version (see _code_identity).
        utils = pytest.importorskip("azure.ai.ml._utils._asset_utils")
        path = str(folder / value)
        return "content:" + utils.get_content_hash(path, utils.get_ignore_file(path))
    name, _, version = short.rpartition(":")
    return f"{WORKSPACE_ID}/{ASSET_KIND[field]}/{name}/versions/{version}"


def normalise(body: dict[str, Any], folder: Path, side: str) -> dict[str, Any]:
    out = {k: copy.deepcopy(body[k]) for k in ENVELOPE if k in body}

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            cleaned = {}
            for key, value in node.items():
                value = walk(value)
                if value == {} or value is None:
                    # The SDK sends empty maps (properties, environmentVariables,
                    # mirrorTraffic); we omit them.
                    continue
                if key in LOWERED_ENUMS and isinstance(value, str):
                    value = value.lower()  # enum casing, see LOWERED_ENUMS
                cleaned[key] = value
            return cleaned
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    out = walk(out)
    props = out.get("properties", {})
    code = props.get("codeConfiguration") or {}
    if side == "ours" and re.search(
        r"/codes/[^/]+-code/versions/[0-9a-f]{64}$", code.get("codeId", "")
    ):
        code["codeId"] = "content:" + code["codeId"].rsplit("/", 1)[1]
    if props.get("appInsightsEnabled") is False:
        # The SDK always sends the service default (false); we send it only when stated.
        del props["appInsightsEnabled"]
    if side == "sdk":
        for field in ("model", "environmentId"):
            if field in props:
                props[field] = _asset_id(props[field], field, folder)
        code = props.get("codeConfiguration")
        if code and "codeId" in code:
            resolved = _asset_id(code["codeId"], "codeId", folder)
            if resolved is None:
                del code["codeId"]
            else:
                code["codeId"] = resolved
        if "compute" in props:
            props["compute"] = (
                f"{WORKSPACE_ID}/computes/{props['compute']}"  # orchestrator: name -> ARM id
            )
    return out


def _sdk_bodies(folder: Path) -> dict[str, dict[str, Any]]:
    ml = pytest.importorskip("azure.ai.ml")
    bodies: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        if "OnlineEndpoint.schema.json" in text:
            endpoint = ml.load_online_endpoint(str(path))
            bodies[""] = endpoint._to_rest_online_endpoint(location=CI_TARGET["location"]).as_dict()
        else:
            deployment = ml.load_online_deployment(str(path))
            bodies[deployment.name] = deployment._to_rest_object(
                location=CI_TARGET["location"]
            ).as_dict()
    return bodies


def _our_bodies(folder: Path) -> dict[str, dict[str, Any]]:
    (spec,) = load_specs([folder], CI_TARGET)
    out: dict[str, dict[str, Any]] = {}
    for res in desired_state(spec).resources:
        if res["type"].endswith("/onlineEndpoints"):
            out[""] = res
        elif res["type"].endswith("/deployments"):
            out[res["name"].rsplit("/", 1)[-1]] = res
    return out


@pytest.mark.parametrize("case", CASES)
def test_bodies_equal_the_sdk(case: str) -> None:
    folder = FIXTURES / case
    sdk = _sdk_bodies(folder)
    ours = _our_bodies(folder)
    assert sorted(sdk) == sorted(ours)
    for name in sdk:
        expected = normalise(sdk[name], folder, "sdk")
        actual = normalise(ours[name], folder, "ours")
        assert actual == expected, f"{case} {name or 'endpoint'}"


def test_the_normalisation_still_sees_real_differences() -> None:
    folder = FIXTURES / "oracle-managed-key"
    sdk = _sdk_bodies(folder)
    ours = copy.deepcopy(_our_bodies(folder))
    ours["main"]["properties"]["requestSettings"]["requestTimeout"] = "PT5S"
    ours[""]["properties"]["authMode"] = "AMLToken"
    assert normalise(ours["main"], folder, "ours") != normalise(sdk["main"], folder, "sdk")
    assert normalise(ours[""], folder, "ours") != normalise(sdk[""], folder, "sdk")
