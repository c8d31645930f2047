"""`iac-gen rollout`: parameters files per traffic step, gates, rollback, and what they deploy.

Each step's parameters file is deployed here with the ARM evaluator of the compile tests
(tests/compile/evaluate.py): the endpoint it leaves has exactly that step's traffic. Live
state between steps is what the emulator serves for the spec at that step's split.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from iac_gen.desired import desired_state
from iac_gen.emulator.data import served
from iac_gen.live.state import LiveState
from iac_gen.plan.build import plan
from iac_gen.plan.rollout import Request, az_split, build_rollout, parse_steps
from iac_gen.resources import schemas_dir
from iac_gen.spec.load import load_specs
from iac_gen.spec.model import Policies
from iac_gen.spec.overlay import resolve
from tests.compile.evaluate import ArmEvaluator

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "fixtures" / "example" / "spec.yaml"
SUM_SPEC = ROOT / "fixtures" / "drift-policies-sum" / "spec" / "fraud-a.yaml"
EXPECTED = Path(__file__).parent / "expected"
SCHEMA = json.loads((schemas_dir() / "rollout.schema.json").read_text(encoding="utf-8"))
EP_TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
EPOCH = {"SOURCE_DATE_EPOCH": "1790000000"}


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iac_gen", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **EPOCH},
    )


def rollout(spec_path: Path, request: Request, env: str | None) -> tuple[dict, dict]:
    (spec,) = load_specs([spec_path])
    doc, files = build_rollout(spec, request, env, generated_at="2026-01-01T00:00:00Z")
    jsonschema.validate(doc, SCHEMA)
    return doc, files


def at_split(spec_path: Path, traffic: dict[str, int], mirror: dict[str, int] | None) -> Any:
    """The spec as it reads with one step's traffic (the `--traffic` options of plan)."""
    options = {"traffic": az_split(traffic)}
    if mirror is not None:
        options["mirror_traffic"] = az_split(mirror)
    (spec,) = load_specs([spec_path], options)
    return spec


def live_at(spec: Any, env: str | None) -> LiveState:
    shown = resolve(spec, env) if env else spec
    return LiveState(resources=[served(b) for b in desired_state(shown).resources])


def splits(doc: dict[str, Any]) -> list[tuple[dict[str, int], dict[str, int]]]:
    """Start, every step, then the rollback: the order a rollout (and its undo) visits."""
    out = [(doc["start"]["traffic"], doc["start"]["mirror_traffic"])]
    out += [(s["traffic"], s["mirror_traffic"]) for s in doc["steps"]]
    out.append((doc["rollback"]["traffic"], doc["rollback"]["mirror_traffic"]))
    return out


def test_steps_split_the_traffic_and_the_rollback_puts_it_back() -> None:
    doc, files = rollout(EXAMPLE, Request("blue", "green", (10, 50, 100), True), "prod")
    assert [(s["kind"], s["traffic"], s["mirror_traffic"]) for s in doc["steps"]] == [
        ("mirror", {"blue": 100}, {"green": 10}),
        ("shift", {"blue": 90, "green": 10}, {}),
        ("shift", {"blue": 50, "green": 50}, {}),
        ("shift", {"green": 100}, {}),
    ]
    assert doc["rollback"]["traffic"] == {"blue": 100}
    assert sorted(files) == sorted(
        [s["parameters_file"] for s in doc["steps"]] + [doc["rollback"]["parameters_file"]]
    )
    signals = {g["signal"]: g for g in doc["gates"]}
    assert set(signals) == {"p95_latency", "5xx_rate", "cpu", "memory"}
    # Thresholds are the spec's monitoring.alerts; CPU and memory are those of --to.
    assert signals["p95_latency"]["threshold"] == 500 and signals["5xx_rate"]["threshold"] == 0.1
    assert signals["cpu"]["scope"].endswith("/deployments/green")
    assert doc["steps"][-1]["gate"]["before"] == "removing blue"


