"""Scrub a fleet of live bodies (N endpoints + 3 deployments each) in process; print timings.

Every live body the readers and the exporter keep passes through `iac_gen.live.secrets.scrub`
(a redacted deep copy). Three runs; each times, over the same bodies:
- the floor: `json.loads(json.dumps(body))` per body, the least a deep copy of JSON costs (C);
- `scrub` (the fast walk) and the reference walk it must agree with (`withhold_reference`),
  so the speed-up is measured in the same run;
then one pass each under `tracemalloc` for the peak memory they allocate (every copy is
kept, as the readers keep them).

The bodies are shaped like ARM GET bodies of managed online endpoints and deployments
(`fixtures/live-arm/`): `keys: null`, traffic maps, `properties.properties` with an
`api-version=` query string, environment variables with references and a few secrets.

    .venv/bin/python benchmarks/bench_scrub.py [--endpoints N] [--runs R]

The reference walk shares `secret_value_kind` with the fast walk, so part of the speed-up
(trying only the patterns a value can match) shows in both; the code before is timed by
running this file against the older package (see `withhold_reference` below).
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from iac_gen import secrets
from iac_gen.live.secrets import scrub

# Before the fast walk `withhold` was the reference walk: run this file with the older package
# first on PYTHONPATH (`git archive BASE iac_gen | tar -x -C OLD`) to time the code it replaced.
withhold_reference = getattr(secrets, "withhold_reference", secrets.withhold)

SUB = "/subscriptions/8f6b6269-84f2-4d09-9e31-1127efcd1e40/resourceGroups/rg-mlops-prod"
WS_ID = f"{SUB}/providers/Microsoft.MachineLearningServices/workspaces/mlw-risk-prod"
EP_TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
OPERATION = (
    "https://management.azure.com/subscriptions/8f6b6269-84f2-4d09-9e31-1127efcd1e40/providers/"
    "Microsoft.MachineLearningServices/locations/westeurope/mfeOperationsStatus/oe:{i:08x}"
    "?api-version=2023-04-01-preview"
)
SYSTEM_DATA = {
    "createdAt": "2026-01-05T09:30:00.0000000Z",
    "createdBy": "release-pipeline@contoso.com",
    "createdByType": "User",
    "lastModifiedAt": "2026-01-05T09:30:00.0000000Z",
    "lastModifiedBy": "release-pipeline@contoso.com",
    "lastModifiedByType": "User",
}
PROBE = {
    "failureThreshold": 30,
    "initialDelay": "PT10S",
    "period": "PT10S",
    "successThreshold": 1,
    "timeout": "PT2S",
}


def endpoint(i: int) -> dict[str, Any]:
    name = f"ep-{i:05d}"
    ep_id = f"{WS_ID}/onlineEndpoints/{name}"
    return {
        "id": ep_id,
        "identity": {
            "principalId": f"{i:08x}-20b3-98e8-5a5e-c2518146aad5",
            "type": "SystemAssigned",
        },
        "kind": "Managed",
        "location": "westeurope",
        "name": name,
        "properties": {
            "authMode": "AADToken",
            "description": f"Scores credit applications ({i})",
            "keys": None,
            "mirrorTraffic": {"green": 10},
            "properties": {
                "AzureAsyncOperationUri": OPERATION.format(i=i),
                "azureml.onlineendpointid": ep_id.lower(),
            },
            "provisioningState": "Succeeded",
            "publicNetworkAccess": "Disabled",
            "scoringUri": f"https://{name}.westeurope.inference.ml.azure.com/score",
            "swaggerUri": f"https://{name}.westeurope.inference.ml.azure.com/swagger.json",
            "traffic": {"blue": 80, "green": 20, "red": 0},
        },
        "systemData": dict(SYSTEM_DATA),
        "tags": {"cost-center": str(4000 + i % 97), "owner": "risk-team"},
        "type": EP_TYPE,
    }


def deployment(i: int, n: int, dep: str) -> dict[str, Any]:
    ep_id = f"{WS_ID}/onlineEndpoints/ep-{i:05d}"
    env = {
        "WORKER_COUNT": str(1 + n),
        "LOG_LEVEL": "info",
        "MODEL_DIR": "/var/azureml-app/model",
        "FEATURE_STORE_URL": "https://features.contoso.com/v2",
        "MAX_TOKENS": "4096",
        "OPENAI_KEY": "${{azureml://connections/aoai/credentials/key}}",
        "TOKEN_CACHE_ENABLED": "true",
    }
    if i % 100 == 0 and n == 0:  # one deployment in 300 holds a pasted secret
        env["STORAGE"] = "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=K0x9=="
    return {
        "id": f"{ep_id}/deployments/{dep}",
        "identity": {"type": "None"},
        "kind": "Managed",
        "location": "westeurope",
        "name": dep,
        "properties": {
            "appInsightsEnabled": True,
            "codeConfiguration": {
                "codeId": f"{WS_ID}/codes/code-{i}/versions/{n + 1}",
                "scoringScript": "score.py",
            },
            "description": "",
            "egressPublicNetworkAccess": "Disabled",
            "endpointComputeType": "Managed",
            "environmentId": f"{WS_ID}/environments/sklearn-env/versions/{7 + n}",
            "environmentVariables": env,
            "instanceType": "Standard_DS3_v2",
            "livenessProbe": dict(PROBE),
            "model": f"{WS_ID}/models/fraud-model-{i}/versions/{3 + n}",
            "properties": {"AzureAsyncOperationUri": OPERATION.format(i=i * 4 + n)},
            "provisioningState": "Succeeded",
            "readinessProbe": dict(PROBE),
            "requestSettings": {
                "maxConcurrentRequestsPerInstance": 1,
                "maxQueueWait": "PT0S",
                "requestTimeout": "PT5S",
            },
            "scaleSettings": {"scaleType": "Default"},
        },
        "sku": {"capacity": 2 + n, "name": "Default", "tier": "Standard"},
        "systemData": dict(SYSTEM_DATA),
        "tags": {},
        "type": f"{EP_TYPE}/deployments",
    }


def fleet(endpoints: int) -> list[dict[str, Any]]:
    """The bodies of `endpoints` endpoints, each with blue, green and red deployments; parsed
    from JSON text like the readers' input, so no two bodies share an object."""
    bodies: list[dict[str, Any]] = []
    for i in range(endpoints):
        bodies.append(endpoint(i))
        bodies.extend(deployment(i, n, dep) for n, dep in enumerate(("blue", "green", "red")))
    return json.loads(json.dumps(bodies))


