"""The attribution scenario: the example endpoint as deployed, changed after deployment in
four ways, and the change history Azure keeps of it (in the documented shapes, from
`iac_gen.emulator.data.change_row` / `activity_event`):

- green `sku.capacity` 1 -> 5 by a user in the portal (Resource Graph resourcechanges);
- the endpoint's `properties.authMode` AADToken -> Key by a service principal with the
  Azure CLI, followed by a later, unrelated portal change of its description (the finding
  must name the change of *its* property, not the latest write);
- a tag of blue changed by a PATCH, recorded only in the Activity Log (resourcechanges has
  nothing for blue: the fallback), next to a started and a failed event that must not count;
- the autoscale setting's maximum 10 -> 20 (in the default profile and the profile that
  restores it after the weekend) with no record anywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iac_gen.emulator.data import activity_event, change_row, served, workspace_body
from tests.conftest import FIXTURES

SPEC = FIXTURES / "example" / "spec.yaml"
SUB = "8f6b6269-84f2-4d09-9e31-1127efcd1e40"
RG = "rg-mlops-prod"
WS = "mlw-risk-prod"
SP_APP_ID = "3f1c2b9e-7d4a-4c1e-9b2f-5a6d7e8f9a0b"
USER = "alice@contoso.com"
PATCHER = "bob@contoso.com"


def deployed() -> list[dict[str, Any]]:
    from iac_gen.desired import desired_state
    from iac_gen.spec.load import load_specs

    [spec] = load_specs([SPEC])
    bodies = [served(r) for r in desired_state(spec).resources]
    return [*bodies, workspace_body(SUB, RG, WS)]


def _one(bodies: list[dict[str, Any]], suffix: str) -> dict[str, Any]:
    [body] = [b for b in bodies if b["id"].lower().endswith(suffix.lower())]
    return body


def drifted() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(live bodies, resourcechanges rows, Activity Log events)."""
    bodies = deployed()
    endpoint = _one(bodies, "/onlineEndpoints/credit-scoring")
    green = _one(bodies, "/deployments/green")
    blue = _one(bodies, "/deployments/blue")
    autoscale = _one(bodies, "/autoscalesettings/credit-scoring-blue-autoscale")
    green["sku"]["capacity"] = 5
    endpoint["properties"]["authMode"] = "Key"
    blue["tags"]["change-ticket"] = "CHG-99999"
    for profile in autoscale["properties"]["profiles"]:  # default and its end-of-weekend copy
        if profile["capacity"]["maximum"] == "10":
            profile["capacity"]["maximum"] = "20"
    rows = [
        change_row(
            green["id"],
            "2025-12-22T08:30:11.1234567Z",
            {"sku.capacity": (1, 5)},
            changed_by=USER,
            changed_by_type="User",
            client_type="Azure Portal",
        ),
        change_row(
            endpoint["id"],
            "2025-12-23T14:02:45.000+00:00",
            {"properties.authMode": ("AADToken", "Key")},
            changed_by=SP_APP_ID,
            changed_by_type="Application",
            client_type="Azure CLI",
        ),
        change_row(
            endpoint["id"],
            "2025-12-29T16:40:00Z",
            {"properties.description": ("Scores consumer credit", "Scores credit")},
            changed_by="carol@contoso.com",
            changed_by_type="User",
            client_type="Azure Portal",
        ),
        change_row(  # after the export: cannot explain what the export saw
            green["id"],
            "2026-01-02T10:00:00Z",
            {"sku.capacity": (5, 6)},
            changed_by="mallory@contoso.com",
            changed_by_type="User",
            client_type="Azure Portal",
        ),
    ]
    events = [
        activity_event(
            blue["id"], "2025-12-28T09:14:58Z", caller=PATCHER, method="PATCH", status="Started"
        ),
        activity_event(blue["id"], "2025-12-28T09:15:02.5Z", caller=PATCHER, method="PATCH"),
        activity_event(
            blue["id"],
            "2025-12-30T11:00:00Z",
            caller="eve@contoso.com",
            method="PATCH",
            status="Failed",
        ),
    ]
    return bodies, rows, events


FIXTURE = FIXTURES / "drift-attributed"
FIXED_ENDPOINT = "https://127.0.0.1:8443"


def write_fixture(target: Path = FIXTURE / "live.json") -> Path:
    """Export the scenario from the emulator with `--changes` into
    `fixtures/drift-attributed/live.json` (`python -m tests.changes.scenario`). The emulator
    listens on a free port; the bundle names a fixed one (`arm_endpoint` is not digested) so
    that the file only changes when the product does."""
    import json
    import tempfile

    from iac_gen.emulator import Emulator
    from iac_gen.output_files import dumps_json
    from tests.export.conftest import TOKEN, run_export

    bodies, rows, events = drifted()
    scope = ["--subscription", SUB, "--resource-group", RG, "--workspace", WS, "--changes"]
    with (
        tempfile.TemporaryDirectory() as tmp,
        Emulator(bodies, token=TOKEN, changes=rows, activity=events) as emu,
    ):
        run = run_export(emu, Path(tmp) / "live.json", *scope, workspace_scope=False)
        emu.assert_only_allowed()
    if run.code != 0 or run.bundle is None:
        raise RuntimeError(f"export failed: {run.stderr}")
    bundle = dict(run.bundle, arm_endpoint=FIXED_ENDPOINT)
    target.write_text(dumps_json(bundle), encoding="utf-8")
    json.loads(target.read_text(encoding="utf-8"))
    return target


if __name__ == "__main__":
    print(f"wrote {write_fixture()}")
