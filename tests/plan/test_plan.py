"""`iac-gen plan`: the steps a deploy performs against live state, and their hazards.

Live state here is what the emulator serves after deploying a spec (`served()` of each desired
body: server-filled fields and defaults added, as `python -m iac_gen.emulator --spec` serves
it), then changed one field at a time the way Azure would show it.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from iac_gen.desired import desired_state
from iac_gen.emulator.data import served
from iac_gen.live.state import LiveState
from iac_gen.plan.build import plan
from iac_gen.resources import schemas_dir
from iac_gen.spec.load import load_specs
from iac_gen.spec.overlay import resolve

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "fixtures" / "example" / "spec.yaml"
SCHEMA = json.loads((schemas_dir() / "plan.schema.json").read_text(encoding="utf-8"))


def deployed(spec_path: Path, env: str | None = "prod", **target: str) -> tuple[Any, list[dict]]:
    (spec,) = load_specs([spec_path], target or None)
    shown = resolve(spec, env) if env else spec
    bodies = [served(b) for b in desired_state(shown).resources]
    return spec, bodies


def body(bodies: list[dict], suffix: str) -> dict[str, Any]:
    (found,) = [b for b in bodies if str(b["id"]).endswith(suffix)]
    return found


def run(spec: Any, bodies: list[dict], env: str | None = "prod") -> dict[str, Any]:
    result = plan([spec], LiveState(resources=copy.deepcopy(bodies)), env)
    jsonschema.validate(result, SCHEMA)
    return result


def changed(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (s["phase"], s["action"], s["resource"])
        for s in result["steps"]
        if s["action"] not in ("no_change",)
    ]


def hazards(result: dict[str, Any]) -> list[str]:
    return sorted(h["hazard"] for h in result["hazards"])


def test_own_deployed_state_is_no_change() -> None:
    spec, bodies = deployed(EXAMPLE)
    result = run(spec, bodies)
    assert result["status"] == "no_change", changed(result)
    assert changed(result) == []
    assert result["parameters"]["credit-scoring"]["endpointExists"] is True


def test_create_from_nothing_creates_in_template_order() -> None:
    spec, _ = deployed(EXAMPLE)
    result = run(spec, [])
    steps = changed(result)
    assert steps[0] == ("endpoint", "create", "credit-scoring")
    phases = [p for p, _, _ in steps]
    assert phases.index("deployment") < phases.index("traffic") < phases.index("companion")
    assert ("deployment", "create", "credit-scoring/blue") in steps
    assert result["parameters"]["credit-scoring"]["endpointExists"] is False
    assert "PLAN002" not in hazards(result)


def test_version_bump_is_one_update_with_from_and_to() -> None:
    spec, bodies = deployed(EXAMPLE)
    dep = body(bodies, "/deployments/blue")
    dep["properties"]["model"] = dep["properties"]["model"].replace("/versions/7", "/versions/6")
    result = run(spec, bodies)
    assert changed(result) == [("deployment", "update", "credit-scoring/blue")]
    (step,) = [s for s in result["steps"] if s["action"] == "update"]
    (change,) = step["changes"]
    assert change["field"] == "deployments.blue.model"
    assert change["from"].endswith("/versions/6") and change["to"].endswith("/versions/7")


def test_traffic_shift_is_only_the_traffic_step() -> None:
    spec, bodies = deployed(EXAMPLE)
    endpoint = body(bodies, "/onlineEndpoints/credit-scoring")
    endpoint["properties"]["traffic"] = {"blue": 90, "green": 10}
    endpoint["properties"]["mirrorTraffic"] = {}
    result = run(spec, bodies)
    assert changed(result) == [("traffic", "update", "credit-scoring")]
    (step,) = [s for s in result["steps"] if s["phase"] == "traffic"]
    moves = {c["arm_path"]: (c["from"], c["to"]) for c in step["changes"]}
    assert moves["properties.traffic.blue"] == (90, 100)
    assert moves["properties.traffic.green"] == (10, None)
    assert moves["properties.mirrorTraffic.green"] == (None, 10)


def test_autoscale_moved_capacity_is_a_hazard_with_the_live_value() -> None:
    spec, bodies = deployed(EXAMPLE)
    body(bodies, "/deployments/blue")["sku"]["capacity"] = 7
    result = run(spec, bodies)
    (hit,) = [h for h in result["hazards"] if h["hazard"] == "PLAN001"]
    assert hit["live"] == 7 and hit["resource"] == "credit-scoring/blue"
    assert result["parameters"]["credit-scoring"][hit["parameter"]] == 7
    # The name is the compiled template's own parameter, so the pipeline can pass it.
    from iac_gen.emit.plan import build_plan

    names = {p.name for p in build_plan(resolve(spec, "prod")).parameters}
    assert hit["parameter"] == "blueSkuCapacity" and hit["parameter"] in names
    assert ("deployment", "update", "credit-scoring/blue") in changed(result)


def test_removed_deployment_is_left_running_with_its_delete_command() -> None:
    spec, bodies = deployed(EXAMPLE)
    extra = copy.deepcopy(body(bodies, "/deployments/green"))
    extra["id"] = extra["id"].replace("/deployments/green", "/deployments/old")
    extra["name"] = "old"
    result = run(spec, [*bodies, extra])
    assert ("unmanaged", "left_alone", "credit-scoring/old") in changed(result)
    (hit,) = [h for h in result["hazards"] if h["hazard"] == "PLAN003"]
    assert hit["command"].startswith("az ml online-deployment delete -g rg-mlops-prod")
    assert "-e credit-scoring -n old" in hit["command"]
    assert result["status"] == "no_change"  # the deploy itself changes nothing


def test_instance_type_change_is_a_replace() -> None:
    spec, bodies = deployed(EXAMPLE)
    body(bodies, "/deployments/blue")["properties"]["instanceType"] = "Standard_F2s_v2"
    result = run(spec, bodies)
    assert ("deployment", "replace", "credit-scoring/blue") in changed(result)
    assert "PLAN004" in hazards(result)


def test_traffic_to_a_failed_deployment_is_critical() -> None:
    spec, bodies = deployed(EXAMPLE)
    body(bodies, "/deployments/blue")["properties"]["provisioningState"] = "Failed"
    result = run(spec, bodies)
    (hit,) = [h for h in result["hazards"] if h["hazard"] == "PLAN005"]
    assert hit["severity"] == "critical" and hit["provisioning_state"] == "Failed"


def test_kubernetes_endpoint_against_its_own_state_is_no_change() -> None:
    target = {
        "subscription": "00000000-0000-0000-0000-000000000000",
        "resource_group": "rg-ci",
        "workspace": "mlw-ci",
        "location": "westeurope",
    }
    spec, bodies = deployed(ROOT / "fixtures" / "oracle-kubernetes", env=None, **target)
    result = run(spec, bodies, env=None)
    assert result["status"] == "no_change", changed(result)


NATIVE = sorted(
    p for p in (ROOT / "fixtures").glob("*/spec.yaml") if not p.parent.name.startswith("invalid-")
)


@pytest.mark.parametrize("spec_path", NATIVE, ids=lambda p: p.parent.name)
def test_every_fixture_planned_against_its_own_deployed_state_is_no_change(
    spec_path: Path,
) -> None:
    (spec,) = load_specs([spec_path])
    envs = [None, *sorted(spec.environments)]
    for env in envs:
        shown = resolve(spec, env) if env else spec
        bodies = [served(b) for b in desired_state(shown).resources]
        result = run(spec, bodies, env)
        assert result["status"] == "no_change", (env, changed(result))


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iac_gen", "plan", *args], capture_output=True, text=True
    )


def test_cli_exit_codes_and_evidence(tmp_path: Path) -> None:
    same = cli(str(EXAMPLE), "--live", str(ROOT / "fixtures/example/live.json"), "--env", "prod")
    assert same.returncode == 0 and same.stdout.startswith("plan: no_change"), same.stderr
    drifted = ROOT / "fixtures" / "drift-drifted"
    out = tmp_path / "plan"
    params = tmp_path / "params.json"
    moved = cli(
        str(drifted / "spec.yaml"),
        "--live",
        str(drifted / "live.json"),
        "--report",
        str(out),
        "--write-params",
        str(params),
    )
    assert moved.returncode == 1, moved.stderr
    doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, SCHEMA)
    assert "**Changes planned**" in (out / "plan.md").read_text(encoding="utf-8")
    assert json.loads(params.read_text(encoding="utf-8"))["parameters"]["endpointExists"] == {
        "value": True
    }
    bad = cli(str(EXAMPLE), "--live", str(ROOT / "fixtures/example/spec.yaml"))
    assert bad.returncode == 2 and "error IAC41" in bad.stderr


def test_cli_incomplete_live_state_exits_3() -> None:
    case = ROOT / "fixtures" / "drift-not-checked"
    done = cli(str(case / "spec.yaml"), "--live", str(case / "live.json"))
    assert done.returncode == 3, done.stdout + done.stderr
    assert done.stdout.startswith("plan: incomplete")


def test_new_instances_report_the_quota_they_need() -> None:
    spec, bodies = deployed(EXAMPLE)
    result = run(spec, [b for b in bodies if not b["id"].endswith("/deployments/green")])
    (hit,) = [h for h in result["hazards"] if h["hazard"] == "PLAN006"]
    assert hit["resource"] == "credit-scoring/green" and hit["instances"] >= 1


def test_every_hazard_is_registered_and_fired_by_a_test() -> None:
    from iac_gen.plan.hazards import all_hazards

    ids = [h.id for h in all_hazards()]
    assert ids == sorted(set(ids)) and len(ids) >= 6
    text = Path(__file__).read_text(encoding="utf-8")
    for hazard_id in ids:
        assert f'"{hazard_id}"' in text, f"{hazard_id} has no test here"


def test_autoscaled_capacity_is_a_template_parameter_even_when_no_environment_changes_it(
    tmp_path: Path,
) -> None:
    spec = ROOT / "fixtures" / "drift-autoscale" / "spec.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "iac_gen", "compile", str(spec), "-o", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    (main,) = tmp_path.glob("*/main.json")
    template = json.loads(main.read_text(encoding="utf-8"))
    capacity = [n for n in template["parameters"] if n.endswith("SkuCapacity")]
    assert capacity, sorted(template["parameters"])
    refs = json.dumps(template["resources"])
    assert all(f"parameters('{n}')" in refs for n in capacity)