def floor_copy(bodies: list[dict[str, Any]]) -> list[Any]:
    return [json.loads(json.dumps(body)) for body in bodies]


def scrub_all(bodies: list[dict[str, Any]]) -> list[Any]:
    return [scrub(body) for body in bodies]


def reference_all(bodies: list[dict[str, Any]]) -> list[Any]:
    """What `scrub` did before the fast walk: the same call on the reference walk."""
    return [withhold_and_found(body) for body in bodies]


def timed(action: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def peak_mib(action: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / (1 << 20)
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    bodies = fleet(args.endpoints)
    same = all(scrub(b) == withhold_and_found(b) for b in bodies)
    print(f"{len(bodies)} live bodies; scrub agrees with the reference walk: {same}")
    actions = {
        "floor (json round trip)": lambda: floor_copy(bodies),
        "scrub": lambda: scrub_all(bodies),
        "reference walk": lambda: reference_all(bodies),
    }
    for run_no in range(1, args.runs + 1):
        print(f"run {run_no}")
        times = {label: timed(action) for label, action in actions.items()}
        floor_wall, floor_cpu = times["floor (json round trip)"]
        for label, (wall, cpu) in times.items():
            print(
                f"  {label:24s} wall {wall:6.2f} s  cpu {cpu:6.2f} s  "
                f"ratio wall {wall / floor_wall:5.2f}x  cpu {cpu / floor_cpu:5.2f}x"
            )
        if withhold_reference is not secrets.withhold:
            (new, new_cpu), (old, old_cpu) = times["scrub"], times["reference walk"]
            print(f"  reference walk / scrub: wall {old / new:.2f}x  cpu {old_cpu / new_cpu:.2f}x")
    peaks = {label: peak_mib(action) for label, action in actions.items()}
    print(
        "peak allocated (tracemalloc): " + ", ".join(f"{k} {v:.1f} MiB" for k, v in peaks.items())
    )


def withhold_and_found(body: dict[str, Any]) -> tuple[Any, list[str]]:
    removed: list[str] = []
    return withhold_reference(body, drop=True, found=removed.append), removed


if __name__ == "__main__":
    main()
