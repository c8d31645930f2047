"""Export against a hostile HTTPS server: every answer is bounded in time and bytes, ids from
the server are parsed (never joined into request paths), redirects are refused, and server
text reaches the console and the bundle escaped. Each case ends read / missing / not_checked
with a reason and exit 3 when anything is incomplete; never a crash, never a hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from iac_gen.emulator.data import fleet
from tests.export.conftest import RG, SUB, TOKEN, WS, Run, run_export
from tests.export.hostile import HostileArm, Reply, padded_body, spaces_gzip

DEP = "/onlineendpoints/ep-000/deployments/dep-001"
WS_PATH = (
    f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/"
    f"Microsoft.MachineLearningServices/workspaces/{WS}"
)
QUICK = ["--retries", "0", "--timeout", "5"]


@pytest.fixture
def arm() -> Iterator[HostileArm]:
    with HostileArm(fleet(subscriptions=(SUB,), endpoints=2, deployments_per_endpoint=2)) as srv:
        yield srv


def _entry(run: Run, suffix: str) -> dict[str, Any]:
    return run.status_of(suffix)


def _no_forbidden_requests(arm: HostileArm) -> None:
    for seen in arm.seen:
        assert seen.method in ("GET", "POST"), seen
        low = seen.path.lower()
        assert "listkeys" not in low and "/../" not in low and not low.endswith("/.."), seen
        assert "api-version=1999" not in seen.query, seen


# -- D11: time bounds ----------------------------------------------------------------------


def test_slow_drip_body_is_cut_by_the_per_response_timeout(arm: HostileArm, tmp_path: Path) -> None:
    arm.on(DEP + "$", Reply(drip=(4, 0.25)))
    started = time.monotonic()
    run = run_export(arm, tmp_path / "live.json", "--timeout", "2", "--deadline", "10", *QUICK[:2])
    took = time.monotonic() - started
    assert took < 9, f"export took {took:.1f} s with --timeout 2 --deadline 10"
    assert run.code == 3, run.stderr
    entry = _entry(run, DEP)
    assert entry["status"] == "not_checked"
    assert entry["reason"].startswith("timed out"), entry
    assert run.bundle is not None and run.bundle["summary"]["read"] == 14


def test_slow_drip_body_is_cut_by_the_deadline(arm: HostileArm, tmp_path: Path) -> None:
    arm.on(DEP + "$", Reply(drip=(4, 0.25)))
    started = time.monotonic()
    run = run_export(arm, tmp_path / "live.json", "--timeout", "30", "--deadline", "3", *QUICK[:2])
    took = time.monotonic() - started
    assert took < 7, f"export took {took:.1f} s with --deadline 3"
    assert run.code == 3
    assert "deadline" in _entry(run, DEP)["reason"]


def test_slow_drip_headers_are_cut_by_the_per_response_timeout(
    arm: HostileArm, tmp_path: Path
) -> None:
    arm.on(DEP + "$", Reply(header_drip=(4, 0.25)))
    started = time.monotonic()
    run = run_export(arm, tmp_path / "live.json", "--timeout", "2", "--deadline", "20", *QUICK[:2])
    took = time.monotonic() - started
    assert took < 9, f"export took {took:.1f} s with --timeout 2"
    assert run.code == 3
    assert _entry(run, DEP)["reason"].startswith("timed out")


# -- D12 / D26: byte bounds ----------------------------------------------------------------


def _run_measured(arm: HostileArm, out: Path, *args: str) -> tuple[Run, int]:
    """run_export through a fresh parent process, so ru_maxrss is the export's own peak."""
    env = dict(
        os.environ,
        IAC_GEN_ARM_TOKEN=TOKEN,
        REQUESTS_CA_BUNDLE=str(arm.ca_file),
        SSL_CERT_FILE=str(arm.ca_file),
    )
    cmd = [
        sys.executable,
        "-m",
        "iac_gen",
        "export",
        "-o",
        str(out),
        "--arm-endpoint",
        arm.url,
        "--subscription",
        SUB,
        "--resource-group",
        RG,
        "--workspace",
        WS,
        *args,
    ]
    wrapper = (
        "import resource, subprocess, sys, json\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps([p.returncode, p.stdout, p.stderr, rss]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd], env=env, capture_output=True, text=True, timeout=300
    )
    code, stdout, stderr, rss_kib = json.loads(proc.stdout)
    bundle = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
    return Run(code, stdout, stderr, bundle, out), rss_kib * 1024


