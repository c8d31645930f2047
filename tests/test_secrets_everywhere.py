"""Secrets are one mechanism (`iac_gen.secrets`): never stored, never printed, withheld in
every report - and names (deployments called `tokenizer`, `blue-key`, ...) are never secrets.

The drift runs go through the real Typer app (in-process) or a subprocess, as a user would
run them, and every console line and every written file is searched for the planted values.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from iac_gen.cli import app as app_module
from iac_gen.coverage import entries as coverage_entries
from iac_gen.diagnostics import InputError
from iac_gen.emulator import Emulator
from iac_gen.emulator.data import fleet
from iac_gen.report.redact import redact_result
from iac_gen.resources import load_schema
from iac_gen.rules.catalog.moe006_plaintext_secret import secret_reason as lint_reason
from iac_gen.secrets import REDACTED, WITHHELD_REASON, redact_text, secret_reason
from tests.export.conftest import SUB, TOKEN, run_export

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "fixtures" / "example"
EPOCH = "1790000000"
TAGS_ANCHOR = 'tags:\n  cost-center: "4711"'
ENV_ANCHOR = '    environment_variables:\n      WORKER_COUNT: "2"\n'
SECRET_LOOKING_NAMES = ("tokenizer", "blue-key", "sas-scorer", "signature-v2")

app_module._register()


# --- the kinds of secret, each built around a unique core that must never be seen ---------

KINDS: dict[str, Any] = {
    "storage connection string": lambda core: (
        f"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={core}=="
    ),
    "service bus connection string": lambda core: (
        f"Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=r;SharedAccessKey={core}="
    ),
    "sql connection string": lambda core: (
        f"Server=tcp:x.database.windows.net;Database=d;User ID=u;Password={core};"
    ),
    "odbc pwd": lambda core: f"Driver={{ODBC}};Uid=u;pwd={core};",
    "url password": lambda core: f"postgres://admin:{core}@db.example.com:5432/app",
    "pem private key": lambda core: (
        f"-----BEGIN RSA PRIVATE KEY-----\nMIIE{core}\n-----END RSA PRIVATE KEY-----"
    ),
    "jwt": lambda core: f"eyJhbGciOiJIUzI1NiJ9.eyJ{core}In0.c2lnbmF0dXJl{core}",
    "bearer token": lambda core: f"Bearer {core}",
    "sas signature": lambda core: (
        f"https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sp=r&sig={core}%3D"
    ),
    "random key": lambda core: f"{core}Qz7Xk2Lp9Vw4Rt6Ny8Bm3Hs5Jd1Fg0Kc",
}
NAMED = "secret by its name"  # a plain value under a name such as DB_PASSWORD
ALL_KINDS = (*KINDS, NAMED)

CORE = st.text("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", min_size=8, max_size=14)


def plant(kind: str, core: str, index: int) -> tuple[str, str]:
    """(variable name, value) of one planted secret; the core is what must never leak."""
    if kind == NAMED:
        return f"DB{index}_PASSWORD", core
    return f"SETTING{index}", KINDS[kind](core)


# --- running the tool ------------------------------------------------------------------------


def run(args: list[str]) -> tuple[int, str]:
    """`iac-gen ARGS` in-process: exit code and everything printed (stdout and stderr)."""
    result = CliRunner().invoke(app_module.app, args, catch_exceptions=True)
    if isinstance(result.exception, InputError):
        return 2, "".join(f"{d}\n" for d in result.exception.diagnostics)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout + (result.stderr or "")


@pytest.fixture(autouse=True)
def _clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def example_spec(deployment: str = "blue", extra_env: dict[str, str] | None = None) -> str:
    """The example spec, its `blue` deployment renamed, with extra variables on it."""
    text = (EXAMPLE / "spec.yaml").read_text(encoding="utf-8")
    assert text.count(ENV_ANCHOR) == 2
    lines = "".join(f"      {k}: {json.dumps(v)}\n" for k, v in (extra_env or {}).items())
    text = text.replace(ENV_ANCHOR, ENV_ANCHOR + lines, 1)  # the first one is blue's
    return re.sub(r"\bblue\b", deployment, text)


def example_live(deployment: str = "blue", extra_env: dict[str, str] | None = None) -> str:
    """The example's live ARM array, `blue` renamed, with extra variables on it in Azure."""
    resources = json.loads((EXAMPLE / "live.json").read_text(encoding="utf-8"))["resources"]
    for body in resources:
        if body["type"].endswith("/deployments") and body["id"].endswith("/blue"):
            body["properties"].setdefault("environmentVariables", {}).update(extra_env or {})
    return re.sub(r"\bblue\b", deployment, json.dumps(resources, indent=1))


