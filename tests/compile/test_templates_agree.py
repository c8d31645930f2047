"""main.json, main.bicep and resources.json say the same thing.

Each template is evaluated back to plain resource bodies with its parameters' defaults
(tests/compile/evaluate.py) - main.bicep parsed with pycep-parser - and compared with the
other template and with the desired state, once as a first deployment (`endpointExists`
false) and once as a redeployment over a live endpoint (`endpointExists` true). The
deployment graph (dependsOn, and Bicep's implied dependencies) is checked too: the order
Resource Manager must follow, and that a redeployment never PUTs the endpoint without its
traffic.
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from pycep import BicepParser

from iac_gen.emit.arm import TemplateCheckError, check_template, render_template
from iac_gen.emit.plan import build_plan
from tests.compile.conftest import CASES, load_case
from tests.compile.evaluate import ArmEvaluator, BicepEvaluator, Step, keyed, preceding

EP_TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
DEP_TYPE = f"{EP_TYPE}/deployments"
NESTED_TYPE = "Microsoft.Resources/deployments"
EXISTS = "endpointExists"


def _target(case: str) -> tuple[str, str]:
    spec = load_case(case)[0]
    return str(spec.target.subscription), str(spec.target.resource_group)


def evaluated(
    folder: Path, case: str, exists: bool = False
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    sub, rg = _target(case)
    template = json.loads((folder / "main.json").read_text(encoding="utf-8"))
    arm = ArmEvaluator(template, sub, rg, {EXISTS: exists}).resources(template)
    tree = BicepParser().parse(text=(folder / "main.bicep").read_text(encoding="utf-8"))
    bicep = BicepEvaluator(tree, sub, rg, {EXISTS: exists}).resources()
    desired = json.loads((folder / "resources.json").read_text(encoding="utf-8"))
    return arm, bicep, desired


def steps(folder: Path, case: str, lang: str, exists: bool) -> list[Step]:
    """The deployment graph of main.json or main.bicep for one `endpointExists` value."""
    sub, rg = _target(case)
    if lang == "arm":
        template = json.loads((folder / "main.json").read_text(encoding="utf-8"))
        return ArmEvaluator(template, sub, rg, {EXISTS: exists}).steps(template)
    tree = BicepParser().parse(text=(folder / "main.bicep").read_text(encoding="utf-8"))
    return BicepEvaluator(tree, sub, rg, {EXISTS: exists}).steps()


def _desired_endpoint(folder: Path) -> dict[str, Any]:
    desired = json.loads((folder / "resources.json").read_text(encoding="utf-8"))
    (endpoint,) = [r for r in desired if r["type"] == EP_TYPE]
    return {k: v for k, v in endpoint.items() if k != "id"}


def partial_endpoint_puts(graph: list[Step], endpoint: dict[str, Any]) -> list[dict[str, Any]]:
    """Endpoint PUTs that are not the whole desired endpoint (e.g. one without its traffic)."""
    return [b for s in graph for b in s.bodies if b["type"] == EP_TYPE and b != endpoint]


@pytest.mark.parametrize("exists", [False, True], ids=["first-deploy", "redeploy"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_bicep_declares_what_arm_declares(
    case: str, exists: bool, compiled: dict[str, Path]
) -> None:
    arm, bicep, _ = evaluated(compiled[case], case, exists)
    assert len(arm) == len(bicep)
    assert keyed(arm) == keyed(bicep)


@pytest.mark.parametrize("exists", [False, True], ids=["first-deploy", "redeploy"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_templates_deploy_exactly_the_desired_state(
    case: str, exists: bool, compiled: dict[str, Path]
) -> None:
    arm, bicep, desired = evaluated(compiled[case], case, exists)
    expected = {(r["type"], r["name"]): {k: v for k, v in r.items() if k != "id"} for r in desired}
    assert keyed(arm) == expected
    assert keyed(bicep) == expected


@pytest.mark.parametrize("lang", ["arm", "bicep"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_redeploy_never_puts_the_endpoint_without_its_traffic(
    case: str, lang: str, compiled: dict[str, Path]
) -> None:
    folder = compiled[case]
    endpoint = _desired_endpoint(folder)
    graph = steps(folder, case, lang, exists=True)
    assert partial_endpoint_puts(graph, endpoint) == []
    puts = [b for s in graph for b in s.bodies if b["type"] == EP_TYPE]
    assert puts == [endpoint], "one endpoint PUT: the whole endpoint, traffic included"
    # The deployments still update one at a time, and the endpoint PUT (with traffic,
    # when there is any) waits for all of them.
    before = preceding(graph)
    deployments = [s.id for s in graph if s.type == DEP_TYPE]
    for earlier, later in pairwise(deployments):
        assert earlier in before[later]
    if endpoint["properties"].get("traffic"):
        (final,) = [s for s in graph if any(b["type"] == EP_TYPE for b in s.bodies)]
        assert final.type == NESTED_TYPE
        assert set(deployments) <= before[final.id]


@pytest.mark.parametrize("lang", ["arm", "bicep"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_first_deploy_order_endpoint_then_deployments_serially_then_traffic(
    case: str, lang: str, compiled: dict[str, Path]
) -> None:
    folder = compiled[case]
    endpoint = _desired_endpoint(folder)
    graph = steps(folder, case, lang, exists=False)
    before = preceding(graph)
    (create,) = [s for s in graph if s.type == EP_TYPE]
    deployments = [s.id for s in graph if s.type == DEP_TYPE]
    nested = [s for s in graph if s.type == NESTED_TYPE]
    if endpoint["properties"].get("traffic"):
        (body,) = create.bodies
        assert "traffic" not in body["properties"] and "mirrorTraffic" not in body["properties"]
        (traffic,) = nested
        chain = [create.id, *deployments, traffic.id]
    else:
        assert create.bodies == (endpoint,), "no traffic: one PUT of the whole endpoint"
        assert nested == []
        chain = [create.id, *deployments]
    for earlier, later in pairwise(chain):
        assert earlier in before[later], f"{later} does not wait for {earlier}"
    # Nothing races the endpoint's creation: every other step waits for it, except the asset
    # versions (environments, local code and models), which do not need the endpoint; every
    # deployment waits for those.
    assets = [s.id for s in graph if s.type.endswith("/versions")]
    assert all(create.id in before[s.id] for s in graph if s is not create and s.id not in assets)
    assert all(a in before[d] for a in assets for d in deployments)


@pytest.mark.parametrize("exists", [False, True], ids=["first-deploy", "redeploy"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_final_endpoint_put_carries_every_endpoint_property(
    case: str, exists: bool, compiled: dict[str, Path]
) -> None:
    folder = compiled[case]
    endpoint = _desired_endpoint(folder)
    for lang in ("arm", "bicep"):
        graph = steps(folder, case, lang, exists)
        before = preceding(graph)
        holders = [s for s in graph if any(b["type"] == EP_TYPE for b in s.bodies)]
        last = next(s for s in holders if all(o.id in before[s.id] for o in holders if o != s))
        (final,) = [b for b in last.bodies if b["type"] == EP_TYPE]
        assert final == endpoint, lang
        for key in ("location", "tags", "identity", "properties"):
            assert (key in final) == (key in endpoint), (lang, key)
        assert set(final["properties"]) == set(endpoint["properties"]), lang


def test_the_order_checks_catch_an_unconditional_traffic_less_put(
    compiled: dict[str, Path],
) -> None:
    folder = compiled["example"]
    template = json.loads((folder / "main.json").read_text(encoding="utf-8"))
    del template["resources"][0]["condition"]
    sub, rg = _target("example")
    graph = ArmEvaluator(template, sub, rg, {EXISTS: True}).steps(template)
    (partial,) = partial_endpoint_puts(graph, _desired_endpoint(folder))
    assert "traffic" not in partial["properties"]
    tree = BicepParser().parse(
        text=(folder / "main.bicep")
        .read_text(encoding="utf-8")
        .replace(" = if (!endpointExists) {", " = {")
    )
    bicep = BicepEvaluator(tree, sub, rg, {EXISTS: True}).steps()
    assert len(partial_endpoint_puts(bicep, _desired_endpoint(folder))) == 1


def test_endpoint_exists_is_a_deploy_time_parameter(compiled: dict[str, Path]) -> None:
    for case, folder in compiled.items():
        template = json.loads((folder / "main.json").read_text(encoding="utf-8"))
        param = template["parameters"][EXISTS]
        assert param["type"] == "bool" and param["defaultValue"] is False, case
        assert "endpointExists=true" in param["metadata"]["description"], case
        bicep = (folder / "main.bicep").read_text(encoding="utf-8")
        assert "param endpointExists bool = false\n" in bicep, case
        # Read only by the create-only endpoint PUT; otherwise silence the unused warning.
        has_traffic = bool(load_case(case)[0].endpoint.traffic)
        silenced = "#disable-next-line no-unused-params\nparam endpointExists bool" in bicep
        assert silenced is not has_traffic, case
        assert ("= if (!endpointExists) {" in bicep) is has_traffic, case
        for path in folder.glob("main*.parameters.json"):
            values = json.loads(path.read_text(encoding="utf-8"))["parameters"]
            assert EXISTS not in values, path
        for path in folder.glob("*.bicepparam"):
            assert EXISTS not in path.read_text(encoding="utf-8"), path
        first = template["resources"][0]
        if load_case(case)[0].endpoint.traffic:
            assert first["condition"] == "[not(parameters('endpointExists'))]", case
        else:
            assert "condition" not in first, "the only endpoint PUT is never skipped"


@pytest.mark.parametrize("case", sorted(CASES))
def test_endpoint_first_without_traffic_then_deployments_serially_then_traffic(
    case: str, compiled: dict[str, Path]
) -> None:
    template = json.loads((compiled[case] / "main.json").read_text(encoding="utf-8"))
    resources = template["resources"]
    first = resources[0]
    assert first["type"] == EP_TYPE
    deployments = [r for r in resources if r["type"] == f"{EP_TYPE}/deployments"]
    if not load_case(case)[0].endpoint.traffic:
        assert "condition" not in first
        assert first["properties"]["traffic"] == {}, "no traffic: one PUT, no traffic step"
        assert "Microsoft.Resources/deployments" not in {r["type"] for r in resources}
        return
    assert "traffic" not in first["properties"] and "mirrorTraffic" not in first["properties"]
    assert first["condition"] == "[not(parameters('endpointExists'))]", "create only"
    # asset versions (inline environments, local code and models) come before the deployments
    assets = [r for r in resources if r["type"].endswith("/versions")]
    assert assets == resources[1 : 1 + len(assets)]
    resources = [first, *resources[1 + len(assets) :]]
    assert deployments == resources[1 : 1 + len(deployments)]
    for i, dep in enumerate(deployments):
        refs = dep["dependsOn"]
        assert any("onlineEndpoints'" in r for r in refs)
        if i:
            assert any(deployments[i - 1]["name"].split(", ")[-1].rstrip(")]") in r for r in refs)
    step = resources[1 + len(deployments)]
    assert step["type"] == "Microsoft.Resources/deployments"
    assert len(step["dependsOn"]) == 1 + len(deployments)
    (inner,) = step["properties"]["template"]["resources"]
    assert inner["type"] == EP_TYPE and inner["properties"]["traffic"]
    assert {
        k: v for k, v in inner["properties"].items() if k not in ("traffic", "mirrorTraffic")
    } == first["properties"], "the second PUT repeats the whole endpoint"


def test_environment_parameters(compiled: dict[str, Path]) -> None:
    folder = compiled["example"]
    template = json.loads((folder / "main.json").read_text(encoding="utf-8"))
    params = template["parameters"]
    assert params["workspaceName"]["defaultValue"] == "mlw-risk-prod"
    assert params["blueSkuCapacity"] == {
        "type": "int",
        "defaultValue": 3,
        "metadata": {
            "description": "sku.capacity of mlw-risk-prod/credit-scoring/blue "
            "(varies by environment; set by autoscale at run time: pass the live value when "
            "redeploying (iac-gen plan --write-params))"
        },
    }
    dev = json.loads((folder / "main.dev.parameters.json").read_text(encoding="utf-8"))
    assert dev["$schema"].endswith("deploymentParameters.json#")
    assert dev["parameters"]["blueSkuCapacity"] == {"value": 1}
    assert dev["parameters"]["endpointPublicNetworkAccess"] == {"value": "Enabled"}
    assert dev["parameters"]["blueAutoscaleDefaultCapacityMaximum"] == {"value": "2"}
    prod = json.loads((folder / "main.prod.parameters.json").read_text(encoding="utf-8"))
    base = json.loads((folder / "main.parameters.json").read_text(encoding="utf-8"))
    assert prod == base, "prod changes nothing"
    assert set(base["parameters"]) == set(params) - {EXISTS}, "endpointExists is set at deploy"
    bicepparam = (folder / "main.dev.bicepparam").read_text(encoding="utf-8")
    assert bicepparam.startswith("using 'main.bicep'\n")
    assert "param blueSkuCapacity = 1\n" in bicepparam
    assert "param endpointPublicNetworkAccess = 'Enabled'\n" in bicepparam


def test_local_code_becomes_a_registered_code_version(compiled: dict[str, Path]) -> None:
    folder = compiled["cliv2-basic"]
    template = json.loads((folder / "main.json").read_text(encoding="utf-8"))
    params = template["parameters"]
    # the blob URI is required; the id switch defaults to "use the registered version"
    assert "defaultValue" not in params["blueCodeUri"]
    assert params["blueCodeId"]["defaultValue"] == ""
    assert "greenCodeUri" not in params, "one code version for the folder both deployments use"
    (code,) = [r for r in template["resources"] if r["type"].endswith("/codes/versions")]
    assert code["properties"]["codeUri"] == "[parameters('blueCodeUri')]"
    hashes = code["properties"]["properties"]
    assert hashes["hash_version"] == "202208" and len(hashes["hash_sha256"]) == 64
    assert hashes["hash_sha256"] in code["name"], "the version is the content hash"
    assert code["condition"] == (
        "[or(empty(parameters('blueCodeId')), empty(parameters('greenCodeId')))]"
    )
    blue = next(r for r in template["resources"] if r.get("name", "").endswith("'blue')]"))
    code_id = blue["properties"]["codeConfiguration"]["codeId"]
    assert code_id.startswith("[if(empty(parameters('blueCodeId')), resourceId(")
    assert code_id.endswith(", parameters('blueCodeId'))]")
    assert any("codes/versions" in d for d in blue["dependsOn"]), "registered first"
    base = json.loads((folder / "main.parameters.json").read_text(encoding="utf-8"))
    assert "blueCodeUri" not in base["parameters"]
    assert base["parameters"]["blueCodeId"] == {"value": ""}
    bicepparam = (folder / "main.bicepparam").read_text(encoding="utf-8")
    assert "param blueCodeUri = readEnvironmentVariable('BLUE_CODE_URI')" in bicepparam
    bicep = (folder / "main.bicep").read_text(encoding="utf-8")
    assert "= if (empty(blueCodeId) || empty(greenCodeId)) {" in bicep


def test_resources_json_is_concrete_and_sorted(compiled: dict[str, Path]) -> None:
    desired = json.loads((compiled["example"] / "resources.json").read_text(encoding="utf-8"))
    order = [(r["type"].lower(), r["id"].lower()) for r in desired]
    assert order == sorted(order)
    strings: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, str):
            strings.append(v)

    walk(desired)
    assert strings and not [s for s in strings if s.startswith("[") and s.endswith("]")]


def test_check_rejects_a_broken_template(example_spec: Any) -> None:
    plan = build_plan(example_spec)
    with pytest.raises(TemplateCheckError, match="not JSON"):
        check_template('{"resources": [', plan)
    good = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "parameters": {},
        "resources": [
            {
                "type": "x",
                "apiVersion": "1",
                "name": "[parameters('nope')]",
                "dependsOn": ["[resourceId('a', 'b')]"],
            }
        ],
    }
    with pytest.raises(TemplateCheckError) as info:
        check_template(json.dumps(good), plan)
    text = str(info.value)
    assert "undeclared parameter 'nope'" in text
    assert "names no resource" in text
    assert "resources rendered" in text
    missing = {**good, "resources": [{"type": "x", "name": "n"}]}
    with pytest.raises(TemplateCheckError, match="missing apiVersion"):
        check_template(json.dumps(missing), plan)


def test_no_traffic_no_traffic_step() -> None:
    from tests.compile.handmade import credit_scoring

    plan = build_plan(credit_scoring(traffic={}, mirror_traffic={}))
    assert "Microsoft.Resources/deployments" not in {r.type for r in plan.resources}
    template = json.loads(render_template(plan))
    assert [r["type"] for r in template["resources"]][:3] == [
        EP_TYPE,
        f"{EP_TYPE}/deployments",
        f"{EP_TYPE}/deployments",
    ]


def test_tricky_values_stay_literal(compiled: dict[str, Path]) -> None:
    folder = compiled["compile-tricky-values"]
    template = json.loads((folder / "main.json").read_text(encoding="utf-8"))
    endpoint = template["resources"][0]
    assert endpoint["properties"]["description"] == "[[concat('not', 'an expression')]"
    assert endpoint["tags"]["[[bracket-key]"] == "[[[already-escaped]", "keys are escaped too"
    bicep = (folder / "main.bicep").read_text(encoding="utf-8")
    assert "BICEP_LOOKALIKE: '\\u{24}{resourceGroup().id}'" in bicep
    assert "${" not in bicep


def test_two_specs_for_one_output_folder_fail() -> None:
    from dataclasses import replace

    from iac_gen.diagnostics import InputError
    from iac_gen.emit.compile import compile_specs
    from iac_gen.spec.model import Target
    from tests.compile.handmade import SUB, credit_scoring

    first = credit_scoring()
    other = replace(first, target=Target(SUB, "rg-other", "mlw-other", "westeurope"))
    with pytest.raises(InputError, match="IAC321"):
        compile_specs([first, other])


def test_two_specs_whose_output_folders_differ_only_in_case_fail() -> None:
    """`Credit-Scoring/` and `credit-scoring/` are one folder on macOS and Windows."""
    from dataclasses import replace

    from iac_gen.diagnostics import InputError
    from iac_gen.emit.compile import compile_specs
    from iac_gen.spec.model import Target
    from tests.compile.handmade import SUB, credit_scoring

    first = credit_scoring()
    upper = replace(first.endpoint, name=first.endpoint.name.title())
    other = replace(first, endpoint=upper, target=Target(SUB, "rg-other", "mlw-o", "westeurope"))
    with pytest.raises(InputError, match="IAC321") as caught:
        compile_specs([first, other])
    assert "differ only in case" in str(caught.value)


def test_check_rejects_a_skippable_put_that_is_not_repeated(example_spec: Any) -> None:
    plan = build_plan(example_spec)
    template = json.loads(render_template(plan))
    step = next(r for r in template["resources"] if r["type"] == NESTED_TYPE)
    (inner,) = step["properties"]["template"]["resources"]
    del inner["properties"]["authMode"]
    with pytest.raises(TemplateCheckError, match="does not repeat the whole resource"):
        check_template(json.dumps(template), plan)
    inner["properties"]["authMode"] = "AADToken"
    check_template(json.dumps(template), plan)  # restored: passes again
    inner["tags"] = {}
    with pytest.raises(TemplateCheckError, match="does not repeat the whole resource"):
        check_template(json.dumps(template), plan)
    step["properties"]["template"]["resources"] = []
    with pytest.raises(TemplateCheckError, match="no nested deployment PUTs it"):
        check_template(json.dumps(template), plan)