def test_gzip_bomb_stops_early_with_low_memory(arm: HostileArm, tmp_path: Path) -> None:
    bomb = spaces_gzip(1 << 30)  # 1 GiB of spaces in about 1 MiB
    arm.on(DEP + "$", Reply(headers={"Content-Encoding": "gzip"}, body=bomb))
    started = time.monotonic()
    run, peak = _run_measured(arm, tmp_path / "live.json", *QUICK)
    took = time.monotonic() - started
    assert run.code == 3, run.stderr
    reason = _entry(run, DEP)["reason"]
    assert "decompresses to more than" in reason, reason
    assert peak < 300 * 1024 * 1024, f"peak RSS {peak / 2**20:.0f} MiB"
    assert took < 30


@pytest.mark.parametrize("announced", [True, False], ids=["content-length", "chunked"])
def test_oversized_plain_body_is_refused(arm: HostileArm, tmp_path: Path, announced: bool) -> None:
    from iac_gen.azure.client import MAX_RESPONSE_BYTES

    size = MAX_RESPONSE_BYTES + (4 << 20)
    body = arm.body_of(DEP)
    chunks = list(padded_body(body, size))
    length = sum(len(c) for c in chunks) if announced else None
    arm.on(DEP + "$", Reply(chunks=chunks, length=length))
    run = run_export(arm, tmp_path / "live.json", *QUICK)
    assert run.code == 3, run.stderr
    reason = _entry(run, DEP)["reason"]
    assert f"more than {MAX_RESPONSE_BYTES} bytes" in reason, reason
    assert run.path.stat().st_size < 1 << 20
    assert not any(r["id"].lower().endswith(DEP) for r in run.bundle["resources"])


# -- D19: ids, bodies and redirects from the server -----------------------------------------


def _listing_with(arm: HostileArm, extra_id: str) -> None:
    def rule(srv: HostileArm, method: str, path: str, body: bytes) -> Reply:
        doc = json.loads(srv.default(method, path, body).body or b"{}")
        doc["value"].append(dict(doc["value"][0], id=extra_id))
        return Reply(body=json.dumps(doc).encode())

    arm.on("/onlineendpoints/ep-000/deployments$", rule)


@pytest.mark.parametrize(
    "tail",
    [
        "/deployments/dep-000/../../../../listKeys",
        "/deployments/dep-000?api-version=1999-01-01&$expand=keys",
        "/deployments/dep-000#frag",
        "/deployments/./dep-000",
    ],
    ids=["dot-segments", "query", "fragment", "single-dot"],
)
def test_listed_ids_that_walk_or_carry_a_query_are_never_requested(
    arm: HostileArm, tmp_path: Path, tail: str
) -> None:
    _listing_with(arm, f"{WS_PATH}/onlineEndpoints/ep-000{tail}")
    run = run_export(arm, tmp_path / "live.json", *QUICK)
    _no_forbidden_requests(arm)
    assert not arm.requested("listkeys") and not arm.requested("#frag")
    assert run.code == 3, run.stderr
    entry = _entry(run, "/onlineEndpoints/ep-000/deployments")
    assert entry["status"] == "not_checked"
    assert "id" in entry["reason"], entry
    # the valid items of the same listing were still read
    assert _entry(run, "/ep-000/deployments/dep-001")["status"] == "read"


@pytest.mark.parametrize(
    "other",
    [
        f"{WS_PATH}/onlineEndpoints/ep-001/deployments/dep-000",
        f"/subscriptions/{SUB}/resourceGroups/rg-other/providers/"
        f"Microsoft.MachineLearningServices/workspaces/{WS}/onlineEndpoints/ep-000/deployments/x",
    ],
    ids=["other-endpoint", "other-resource-group"],
)
def test_listed_ids_outside_the_collection_are_refused(
    arm: HostileArm, tmp_path: Path, other: str
) -> None:
    _listing_with(arm, other)
    run = run_export(arm, tmp_path / "live.json", *QUICK)
    assert run.code == 3
    assert "not under" in _entry(run, "/onlineEndpoints/ep-000/deployments")["reason"]
    assert not arm.requested("rg-other")
    gets = [s for s in arm.seen if s.path.lower().endswith("/ep-001/deployments/dep-000")]
    assert len(gets) == 1  # only ep-001's own listing led to it


