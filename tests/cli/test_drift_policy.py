"""`drift --policy` replaces the spec's drift intent for one run, e.g. `traffic=sum` while a
staged rollout moves the split; a bad value is one usage line. And the error boundary: an
internal error ends in one line and exit 4 with whichever Typer/Click is installed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iac_gen.exit_codes import ExitCode
from tests.conftest import run_main as run

ROOT = Path(__file__).resolve().parents[2]
CASE = "fixtures/drift-policies-sum"  # its specs say `policies: traffic: sum`
DRIFTED = "fixtures/drift-drifted"  # its spec says nothing: traffic is compared exactly


@pytest.fixture(autouse=True)
def _repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_policy_exact_overrides_the_specs_sum(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["drift", f"{CASE}/spec", "--live", f"{CASE}/live.json"]
    code, out, _ = run(base, capsys)
    assert code == 1
    assert "fraud-b: traffic - " in out  # under sum: the set of deployments and the total
    assert "traffic.blue" not in out
    code, out, _ = run([*base, "--policy", "traffic=exact"], capsys)
    assert code == 1
    assert "fraud-a: traffic.blue - properties.traffic.blue is 40 in Azure" in out


def test_policy_sum_compares_the_set_of_deployments_only(
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = ["drift", f"{DRIFTED}/spec.yaml", "--live", f"{DRIFTED}/live.json"]
    _, exact, _ = run(base, capsys)
    _, summed, _ = run([*base, "--policy", "traffic=sum"], capsys)
    assert "traffic.blue" in exact
    assert "traffic.blue" not in summed
    assert '{"deployments": ["blue", "red"], "total": 100}' in summed


@pytest.mark.parametrize("bad", ["traffic=half", "traffic", "routing=sum", "=sum"])
def test_a_bad_policy_is_one_usage_line(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["drift", f"{CASE}/spec", "--live", f"{CASE}/live.json", "--policy", bad]
    code, out, err = run(args, capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert re.match(r"^iac-gen drift:0:0: error IAC342 .*--policy", lines[0]), lines[0]
    assert "traffic=exact|sum" in lines[0] and out == ""


def test_an_internal_error_is_one_line_and_exit_4(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("planted")

    monkeypatch.setattr("iac_gen.drift.inputs.load_inputs", boom)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    code, _, err = run(["drift", f"{CASE}/spec", "--live", f"{CASE}/live.json"], capsys)
    assert code == ExitCode.INTERNAL
    assert "Traceback" not in err
    assert err.strip().splitlines() == [
        f"iac-gen: internal error: RuntimeError; traceback in {next(tmp_path.iterdir())}"
    ]
