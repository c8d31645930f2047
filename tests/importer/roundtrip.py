"""Round-trip helpers shared by the import tests: write, load, drift, compile, serve, re-import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from iac_gen.importer import ImportResult, import_live
from iac_gen.live.state import LiveState
from iac_gen.output_files import write_tree

ROOT = Path(__file__).resolve().parents[2]


def live_fixtures() -> list[Path]:
    """Every live input the readers accept among the fixtures (bad inputs excluded)."""
    paths = sorted(ROOT.glob("fixtures/*/live.json"))
    for folder in sorted(ROOT.glob("fixtures/live-*")):
        if folder.name != "live-bad":
            paths.extend(sorted(folder.glob("*.json")))
    return paths


def target_of(result: ImportResult, live: LiveState) -> dict[str, str]:
    ids = [str(r["id"]) for r in live.resources if "onlineendpoints" in str(r["id"]).lower()]
    parts = ids[0].strip("/").split("/")
    location = next((str(r["location"]) for r in live.resources if r.get("location")), "westeurope")
    location = location.replace(" ", "").lower()  # the region name a target option takes
    return {
        "subscription": parts[1],
        "resource_group": parts[3],
        "workspace": parts[7],
        "location": location,
    }


def load(out: Path, result: ImportResult, overrides: dict[str, str] | None = None) -> list[Any]:
    """Write the imported files and load them back as a user would (`SPEC...` = the folder)."""
    from iac_gen.spec.load import load_specs

    write_tree(out, result.files)
    return load_specs([out], overrides)


def drift(specs: list[Any], live: LiveState) -> dict[str, Any]:
    from iac_gen.desired import desired_state
    from iac_gen.drift import analyse_desired

    return analyse_desired([(s, desired_state(s)) for s in specs], live)


def served_state(specs: list[Any], live: LiveState) -> LiveState:
    """Compile the specs and serve the bodies as the emulator would (a bundle reads both
    Azure Monitor types, like the original when it had them)."""
    from iac_gen.desired import desired_state
    from iac_gen.emulator.data import served

    bodies = []
    for spec in specs:
        for body in desired_state(spec).resources:
            kind = str(body["type"]).lower()
            if kind.endswith(("metricalerts", "roleassignments")):
                continue
            bodies.append(json.loads(json.dumps(served(body))))
    bodies.sort(key=lambda b: str(b["id"]).lower())
    return LiveState(bodies, format=live.format)


def reimport(result: ImportResult, live: LiveState, tmp: Path, fmt: str) -> ImportResult:
    overrides = target_of(result, live) if fmt == "cliv2" else None
    specs = load(tmp / "first", result, overrides)
    again = served_state(specs, live)
    return import_live(again, format=fmt)