def test_a_share_of_traffic_other_deployments_keep(tmp_path: Path) -> None:
    """Steps move shares of what --from and --to hold together; a third keeps its own."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "traffic:\n  blue: 100\nmirror_traffic:\n  green: 10\n",
        "traffic:\n  blue: 80\n  green: 0\n  red: 20\n",
        1,
    )
    text = text.replace(
        "  - name: green\n", "  - name: red\n" + _deployment(text) + "  - name: green\n", 1
    )
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    doc, _ = rollout(spec, Request("blue", "green", (25, 100)), None)
    assert [s["traffic"] for s in doc["steps"]] == [
        {"blue": 60, "green": 20, "red": 20},
        {"green": 80, "red": 20},
    ]
    assert doc["rollback"]["traffic"] == {"blue": 80, "red": 20}
    assert doc["template"]["mirror_traffic_parameter"] is None


def _deployment(text: str) -> str:
    """The body of the example's green deployment, to declare another one like it."""
    start = text.index("  - name: green\n") + len("  - name: green\n")
    end = text.index("\nautoscale:")
    return text[start:end].rstrip("\n") + "\n"


@pytest.mark.parametrize("mirror_first", [False, True], ids=["shift", "mirror-first"])
def test_each_parameters_file_deploys_exactly_its_step(mirror_first: bool, tmp_path: Path) -> None:
    done = cli("compile", str(EXAMPLE), "-o", str(tmp_path))
    assert done.returncode == 0, done.stderr
    template = json.loads((tmp_path / "credit-scoring" / "main.json").read_text("utf-8"))
    doc, files = rollout(EXAMPLE, Request("blue", "green", (10, 50, 100), mirror_first), "prod")
    (spec,) = load_specs([EXAMPLE])
    for step in [*doc["steps"], doc["rollback"]]:
        params = files[step["parameters_file"]]["parameters"]
        assert set(params) <= set(template["parameters"]), step["parameters_file"]
        values = {k: v["value"] for k, v in params.items()}
        assert values["endpointExists"] is True  # a rollout never runs the traffic-less PUT
        arm = ArmEvaluator(
            template, str(spec.target.subscription), str(spec.target.resource_group), values
        )
        endpoint = [r for r in arm.resources(template) if r["type"] == EP_TYPE][-1]
        props = endpoint["properties"]
        assert props["traffic"] == step["traffic"]
        assert props.get("mirrorTraffic", {}) == step["mirror_traffic"]


def test_plan_between_steps_shows_only_the_traffic_change() -> None:
    doc, _ = rollout(EXAMPLE, Request("blue", "green", (10, 50, 100), True), "prod")
    for (before, mirror_before), (after, mirror_after) in pairwise(splits(doc)):
        live = live_at(at_split(EXAMPLE, before, mirror_before), "prod")
        result = plan([at_split(EXAMPLE, after, mirror_after)], live, "prod")
        moved = [(s["phase"], s["action"]) for s in result["steps"] if s["action"] != "no_change"]
        if (before, mirror_before) == (after, mirror_after):
            assert moved == [] and result["status"] == "no_change"
            continue
        assert moved == [("traffic", "update")], (before, after, moved)
        (step,) = [s for s in result["steps"] if s["phase"] == "traffic"]
        assert all(
            c["arm_path"].startswith(("properties.traffic.", "properties.mirrorTraffic."))
            for c in step["changes"]
        )
        assert not [h for h in result["hazards"] if h["hazard"] != "PLAN002"]


def test_plan_cli_previews_a_step_with_its_traffic() -> None:
    live = ROOT / "fixtures" / "example" / "live.json"
    args = ["plan", str(EXAMPLE), "--live", str(live), "--env", "prod"]
    moved = cli(*args, "--traffic", "blue=90 green=10", "--mirror-traffic", "")
    assert moved.returncode == 1, moved.stderr
    shown = [line.split() for line in moved.stdout.splitlines()[1:] if line.startswith("  update")]
    assert shown == [["update", "traffic", "credit-scoring"]]
    assert cli(*args).returncode == 0