def drift_run(
    folder: Path, spec: str, live: str, *extra: str
) -> tuple[int, str, dict[str, str], dict[str, Any]]:
    """Drift with every report format: (exit code, console, files by name, drift.json)."""
    (folder / "spec.yaml").write_text(spec, encoding="utf-8")
    (folder / "live.json").write_text(live, encoding="utf-8")
    out = folder / "out"
    code, console = run(
        [
            "drift",
            str(folder / "spec.yaml"),
            "--live",
            str(folder / "live.json"),
            "--env",
            "prod",
            "--report",
            str(out),
            *extra,
        ]
    )
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}
    return code, console, files, json.loads(files["drift.json"])


def leaks(core: str, console: str, files: dict[str, str]) -> list[str]:
    """Where a secret core shows up: the console and any written file, also HTML-escaped."""
    found = ["console"] if core in console else []
    return found + [name for name, text in files.items() if core in text]


def findings_for(result: dict[str, Any], variable: str) -> list[dict[str, Any]]:
    return [f for f in result["findings"] if f["arm_path"].endswith(f".{variable}")]


# --- D1: a secret in the spec never reaches a finding message or the console ---------------


def test_spec_secret_under_secret_name_is_withheld_from_messages_console_and_reports() -> None:
    """D1 as reported: `DB_PASSWORD: hunter2` in the spec, absent in Azure."""
    with tempfile.TemporaryDirectory() as tmp:
        spec = example_spec(extra_env={"DB_PASSWORD": "hunter2"})
        code, console, files, result = drift_run(Path(tmp), spec, example_live())
    assert code == 1
    assert leaks("hunter2", console, files) == []
    (finding,) = findings_for(result, "DB_PASSWORD")
    assert finding["change"] == "removed" and finding["expected"] == REDACTED
    assert "withheld" in finding["message"]
    assert finding["message"] in console  # the console prints the same, clean message


def test_d1_repro_in_a_subprocess(tmp_path: Path) -> None:
    """The exact command of the report, run as a user runs it: console and files clean."""
    spec = tmp_path / "x.yaml"
    spec.write_text(example_spec(extra_env={"DB_PASSWORD": "hunter2"}), encoding="utf-8")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "iac_gen", "drift", str(spec), "--live"]
    cmd += [str(EXAMPLE / "live.json"), "--env", "prod", "--report", str(out)]
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "DB_PASSWORD" in proc.stdout
    assert "hunter2" not in proc.stdout + proc.stderr
    assert [p.name for p in out.iterdir() if "hunter2" in p.read_text(encoding="utf-8")] == []


def test_changed_secret_keeps_the_non_secret_side_visible() -> None:
    """A reference in the design, a literal secret in Azure: the reviewer sees the reference."""
    ref = "${{keyvault:https://kv.vault.azure.net/secrets/db/1}}"
    with tempfile.TemporaryDirectory() as tmp:
        code, console, files, result = drift_run(
            Path(tmp),
            example_spec(extra_env={"DB_PASSWORD": ref}),
            example_live(extra_env={"DB_PASSWORD": "Zq-hunter2-live"}),
        )
    assert code == 1
    assert leaks("Zq-hunter2-live", console, files) == []
    (finding,) = findings_for(result, "DB_PASSWORD")
    assert finding["expected"] == ref
    assert ref in finding["message"] and ref in console


# --- D2: secret-looking values under neutral names are dropped and never false drift -------

D2_VALUES = {
    "STORAGE": "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=K2VjcmV0S2V5==",
    "DATABASE_URL": "postgres://u:PWsecret42@h/db",
    "PRIVATE": "-----BEGIN RSA PRIVATE KEY-----\nMIIEpQIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----",
}
D2_CORES = ("K2VjcmV0S2V5", "PWsecret42", "MIIEpQIBAAKCAQEA7")


def test_export_bundle_drops_secret_values_under_neutral_names(tmp_path: Path) -> None:
    bodies = fleet(subscriptions=(SUB,), endpoints=1, deployments_per_endpoint=1)
    dep = next(b for b in bodies if b["type"].endswith("/deployments"))
    dep["properties"]["environmentVariables"].update(D2_VALUES)
    with Emulator(bodies, token=TOKEN) as emu:
        result = run_export(emu, tmp_path / "live.json")
    assert result.code == 0, result.stderr
    text = result.path.read_text(encoding="utf-8")
    assert [c for c in D2_CORES if c in text] == []
    assert result.bundle is not None
    exported = next(r for r in result.bundle["resources"] if r["type"].endswith("/deployments"))
    env = exported["properties"]["environmentVariables"]
    assert env == {"LOG_LEVEL": "info", **dict.fromkeys(D2_VALUES, REDACTED)}
    removed = {e["path"] for e in result.bundle["secrets_removed"]}
    assert removed == {f"properties.environmentVariables.{k}" for k in D2_VALUES}


