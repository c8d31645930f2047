"""Fleet drift benchmark: N endpoints x 3 deployments against one live export, beside a floor.

Generates N endpoints into a temporary folder, either as native spec files or as CLI v2 folders
(endpoint.yml, one file per deployment, a local `code: ./src`), and one live file (ARM GET
bodies as `{"value": [...]}`, with server-filled fields and ~1 % of endpoints drifted). Then,
per run, as child processes measured the same way (benchmarks/_measure.py):

- the floor: read every spec file, parse it with libyaml (`yaml.CSafeLoader`), parse the live
  JSON;
- `iac-gen drift SPECS/ --live live.json --report OUT/ --format json`;
- native only: the same with every report format, compared with the json-only run.

Targets (issue 13): drift <= 2.0x its floor; every format <= 1.3x json-only; peak memory at
10,000 endpoints <= 1 GiB (the process tree's summed proportional set size, `_measure.py`). Usage:

    .venv/bin/python benchmarks/bench_fleet_drift.py [--shape native|cliv2] [--endpoints N]
        [--live arm|bundle] [--runs 3] [--phases] [--keep]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import _measure  # benchmarks/_measure.py (this folder is on sys.path as the script's own)

SUB = "8f6b6269-84f2-4d09-9e31-1127efcd1e40"
RG = "rg-fleet"
WS = "mlw-fleet"
WS_ID = (
    f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/"
    f"Microsoft.MachineLearningServices/workspaces/{WS}"
)
EP_TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
DEPLOYMENTS = ("blue", "green", "red")
FORMATS = ("json", "md", "html", "junit", "sarif")

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

CLIV2_ENDPOINT = """$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json
name: {name}
description: Fleet endpoint {i}
auth_mode: aad_token
public_network_access: disabled
tags:
  cost-center: "{cc}"
traffic:
  blue: 80
  green: 20
"""

CLIV2_DEPLOYMENT = """$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json
name: {dep}
endpoint_name: {name}
model: azureml:model-{i}:{v}
environment: azureml:env-{i}:2
code_configuration:
  code: ./src
  scoring_script: score.py
instance_type: Standard_DS3_v2
instance_count: {count}
egress_public_network_access: disabled
request_settings:
  request_timeout_ms: 3000
"""

SCORE = """def init():
    pass


def run(raw):
    return {{"endpoint": {i}}}
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
                        # What the service stores when the PUT omits it (recorded; the
                        # table default `drift/tables.py` cites): in sync, as the rest of an
                        # undrifted endpoint is.
                        "maxQueueWait": "PT0S",
                    },
                    "livenessProbe": None,
                    "readinessProbe": None,
                    "scaleSettings": {"scaleType": "Default"},
                    "provisioningState": "Succeeded",
                },
            }
        )
    return out


def generate(
    root: Path, endpoints: int, shape: str = "native", live_form: str = "arm"
) -> tuple[Path, Path]:
    """N endpoints as native specs (one file each) or CLI v2 folders (endpoint.yml, one file
    per deployment and a local `code: ./src` folder), and the live file they are compared to:
    the ARM GET bodies as `{"value": [...]}`, or (`live_form="bundle"`) the same bodies in
    the export bundle `iac-gen export` writes (schema, read status and digests checked)."""
    specs = root / "specs"
    specs.mkdir()
    bodies: list[dict] = []
    for i in range(endpoints):
        if shape == "cliv2":
            folder = specs / f"ep-{i:05d}"
            (folder / "src").mkdir(parents=True)
            (folder / "src" / "score.py").write_text(SCORE.format(i=i), encoding="utf-8")
            (folder / "endpoint.yml").write_text(
                CLIV2_ENDPOINT.format(name=f"ep-{i:05d}", i=i, cc=4000 + i % 97),
                encoding="utf-8",
            )
            for n, dep in enumerate(DEPLOYMENTS):
                (folder / f"{dep}.yml").write_text(
                    CLIV2_DEPLOYMENT.format(dep=dep, name=f"ep-{i:05d}", i=i, v=3 + n, count=2 + n),
                    encoding="utf-8",
                )
        else:
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
    if live_form == "bundle":
        live.write_text(json.dumps(_bundle(bodies), indent=2), encoding="utf-8")
    else:
        live.write_text(json.dumps({"value": bodies}), encoding="utf-8")
    return specs, live


def _bundle(bodies: list[dict]) -> dict:
    """`bodies` as an export bundle of the fleet's subscription, every body read."""
    from iac_gen.live.bundle import build_bundle

    read = [{"id": b["id"], "type": b["type"], "status": "read"} for b in bodies]
    scope = {"mode": "graph", "subscriptions": [SUB]}
    bundle = build_bundle(
        resources=bodies,
        read=read,
        scope=scope,
        arm_endpoint="https://management.azure.com",
        api_versions={EP_TYPE: "2026-05-01", f"{EP_TYPE}/deployments": "2026-05-01"},
    )
    return bundle


