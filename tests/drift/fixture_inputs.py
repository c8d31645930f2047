"""Rebuild the live inputs of the drift golden cases (`fixtures/drift-*/live.json`).

Each case's live state is its spec's own desired state as Azure returns it (server-filled
fields added by `builders.as_live`), then edited the way the case describes. Run from the
repository root after a reviewed change to the desired state, then regenerate the goldens:

    .venv/bin/python -m tests.drift.fixture_inputs
    .venv/bin/pytest tests/drift --update-golden
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

from iac_gen.desired import desired_state
from iac_gen.emulator.data import served
from iac_gen.live.bundle import build_bundle
from iac_gen.spec.load import load_specs
from tests.drift.builders import as_live

F = Path("fixtures")
SPEC = """# yaml-language-server: $schema=../../schemas/spec.schema.json
target:
  subscription: 8f6b6269-84f2-4d09-9e31-1127efcd1e40
  resource_group: rg-mlops-prod
  workspace: mlw-risk-prod
  location: westeurope
name: {name}
description: Scores card transactions for fraud.
auth_mode: aad_token
public_network_access: disabled
tags:
  cost-center: "4711"
traffic:
{traffic}
{extra}
deployments:
  - name: blue
    model: azureml:fraud-model:3
    environment: azureml:fraud-env:5
    code_configuration:
      code: azureml:fraud-code:3
      scoring_script: score.py
    instance_type: Standard_DS3_v2
    instance_count: 3
    egress_public_network_access: disabled
  - name: green
    model: azureml:fraud-model:4
    environment: azureml:fraud-env:5
    code_configuration:
      code: azureml:fraud-code:4
      scoring_script: score.py
    instance_type: Standard_DS3_v2
    instance_count: 1
    egress_public_network_access: disabled
"""


AUTOSCALE = """autoscale:
  blue:
    min_instances: 2
    max_instances: 6
    default_instances: 3
    rules:
      - {metric: cpu, operator: ">", threshold: 70, direction: out, change: 1}
      - {metric: cpu, operator: "<", threshold: 30, direction: in, change: 1}
  green:
    min_instances: 1
    max_instances: 3
    default_instances: 1
    rules:
      - {metric: cpu, operator: ">", threshold: 70, direction: out, change: 1}
      - {metric: cpu, operator: "<", threshold: 30, direction: in, change: 1}