def test_drift_on_secret_values_under_neutral_names_prints_none_and_is_not_false_drift() -> None:
    """The same values in Azure and in the design: not comparable (withheld), not drift."""
    with tempfile.TemporaryDirectory() as tmp:
        code, console, files, result = drift_run(
            Path(tmp), example_spec(extra_env=D2_VALUES), example_live(extra_env=D2_VALUES)
        )
    for core in D2_CORES:
        assert leaks(core, console, files) == []
    assert code == 0, console  # nothing that could be compared differs
    for name in D2_VALUES:
        (finding,) = findings_for(result, name)
        assert finding["change"] == "not_comparable"
        assert finding["expected"] is None and finding["actual"] == REDACTED
        assert WITHHELD_REASON in finding["message"]
    reasons = {
        c["reason"] for c in coverage_entries(result) if c["arm_path"].endswith("DATABASE_URL")
    }
    assert reasons == {WITHHELD_REASON}


def test_secret_only_in_azure_is_reported_as_added_without_its_value() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        code, console, files, result = drift_run(
            Path(tmp), example_spec(), example_live(extra_env=D2_VALUES)
        )
    assert code == 1
    for core in D2_CORES:
        assert leaks(core, console, files) == []
    for name in D2_VALUES:
        (finding,) = findings_for(result, name)
        assert finding["change"] == "added" and finding["actual"] == REDACTED
        assert "withheld" in finding["message"] and finding["message"] in console


# --- D3: names are never secrets ------------------------------------------------------------


@pytest.mark.parametrize("name", SECRET_LOOKING_NAMES)
def test_deployment_named_like_a_secret_drifts_and_renders_every_format(name: str) -> None:
    live = example_live(name, {"WORKER_COUNT": "8"})
    with tempfile.TemporaryDirectory() as tmp:
        code, console, files, result = drift_run(Path(tmp), example_spec(name), live)
        assert code == 1, console
        jsonschema.validate(result, load_schema("drift.schema.json"))
        assert result["traffic"][0]["intended"] == {name: 100}
        assert result["traffic"][0]["live"] == {name: 100}
        (finding,) = findings_for(result, "WORKER_COUNT")
        assert finding["resource"] == f"credit-scoring/{name}"
        assert (finding["expected"], finding["actual"]) == ("2", "8")
        assert REDACTED not in files["drift.json"]
        assert {"drift.md", "drift.html", "drift.sarif", "drift.junit.xml"} <= set(files)
        rendered = Path(tmp) / "again.md"
        drift_json = str(Path(tmp) / "out" / "drift.json")
        again, _ = run(["report", drift_json, "--format", "md", "-o", str(rendered)])
        assert again == 0
        assert f"credit-scoring/{name}" in rendered.read_text(encoding="utf-8")


def test_tag_and_traffic_names_are_never_judged() -> None:
    spec = example_spec("tokenizer").replace(
        'tags:\n  cost-center: "4711"', 'tags:\n  api-key: owner-team\n  cost-center: "4711"'
    )
    with tempfile.TemporaryDirectory() as tmp:
        _, console, _, result = drift_run(Path(tmp), spec, example_live("tokenizer"))
    (finding,) = [f for f in result["findings"] if f["field"] == "tags.api-key"]
    assert finding["expected"] == "owner-team"  # a tag value is judged by its shape only
    assert "owner-team" in console


# --- one mechanism: lint, live readers and reports agree; the property test ----------------


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_lint_rule_flags_every_kind_the_reports_withhold(kind: str) -> None:
    name, value = plant(kind, "Zq7Rk2Lm9Vp4", 1)
    assert secret_reason(name, value) is not None
    assert lint_reason(name, value) == secret_reason(name, value)
    assert "Zq7Rk2Lm9Vp4" not in str(lint_reason(name, value))


PLACES = ("spec", "live", "both", "both-different")


