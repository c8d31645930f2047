"""Fleet drift benchmark: N endpoints x 3 deployments against one live export.

Generates N native spec files and one live file (ARM GET bodies as `{"value": [...]}`, with
server-filled fields and ~1 % of endpoints drifted) into a temporary folder, then runs the
real command in a child process and prints its wall time and peak memory:

    iac-gen drift SPECS/ --live live.json --report OUT/ [--format ...]

Target (issue): 10,000 endpoints x 3 deployments in <= 10 s and <= 1.5 GB peak RSS on the
2-core reference machine. Usage:

    .venv/bin/python benchmarks/bench_fleet_drift.py [--endpoints 10000] [--format json] [--keep]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SUB = "8f6b6269-84f2-4d09-9e31-1127efcd1e40"
RG = "rg-fleet"
WS = "mlw-fleet"
WS_ID = (
    f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/"
    f"Microsoft.MachineLearningServices/workspaces/{WS}"
)
EP_TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
DEPLOYMENTS = ("blue", "green", "red")

SPEC = """target:
  subscription: {sub}
  resource_group: {rg}
  workspace: {ws}
  location: westeurope
name: {name}
description: Fleet endpoint {i}
auth_mode: aad_token
public_network_access: disabled
tags:
  cost-center: "{cc}"
traffic:
  blue: 80
  green: 20
deployments:
{deployments}"""

DEPLOYMENT = """  - name: {dep}
    model: azureml:model-{i}:{v}
    environment: azureml:env-{i}:2
    code_configuration:
      code: azureml:code-{i}:{v}
      scoring_script: score.py
    instance_type: Standard_DS3_v2
    instance_count: {count}
    egress_public_network_access: disabled
    request_settings:
      request_timeout_ms: 3000