"""


WAIVERS = """# Accepted drift for fraud-scoring; each waiver has an owner, a reason and an end date.
waivers:
  - id: W-001
    resource: fraud-scoring/blue
    field: deployments.blue.instance_count
    reason: Capacity raised by hand during incident INC-881 until the autoscale rule ships
    approver: sre-lead@contoso.com
    ticket: CHG-20419
    expires: 2036-12-31
  - id: W-002
    resource: fraud-scoring
    field: tags.*
    reason: Finance re-tagged the endpoint for the Q1 budget review
    approver: finance-ops@contoso.com
    ticket: CHG-20001
    expires: 2026-03-31
  - id: W-003
    resource: other-endpoint/*
    field: "*"
    reason: Decommissioning; kept until the migration finishes
    approver: head-of-risk-models@contoso.com
    ticket: null
    expires: 2037-01-31
"""


LAW = (
    "/subscriptions/8f6b6269-84f2-4d09-9e31-1127efcd1e40/resourceGroups/rg-observability/"
    "providers/Microsoft.OperationalInsights/workspaces/law-risk-prod"
)
MONITORING = f"monitoring:\n  log_analytics_workspace: {LAW}\n"
COMPANIONS = ("microsoft.insights/autoscalesettings", "microsoft.insights/diagnosticsettings")
API_VERSIONS = {
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints": "2026-05-01",
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments": "2026-05-01",
    "Microsoft.Insights/autoscalesettings": "2022-10-01",
    "Microsoft.Insights/diagnosticSettings": "2021-05-01-preview",
}


def spec_text(name="fraud-scoring", traffic=None, extra=""):
    traffic = traffic or {"blue": 100}
    t = "\n".join(f"  {k}: {v}" for k, v in traffic.items())
    return SPEC.format(name=name, traffic=t, extra=extra)


def live_of(paths, overrides=None):
    out = []
    for spec in load_specs([Path(p) for p in paths], overrides):
        for body in desired_state(spec).resources:
            if "onlineEndpoints" in body["type"]:
                out.append(as_live(body))
    return out


def served_of(paths, overrides=None):
    """Endpoint, deployments, autoscale and diagnostic settings as GET returns them (alerts
    and role assignments are not exported)."""
    out = []
    for spec in load_specs([Path(p) for p in paths], overrides):
        for body in desired_state(spec).resources:
            if "onlineEndpoints" in body["type"]:
                out.append(as_live(body))
            elif body["type"].lower() in COMPANIONS:
                out.append(served(json.loads(json.dumps(body))))
    return out


def export_bundle(bodies, scope):
    """An export bundle of `bodies`, every one read, dated like the other fixtures."""
    bundle = build_bundle(
        resources=bodies,
        read=[{"id": b["id"], "type": b["type"], "status": "read"} for b in bodies],
        scope=scope,
        arm_endpoint="https://management.azure.com",
        api_versions=API_VERSIONS,
    )
    bundle["exported_at"] = "2026-09-20T08:00:00Z"
    return json.dumps(bundle, indent=2, sort_keys=True) + "\n"


def find(bodies, suffix):
    for b in bodies:
        if b["id"].lower().endswith(suffix.lower()):
            return b
    raise KeyError(suffix)


def write_live(case, bodies):
    (case / "live.json").write_text(json.dumps({"value": bodies}, indent=2, sort_keys=True) + "\n")


def write_case(case, **cfg):
    (case / "case.json").write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")


def fresh(name):
    """The case folder, created if needed; its expected/ goldens are left alone."""
    case = F / f"drift-{name}"
    case.mkdir(exist_ok=True)
    return case


def example_export() -> None:
    """`fixtures/example/live.json`: the bundled example as `iac-gen export` would write it
    (endpoint, deployments, the autoscale setting and the diagnostic setting)."""
    (spec,) = load_specs([F / "example" / "spec.yaml"])
    bodies = served_of([F / "example" / "spec.yaml"])
    scope = {
        "mode": "workspace",
        "subscriptions": [spec.target.subscription],
        "resource_group": spec.target.resource_group,
        "workspace": spec.target.workspace,
        "endpoint": None,
    }
    (F / "example" / "live.json").write_text(export_bundle(bodies, scope), encoding="utf-8")


def main() -> None:
    example_export()
    # example in sync
    case = F / "drift-example-in-sync"
    write_live(case, live_of([case / "spec.yaml"]))
    write_case(case, exit=0)

    # drifted
    case = fresh("drifted")
    (case / "spec.yaml").write_text(spec_text())
    live = live_of([case / "spec.yaml"])
    ep = find(live, "/fraud-scoring")
    ep["properties"]["authMode"] = "Key"
    ep["properties"]["traffic"] = {"blue": 80, "red": 20}
    ep["tags"]["cost-center"] = "9999"
    find(live, "/blue")["sku"]["capacity"] = 5
    green = find(live, "/green")
    live.remove(green)
    red = copy.deepcopy(find(live, "/blue"))
    red["id"] = red["id"][: -len("blue")] + "red"
    red["name"] = "red"
    red["properties"]["model"] = red["properties"]["model"].replace("versions/3", "versions/9")
    live.append(red)
    write_live(case, live)
    write_case(case, exit=1)

    # waived + expired waiver
    case = fresh("waived")
    (case / "spec.yaml").write_text(spec_text())
    live = live_of([case / "spec.yaml"])
    find(live, "/blue")["sku"]["capacity"] = 5
    find(live, "/fraud-scoring")["tags"]["cost-center"] = "9999"
    write_live(case, live)
    (case / "waivers.yaml").write_text(WAIVERS)
    write_case(case, exit=1, waivers="waivers.yaml")

    # not checked
    case = fresh("not-checked")
    (case / "spec.yaml").write_text(spec_text())
    live = live_of([case / "spec.yaml"])
    green = find(live, "/green")
    live.remove(green)
    bundle = build_bundle(
        resources=live,
        read=[{"id": b["id"], "type": b["type"], "status": "read"} for b in live]
        + [
            {
                "id": green["id"],
                "type": green["type"],
                "status": "not_checked",
                "reason": (
                    "403 AuthorizationFailed: the export identity may not read this deployment"
                ),
            }
        ],
        scope={
            "mode": "workspace",
            "subscriptions": ["8f6b6269-84f2-4d09-9e31-1127efcd1e40"],
            "resource_group": "rg-mlops-prod",
            "workspace": "mlw-risk-prod",
        },
        arm_endpoint="https://management.azure.com",
        api_versions={"Microsoft.MachineLearningServices/workspaces/onlineEndpoints": "2026-05-01"},
    )
    bundle["exported_at"] = "2026-09-20T08:00:00Z"
    (case / "live.json").write_text(json.dumps(bundle, indent=2, sort_keys=True) + "\n")
    write_case(case, exit=3)

    # policies: traffic sum (two specs in a folder: one shifted in range, one with a changed set)
    case = fresh("policies-sum")
    (case / "spec").mkdir(exist_ok=True)
    (case / "spec" / "fraud-a.yaml").write_text(
        spec_text("fraud-a", {"blue": 70, "green": 30}, "policies:\n  traffic: sum\n")
    )
    (case / "spec" / "fraud-b.yaml").write_text(
        spec_text("fraud-b", {"blue": 50, "green": 50}, "policies:\n  traffic: sum\n")
    )
    live = live_of([case / "spec"])
    find(live, "/fraud-a")["properties"]["traffic"] = {"blue": 40, "green": 60}
    find(live, "/fraud-b")["properties"]["traffic"] = {"blue": 100, "green": 0}
    write_live(case, live)
    write_case(case, exit=1, spec="spec")

    # autoscale-owned instance count
    case = fresh("autoscale")
    auto = AUTOSCALE
    (case / "spec.yaml").write_text(spec_text(extra=auto))
    live = live_of([case / "spec.yaml"])
    find(live, "/blue")["sku"]["capacity"] = 5
    find(live, "/green")["sku"]["capacity"] = 4
    write_live(case, live)
    write_case(case, exit=1)

    # local code folder: not comparable (CLI v2 files)
    case = fresh("local-code")
    for name in ("endpoint.yml", "blue.yml", "green.yml"):
        shutil.copy(F / "cliv2-basic" / name, case / name)
    shutil.copytree(F / "cliv2-basic" / "src", case / "src", dirs_exist_ok=True)
    target = {
        "subscription": "8f6b6269-84f2-4d09-9e31-1127efcd1e40",
        "resource_group": "rg-payments",
        "workspace": "mlw-payments",
        "location": "westeurope",
    }
    live = live_of([case], target)
    for dep in ("blue", "green"):
        body = find(live, "/" + dep)
        body["properties"]["codeConfiguration"]["codeId"] = (
            "/subscriptions/8f6b6269-84f2-4d09-9e31-1127efcd1e40/resourceGroups/rg-payments/providers/"
            "Microsoft.MachineLearningServices/workspaces/mlw-payments/codes/"
            f"6a1f3c2e-{dep}-4f1e-9d57-3c1a2b4d5e6f/versions/1"
        )
    write_live(case, live)
    write_case(case, exit=0, spec=".", target=target)

    # noise that must not be reported
    case = fresh("noise")
    shutil.copy(F / "example" / "spec.yaml", case / "spec.yaml")
    live = live_of([case / "spec.yaml"])
    ep = find(live, "/credit-scoring")
    ep["id"] = (
        ep["id"]
        .replace("resourceGroups", "resourcegroups")
        .replace("onlineEndpoints", "onlineendpoints")
    )
    ep["type"] = ep["type"].lower()
    ep["location"] = "West Europe"
    ep["properties"]["authMode"] = "aadtoken"
    ep["properties"]["publicNetworkAccess"] = "disabled"
    ep["properties"]["traffic"] = {"Blue": 100, "green": 0}
    ep["properties"]["mirrorTraffic"] = {"GREEN": 10, "blue": 0}
    ep["tags"] = {k.upper() if k == "cost-center" else k: v for k, v in ep["tags"].items()}
    ep["sku"] = {"name": "Default", "tier": "Standard"}
    ep["etag"] = '"0x8DCFFEE"'
    blue = find(live, "/blue")
    blue["properties"]["requestSettings"]["requestTimeout"] = "PT3.000S"
    blue["properties"]["requestSettings"]["maxQueueWait"] = (
        "PT0S"  # what the service stores when omitted (recorded)
    )
    blue["properties"]["livenessProbe"]["initialDelay"] = "PT0.5M"
    blue["properties"]["model"] = "azureml:credit-model:7"
    blue["properties"]["environmentId"] = (
        blue["properties"]["environmentId"].upper().replace("/SUBSCRIPTIONS", "/subscriptions")
    )
    blue["properties"]["instanceType"] = "standard_ds3_v2"
    blue["properties"]["appInsightsEnabled"] = True
    blue["properties"]["egressPublicNetworkAccess"] = "disabled"
    blue["properties"]["scaleSettings"] = {"scaleType": "default"}
    green = find(live, "/green")
    green["properties"]["readinessProbe"] = {
        "initialDelay": "PT10S",
        "period": "PT10S",
        "timeout": "PT2S",
        "successThreshold": 1,
        "failureThreshold": 30,
    }
    green["properties"]["livenessProbe"] = {
        "initialDelay": "PT10S",
        "period": "PT10S",
        "timeout": "PT2S",
        "successThreshold": 1,
        "failureThreshold": 30,
    }
    green["properties"]["requestSettings"]["maxQueueWait"] = (
        "PT0S"  # what the service stores when omitted (recorded)
    )
    green["properties"]["startupProbe"] = None
    green["properties"]["dataCollector"] = None
    green["identity"] = {"type": "None"}
    write_live(case, live)
    write_case(case, exit=0)

    # autoscale changed by hand: blue's range and a rule, green's setting switched off
    case = fresh("autoscale-changed")
    (case / "spec.yaml").write_text(spec_text(extra=AUTOSCALE))
    live = served_of([case / "spec.yaml"])
    blue = find(live, "/fraud-scoring-blue-autoscale")
    blue["properties"]["profiles"][0]["capacity"]["maximum"] = "10"
    blue["properties"]["profiles"][0]["rules"][0]["metricTrigger"]["threshold"] = 85
    find(live, "/fraud-scoring-green-autoscale")["properties"]["enabled"] = False
    write_live(case, live)
    write_case(case, exit=1)

    # diagnostic setting removed; a portal-made one sends the logs to a storage account only
    case = fresh("diagnostics-removed")
    (case / "spec.yaml").write_text(spec_text(extra=MONITORING))
    live = served_of([case / "spec.yaml"])
    designed = find(live, "/send-to-log-analytics")
    live.remove(designed)
    portal = copy.deepcopy(designed)
    portal["id"] = designed["id"].rsplit("/", 1)[0] + "/archive-to-storage"
    portal["name"] = "archive-to-storage"
    portal["properties"]["workspaceId"] = None
    portal["properties"]["storageAccountId"] = (
        "/subscriptions/8f6b6269-84f2-4d09-9e31-1127efcd1e40/resourceGroups/rg-archive/providers/"
        "Microsoft.Storage/storageAccounts/starchive"
    )
    live.append(portal)
    scope = {
        "mode": "workspace",
        "subscriptions": ["8f6b6269-84f2-4d09-9e31-1127efcd1e40"],
        "resource_group": "rg-mlops-prod",
        "workspace": "mlw-risk-prod",
        "endpoint": None,
    }
    (case / "live.json").write_text(export_bundle(live, scope))
    write_case(case, exit=1)

    # security-relevant live-only values
    case = fresh("security-live-only")
    (case / "spec.yaml").write_text(spec_text())
    live = live_of([case / "spec.yaml"])
    ep = find(live, "/fraud-scoring")
    uai = (
        "/subscriptions/8f6b6269-84f2-4d09-9e31-1127efcd1e40/resourceGroups/rg-shared/providers/"
        "Microsoft.ManagedIdentity/userAssignedIdentities/uai-broad-reader"
    )
    ep["identity"]["type"] = "SystemAssigned,UserAssigned"
    ep["identity"]["userAssignedIdentities"] = {
        uai: {
            "principalId": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
            "clientId": "ffffffff-1111-2222-3333-444444444444",
        }
    }
    find(live, "/green")["properties"]["egressPublicNetworkAccess"] = "Enabled"
    write_live(case, live)
    write_case(case, exit=1)


if __name__ == "__main__":
    main()
