"""`iac-gen whatif` on what-if responses Azure really returned (tests/plan/whatif_recorded).

The recordings come from the Azure CLI's own test suite (SOURCES.md there): a resource
group what-if (API 2020-06-01) and a subscription what-if (2024-11-01, which adds
`correlationId` and `potentialChanges`). Neither holds Azure ML resources, so they check the
envelope and the pass-through of types drift does not know; the Azure ML bodies are then put
into the newer envelope as the emulator serves them.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from iac_gen.plan.whatif import filter_whatif
from tests.plan.test_whatif import modify, pairs

RECORDED = Path(__file__).parent / "whatif_recorded"


def recorded(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((RECORDED / name).read_text(encoding="utf-8"))
    return loaded


def test_resource_group_what_if_keeps_a_real_sku_change_with_its_values() -> None:
    result = filter_whatif(recorded("rg-storage-sku-2020-06-01.json"))
    assert result["status"] == "changes" and result["dropped_as_noise"] == 0
    (change,) = result["changes"]
    assert change["resource_id"].endswith("/storageAccounts/storee5brqgpkqv7yo")
    assert change["properties"] == [
        {"arm_path": "sku.name", "change": "Modify", "from": "Standard_LRS", "to": "Standard_GRS"}
    ]


def test_subscription_what_if_ignores_potential_changes() -> None:
    doc = recorded("sub-policy-2024-11-01.json")
    assert doc["properties"]["potentialChanges"][0]["changeType"] == "Ignore"
    result = filter_whatif(doc)
    (change,) = result["changes"]
    assert change["properties"] == [
        {
            "arm_path": "properties.policyRule.if.equals",
            "change": "Modify",
            "from": "northeurope",
            "to": "westeurope",
        }
    ]


def test_machine_learning_noise_in_the_recorded_envelope_is_no_change(tmp_path: Path) -> None:
    doc = recorded("sub-policy-2024-11-01.json")
    doc["properties"]["changes"] = [modify(b, a) for b, a in pairs()]
    assert filter_whatif(copy.deepcopy(doc))["status"] == "no_change"
    path = tmp_path / "whatif.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "iac_gen", "whatif", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.startswith("whatif: no_change"), done.stderr
    for name in ("rg-storage-sku-2020-06-01.json", "sub-policy-2024-11-01.json"):
        real = subprocess.run(
            [sys.executable, "-m", "iac_gen", "whatif", str(RECORDED / name)],
            capture_output=True,
            text=True,
        )
        assert real.returncode == 1, real.stdout + real.stderr
