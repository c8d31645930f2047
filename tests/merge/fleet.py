"""A small sharded fleet for the merge tests: one example spec per subscription, served by
the ARM emulator as Azure would return it, with drift, a missing and an unmanaged resource
in some subscriptions, so a merged result has findings of every kind to get right."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from iac_gen.emulator import Emulator
from tests.conftest import FIXTURES
from tests.export.conftest import FAST, TOKEN

EXAMPLE = FIXTURES / "example" / "spec.yaml"
EXAMPLE_SUB = "8f6b6269-84f2-4d09-9e31-1127efcd1e40"
EPOCH = "1767225600"


def subscription(n: int) -> str:
    return f"{n:08x}-84f2-4d09-9e31-1127efcd1e40"


def write_specs(folder: Path, subs: list[str]) -> list[Path]:
    """One copy of the example spec per subscription: the same endpoint name in another
    target; every other subscription keeps the workspace name too (dev beside prod: one
    name in many subscriptions), the rest have their own."""
    folder.mkdir(parents=True, exist_ok=True)
    text = EXAMPLE.read_text(encoding="utf-8")
    paths = []
    for i, sub in enumerate(subs):
        path = folder / f"ep-{i:02d}.yaml"
        text_i = text.replace(EXAMPLE_SUB, sub)
        if i % 2:
            text_i = text_i.replace("mlw-risk-prod", f"mlw-risk-{i:02d}")
        path.write_text(text_i, encoding="utf-8")
        paths.append(path)
    return paths


def deployed(spec_paths: list[Path]) -> list[dict[str, Any]]:
    """What the specs deploy, as GETs return it, plus each spec's workspace."""
    from iac_gen.desired import desired_state
    from iac_gen.emulator.data import served, workspace_body
    from iac_gen.spec.load import load_specs

    bodies: list[dict[str, Any]] = []
    seen: set[str] = set()
    for spec in load_specs(spec_paths):
        bodies.extend(served(r) for r in desired_state(spec).resources)
        t = spec.target
        key = f"{t.subscription}/{t.resource_group}/{t.workspace}"
        if key not in seen:
            seen.add(key)
            bodies.append(
                workspace_body(str(t.subscription), str(t.resource_group), str(t.workspace))
            )
    return bodies


def with_changes(bodies: list[dict[str, Any]], subs: list[str]) -> list[dict[str, Any]]:
    """Drift in the second subscription (green's capacity, no autoscale on green), green
    missing in the third, an unmanaged deployment in the fourth (where there are that many)."""
    out = copy.deepcopy(bodies)

    def find(sub: str, suffix: str) -> dict[str, Any]:
        return next(
            b
            for b in out
            if b["id"].startswith(f"/subscriptions/{sub}/") and b["id"].endswith(suffix)
        )

    if len(subs) > 1:
        find(subs[1], "/deployments/green")["sku"]["capacity"] = 7
    if len(subs) > 2:
        out.remove(find(subs[2], "/deployments/green"))
    if len(subs) > 3:
        extra = copy.deepcopy(find(subs[3], "/deployments/green"))
        extra["id"] = extra["id"].rsplit("/", 1)[0] + "/orange"
        extra["name"] = "orange"
        out.append(extra)
    return out


def _env(emu: Emulator) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        IAC_GEN_ARM_TOKEN=TOKEN,
        REQUESTS_CA_BUNDLE=str(emu.ca_file),
        SSL_CERT_FILE=str(emu.ca_file),
        SOURCE_DATE_EPOCH=EPOCH,
    )
    return env


def iac_gen(args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None):
    return subprocess.run(
        [sys.executable, "-m", "iac_gen", *args],
        env=env or dict(os.environ, SOURCE_DATE_EPOCH=EPOCH),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def export(emu: Emulator, out: Path, subs: list[str], *extra: str):
    args = ["export", "--graph", "-o", str(out), "--arm-endpoint", emu.url, *FAST, *extra]
    for sub in subs:
        args += ["--subscription", sub]
    return iac_gen(args, _env(emu))


def drift(specs: Path, live: Path, report: Path, *extra: str):
    return iac_gen(["drift", str(specs), "--live", str(live), "--report", str(report), *extra])


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
