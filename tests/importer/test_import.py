"""`iac-gen import`: round trips on every live fixture, a property test, fleets and the CLI.

The proof that an imported spec says what runs: drift of the spec against the same live
state finds nothing but `not_comparable` properties, and import -> compile -> serve (the
emulator's `served`) -> import gives the same bytes. Where a live input holds something the
spec cannot say, the import lists it (and drift finds exactly what was listed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iac_gen.importer import import_live
from iac_gen.live import read_live
from iac_gen.live.state import LiveState
from tests.drift.test_properties import specs as generated_specs
from tests.importer.roundtrip import ROOT, drift, live_fixtures, load, served_state, target_of

CLI_TARGET = {
    "subscription": "8f6b6269-84f2-4d09-9e31-1127efcd1e40",
    "resource_group": "rg-mlops-prod",
    "workspace": "mlw-risk-prod",
}
CASES = [pytest.param(p, id=str(p.relative_to(ROOT / "fixtures"))) for p in live_fixtures()]


def _read(path: Path) -> LiveState:
    return read_live(path, CLI_TARGET)  # `az ml` output without ids needs the workspace


def _strip_notes(text: str, notes: list[str]) -> str:
    """The text without the comment lines that carry notes (compiling cannot recreate what
    the spec could not say, so the second import has no such comments)."""
    said = {" ".join(m.split()) for m in notes}
    keep = []
    for line in text.splitlines():
        body = line.strip()
        if body.startswith("# ") and any(body[2:] in s or s.endswith(body[2:]) for s in said):
            continue
        keep.append(line)
    return "\n".join(keep)


@pytest.mark.parametrize("fmt", ["native", "cliv2"])
@pytest.mark.parametrize("path", CASES)
def test_round_trip_on_live_fixture(path: Path, fmt: str, tmp_path: Path) -> None:
    live = _read(path)
    result = import_live(live, format=fmt)
    if live.not_checked:  # an incomplete read is said (exit 3), never imported as complete
        assert result.incomplete
        return
    if not result.endpoints:  # deployments without their endpoint: said, not dropped
        assert any("endpoint body is not in the live input" in a for a in result.aside)
        return
    overrides = target_of(result, live) if fmt == "cliv2" else None
    loaded = load(tmp_path / "first", result, overrides)
    assert sorted(s.endpoint.name for s in loaded) == sorted(
        e.rsplit("/", 1)[-1].removesuffix(".yaml") for e in result.endpoints
    )
    found = [f for f in drift(loaded, live)["findings"] if f["change"] != "not_comparable"]
    notes = [m for _, m in result.notes]
    if not notes:
        assert found == []
    for finding in found:  # every remaining difference was listed by the import
        named = (finding["arm_path"], finding["field"], finding["resource_id"].rsplit("/", 1)[-1])
        assert any(any(n and n in note for n in named) for note in notes), finding
    again = import_live(served_state(loaded, live), format=fmt)
    assert sorted(again.files) == sorted(result.files)
    for name, text in result.files.items():
        if notes:
            assert _strip_notes(again.files[name], notes) == _strip_notes(text, notes)
        else:
            assert again.files[name] == text, name


def test_native_files_start_with_the_schema_line_and_leave_defaults_out() -> None:
    result = import_live(_read(ROOT / "fixtures/example/live.json"))
    text = result.files["mlw-risk-prod/credit-scoring.yaml"]
    assert text.startswith("# yaml-language-server: $schema=../spec.schema.json\n")
    assert "spec.schema.json" in result.files
    for default in ("maxQueueWait", "max_queue_wait_ms", "period:", "scale_settings", "identity"):
        assert default not in text
    assert "model: azureml:credit-model:7" in text
    assert "request_timeout_ms: 3000" in text and "initial_delay: 30" in text
    for owned in ("principal", "scoringUri", "provisioning", "AzureAsyncOperationUri", "kind"):
        assert owned not in text


def test_cliv2_files_carry_the_cli_schemas() -> None:
    result = import_live(
        _read(ROOT / "fixtures/recorded-cli-k8s-gpu-updated-2022-02/live.json"), format="cliv2"
    )
    endpoint = next(t for n, t in result.files.items() if n.endswith("/endpoint.yml"))
    deps = [t for n, t in result.files.items() if not n.endswith("/endpoint.yml")]
    assert (
        "$schema: https://azuremlschemas.azureedge.net/latest/kubernetesOnlineEndpoint" in endpoint
    )
    assert deps and all(
        "$schema: https://azuremlschemas.azureedge.net/latest/kubernetesOnlineDeployment" in d
        for d in deps
    )


def test_registry_ids_and_other_workspaces_stay_as_they_are() -> None:
    from iac_gen.drift.asset_ids import WorkspaceRef
    from iac_gen.importer.build import asset_reference

    ws = WorkspaceRef("s", "g", "w")
    mine = (
        "/subscriptions/S/resourceGroups/G/providers/Microsoft.MachineLearningServices/workspaces/W"
    )
    other = mine.replace("/W", "/other")
    reg = "azureml://registries/contoso/models/m/versions/2"
    assert asset_reference(f"{mine}/models/m/versions/2", "models", ws) == "azureml:m:2"
    assert asset_reference(f"{other}/models/m/versions/2", "models", ws).startswith("/subs")
    assert asset_reference(reg, "models", ws) == reg
    curated = f"{mine}/environments/AzureML-x/versions/1"  # short form would mean the registry
    assert asset_reference(curated, "environments", ws) == curated


def test_secret_values_are_never_written_and_are_listed() -> None:
    result = import_live(_read(ROOT / "fixtures/live-cli/endpoint-and-deployments.json"))
    text = "".join(result.files.values())
    assert "<redacted>" not in text and "DB_PASSWORD:" not in text
    assert any("DB_PASSWORD is withheld" in m for _, m in result.notes)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_specs())
def test_property_import_of_a_served_spec_round_trips(tmp_path_factory: Any, spec: Any) -> None:
    from iac_gen.desired import desired_state
    from iac_gen.emulator.data import served

    bodies = [
        json.loads(json.dumps(served(b)))
        for b in desired_state(spec).resources
        if not str(b["type"]).lower().endswith(("metricalerts", "roleassignments"))
    ]
    live = LiveState(bodies, format="bundle")
    result = import_live(live)
    assert result.notes == []
    loaded = load(tmp_path_factory.mktemp("imp"), result)
    analysis = drift(loaded, live)
    assert analysis["status"] == "in_sync"
    assert [f for f in analysis["findings"] if f["change"] != "not_comparable"] == []
    assert import_live(served_state(loaded, live)).files == result.files


def test_fleet_of_workspaces_writes_one_folder_each(tmp_path: Path) -> None:
    from iac_gen.emulator.data import fleet

    bodies = fleet(subscriptions=("00000000-0000-4000-8000-000000000001",), workspace="mlw-a")
    bodies += fleet(subscriptions=("00000000-0000-4000-8000-000000000002",), workspace="mlw-b")
    export = tmp_path / "graph.json"  # a Resource Graph query result, as `az graph query` prints
    export.write_text(json.dumps({"count": len(bodies), "data": bodies}), encoding="utf-8")
    live = read_live(export)
    assert live.format == "resource-graph"
    result = import_live(live)
    assert result.notes == []
    folders = {name.split("/")[0] for name in result.files if "/" in name}
    assert folders == {"mlw-a", "mlw-b"}
    assert len(result.endpoints) == 4


def test_same_workspace_name_in_two_groups_gets_distinct_folders() -> None:
    from iac_gen.emulator.data import fleet

    bodies = fleet(resource_group="rg-one", endpoints=1) + fleet(
        resource_group="rg-two", endpoints=1
    )
    result = import_live(LiveState(bodies, format="arm"))
    assert len({e.rsplit("/", 1)[0] for e in result.endpoints}) == 2


def test_cli_import_writes_all_or_nothing(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from iac_gen.cli.app import _register, app

    _register()
    runner = CliRunner()
    out = tmp_path / "out"
    ok = runner.invoke(
        app, ["import", "--live", str(ROOT / "fixtures/example/live.json"), "-o", str(out)]
    )
    assert ok.exit_code == 0, ok.output
    assert (out / "mlw-risk-prod/credit-scoring.yaml").is_file()
    bad = tmp_path / "bad"
    failed = runner.invoke(
        app, ["import", "--live", str(ROOT / "fixtures/live-bad/broken.json"), "-o", str(bad)]
    )
    assert failed.exit_code != 0 and not bad.exists()
    partial = runner.invoke(
        app,
        [
            "import",
            "--live",
            str(ROOT / "fixtures/drift-not-checked/live.json"),
            "-o",
            str(tmp_path / "p"),
        ],
    )
    assert partial.exit_code == 3
    only = runner.invoke(
        app,
        [
            "import",
            "--live",
            str(ROOT / "fixtures/example/live.json"),
            "-o",
            str(tmp_path / "o"),
            "--endpoint",
            "credit-scoring",
            "--format",
            "cliv2",
        ],
    )
    assert only.exit_code == 0 and (tmp_path / "o/mlw-risk-prod/credit-scoring/blue.yml").is_file()


@pytest.mark.parametrize("fmt", ["native", "cliv2"])
@pytest.mark.parametrize("path", CASES)
def test_import_golden(path: Path, fmt: str, golden: Any) -> None:
    """What import writes for each live fixture, reviewed like code (`make golden`);
    `notes.txt` is what it prints as not expressible."""
    from iac_gen.importer import SCHEMA_FILE
    from iac_gen.resources import load_schema

    result = import_live(_read(path), format=fmt)
    case = str(path.relative_to(ROOT / "fixtures")).removesuffix(".json").replace("/", "__")
    base = ROOT / "tests" / "importer" / "expected" / case / f"import-{fmt}"
    for name, text in sorted(result.files.items()):
        if name == SCHEMA_FILE:  # a copy of the spec schema, for the editor line
            assert json.loads(text) == load_schema(SCHEMA_FILE)
            continue
        golden.check(base / name, text)
    listing = [f"{rel}: {message}" for rel, message in result.notes]
    listing += [f"not imported: {line}" for line in result.aside]
    listing += [f"incomplete: {line}" for line in result.incomplete]
    # A reason may name the live file by its absolute path; the golden holds it from the root.
    text = "".join(f"{line}\n" for line in listing).replace(f"{ROOT}/", "")
    golden.check(base / "notes.txt", text)


@st.composite
def richer_specs(draw: st.DrawFn) -> Any:
    """The drift property specs plus what only a native spec says: ownership (tags on every
    resource), schedule profiles, mirror traffic, endpoint properties and a user identity."""
    import dataclasses

    from iac_gen.spec.model import Identity, Ownership, ScheduleProfile

    spec = draw(generated_specs())
    owner = Ownership(
        owner=draw(st.sampled_from(["team-a@contoso.com", "ml-platform@contoso.com"])),
        approvers=tuple(draw(st.lists(st.sampled_from(["a@x.com", "b@x.com"]), max_size=2))),
        change_ticket=draw(st.none() | st.just("CHG-1")),
    )
    autoscale = {}
    for dep, auto in spec.autoscale.items():
        start = draw(st.none() | st.sampled_from(["06:30", "18:00"]))
        end = "20:00" if start else None  # the spec takes both or neither
        schedules = ()
        if draw(st.booleans()):
            schedules = (
                ScheduleProfile(
                    name="weekend",
                    days=tuple(draw(st.sampled_from([["Saturday", "Sunday"], ["Friday"]]))),
                    min_instances=auto.min_instances,
                    max_instances=auto.max_instances,
                    default_instances=auto.default_instances,
                    timezone=draw(st.sampled_from(["UTC", "W. Europe Standard Time"])),
                    start=start,
                    end=end,
                ),
            )
        autoscale[dep] = dataclasses.replace(auto, schedules=schedules)
    endpoint = spec.endpoint
    names = [d.name for d in spec.deployments]
    live = [n for n, pct in endpoint.traffic.items() if pct]
    spare = [n for n in names if n not in live]
    mirror = {spare[0]: draw(st.integers(1, 50))} if spare and draw(st.booleans()) else {}
    uai = (
        "/subscriptions/8f6b6269-84f2-4d09-9e31-1127efcd1e40/resourceGroups/rg-id/providers/"
        "Microsoft.ManagedIdentity/userAssignedIdentities/id-scorer"
    )
    identity = draw(
        st.sampled_from(
            [
                endpoint.identity,
                Identity("user_assigned", (uai,)),
                Identity("system_assigned,user_assigned", (uai,)),
            ]
        )
    )
    endpoint = dataclasses.replace(
        endpoint,
        mirror_traffic=mirror,
        identity=identity,
        properties=draw(st.sampled_from([{}, {"purpose": "scoring"}])),
    )
    return dataclasses.replace(
        spec,
        endpoint=endpoint,
        autoscale=autoscale,
        ownership=owner if draw(st.booleans()) else None,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(richer_specs())
def test_property_native_only_fields_round_trip(tmp_path_factory: Any, spec: Any) -> None:
    from iac_gen.desired import desired_state
    from iac_gen.emulator.data import served

    bodies = [
        json.loads(json.dumps(served(b)))
        for b in desired_state(spec).resources
        if not str(b["type"]).lower().endswith(("metricalerts", "roleassignments"))
    ]
    live = LiveState(bodies, format="bundle")
    result = import_live(live)
    assert result.notes == []
    (loaded,) = load(tmp_path_factory.mktemp("imp"), result)
    analysis = drift([loaded], live)
    assert [f for f in analysis["findings"] if f["change"] != "not_comparable"] == []
    assert analysis["status"] == "in_sync"
    assert {k: v.schedules for k, v in loaded.autoscale.items()} == {
        k: v.schedules for k, v in spec.autoscale.items()
    }
    assert loaded.ownership == spec.ownership
    uais = [
        e.identity.user_assigned_identities if e.identity else ()
        for e in (loaded.endpoint, spec.endpoint)
    ]
    assert uais[0] == uais[1]  # a system-assigned identity is the default, so left out
    assert dict(loaded.endpoint.mirror_traffic) == dict(spec.endpoint.mirror_traffic)
    assert import_live(served_state([loaded], live)).files == result.files
