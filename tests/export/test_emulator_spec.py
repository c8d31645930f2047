"""`python -m iac_gen.emulator --spec FILE` serves what a spec deploys, as Azure returns it."""

from __future__ import annotations

from pathlib import Path

from iac_gen.emulator.__main__ import main, spec_bodies

ROOT = Path(__file__).resolve().parents[2]
ML = "microsoft.machinelearningservices/workspaces"


def test_spec_bodies_are_served_shapes_with_the_workspace():
    bodies = spec_bodies(ROOT / "fixtures" / "example" / "spec.yaml", None)
    by_type: dict[str, list[dict]] = {}
    for body in bodies:
        by_type.setdefault(str(body["type"]).lower(), []).append(body)
    [endpoint] = by_type[ML + "/onlineendpoints"]
    assert endpoint["properties"]["scoringUri"].startswith("https://credit-scoring.")
    assert endpoint["properties"]["provisioningState"] == "Succeeded"
    assert endpoint["properties"]["traffic"] == {"blue": 100}
    deployments = by_type[ML + "/onlineendpoints/deployments"]
    assert sorted(d["name"] for d in deployments) == ["blue", "green"]
    [workspace] = by_type[ML]
    assert workspace["name"] == "mlw-risk-prod"


def test_spec_bodies_follow_the_environment_overlay():
    dev = spec_bodies(ROOT / "fixtures" / "example" / "spec.yaml", "dev")
    blue = next(b for b in dev if str(b["id"]).endswith("/deployments/blue"))
    assert blue["sku"]["capacity"] == 1
    assert blue["properties"]["instanceType"] == "Standard_DS2_v2"


def test_invalid_spec_is_a_one_line_error(capsys):
    code = main(["--spec", str(ROOT / "fixtures" / "invalid-traffic-sum" / "spec.yaml")])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "IAC205" in err[0]


def test_data_and_spec_together_are_refused(capsys):
    example = ROOT / "fixtures" / "example" / "spec.yaml"
    assert main(["--spec", str(example), "--data", str(ROOT / "fixtures" / "live-arm")]) == 2
    assert "not both" in capsys.readouterr().err