def test_get_answered_with_another_resource_is_not_checked(arm: HostileArm, tmp_path: Path) -> None:
    other = arm.body_of("/ep-000/deployments/dep-000")
    arm.on(DEP + "$", Reply(body=json.dumps(other).encode()))
    run = run_export(arm, tmp_path / "live.json", *QUICK)
    assert run.code == 3
    entry = _entry(run, DEP)
    assert entry["status"] == "not_checked"
    assert "another resource" in entry["reason"], entry
    ids = [r["id"].lower() for r in run.bundle["resources"]]
    assert len(ids) == len(set(ids))
    assert not any(i.endswith(DEP) for i in ids)


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirect_to_another_host_is_refused(arm: HostileArm, tmp_path: Path, status: int) -> None:
    with HostileArm(fleet(subscriptions=(SUB,)), ca=arm.ca) as elsewhere:
        target = elsewhere.url.replace("127.0.0.1", "localhost") + "/subscriptions/x"
        arm.on(DEP + "$", Reply(status, headers={"Location": target}, body=b""))
        run = run_export(arm, tmp_path / "live.json", *QUICK)
        assert elsewhere.seen == []
    assert run.code == 3
    reason = _entry(run, DEP)["reason"]
    assert f"redirect (HTTP {status})" in reason and "not followed" in reason, reason


# -- D27: retry outcomes ---------------------------------------------------------------------


def test_unparsable_retry_after_retries_with_the_normal_backoff(
    arm: HostileArm, tmp_path: Path
) -> None:
    state = {"n": 0}

    def once(srv: HostileArm, method: str, path: str, body: bytes) -> Reply | None:
        state["n"] += 1
        if state["n"] > 1:
            return None
        return Reply(429, {"Retry-After": "soon-ish"}, _error("TooManyRequests"))

    arm.on(DEP + "$", once)
    run = run_export(arm, tmp_path / "live.json", "--retries", "2", "--retry-backoff", "0.01")
    assert run.code == 0, run.stderr
    assert _entry(run, DEP)["status"] == "read"
    assert state["n"] == 2


def test_throttled_until_the_deadline_says_so(arm: HostileArm, tmp_path: Path) -> None:
    arm.on(DEP + "$", Reply(429, {"Retry-After": "3600"}, _error("TooManyRequests")))
    started = time.monotonic()
    run = run_export(arm, tmp_path / "live.json", "--deadline", "3", "--retry-backoff", "0.01")
    assert time.monotonic() - started < 8
    assert run.code == 3
    assert _entry(run, DEP)["reason"].startswith("throttled (429) until the deadline")


def test_connection_cut_mid_body_is_not_checked_without_sdk_log_lines(
    arm: HostileArm, tmp_path: Path
) -> None:
    arm.on(DEP + "$", Reply(cut_after=40))
    run = run_export(arm, tmp_path / "live.json", "--retries", "1", "--retry-backoff", "0.01")
    assert run.code == 3
    assert "Incomplete download" not in run.stderr
    assert "Unable to stream" not in run.stderr
    reason = _entry(run, DEP)["reason"]
    assert "connection closed" in reason, reason
    lines = [line for line in run.stderr.splitlines() if line]
    assert lines == [f"not_checked: {_entry(run, DEP)['id']}: {reason}"], run.stderr


# -- D20: server text escaped ---------------------------------------------------------------


def _error(code: str, message: str = "injected") -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}).encode()


def test_server_error_codes_are_escaped_on_the_console_and_in_the_bundle(
    arm: HostileArm, tmp_path: Path
) -> None:
    nasty = "Evil\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eX"
    arm.on(DEP + "$", Reply(409, body=_error(nasty)))
    run = run_export(arm, tmp_path / "live.json", *QUICK)
    assert run.code == 3
    for text in (run.stderr, run.path.read_text(encoding="utf-8")):
        for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert raw not in text
    reason = _entry(run, DEP)["reason"]
    assert "Evil\\x1b]0;pwned\\x07" in reason, reason


# -- D10: incomplete Resource Graph answers --------------------------------------------------