@st.composite
def plantings(
    draw: st.DrawFn,
) -> tuple[str, list[tuple[str, str, str, str]], str, tuple[str, str] | None]:
    deployment = draw(st.sampled_from(("blue", *SECRET_LOOKING_NAMES)))
    kinds = draw(st.lists(st.sampled_from(ALL_KINDS), min_size=1, max_size=4))
    planted = [
        (kind, draw(st.sampled_from(PLACES)), "Zq" + draw(CORE), "Zv" + draw(CORE))
        for kind in kinds
    ]
    visible = "visible-" + draw(CORE)
    # Tag values are judged by their shape only (a random-looking tag value is a value).
    shapes = sorted(k for k in KINDS if k != "random key")
    tag = draw(st.none() | st.tuples(st.sampled_from(shapes), CORE.map(lambda c: "Zt" + c)))
    return deployment, planted, visible, tag


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(case=plantings())
def test_planted_secrets_never_reach_any_output(
    case: tuple[str, list[tuple[str, str, str, str]], str, tuple[str, str] | None],
) -> None:
    deployment, planted, visible, tag = case
    spec_env: dict[str, str] = {"PLAIN_SETTING": visible}
    live_env: dict[str, str] = {"PLAIN_SETTING": visible + "-changed"}
    cores: list[str] = []
    for i, (kind, place, core, other) in enumerate(planted):
        name, value = plant(kind, core, i)
        if place in ("spec", "both", "both-different"):
            spec_env[name] = value
            cores.append(core)
        if place in ("live", "both"):
            live_env[name] = value
            cores.append(core)
        if place == "both-different":
            live_env[name] = plant(kind, other, i)[1]
            cores.append(other)
    spec = example_spec(deployment, spec_env)
    if tag is not None:  # on the endpoint, under a tag name that looks secret (still a name)
        spec = spec.replace(
            TAGS_ANCHOR, f"{TAGS_ANCHOR}\n  api-key: {json.dumps(KINDS[tag[0]](tag[1]))}"
        )
        cores.append(tag[1])
    with tempfile.TemporaryDirectory() as tmp:
        code, console, files, result = drift_run(
            Path(tmp), spec, example_live(deployment, live_env)
        )
    assert code == 1, console  # PLAIN_SETTING differs, so there is drift to report
    for core in cores:
        assert leaks(core, console, files) == [], (core, planted)
    # ordinary values are still shown, and names are names
    assert visible in console and visible + "-changed" in files["drift.json"]
    assert all(visible in files[n] for n in ("drift.md", "drift.html", "drift.sarif"))
    assert result["traffic"][0]["intended"] == {deployment: 100}
    if tag is not None:
        (finding,) = [f for f in result["findings"] if f["field"] == "tags.api-key"]
        assert finding["expected"] == REDACTED
    jsonschema.validate(result, load_schema("drift.schema.json"))
    # a value withheld on both sides is not comparable, never a false "changed"
    for i, (kind, place, _, _) in enumerate(planted):
        name = plant(kind, "x", i)[0]
        changes = {f["change"] for f in findings_for(result, name)}
        if place == "both":
            assert changes == {"not_comparable"}, (kind, changes)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_free_text_keeps_its_words_and_loses_the_secret(kind: str) -> None:
    text = f"not checked: server said {KINDS[kind]('Zq7Rk2Lm9Vp4')} (retry later)"
    cleaned = redact_text(text)
    if kind == "random key":  # only structure finds these; free text keeps them
        assert cleaned == text
        return
    assert "Zq7Rk2Lm9Vp4" not in cleaned and REDACTED in cleaned
    assert cleaned.startswith("not checked: server said ") and cleaned.endswith("(retry later)")
    assert redact_text(cleaned) == cleaned


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DB_PASSWORD", "1234"),  # a digit-only password is still a password
        ("API_TOKEN", "true"),
        ("STORAGE_KEY", "abc"),
        ("dbPassword", "x"),
        ("SERVICE_CONNECTION_STRING", "abc"),
    ],
)
def test_secret_names_withhold_even_short_values(name: str, value: str) -> None:
    assert secret_reason(name, value) is not None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MAX_TOKENS", "4096"),
        ("PRIMARY_KEY_COLUMN", "0"),
        ("TOKEN_CACHE_ENABLED", "true"),
        ("KEY_VAULT_URL", "https://kv.vault.azure.net/"),
        ("TOKENIZER_PATH", "/models/tok"),
        ("MONKEY_PATCH", "enabled"),
        ("DB_PASSWORD", "${{keyvault:https://kv.vault.azure.net/secrets/db/1}}"),
        ("DB_PASSWORD", ""),
    ],
)
def test_ordinary_settings_are_not_secrets(name: str, value: str) -> None:
    assert secret_reason(name, value) is None


def test_redacting_twice_changes_nothing() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        spec = example_spec(extra_env={"DB_PASSWORD": "hunter2", **D2_VALUES})
        _, _, files, _ = drift_run(
            Path(tmp), spec, example_live(extra_env={"X": "Bearer abcdefgh"})
        )
    once = json.loads(files["drift.json"])
    assert redact_result(once) == once
