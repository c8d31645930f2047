"""Property: a spec planned against the state its own deploy leaves is always "no change".

Hypothesis writes native specs (auth mode, network access, identity, tags, one to three
deployments with versions, sizes, counts, probes and request settings, a traffic split,
mirror traffic to an idle deployment, autoscale, alerts); the live state is what the emulator
serves for the compiled desired state (`served()`: ids, system data, provisioning state,
service defaults and spellings added, as `python -m iac_gen.emulator --spec` serves it).
Whatever the spec, the plan must find nothing to change, and name no hazard but PLAN002.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iac_gen.desired import desired_state
from iac_gen.emulator.data import served
from iac_gen.live.state import LiveState
from iac_gen.plan.build import plan
from iac_gen.spec.load import load_specs

TARGET = {
    "subscription": "8f6b6269-84f2-4d09-9e31-1127efcd1e40",
    "resource_group": "rg-prop",
    "workspace": "mlw-prop",
    "location": "westeurope",
}
NAMES = ("blue", "green", "canary")
SIZES = ("Standard_DS3_v2", "Standard_F4s_v2", "Standard_E4s_v3")


@st.composite
def specs(draw: Any) -> dict[str, Any]:
    count = draw(st.integers(1, 3))
    names = list(NAMES[:count])
    deployments = []
    for name in names:
        dep: dict[str, Any] = {
            "name": name,
            "model": f"azureml:m-{name}:{draw(st.integers(1, 40))}",
            "environment": f"azureml:env:{draw(st.integers(1, 9))}",
            "code_configuration": {
                "code": f"azureml:code:{draw(st.integers(1, 9))}",
                "scoring_script": "score.py",
            },
            "instance_type": draw(st.sampled_from(SIZES)),
            "instance_count": draw(st.integers(1, 5)),
        }
        if draw(st.booleans()):
            dep["request_settings"] = {
                "request_timeout_ms": draw(st.sampled_from([500, 3000, 5000])),
                "max_concurrent_requests_per_instance": draw(st.integers(1, 4)),
            }
        if draw(st.booleans()):
            dep["liveness_probe"] = {"initial_delay": draw(st.integers(1, 60)), "period": 10}
        if draw(st.booleans()):
            dep["environment_variables"] = {"WORKERS": str(draw(st.integers(1, 8)))}
        deployments.append(dep)
    serving = names[: draw(st.integers(1, count))]
    if len(serving) == 1:
        traffic = {serving[0]: 100}
    else:
        first = draw(st.integers(1, 99))
        traffic = {serving[0]: first, serving[1]: 100 - first}
        serving = serving[:2]
    doc: dict[str, Any] = {
        "target": TARGET,
        "name": draw(st.sampled_from(["scorer", "fraud-prop", "risk-x1"])),
        "auth_mode": draw(st.sampled_from(["key", "aml_token", "aad_token"])),
        "public_network_access": draw(st.sampled_from(["enabled", "disabled"])),
        "tags": {"team": draw(st.sampled_from(["a", "risk", "ML Platform"]))},
        "traffic": traffic,
        "deployments": deployments,
    }
    idle = [n for n in names if n not in serving]
    if idle and draw(st.booleans()):
        doc["mirror_traffic"] = {idle[0]: draw(st.integers(1, 50))}
    if draw(st.booleans()):
        low = draw(st.integers(1, 3))
        high = draw(st.integers(low, 8))
        doc["autoscale"] = {
            names[0]: {
                "min_instances": low,
                "max_instances": high,
                "default_instances": draw(st.integers(low, high)),
            }
        }
    if draw(st.booleans()):
        doc["monitoring"] = {
            "alerts": {
                "request_latency_p95_ms": draw(st.sampled_from([200, 500, 1200])),
                "cpu_percent": draw(st.integers(50, 95)),
            }
        }
    return doc


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_planning_against_the_own_deployed_state_is_always_no_change(doc: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "spec.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        (spec,) = load_specs([path])
        bodies = [served(b) for b in desired_state(spec).resources]
        result = plan([spec], LiveState(resources=bodies), None)
    changed = [(s["phase"], s["action"], s["changes"]) for s in result["steps"]]
    assert result["status"] == "no_change", [c for c in changed if c[1] != "no_change"]
    assert {h["hazard"] for h in result["hazards"]} <= {"PLAN002"}
    assert result["parameters"][doc["name"]]["endpointExists"] is True