"""

SYSTEM_DATA = {
    "createdAt": "2026-01-01T12:00:00Z",
    "createdBy": "pipeline@contoso.com",
    "createdByType": "Application",
    "lastModifiedAt": "2026-01-02T12:00:00Z",
    "lastModifiedBy": "pipeline@contoso.com",
    "lastModifiedByType": "Application",
}


def asset(collection: str, name: str, version: int) -> str:
    return f"{WS_ID}/{collection}/{name}/versions/{version}"


def live_bodies(i: int, drifted: bool) -> list[dict]:
    name = f"ep-{i:05d}"
    ep_id = f"{WS_ID}/onlineEndpoints/{name}"
    endpoint = {
        "id": ep_id,
        "name": name,
        "type": EP_TYPE,
        "kind": "Managed",
        "location": "westeurope",
        "tags": {"cost-center": str(4000 + i % 97)},
        "identity": {"type": "SystemAssigned", "principalId": "p", "tenantId": "t"},
        "systemData": SYSTEM_DATA,
        "properties": {
            "authMode": "Key" if drifted else "AADToken",
            "description": f"Fleet endpoint {i}",
            "publicNetworkAccess": "Disabled",
            "traffic": {"blue": 80, "green": 20, "red": 0},
            "provisioningState": "Succeeded",
            "scoringUri": f"https://{name}.westeurope.inference.ml.azure.com/score",
            "swaggerUri": f"https://{name}.westeurope.inference.ml.azure.com/swagger.json",
            "properties": {
                "AzureAsyncOperationUri": "https://x",
                "azureml.onlineendpointid": ep_id.lower(),
            },
        },
    }
    out = [endpoint]
    for n, dep in enumerate(DEPLOYMENTS):
        out.append(
            {
                "id": f"{ep_id}/deployments/{dep}",
                "name": dep,
                "type": f"{EP_TYPE}/deployments",
                "kind": "Managed",
                "location": "westeurope",
                "tags": {},
                "systemData": SYSTEM_DATA,
                "sku": {
                    "name": "Default",
                    "tier": "Standard",
                    "capacity": 2 + n + (1 if drifted else 0),
                },
                "properties": {
                    "endpointComputeType": "Managed",
                    "model": asset("models", f"model-{i}", 3 + n),
                    "environmentId": asset("environments", f"env-{i}", 2),
                    "codeConfiguration": {
                        "codeId": asset("codes", f"code-{i}", 3 + n),
                        "scoringScript": "score.py",
                    },
                    "instanceType": "Standard_DS3_v2",
                    "appInsightsEnabled": False,
                    "egressPublicNetworkAccess": "Disabled",
                    "requestSettings": {
                        "requestTimeout": "PT3S",
                        "maxConcurrentRequestsPerInstance": 1,
                        "maxQueueWait": "PT0.5S",
                    },
                    "livenessProbe": None,
                    "readinessProbe": None,
                    "scaleSettings": {"scaleType": "Default"},
                    "provisioningState": "Succeeded",
                },
            }
        )
    return out


def generate(root: Path, endpoints: int) -> tuple[Path, Path]:
    specs = root / "specs"
    specs.mkdir()
    bodies: list[dict] = []
    for i in range(endpoints):
        deps = "".join(
            DEPLOYMENT.format(dep=dep, i=i, v=3 + n, count=2 + n)
            for n, dep in enumerate(DEPLOYMENTS)
        )
        text = SPEC.format(
            sub=SUB, rg=RG, ws=WS, name=f"ep-{i:05d}", i=i, cc=4000 + i % 97, deployments=deps
        )
        (specs / f"ep-{i:05d}.yaml").write_text(text, encoding="utf-8")
        bodies.extend(live_bodies(i, drifted=i % 100 == 0))
    live = root / "live.json"
    live.write_text(json.dumps({"value": bodies}), encoding="utf-8")
    return specs, live


def phases(specs: Path, live: Path) -> None:
    """Where the time goes, stage by stage, in this process (a second, separate run)."""
    import gc

    from iac_gen.desired import desired_state
    from iac_gen.drift import analyse_desired
    from iac_gen.live import read_live
    from iac_gen.report.json import render as drift_json
    from iac_gen.spec.load import load_specs

    clock = time.perf_counter
    started = clock()
    loaded = load_specs([specs])
    t_specs = clock()
    states = [(spec, desired_state(spec)) for spec in loaded]
    t_desired = clock()
    state = read_live(live)
    t_live = clock()
    result = analyse_desired(states, state)
    t_drift = clock()
    text = drift_json(result)
    t_json = clock()
    gc.collect()
    print(
        f"phases        load_specs {t_specs - started:.2f} s, desired_state "
        f"{t_desired - t_specs:.2f} s, read_live {t_live - t_desired:.2f} s, drift pipeline "
        f"{t_drift - t_live:.2f} s, drift.json {t_json - t_drift:.2f} s "
        f"({len(text) / 1e6:.0f} MB)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=int, default=10_000)
    parser.add_argument("--format", action="append", default=[], help="passed to --format")
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    parser.add_argument("--phases", action="store_true", help="also time each stage in-process")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="iac-gen-fleet-"))
    try:
        started = time.perf_counter()
        specs, live = generate(root, args.endpoints)
        print(
            f"generated {args.endpoints} specs + {args.endpoints * 4} live resources "
            f"in {time.perf_counter() - started:.1f} s ({root})"
        )
        iac_gen = Path(sys.executable).with_name("iac-gen")
        command = [
            str(iac_gen),
            "drift",
            str(specs),
            "--live",
            str(live),
            "--report",
            str(root / "out"),
        ]
        for fmt in args.format:
            command += ["--format", fmt]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        wall = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_kib = usage.ru_maxrss
        cpu = (usage.ru_utime - before.ru_utime) + (usage.ru_stime - before.ru_stime)
        print("\n".join(done.stdout.splitlines()[:4]))
        if done.returncode not in (0, 1):
            print(done.stderr, file=sys.stderr)
            return 2
        sizes = {p.name: p.stat().st_size for p in sorted((root / "out").iterdir())}
        print(f"exit code     {done.returncode} (1 expected: ~1 % of endpoints drifted)")
        print(f"wall time     {wall:.2f} s (target <= 10 s)")
        print(f"peak RSS      {peak_kib / 1024:.0f} MiB (target <= 1536 MiB)")
        # On a shared machine wall time swings with the neighbours; CPU time much less so.
        print(f"CPU time      {cpu:.2f} s (user + system, both processes of the run)")
        print("outputs       " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items()))
        if args.phases:
            phases(specs, live)
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
