"""Drift over hostile or partial live input (issue 15: D10, D17, D18): an incomplete live state
is `not_checked` with exit 3 and never in sync; live resources in another subscription or
resource group are not the designed ones; an inconsistent bundle is refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from iac_gen.drift import analyse
from iac_gen.drift.analysis import gate_exit_code
from iac_gen.live import read_live
from iac_gen.spec.load import load_specs

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
SPEC = FIXTURES / "example/spec.yaml"
EPOCH = "1790000000"


def _example_bodies() -> list[dict[str, Any]]:
    bundle = json.loads((FIXTURES / "example/live.json").read_text(encoding="utf-8"))
    return list(bundle["resources"])


def _drift(live: Path) -> dict[str, Any]:
    return analyse(load_specs([SPEC]), read_live(live), None, "prod", live_path=live)


def _cli(live: Path, *extra: str) -> tuple[int, str]:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    command = [sys.executable, "-m", "iac_gen", "drift", str(SPEC), "--live", str(live)]
    done = subprocess.run(
        [*command, "--env", "prod", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    return done.returncode, done.stdout + done.stderr


def _write(tmp_path: Path, data: Any, name: str = "live.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_complete_example_is_in_sync(tmp_path: Path) -> None:
    """The baseline the cases below change one thing of."""
    result = _drift(_write(tmp_path, {"value": _example_bodies()}))
    assert result["status"] == "in_sync"


# -- D10: a page of a longer answer is incomplete --------------------------------------------

NEXT = (
    "https://management.azure.com/subscriptions/8f6b6269-84f2-4d09-9e31-1127efcd1e40/"
    "resourceGroups/rg-mlops-prod/providers/Microsoft.MachineLearningServices/workspaces/"
    "mlw-risk-prod/onlineEndpoints/credit-scoring/deployments?api-version=2026-05-01"
    "&$skipToken=c2VjcmV0LXBhZ2U"
)


def _graph_rows() -> list[dict[str, Any]]:
    rows = json.loads((FIXTURES / "live-graph/graph-query.json").read_text(encoding="utf-8"))
    return list(rows["data"])


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        (lambda b: {"value": b, "nextLink": NEXT}, "continues on another page (`nextLink`)"),
        (lambda b: {"data": b, "$skipToken": "ew0KIC"}, "more rows (`$skipToken`)"),
        (lambda b: {"data": b, "skipToken": "ew0KIC"}, "more rows (`skipToken`)"),
        (lambda b: {"data": b, "skip_token": "ew0KIC", "count": len(b)}, "(`skip_token`)"),
        (
            lambda b: {"data": b, "count": len(b), "totalRecords": len(b) + 1},
            "`totalRecords` counts {n1} rows but the file holds {n}",
        ),
        (
            lambda b: {"data": b[:-1], "count": len(b), "totalRecords": len(b)},
            "`count` counts {n} rows but the file holds {n_1}",
        ),
        (lambda b: {"data": b, "total_records": "many"}, "`total_records` is not a whole"),
        (lambda b: {"data": b, "resultTruncated": True}, "cut the result short"),
        (lambda b: {"data": b, "resultTruncated": "true"}, "cut the result short"),
    ],
    ids=[
        "arm-nextLink",
        "graph-$skipToken",
        "graph-skipToken",
        "az-graph-skip_token",
        "totalRecords-above-count",
        "count-above-rows",
        "total-not-a-number",
        "truncated-bool",
        "truncated-text",
    ],
)
def test_incomplete_pages_are_not_checked(tmp_path: Path, page: Any, reason: str) -> None:
    bodies = _example_bodies()
    data = page(bodies)
    n = len(bodies)
    expected = reason.format(n=n, n1=n + 1, n_1=n - 1)
    live = _write(tmp_path, data)
    result = _drift(live)
    assert result["status"] == "not_checked"
    assert any(expected in e["reason"] for e in result["errors"]), result["errors"]
    assert int(gate_exit_code(result)) == 3


def test_incomplete_page_exits_3_through_the_cli(tmp_path: Path) -> None:
    """The issue's repro: a saved ARM page with nextLink read as in sync, exit 0."""
    live = _write(tmp_path, {"value": _example_bodies(), "nextLink": NEXT})
    code, out = _cli(live)
    assert code == 3, out
    assert out.startswith("drift: not_checked")
    assert "live input is incomplete: the listing continues on another page" in out
    assert "c2VjcmV0LXBhZ2U" not in out  # the skip token is not echoed
    assert "/onlineEndpoints/credit-scoring/deployments" in out  # the unread listing is named


def test_complete_graph_pages_are_not_flagged(tmp_path: Path) -> None:
    rows = _graph_rows()
    live = _write(
        tmp_path,
        {"data": rows, "count": len(rows), "totalRecords": len(rows), "skip_token": None},
    )
    state = read_live(live)
    assert state.not_checked == []
    truncated = read_live(FIXTURES / "live-graph/graph-truncated.json")
    assert [e["reason"] for e in truncated.not_checked] == [
        "live input is incomplete: Resource Graph cut the result short (`resultTruncated` is true)"
    ]


# -- D17: same names in another subscription or resource group are not the designed ones ----


def _decoys(old: str, new: str) -> list[dict[str, Any]]:
    """The example's live resources moved to another resource group or subscription."""
    return json.loads(json.dumps(_example_bodies()).replace(old, new))


SUB = "8f6b6269-84f2-4d09-9e31-1127efcd1e40"
OTHER_SUB = "00000000-1111-4222-8333-444444444444"