def floor(specs: Path, live: Path) -> None:
    """The floor: read every spec file, parse it with libyaml, parse the live JSON."""
    import os

    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    docs = []
    for dirpath, dirnames, filenames in os.walk(specs):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith((".yml", ".yaml")):
                with open(os.path.join(dirpath, name), "rb") as fh:
                    docs.append(yaml.load(fh.read(), Loader=loader))
    with open(live, "rb") as fh:
        bodies = json.loads(fh.read())
    found = bodies["value"] if "value" in bodies else bodies["resources"]  # ARM or a bundle
    print(f"floor: {len(docs)} YAML files, {len(found)} live bodies")


def phases(specs: Path, live: Path, shape: str) -> None:
    """Where the time goes, stage by stage, in this process (a second, separate run)."""
    import gc

    from iac_gen.desired import desired_state
    from iac_gen.drift import analyse_desired
    from iac_gen.live import read_live
    from iac_gen.report.json import render as drift_json
    from iac_gen.spec.load import load_specs

    clock = time.perf_counter
    started = clock()
    # CLI v2 files name no target; the drift command gives it on its command line (below).
    target = {"subscription": SUB, "resource_group": RG, "workspace": WS, "location": "westeurope"}
    loaded = load_specs([specs], target if shape == "cliv2" else None)
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


def drift_command(specs: Path, live: Path, out: Path, formats: list[str], shape: str) -> list[str]:
    iac_gen = Path(sys.executable).with_name("iac-gen")
    command = [str(iac_gen), "drift", str(specs), "--live", str(live), "--report", str(out)]
    if shape == "cliv2":  # CLI v2 files name no target: the command line gives it
        command += ["--subscription", SUB, "--resource-group", RG, "--workspace", WS]
        command += ["--location", "westeurope"]
    for fmt in formats:
        command += ["--format", fmt]
    return command


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=("native", "cliv2"), default="native")
    parser.add_argument("--endpoints", type=int, help="default: 10,000 native, 2,000 CLI v2")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--live",
        choices=("arm", "bundle"),
        default="arm",
        help="live file: ARM GET bodies (default) or the export bundle `iac-gen export` writes",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    parser.add_argument("--phases", action="store_true", help="also time each stage in-process")
    parser.add_argument(
        "--floor", nargs=2, type=Path, metavar=("SPECS", "LIVE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.floor:
        floor(*args.floor)
        return 0
    endpoints = args.endpoints or (10_000 if args.shape == "native" else 2_000)
    root = Path(tempfile.mkdtemp(prefix="iac-gen-fleet-"))
    try:
        started = time.perf_counter()
        specs, live = generate(root, endpoints, args.shape, args.live)
        if args.keep:  # the same command, for `benchmarks/ab.py` to time against a revision
            again = drift_command(specs, live, root / "out", ["json"], args.shape)[1:]
            print(f"keeping {root}; the command: iac-gen {' '.join(again)}")
        print(
            f"{args.shape} fleet: {endpoints} endpoints x {len(DEPLOYMENTS)} deployments, "
            f"{endpoints * 4} live resources ({args.live}); generated in "
            f"{time.perf_counter() - started:.1f} s"
        )
        label = f"iac-gen drift ({args.shape}, json)"
        for run_no in range(1, args.runs + 1):
            base = _measure.run(_measure.python(__file__, "--floor", str(specs), str(live)))
            _measure.check(base)
            out = root / f"out-{run_no}"
            json_only = _measure.check(
                _measure.run(drift_command(specs, live, out, ["json"], args.shape)), ok=(0, 1)
            )
            print(
                _measure.compare(
                    run_no,
                    label,
                    json_only,
                    "floor (read + libyaml + json)",
                    base,
                    target=2.0,
                    memory_target_mib=1024 if endpoints >= 10_000 else None,
                )
            )
            if args.shape == "native":
                every = _measure.check(
                    _measure.run(
                        drift_command(
                            specs, live, root / f"all-{run_no}", list(FORMATS), args.shape
                        )
                    ),
                    ok=(0, 1),
                )
                print(_measure.line("iac-gen drift (every format)", every))
                formats = every.wall / json_only.wall
                print(
                    f"  every format / json-only: wall {formats:.2f}x  "
                    f"cpu {every.cpu / json_only.cpu:.2f}x; {_measure.at_most(formats, 1.3)}"
                )
                shutil.rmtree(root / f"all-{run_no}", ignore_errors=True)
            sizes = {p.name: p.stat().st_size for p in sorted(out.iterdir())}
            shutil.rmtree(out, ignore_errors=True)
        print(
            "  outputs (json-only): " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items())
        )
        if args.phases:
            phases(specs, live, args.shape)
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