def _drift(spec: Any, live: LiveState) -> dict[str, Any]:
    from iac_gen.drift import analyse_desired

    return analyse_desired([(spec, desired_state(spec))], live, None)


def test_drift_with_traffic_sum_stays_in_sync_while_both_deployments_serve() -> None:
    """`policies.traffic: sum` (blue 70 / green 30 in the spec): every intermediate step is in
    sync; the last step and the rollback change *which* deployments serve, and drift says so
    with one routing finding and nothing else. With `exact` the same step is drift."""
    doc, _ = rollout(SUM_SPEC, Request("blue", "green", (50, 90, 100)), None)
    (spec,) = load_specs([SUM_SPEC])
    assert spec.policies.traffic == "sum"
    for step in [*doc["steps"], doc["rollback"]]:
        result = _drift(spec, live_at(at_split(SUM_SPEC, step["traffic"], None), None))
        both = set(step["traffic"]) == {"blue", "green"}
        assert result["status"] == ("in_sync" if both else "drifted"), step["traffic"]
        if not both:
            (finding,) = result["findings"]
            assert (finding["field"], finding["category"]) == ("traffic", "routing")
    exact = dataclasses.replace(spec, policies=Policies(traffic="exact"))
    halfway = live_at(at_split(SUM_SPEC, doc["steps"][0]["traffic"], None), None)
    assert _drift(exact, halfway)["status"] == "drifted"


ROLLOUT_CASES = {
    "rollout-example-mirror-first": (
        "fixtures/example/spec.yaml",
        ["--from", "blue", "--to", "green", "--steps", "10,50,100", "--mirror-first"],
        ["--env", "prod"],
    ),
    "rollout-policies-sum": (
        "fixtures/drift-policies-sum/spec/fraud-a.yaml",
        ["--from", "blue", "--to", "green", "--steps", "50,100"],
        [],
    ),
}