@pytest.mark.parametrize(
    ("old", "new"),
    [("rg-mlops-prod", "rg-other"), ("rg-mlops-prod", "RG-OTHER"), (SUB, OTHER_SUB)],
    ids=["resource-group", "resource-group-upper", "subscription"],
)
def test_only_decoys_present_is_missing_not_in_sync(tmp_path: Path, old: str, new: str) -> None:
    decoys = _decoys(old, new)
    assert all(old not in json.dumps(b) for b in decoys)
    result = _drift(_write(tmp_path, {"value": decoys}))
    assert result["status"] == "drifted"
    statuses = {r["name"]: r["status"] for r in result["resources"]}
    assert statuses["credit-scoring"] == "missing"
    assert statuses["credit-scoring/blue"] == "missing"
    assert statuses["credit-scoring/green"] == "missing"
    assert "unmanaged" not in statuses.values()  # another scope's resources are not ours
    assert any(f["change"] == "missing_resource" for f in result["findings"])


@pytest.mark.parametrize("decoy_first", [True, False], ids=["decoy-first", "right-first"])
def test_right_and_decoy_present_uses_the_right_one(tmp_path: Path, decoy_first: bool) -> None:
    right = _example_bodies()
    decoys = _decoys("rg-mlops-prod", "rg-other")
    endpoint = next(b for b in decoys if b["type"].endswith("onlineEndpoints"))
    endpoint["properties"]["authMode"] = "Key"  # the decoy would drift if it were used
    bodies = decoys + right if decoy_first else right + decoys
    result = _drift(_write(tmp_path, {"value": bodies}))
    assert result["status"] == "in_sync", result["findings"]
    ids = {r["id"].lower() for r in result["resources"]}
    assert not any("rg-other" in i for i in ids)


def test_decoy_through_the_cli_exits_1(tmp_path: Path) -> None:
    """The issue's repro: every id moved to rg-other read as in sync, exit 0."""
    live = _write(tmp_path, _decoys("rg-mlops-prod", "rg-other"))
    code, out = _cli(live)
    assert code == 1, out
    assert out.startswith("drift: drifted")


def test_scope_compares_case_insensitively(tmp_path: Path) -> None:
    """Azure echoes ids in any casing; the designed resources in RG-MLOPS-PROD are ours."""
    upper = _decoys("rg-mlops-prod", "RG-MLOPS-PROD")
    upper = json.loads(json.dumps(upper).replace(SUB, SUB.upper()))
    result = _drift(_write(tmp_path, {"value": upper}))
    assert result["status"] == "in_sync", result["findings"]


def _two_subscriptions(tmp_path: Path) -> tuple[list[Any], list[dict[str, Any]]]:
    """The example designed twice, in its subscription and in another one with the same
    resource group, workspace and endpoint names (dev beside prod), and both live."""
    specs_dir = tmp_path / "specs"
    specs_dir.mkdir()
    text = SPEC.read_text(encoding="utf-8")
    (specs_dir / "a.yaml").write_text(text, encoding="utf-8")
    (specs_dir / "b.yaml").write_text(text.replace(SUB, OTHER_SUB), encoding="utf-8")
    for extra in ("scoring", "src"):  # what the example's spec names beside it, if anything
        if (SPEC.parent / extra).exists():
            os.symlink(SPEC.parent / extra, specs_dir / extra)
    return load_specs([specs_dir]), _example_bodies() + _decoys(SUB, OTHER_SUB)


def test_one_design_in_two_subscriptions_is_judged_per_subscription(tmp_path: Path) -> None:
    """Workspace names are unique within a resource group only: the same names in another
    subscription are another endpoint, each matched with its own live resources - not one
    endpoint declared twice (IAC430), and not paired across subscriptions."""
    specs, bodies = _two_subscriptions(tmp_path)
    live = _write(tmp_path, {"value": bodies})
    result = analyse(specs, read_live(live), None, "prod", live_path=live)
    assert result["status"] == "in_sync", result["findings"]
    ids = [r["id"].lower() for r in result["resources"]]
    assert len(ids) == len(set(ids)) == 2 * len(_drift(live)["resources"])
    assert {SUB in i for i in ids} == {True, False}

    other = next(
        b for b in bodies if OTHER_SUB in b["id"] and b["type"].endswith("/onlineEndpoints")
    )
    other["properties"]["authMode"] = "Key"  # drift in the other subscription only
    live = _write(tmp_path, {"value": bodies})
    result = analyse(specs, read_live(live), None, "prod", live_path=live)
    assert result["status"] == "drifted"
    drifted = {f["resource_id"].lower() for f in result["findings"]}
    assert drifted == {other["id"].lower()}
    statuses = {r["id"].lower(): r["status"] for r in result["resources"]}
    assert statuses[other["id"].lower()] == "modified"
    assert statuses[other["id"].lower().replace(OTHER_SUB, SUB)] == "in_sync"


def test_the_other_subscription_missing_is_missing_there_only(tmp_path: Path) -> None:
    specs, bodies = _two_subscriptions(tmp_path)
    kept = [b for b in bodies if not (OTHER_SUB in b["id"] and b["id"].endswith("/green"))]
    live = _write(tmp_path, {"value": kept})
    result = analyse(specs, read_live(live), None, "prod", live_path=live)
    missing = {r["id"].lower() for r in result["resources"] if r["status"] == "missing"}
    assert len(missing) == 1 and OTHER_SUB in missing.pop()