def _graph(arm: HostileArm, tmp_path: Path) -> Run:
    return run_export(
        arm, tmp_path / "fleet.json", "--graph", "--subscription", SUB, *QUICK,
        workspace_scope=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    "mutate",
    [
        lambda rows: {"data": rows, "count": len(rows), "resultTruncated": "true"},
        lambda rows: {"data": rows[:-2], "count": len(rows) - 2, "totalRecords": len(rows)},
    ],
    ids=["resultTruncated", "totalRecords"],
)
def test_truncated_graph_answer_is_incomplete(arm: HostileArm, tmp_path: Path, mutate: Any) -> None:
    arm.graph_doc = mutate
    run = _graph(arm, tmp_path)
    assert run.code == 3, run.stderr
    entry = _entry(run, "/providers/Microsoft.ResourceGraph/resources")
    assert entry["status"] == "not_checked"


# -- D8: hostile shapes and values -----------------------------------------------------------


def test_graph_row_without_id_and_string_autoscale_properties(
    arm: HostileArm, tmp_path: Path
) -> None:
    def mutate(rows: list[dict[str, Any]]) -> dict[str, Any]:
        rows = [dict(r) for r in rows]
        dep = next(r for r in rows if r["id"].endswith("/deployments/dep-001"))
        del dep["id"]
        scale = next(r for r in rows if r["type"].endswith("autoscalesettings"))
        scale["properties"] = "x"
        return {"data": rows, "count": len(rows), "resultTruncated": "false"}

    arm.graph_doc = mutate
    run = _graph(arm, tmp_path)
    assert run.code == 3, run.stderr
    assert "internal error" not in run.stderr
    reason = _entry(run, "/providers/Microsoft.ResourceGraph/resources")["reason"]
    assert "1 rows without an id" in reason, reason
    assert len(run.stderr.strip().splitlines()) == 2  # the Graph summary and that one line
    # the autoscale row that does not say what it targets was read by ARM GET instead
    scaled = [r for r in run.bundle["resources"] if r["type"].endswith("autoscalesettings")]
    assert len(scaled) == 2 and all(isinstance(r["properties"], dict) for r in scaled)


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ('"zz": {"a": "47\\ud800"}', "surrogate"),
        ('"zz": {"a": NaN}', "NaN"),
        ('"zz": {"a": 1, "a": 2}', "duplicate key"),
    ],
    ids=["lone-surrogate", "nan", "duplicate-key"],
)
def test_strictly_invalid_json_bodies_are_refused(
    arm: HostileArm, tmp_path: Path, raw: str, why: str
) -> None:
    text = json.dumps(arm.body_of(DEP), sort_keys=True)
    text = text[:-1] + ", " + raw + "}"
    arm.on(DEP + "$", Reply(body=text.encode()))
    run = run_export(arm, tmp_path / "live.json", *QUICK)
    assert run.code == 3, run.stderr
    reason = _entry(run, DEP)["reason"]
    assert reason.startswith("malformed response body") and why in reason, reason


# -- D23: option values never walk the path --------------------------------------------------


def test_workspace_with_slashes_is_one_quoted_segment(arm: HostileArm, tmp_path: Path) -> None:
    run = run_export(
        arm,
        tmp_path / "live.json",
        "--subscription", SUB, "--resource-group", RG, "--workspace", "../..", *QUICK,
        workspace_scope=False,
    )  # fmt: skip
    assert run.code in (0, 3), run.stderr
    prefix = f"/subscriptions/{SUB}/resourcegroups/{RG}/providers/".lower()
    for seen in arm.seen:
        assert seen.path.lower().startswith(prefix), seen
        assert "/../" not in seen.path and not seen.path.endswith("/.."), seen
    assert any("..%2F.." in s.path for s in arm.seen)


@pytest.mark.parametrize("value", ["..", "."])
def test_dot_segment_option_values_are_refused(arm: HostileArm, tmp_path: Path, value: str) -> None:
    run = run_export(
        arm,
        tmp_path / "live.json",
        "--subscription", SUB, "--resource-group", RG, "--workspace", value, *QUICK,
        workspace_scope=False,
    )  # fmt: skip
    assert run.code == 2
    assert arm.seen == []
    assert len(run.stderr.strip().splitlines()) == 1
    assert "IAC33" in run.stderr
