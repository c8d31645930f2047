"""Object keys are literals too: ARM evaluates `[...]` in property names and treats `copy`
as a loop, so main.json escapes keys the way Bicep compiles main.bicep (Azure/bicep #575,
#7241), and both templates deploy the keys exactly as the spec wrote them."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from pycep import BicepParser

from iac_gen.emit.compile import compile_spec
from iac_gen.emit.values import arm_data, arm_key
from tests.compile.evaluate import ArmEvaluator, BicepEvaluator
from tests.compile.handmade import SUB, credit_scoring

KEYS = ["[subscription().id]", "[bracket-key]", "[]", "copy", "Copy", "COPY", "[[x]"]


@pytest.mark.parametrize(
    ("key", "written"),
    [
        ("[subscription().id]", "[[subscription().id]"),
        ("[bracket-key]", "[[bracket-key]"),
        ("[not closed", "[not closed"),
        ("copy", "[string('copy')]"),
        ("Copy", "[string('Copy')]"),
        ("copy2", "copy2"),
        ("it's", "it's"),
    ],
)
def test_arm_key_rule(key: str, written: str) -> None:
    assert arm_key(key) == written
    assert arm_data({key: 1}) == {written: 1}
    assert arm_data({"outer": {key: [{key: "v"}]}}) == {"outer": {written: [{written: "v"}]}}


def _spec_with_keys() -> Any:
    keyed = {k: f"value of {k}" for k in KEYS}
    base = credit_scoring(tags={**keyed, "cost-center": "4711"})
    blue = replace(
        base.deployments[0],
        environment_variables=keyed,
        properties=keyed,
        data_collector={
            "collections": {"[model_inputs]": {"enabled": "True"}, "copy": {"enabled": "True"}}
        },
    )
    return replace(base, deployments=(blue, base.deployments[1]))


def _blue(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return next(
        r for r in resources if r["type"].endswith("deployments") and r["name"].endswith("/blue")
    )


def _endpoint(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return next(r for r in resources if r["type"].endswith("onlineEndpoints"))


def test_keys_are_escaped_in_main_json_and_deploy_as_written() -> None:
    files = compile_spec(_spec_with_keys())
    text = files["main.json"]
    assert '"[subscription().id]"' not in text
    assert '"[bracket-key]"' not in text
    assert '"copy"' not in text and '"Copy"' not in text
    assert '"[[subscription().id]"' in text and "\"[string('copy')]\"" in text

    keyed = {k: f"value of {k}" for k in KEYS}
    template = json.loads(text)
    tree = BicepParser().parse(text=files["main.bicep"])
    for where, resources in (
        ("resources.json", json.loads(files["resources.json"])),
        ("main.json", ArmEvaluator(template, SUB, "rg-mlops-prod").resources(template)),
        ("main.bicep", BicepEvaluator(tree, SUB, "rg-mlops-prod").resources()),
    ):
        ep, dep = _endpoint(resources), _blue(resources)
        assert {k: ep["tags"].get(k) for k in keyed} == keyed, where
        assert dep["properties"]["environmentVariables"] == keyed, where
        assert dep["properties"]["properties"] == keyed, where
        assert set(dep["properties"]["dataCollector"]["collections"]) == {
            "[model_inputs]",
            "copy",
        }, where


DEV_TAGS = """
environments:
  dev:
    tags:
      "[subscription().id]": "[concat('x')]"
      note: "[]"
"""


def test_object_parameter_values_are_escaped_in_parameters_files(tmp_path: Any) -> None:
    """An overlay's tags become an object parameter; Resource Manager evaluates `[...]`
    strings nested in object parameter values (Azure/bicep #9173, #18658)."""
    from iac_gen.spec.load import load_specs
    from tests.conftest import FIXTURES

    text = (FIXTURES / "example" / "spec.yaml").read_text(encoding="utf-8")
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(
        text.replace("environments:\n  dev:\n", DEV_TAGS.strip() + "\n", 1), encoding="utf-8"
    )
    (spec,) = load_specs([spec_file], {})
    files = compile_spec(spec)
    dev = json.loads(files["main.dev.parameters.json"])["parameters"]
    (name,) = [n for n, v in dev.items() if isinstance(v["value"], dict) and "note" in v["value"]]
    value = dev[name]["value"]
    assert value["[[subscription().id]"] == "[[concat('x')]"
    assert value["note"] == "[[]"
    # Read as the deployment engine reads nested values, the tags are exactly the overlay's.
    template = json.loads(files["main.json"])
    arm = ArmEvaluator(template, SUB, "rg-mlops-prod")
    assert arm.value(value)["[subscription().id]"] == "[concat('x')]"
    assert arm.value(value)["note"] == "[]"
    # Top-level string values are not evaluated and stay as they are.
    assert dev["location"]["value"] == "westeurope"


def test_object_parameters_deploy_as_written_with_defaults_and_with_a_parameters_file(
    tmp_path: Any,
) -> None:
    """Tags that vary by environment become an object parameter: its defaultValue (main.json),
    its value in main.dev.parameters.json and main.bicep all deploy the spec's tags."""
    from iac_gen.emit.compile import resources_json
    from iac_gen.spec.load import load_specs
    from tests.conftest import FIXTURES

    text = (FIXTURES / "example" / "spec.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  data-classification: confidential\n",
        '  data-classification: confidential\n  "[base-key]": "[base-value]"\n  copy: plain\n',
        1,
    ).replace(
        "environments:\n  dev:\n",
        'environments:\n  dev:\n    tags:\n      "[dev-key]": "[dev-value]"\n      copy: dev\n',
        1,
    )
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(text, encoding="utf-8")
    (spec,) = load_specs([spec_file], {})
    files = compile_spec(spec)
    template = json.loads(files["main.json"])
    (tags_param,) = [
        n
        for n, p in template["parameters"].items()
        if p["type"] == "object" and p["metadata"]["description"].startswith("tags ")
    ]
    default = template["parameters"][tags_param]["defaultValue"]
    assert default["[[base-key]"] == "[[base-value]" and default["[string('copy')]"] == "plain"

    def tags(resources: list[dict[str, Any]]) -> dict[str, str]:
        return dict(_endpoint(resources)["tags"])

    base = tags(json.loads(files["resources.json"]))
    assert base["[base-key]"] == "[base-value]" and base["copy"] == "plain"
    arm = ArmEvaluator(template, SUB, "rg-mlops-prod")
    assert tags(arm.resources(template)) == base
    tree = BicepParser().parse(text=files["main.bicep"])
    assert tags(BicepEvaluator(tree, SUB, "rg-mlops-prod").resources()) == base

    dev_value = json.loads(files["main.dev.parameters.json"])["parameters"][tags_param]["value"]
    dev = ArmEvaluator(template, SUB, "rg-mlops-prod", {tags_param: arm.value(dev_value)})
    want = tags(json.loads(resources_json(spec, "dev")))
    assert want["[dev-key]"] == "[dev-value]" and want["copy"] == "dev"
    assert tags(dev.resources(template)) == want
