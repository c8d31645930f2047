"""Waivers cannot be brought back by the build clock, blanket waivers are called out, and a
hostile waivers file is a one-line diagnostic, never a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iac_gen.diagnostics import InputError
from iac_gen.drift.waivers import load_waivers
from tests.drift.test_cli import ROOT, run

EXAMPLE_SPEC = "fixtures/example/spec.yaml"


def key_auth_live(tmp_path: Path) -> Path:
    """The example's live state with the endpoint switched to key auth (one HIGH finding)."""
    data = json.loads((ROOT / "fixtures/example/live.json").read_text(encoding="utf-8"))
    for resource in data["resources"]:
        if resource["type"].endswith("/onlineEndpoints"):
            resource["properties"]["authMode"] = "Key"
    live = tmp_path / "live.json"
    live.write_text(json.dumps(data["resources"]), encoding="utf-8")
    return live


def waivers_file(tmp_path: Path, expires: str, resource: str = "*", field: str = "*") -> Path:
    path = tmp_path / "w.yaml"
    path.write_text(
        "waivers:\n"
        "  - id: W-1\n"
        f"    resource: {json.dumps(resource)}\n"
        f"    field: {json.dumps(field)}\n"
        "    reason: accepted for now\n"
        "    approver: lead@contoso.com\n"
        f"    expires: {expires}\n",
        encoding="utf-8",
    )
    return path


def drift(tmp_path: Path, waivers: Path, *extra: str) -> tuple[int, str, str]:
    live = key_auth_live(tmp_path)
    args = ["drift", EXAMPLE_SPEC, "--live", str(live), "--env", "prod"]
    return run([*args, "--waivers", str(waivers), *extra])


# -- D14: expiry is judged against the real date ------------------------------------------


def test_source_date_epoch_does_not_revive_an_expired_waiver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    report = tmp_path / "out"
    code, out, _ = drift(tmp_path, waivers_file(tmp_path, "2020-01-01"), "--report", str(report))
    assert code == 1
    assert "waived" not in out.split("findings:", 1)[1].splitlines()[0]
    assert "expired waivers (no longer applied): W-1" in out
    result = json.loads((report / "drift.json").read_text(encoding="utf-8"))
    assert result["generated_at"] == "1970-01-01T00:00:00Z"  # the epoch still fixes the time
    assert [w["status"] for w in result["waivers"]] == ["expired"]
    assert not any(f["waived"] for f in result["findings"])


def test_an_active_waiver_still_applies_under_an_old_source_date_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    code, out, _ = drift(tmp_path, waivers_file(tmp_path, "2999-12-31", "credit-scoring", "*"))
    assert code == 0 and "1 waived" in out


# -- blanket waivers are accepted, but said out loud --------------------------------------


def test_blanket_waiver_is_accepted_with_a_warning(tmp_path: Path) -> None:
    waivers = waivers_file(tmp_path, "2999-12-31")
    code, _, err = drift(tmp_path, waivers)
    assert code == 0
    (warning,) = [line for line in err.splitlines() if "IAC424" in line]
    assert warning.startswith(f"{waivers}:2:5: warning IAC424 ")
    assert "W-1" in warning and "every field of every resource" in warning


def test_narrow_waiver_gets_no_warning(tmp_path: Path) -> None:
    _, _, err = drift(tmp_path, waivers_file(tmp_path, "2999-12-31", "credit-scoring", "auth_*"))
    assert "IAC424" not in err


def test_console_names_which_waiver_waived_which_findings(tmp_path: Path) -> None:
    code, out, _ = drift(tmp_path, waivers_file(tmp_path, "2999-12-31"))
    assert code == 0
    (line,) = [x for x in out.splitlines() if x.strip().startswith("waived by W-1")]
    assert "lead@contoso.com" in line and "2999-12-31" in line
    assert "credit-scoring: auth_mode" in line


# -- D8: a hostile waivers file is one IAC42x line ------------------------------------------

ALIAS_LEVELS = list(zip("abcdef", "bcdefg", strict=True))
HOSTILE = {
    "deep nesting": "waivers: " + "[" * 5000 + "]" * 5000 + "\n",
    "deep block nesting": "waivers:\n" + "".join("  " * i + "- \n" for i in range(200)),
    "recursive alias": "waivers: &a [*a]\n",
    "unknown tag": "waivers: !foo [1]\n",
    "bad int": "waivers:\n  - id: !!int abc\n",
    "bad float": "waivers:\n  - id: !!float zz\n",
    "bad bool": "waivers:\n  - id: !!bool maybe\n",
    "python tag": "waivers: !!python/object/apply:os.system ['touch PWNED']\n",
    "alias bomb": "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
    + "".join(f"{c}: &{c} [{','.join(['*' + p] * 10)}]\n" for p, c in ALIAS_LEVELS)
    + "waivers: []\n",
    "several documents": "waivers: []\n---\nwaivers: []\n",
    "not a mapping": "- 1\n- 2\n",
    "timestamp key": "waivers:\n  - 2026-01-01: x\n",
    "lone surrogate escape": (
        "waivers:\n  - {id: W-1, resource: x, field: y, approver: a, expires: 2999-01-01,\n"
        '     reason: "\\udc00"}\n'
    ),
    "NUL": "waivers: [\x00]\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_waivers_file_is_one_iac42x_line(tmp_path: Path, name: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(HOSTILE[name], encoding="utf-8", errors="surrogatepass")
    with pytest.raises(InputError) as caught:
        load_waivers(path)
    diagnostics = caught.value.diagnostics
    assert diagnostics, name
    for diag in diagnostics:
        assert diag.code.startswith("IAC42"), str(diag)
        assert "\n" not in str(diag)
    code, _, err = run(
        ["drift", EXAMPLE_SPEC, "--live", "fixtures/example/live.json", "--waivers", str(path)]
    )
    assert code == 2 and err.count("\n") >= 1
    assert all(" error IAC42" in line for line in err.splitlines())
