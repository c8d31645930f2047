"""Microsoft's own online-endpoint samples (Azure/azureml-examples) compile, and their
resources equal azure-ai-ml 1.35.2's REST bodies (issue 9, item 8).

Cases: the vendored `fixtures/samples-*` folders (always) and, when the project's reference
material is present, every case of `../shared/reference/azureml-examples`. Each case folder
holds the sample files as the upstream script deploys them, `CASE.json` (endpoint file,
deployment files) and `EXPECTED.json` (azure-ai-ml's `_to_rest_online_endpoint()` /
`_to_rest_object()` bodies, or its refusals). See `fixtures/samples-README.md`.

The comparison normalisation (`normalise`, on top of `tests.compile.test_oracle.normalise`):
- fields azure-ai-ml fills by uploading first (`EXPECTED.json` `uploaded`: code and model
  ids of local folders) are left out on both sides: a template takes them as parameters;
- an inline environment's id is compared by its content-derived identity: ours must be the
  ARM id of `CliV2AnonymousEnvironment` (or the given name) at the version azure-ai-ml
  computes for the same file (`load_online_deployment(...).environment`);
- short asset ids (`name:version`) and compute names become the workspace ARM ids that
  azure-ai-ml's operation orchestrator sends;
- environment variable values are compared as text (the SDK keeps YAML's `2`, the service
  stores `"2"`); empty maps and the SDK's `appInsightsEnabled: false` default are dropped;
  lower-cased enums compare case-insensitively (see the oracle test).
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from iac_gen.desired import desired_state
from iac_gen.diagnostics import InputError
from iac_gen.spec.load import load_specs
from tests.conftest import FIXTURES, ROOT

SHARED = ROOT.parent / "shared" / "reference" / "azureml-examples"
TARGET = {
    "subscription": "00000000-0000-0000-0000-0000000000aa",
    "resource_group": "rg-ml-prod",
    "workspace": "mlw-prod",
    "location": "westeurope",
}
WORKSPACE_ID = (
    f"/subscriptions/{TARGET['subscription']}/resourceGroups/{TARGET['resource_group']}"
    f"/providers/Microsoft.MachineLearningServices/workspaces/{TARGET['workspace']}"
)

# Samples azure-ai-ml accepts that iac-gen refuses on purpose, with the code and the reason.
KEPT_REFUSALS: dict[str, tuple[str, str]] = {
    "monitoring-e2e": (
        "IAC238",
        "model azureml:credit-default-model@latest: azure-ai-ml resolves the label by asking "
        "the workspace before its PUT; a template would send it verbatim and the service "
        "refuses it - pin the version",
    ),
    "advised-monitoring-e2e": ("IAC238", "the same @latest model as monitoring-e2e"),
    "online-packages-custom-model": (
        "IAC238",
        "environment azureml:sklearn-regression-online-pkg@latest (a model package made by "
        "`az ml model package`): a workspace label, as above",
    ),
    "online-packages-mlflow-model": (
        "IAC238",
        "environment/model azureml:...@latest: a workspace label, as above",
    ),
    "raw-managed-binary-payloads": (
        "IAC113",
        "<ENDPOINT_NAME>/<SCORING_SCRIPT> placeholders as published; azure-ai-ml would send "
        "them as the endpoint name and script",
    ),
}


def _cases() -> list[Path]:
    found = sorted(p for p in FIXTURES.glob("samples-*") if (p / "CASE.json").is_file())
    if SHARED.is_dir():
        found += sorted(p for p in SHARED.iterdir() if (p / "CASE.json").is_file())
    return found


CASES = _cases()


def _case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _files(case: Path) -> list[Path]:
    meta = json.loads((case / "CASE.json").read_text(encoding="utf-8"))
    paths = [meta["endpoint"], *meta["deployments"]]
    return [case / p for p in dict.fromkeys(paths)]


def _load(case: Path) -> list[Any]:
    """The case's specs and their desired states, loaded from the case folder as a user in
    it would type the file names (paths in diagnostics are then relative)."""
    cwd = os.getcwd()
    os.chdir(case)
    try:
        specs = load_specs([p.relative_to(case) for p in _files(case)], TARGET)
        return [(spec, desired_state(spec)) for spec in specs]
    finally:
        os.chdir(cwd)


def _name(case: Path) -> str:
    return case.name.removeprefix("samples-")


def _expected(case: Path) -> dict[str, Any]:
    return dict(json.loads((case / "EXPECTED.json").read_text(encoding="utf-8")))


def _environment_identity(case: Path, file: str) -> str | None:
    """The environment id azure-ai-ml registers for the inline environment of `file`."""
    ml = pytest.importorskip("azure.ai.ml")
    env = ml.load_online_deployment(str(case / file)).environment
    if isinstance(env, str) or env is None or env.name is None:
        return None
    version = env.version
    if version is None:
        return None  # named, unversioned: azure-ai-ml takes the next free version
    return f"{WORKSPACE_ID}/environments/{env.name}/versions/{version}"


ENVELOPE = ("location", "tags", "identity", "sku", "properties")
LOWERED_ENUMS = {"publicNetworkAccess", "egressPublicNetworkAccess", "dataCollectionMode"}
ASSET_KIND = {"model": "models", "environmentId": "environments", "codeId": "codes"}


def _asset_id(value: str, field: str) -> str:
    """What azure-ai-ml's operation orchestrator sends for a short asset id."""
    if value.startswith(("azureml://", "/subscriptions/")):
        return value
    short = value.removeprefix("azureml:")
    if field == "environmentId" and short.startswith("AzureML-"):
        return f"azureml:{short}"
    name, _, version = short.rpartition(":")
    return f"{WORKSPACE_ID}/{ASSET_KIND[field]}/{name}/versions/{version}"