@pytest.mark.parametrize("case", sorted(ROLLOUT_CASES))
def test_rollout_golden(case: str, tmp_path: Path, golden: Any) -> None:
    spec, args, extra = ROLLOUT_CASES[case]
    done = cli("rollout", spec, *args, *extra, "-o", str(tmp_path))
    assert done.returncode == 0, done.stderr
    (folder,) = tmp_path.iterdir()
    for path in sorted(folder.iterdir()):
        if path.name == "rollout.json":
            jsonschema.validate(json.loads(path.read_text("utf-8")), SCHEMA)
        golden.check(EXPECTED / case / path.name, path.read_text(encoding="utf-8"))
    expected = sorted(p.name for p in (EXPECTED / case).iterdir())
    assert sorted(p.name for p in folder.iterdir()) == expected


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--from", "blu", "--to", "green", "--steps", "10,100"], "IAC316", "did you mean 'blue'"),
        (["--from", "blue", "--to", "gren", "--steps", "10,100"], "IAC316", "not a deployment"),
        (["--from", "blue", "--to", "blue", "--steps", "10,100"], "IAC318", "both name"),
        (["--from", "blue", "--to", "green", "--steps", "50,10,100"], "IAC317", "increase"),
        (["--from", "blue", "--to", "green", "--steps", "10,10,100"], "IAC317", "increase"),
        (["--from", "blue", "--to", "green", "--steps", "10,50"], "IAC317", "end at 100"),
        (["--from", "blue", "--to", "green", "--steps", "ten"], "IAC317", "whole percentages"),
        (["--from", "blue", "--to", "green", "--steps", "0,100"], "IAC317", "at least 1"),
        (
            ["--from", "blue", "--to", "green", "--steps", "10,100", "--mirror-percent", "20"],
            "IAC319",
            "needs --mirror-first",
        ),
        (
            [
                "--from",
                "blue",
                "--to",
                "green",
                "--steps",
                "10,100",
                "--mirror-first",
                "--mirror-percent",
                "60",
            ],
            "IAC319",
            "1..50",
        ),
    ],
)
def test_bad_options_are_one_line_and_write_nothing(
    args: list[str], code: str, words: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = cli("rollout", str(EXAMPLE), *args, "-o", str(out))
    assert done.returncode == 2, done.stdout + done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert f"error {code} " in line and words in line, line
    assert not out.exists()


def test_spec_problems_refuse_the_rollout(tmp_path: Path) -> None:
    """Neither deployment serving, a mirror step on a deployment with live traffic, a mirror
    step on a template without a mirror parameter: one line each."""
    sum_spec = ["rollout", str(SUM_SPEC), "--from", "blue", "--to", "green"]
    live_target = cli(*sum_spec, "--steps", "50,100", "--mirror-first", "-o", str(tmp_path))
    assert live_target.returncode == 2 and "error IAC319" in live_target.stderr
    assert "live or mirrored traffic, not both" in live_target.stderr
    not_above = cli(*sum_spec, "--steps", "20,100", "-o", str(tmp_path))
    assert not_above.returncode == 2 and "current share" in not_above.stderr
    k8s = tmp_path / "k8s"
    k8s.mkdir()
    source = ROOT / "fixtures" / "oracle-kubernetes"
    for name in ("endpoint.yml", "blue.yml"):
        (k8s / name).write_text((source / name).read_text("utf-8"), encoding="utf-8")
    green = (source / "blue.yml").read_text("utf-8").replace("name: blue", "name: green", 1)
    (k8s / "green.yml").write_text(green, encoding="utf-8")
    target = ["--subscription", "00000000-0000-0000-0000-000000000000"]
    target += ["--resource-group", "rg-ci", "--workspace", "mlw-ci", "--location", "westeurope"]
    out = tmp_path / "out"
    args = ["--from", "blue", "--to", "green", "--steps", "100", "--mirror-first"]
    mirror = cli("rollout", str(k8s), *target, *args, "-o", str(out))
    assert mirror.returncode == 2 and "error IAC319" in mirror.stderr, mirror.stderr
    assert "Kubernetes" in mirror.stderr
    plain = cli("rollout", str(k8s), *target, *args[:-1], "-o", str(out))
    assert plain.returncode == 0, plain.stderr
    doc = json.loads((out / "edge-scorer" / "rollout.json").read_text("utf-8"))
    assert doc["template"]["mirror_traffic_parameter"] is None
    assert "--mirror-traffic" not in doc["steps"][0]["preview"]


def test_parse_steps_accepts_spaces_and_commas() -> None:
    assert parse_steps("10, 50 ,100") == (10, 50, 100)


def test_an_environment_that_changes_the_split_sets_the_whole_traffic_parameter(
    tmp_path: Path,
) -> None:
    """The traffic map is one parameter: an overlay's split is its value for that
    environment, never a parameter per deployment."""
    from iac_gen.emit.plan import build_plan

    text = SUM_SPEC.read_text(encoding="utf-8")
    text += "\nenvironments:\n  dev:\n    traffic:\n      blue: 50\n      green: 50\n  prod: {}\n"
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(text, encoding="utf-8")
    (spec,) = load_specs([spec_file])
    params = {p.name: p for p in build_plan(spec).parameters}
    traffic = [p for p in params.values() if p.name.startswith("endpointTraffic")]
    assert [p.name for p in traffic] == ["endpointTraffic"]
    assert traffic[0].default == {"blue": 70, "green": 30}
    assert traffic[0].values == {
        "dev": {"blue": 50, "green": 50},
        "prod": {"blue": 70, "green": 30},
    }
    assert "varies by environment" in traffic[0].description
    assert "endpointMirrorTraffic" not in params  # the spec mirrors nothing
