"""main.json, main.bicep and resources.json say the same thing.

Each template is evaluated back to plain resource bodies with its parameters' defaults
(tests/compile/evaluate.py) - main.bicep parsed with pycep-parser - and compared with the
other template and with the desired state.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pycep import BicepParser

from iac_gen.emit.arm import TemplateCheckError, check_template, render_template
from iac_gen.emit.plan import build_plan
from tests.compile.conftest import CASES, load_case
from tests.compile.evaluate import ArmEvaluator, BicepEvaluator, keyed

EP_TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"


def _target(case: str) -> tuple[str, str]:
    spec = load_case(case)[0]
    return str(spec.target.subscription), str(spec.target.resource_group)


def evaluated(
    folder: Path, case: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    sub, rg = _target(case)
    template = json.loads((folder / "main.json").read_text(encoding="utf-8"))
    arm = ArmEvaluator(template, sub, rg).resources(template)
    tree = BicepParser().parse(text=(folder / "main.bicep").read_text(encoding="utf-8"))
    bicep = BicepEvaluator(tree, sub, rg).resources()
    desired = json.loads((folder / "resources.json").read_text(encoding="utf-8"))
    return arm, bicep, desired


@pytest.mark.parametrize("case", sorted(CASES))
def test_bicep_declares_what_arm_declares(case: str, compiled: dict[str, Path]) -> None:
    arm, bicep, _ = evaluated(compiled[case], case)
    assert len(arm) == len(bicep)
    assert keyed(arm) == keyed(bicep)


@pytest.mark.parametrize("case", sorted(CASES))
def test_templates_deploy_exactly_the_desired_state(case: str, compiled: dict[str, Path]) -> None:
    arm, _, desired = evaluated(compiled[case], case)
    expected = {(r["type"], r["name"]): {k: v for k, v in r.items() if k != "id"} for r in desired}
    assert keyed(arm) == expected


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
        assert first["properties"]["traffic"] == {}, "no traffic: one PUT, no traffic step"
        assert "Microsoft.Resources/deployments" not in {r["type"] for r in resources}
        return
    assert "traffic" not in first["properties"] and "mirrorTraffic" not in first["properties"]
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
            "(varies by environment)"
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
    assert set(base["parameters"]) == set(params)
    bicepparam = (folder / "main.dev.bicepparam").read_text(encoding="utf-8")
    assert bicepparam.startswith("using 'main.bicep'\n")
    assert "param blueSkuCapacity = 1\n" in bicepparam
    assert "param endpointPublicNetworkAccess = 'Enabled'\n" in bicepparam


def test_local_code_becomes_a_required_parameter(compiled: dict[str, Path]) -> None:
    folder = compiled["cliv2-basic"]
    template = json.loads((folder / "main.json").read_text(encoding="utf-8"))
    assert "defaultValue" not in template["parameters"]["blueCodeId"]
    blue = next(r for r in template["resources"] if r.get("name", "").endswith("'blue')]"))
    assert blue["properties"]["codeConfiguration"]["codeId"] == "[parameters('blueCodeId')]"
    base = json.loads((folder / "main.parameters.json").read_text(encoding="utf-8"))
    assert "blueCodeId" not in base["parameters"]
    assert "param blueCodeId = readEnvironmentVariable('BLUE_CODE_ID')" in (
        folder / "main.bicepparam"
    ).read_text(encoding="utf-8")


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
    assert endpoint["tags"]["[bracket-key]"] == "[[[already-escaped]"
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
