"""Fleet mode: Resource Graph paging with skip tokens, quota headers, ARM fill-in GETs."""

from __future__ import annotations

import re
from pathlib import Path

from iac_gen.emulator import Emulator, Fault
from iac_gen.emulator.data import fleet
from tests.export.conftest import FAST, TOKEN, run_export

SUBS = (
    "00000000-0000-4000-8000-000000000001",
    "00000000-0000-4000-8000-000000000002",
    "00000000-0000-4000-8000-000000000003",
)


def _fleet() -> list[dict]:
    return fleet(subscriptions=SUBS, endpoints=2, deployments_per_endpoint=2)


def _sub_args(subs: tuple[str, ...] = SUBS) -> list[str]:
    args: list[str] = []
    for sub in subs:
        args += ["--subscription", sub]
    return args


def test_graph_pages_with_skip_tokens_and_respects_quota(tmp_path: Path) -> None:
    with Emulator(
        _fleet(), token=TOKEN, graph_page_size=4, graph_quota=2, graph_quota_window=0.3
    ) as emu:
        run = run_export(
            emu, tmp_path / "fleet.json", "--graph", *_sub_args(), *FAST, workspace_scope=False
        )
        emu.assert_only_allowed()
        posts = [r for r in emu.records if r.method == "POST"]
        rejections = emu.graph_quota_rejections
    assert run.code == 0, run.stderr
    # 3 subs x (1 ws + 2 ep + 4 dep + 2 autoscale) = 27 rows -> 7 pages of 4
    assert len(posts) == 7
    assert all(p.status == 200 for p in posts)
    assert rejections == 0, "the exporter must wait when x-ms-user-quota-remaining hits 0"
    waits = re.search(r"resource graph: 27 rows, (\d+) quota waits", run.stderr)
    assert waits and int(waits.group(1)) >= 3  # at least after queries 2, 4 and 6
    types = [r["type"] for r in run.bundle["resources"]]
    assert types.count("Microsoft.MachineLearningServices/workspaces/onlineEndpoints") == 6
    assert (
        types.count("Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments")
        == 12
    )
    assert types.count("Microsoft.Insights/diagnosticSettings") == 6
    assert run.bundle["scope"]["mode"] == "graph"
    assert run.bundle["scope"]["subscriptions"] == list(SUBS)
    # Resource Graph columns are not ARM fields; types come back in ARM casing
    dep = next(r for r in run.bundle["resources"] if r["type"].endswith("/deployments"))
    assert "subscriptionId" not in dep and "resourceGroup" not in dep and "tenantId" not in dep


def test_graph_rows_without_properties_are_filled_by_arm_gets(tmp_path: Path) -> None:
    with Emulator(_fleet(), token=TOKEN, graph_properties="partial") as emu:
        run = run_export(
            emu,
            tmp_path / "fleet.json",
            "--graph",
            *_sub_args(SUBS[:1]),
            *FAST,
            workspace_scope=False,
        )
        emu.assert_only_allowed()
        gets = [r.path for r in emu.records if r.method == "GET"]
    assert run.code == 0, run.stderr
    assert sum(1 for p in gets if "/deployments/" in p) == 4
    dep = next(r for r in run.bundle["resources"] if r["type"].endswith("/deployments"))
    assert dep["properties"]["endpointComputeType"] == "Managed"
    assert dep["properties"]["requestSettings"]["requestTimeout"] == "PT5S"
    ep = next(r for r in run.bundle["resources"] if r["type"].endswith("/onlineEndpoints"))
    assert ep["properties"]["authMode"] == "AADToken"


def test_graph_full_rows_need_no_resource_gets(tmp_path: Path) -> None:
    with Emulator(_fleet(), token=TOKEN) as emu:
        run = run_export(
            emu,
            tmp_path / "fleet.json",
            "--graph",
            *_sub_args(SUBS[:1]),
            *FAST,
            workspace_scope=False,
        )
        gets = [r.path for r in emu.records if r.method == "GET"]
    assert run.code == 0
    assert all(p.endswith("/diagnosticSettings") for p in gets)


def test_graph_failure_marks_the_query_not_checked(tmp_path: Path) -> None:
    faults = [Fault(path="resourcegraph", status=403)]
    with Emulator(_fleet(), token=TOKEN, faults=faults) as emu:
        run = run_export(
            emu,
            tmp_path / "fleet.json",
            "--graph",
            *_sub_args(SUBS[:1]),
            *FAST,
            workspace_scope=False,
        )
        emu.assert_only_allowed()
    assert run.code == 3
    assert run.bundle["errors"] == [
        {
            "id": "/providers/Microsoft.ResourceGraph/resources",
            "reason": "Resource Graph: access denied (HTTP 403 AuthorizationFailed)",
        }
    ]


def test_management_group_scope_is_sent(tmp_path: Path) -> None:
    with Emulator(_fleet(), token=TOKEN) as emu:
        run = run_export(
            emu,
            tmp_path / "fleet.json",
            "--graph",
            "--management-group",
            "mg-ml",
            *FAST,
            workspace_scope=False,
        )
    assert run.code == 0, run.stderr
    assert run.bundle["scope"]["management_group"] == "mg-ml"
    assert len([r for r in run.bundle["resources"] if r["type"].endswith("/deployments")]) == 12