def _clean(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            value = _clean(value)
            if value == {} or value is None:
                continue  # the SDK sends empty maps; we omit them
            if key in LOWERED_ENUMS and isinstance(value, str):
                value = value.lower()
            out[key] = value
        return out
    if isinstance(node, list):
        return [_clean(v) for v in node]
    return node


def normalise(
    body: dict[str, Any], case: Path, side: str, uploaded: list[str], file: str | None
) -> dict[str, Any]:
    body = copy.deepcopy({k: body[k] for k in ENVELOPE if k in body})
    props = body.setdefault("properties", {})
    for field in uploaded:
        if field == "codeId":
            (props.get("codeConfiguration") or {}).pop("codeId", None)
        elif field == "environmentId" and side == "ours" and file is not None:
            ours = props.pop("environmentId", None)
            # None: a local build context, uploaded first; its id is a template parameter.
            sdk_id = _environment_identity(case, file) if ours is not None else None
            if sdk_id is not None:
                assert ours == sdk_id, f"{case.name} {file}: environment identity"
        else:
            props.pop(field, None)
    variables = props.get("environmentVariables")
    if isinstance(variables, dict):
        props["environmentVariables"] = {k: str(v) for k, v in variables.items()}
    if props.get("appInsightsEnabled") is False:
        del props["appInsightsEnabled"]  # the SDK always sends the default
    if side == "sdk":
        for field in ("model", "environmentId"):
            if field in props:
                props[field] = _asset_id(props[field], field)
        code = props.get("codeConfiguration") or {}
        if "codeId" in code:
            code["codeId"] = _asset_id(code["codeId"], "codeId")
        if "compute" in props:
            props["compute"] = f"{WORKSPACE_ID}/computes/{props['compute']}"
    return dict(_clean(body))


def _ours(specs: list[Any]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    ((_spec, state),) = specs
    endpoint: dict[str, Any] = {}
    deployments: dict[str, dict[str, Any]] = {}
    for res in state.resources:
        if res["type"].endswith("/onlineEndpoints"):
            endpoint = res
        elif res["type"].endswith("/deployments"):
            deployments[res["name"].rsplit("/", 1)[-1]] = res
    return endpoint, deployments


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_sample(case: Path) -> None:
    expected = _expected(case)
    refused = KEPT_REFUSALS.get(_name(case))
    if expected["errors"] or refused:
        with pytest.raises(InputError) as err:
            _load(case)
        lines = [str(d) for d in err.value.diagnostics]
        assert lines and all(" error IAC" in line and "\n" not in line for line in lines)
        if refused:
            assert refused[0] in {d.code for d in err.value.diagnostics}, lines
        return
    endpoint, deployments = _ours(_load(case))
    assert sorted(deployments) == sorted(expected["deployments"])
    assert normalise(endpoint, case, "ours", [], None) == normalise(
        expected["endpoint"], case, "sdk", [], None
    )
    for name, sdk in expected["deployments"].items():
        uploaded = expected.get("uploaded", {}).get(name, [])
        file = sdk["file"]
        ours = normalise(deployments[name], case, "ours", uploaded, file)
        theirs = normalise(sdk, case, "sdk", uploaded, file)
        assert ours == theirs, f"{case.name} {name}"


def test_the_corpus_count() -> None:
    """Written to the issue note: compiled / accepted by azure-ai-ml."""
    if not SHARED.is_dir():
        pytest.skip("reference corpus not present")
    shared = [c for c in CASES if c.parent == SHARED]
    valid = [c for c in shared if not _expected(c)["errors"]]
    compiled = []
    for case in valid:
        try:
            _ours(_load(case))
        except InputError:
            continue
        compiled.append(case.name)
    refused = sorted(set(c.name for c in valid) - set(compiled))
    assert refused == sorted(KEPT_REFUSALS), refused
    assert len(compiled) == len(valid) - len(KEPT_REFUSALS)
