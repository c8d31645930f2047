"""`iac-gen import`: specs from what already runs, written the way a person would write them.

`import_live(live, format=...)` turns a `LiveState` (any shape `iac_gen.live.read_live`
accepts) into files: one native spec per endpoint (`<workspace>/<endpoint>.yaml`) or CLI v2
YAML (`<workspace>/<endpoint>/endpoint.yml` + one `<deployment>.yml` each), one folder per
workspace. Each imported spec is checked against the same live state with the drift engine
before anything is written; every difference it still finds (a setting the spec has no field
for) is written as a comment where it belongs and returned in `ImportResult.notes`, so
nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iac_gen.drift import tables
from iac_gen.importer.assemble import assemble
from iac_gen.importer.build import Imported, Note
from iac_gen.importer.render import render

FORMATS = ("native", "cliv2")
SCHEMA_FILE = "spec.schema.json"
CLIV2_SCHEMA = "https://azuremlschemas.azureedge.net/latest/{}.schema.json"
HEADER = "Imported by iac-gen import from what runs in Azure; review before committing."

__all__ = ["FORMATS", "ImportResult", "import_live"]


@dataclass
class ImportResult:
    """The files to write (relative path -> text) and what the specs could not say."""

    files: dict[str, str] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (file, message)
    aside: list[str] = field(default_factory=list)  # live resources no spec took
    incomplete: list[str] = field(default_factory=list)  # unread or unsettled resources
    endpoints: list[str] = field(default_factory=list)  # `<folder>/<endpoint>` imported


def _folders(items: Sequence[Imported]) -> dict[Any, str]:
    """One folder per workspace: its name, or subscription/group/name when names repeat."""
    names: dict[str, set[Any]] = {}
    for item in items:
        names.setdefault(item.target["workspace"].lower(), set()).add(item.workspace)
    out: dict[Any, str] = {}
    for item in items:
        t = item.target
        if len(names[t["workspace"].lower()]) == 1:
            out[item.workspace] = t["workspace"]
        else:
            out[item.workspace] = f"{t['subscription']}/{t['resource_group']}/{t['workspace']}"
    return out


def _verify(items: Sequence[Imported], live: Any) -> None:
    """Drift of each imported spec against the live state: what it still finds becomes a note."""
    from iac_gen.desired import desired_state
    from iac_gen.drift import analyse_desired
    from iac_gen.live.state import LiveState
    from iac_gen.spec.build import build_spec

    by_ws: dict[Any, list[Imported]] = {}
    for item in items:
        by_ws.setdefault(item.workspace, []).append(item)
    for ws, group in sorted(by_ws.items()):
        prefix = f"/subscriptions/{ws.subscription}/resourcegroups/{ws.resource_group}/"
        bodies = [r for r in live.resources if str(r.get("id", "")).lower().startswith(prefix)]
        scoped = LiveState(bodies, list(live.not_checked), live.format, dict(live.scope))
        pairs = []
        for item in group:
            spec = build_spec(
                item.document,
                source=Path(f"{item.name}.yaml"),
                format="native",
                files=(),
                locations={},
            )
            pairs.append((spec, desired_state(spec)))
        result = analyse_desired(pairs, scoped, live_label="live")
        owners = sorted(((i.resource_ids[0].lower(), i) for i in group), key=lambda x: -len(x[0]))
        for finding in result["findings"]:
            if finding["change"] == "not_comparable":
                continue
            rid = str(finding.get("resource_id") or "").lower()
            owner = next((i for p, i in owners if rid.startswith(p)), None)
            if owner is None:
                continue
            arm_path = str(finding.get("arm_path") or "")
            spec_field = str(finding.get("field") or "")
            if arm_path and any(arm_path in n.message for n in owner.notes):
                continue  # the builder already said why
            if any(_said(n.path, spec_field) for n in owner.notes):
                continue
            name = rid.rsplit("/", 1)[-1]
            if finding["change"] == "unmanaged_resource" and any(
                f"'{name}'" in n.message.lower() for n in owner.notes
            ):
                continue  # a companion the format cannot hold, already named
            owner.notes.append(Note(str(finding.get("field") or ""), str(finding["message"])))


def _said(note_path: str, spec_field: str) -> bool:
    """True when a builder note on a field (not a whole resource) covers `spec_field`."""
    parts = note_path.split(".") if note_path else []
    if not parts or (parts[0] == "deployments" and len(parts) == 2):
        return False
    return spec_field == note_path or spec_field.startswith(note_path + ".")


def _incomplete(items: Sequence[Imported], live: Any, result: ImportResult) -> None:
    for entry in live.not_checked:
        rid = str(entry.get("id", ""))
        reason = str(entry.get("reason", ""))
        result.incomplete.append(f"{rid}: could not be read: {reason}")
        for item in items:
            if rid.lower().startswith(item.resource_ids[0].lower()):
                item.notes.append(
                    Note(
                        "",
                        f"{rid.rsplit('/', 1)[-1]} could not be read ({reason}); "
                        "this spec may be missing it",
                    )
                )
    for body in live.resources:
        state = (body.get("properties") or {}).get("provisioningState")
        rid = str(body.get("id", ""))
        if state is None or state in tables.SETTLED_STATES:
            continue
        if not any(rid in i.resource_ids for i in items):
            continue
        why = tables.UNSETTLED_STATES.get(str(state), f"provisioningState is {state}")
        result.incomplete.append(f"{rid}: not settled ({state}: {why})")
        for item in items:
            if rid in item.resource_ids:
                item.notes.append(
                    Note(
                        "",
                        f"{rid.rsplit('/', 1)[-1]} is {state} ({why}); "
                        "re-import once it is Succeeded",
                    )
                )


def _native_file(item: Imported, depth: int) -> str:
    schema = "../" * depth + SCHEMA_FILE
    header = [f"yaml-language-server: $schema={schema}", HEADER]
    return render(item.document, header, [(n.path, n.message) for n in item.notes if n.comment])


def _cliv2_files(item: Imported) -> dict[str, str]:
    doc = item.document
    kubernetes = bool(doc.get("compute"))
    t = item.target
    endpoint = {k: v for k, v in doc.items() if k not in ("deployments", "target")}
    dep_notes: dict[str, list[tuple[str, str]]] = {}
    ep_notes: list[tuple[str, str]] = []
    for note in item.notes:
        if not note.comment:
            continue
        parts = note.path.split(".")
        if parts[0] == "deployments" and len(parts) > 1:
            dep_notes.setdefault(parts[1], []).append((".".join(parts[2:]), note.message))
        else:
            ep_notes.append((note.path, note.message))
    target = (
        f"target: subscription {t['subscription']}, resource group {t['resource_group']}, "
        f"workspace {t['workspace']}, location {t.get('location', '?')} (CLI v2 YAML names "
        "none: pass --subscription, --resource-group, --workspace and --location)"
    )
    kind = "kubernetesOnlineEndpoint" if kubernetes else "managedOnlineEndpoint"
    files = {
        "endpoint.yml": render(
            {"$schema": CLIV2_SCHEMA.format(kind), **endpoint}, [HEADER, target], ep_notes
        )
    }
    for dep in doc.get("deployments") or []:
        body = {k: v for k, v in dep.items() if k != "type"}
        dep_kind = (
            "kubernetesOnlineDeployment"
            if dep.get("type") == "kubernetes"
            else "managedOnlineDeployment"
        )
        ordered = {
            "$schema": CLIV2_SCHEMA.format(dep_kind),
            "name": body.pop("name"),
            "endpoint_name": item.name,
            **body,
        }
        files[f"{dep['name']}.yml"] = render(ordered, [HEADER], dep_notes.get(dep["name"], []))
    return files


def import_live(
    live: Any, *, format: str = "native", endpoints: Sequence[str] = (), verify: bool = True
) -> ImportResult:
    """Specs for every endpoint of `live` (or those named in `endpoints`)."""
    if format not in FORMATS:
        raise ValueError(f"unknown import format {format!r}")
    native = format == "native"
    items, aside = assemble(live.resources, native=native, only=endpoints)
    result = ImportResult(aside=aside)
    if verify and items:
        _verify(items, live)
    _incomplete(items, live, result)
    folders = _folders(items)
    if native and items:
        from iac_gen.output_files import dumps_json
        from iac_gen.resources import load_schema

        result.files[SCHEMA_FILE] = dumps_json(load_schema(SCHEMA_FILE))
    for item in items:
        folder = folders[item.workspace]
        item.notes = _unique(item.notes)
        if native:
            rel = f"{folder}/{item.name}.yaml"
            result.files[rel] = _native_file(item, folder.count("/") + 1)
            result.notes.extend((rel, f"{n.path or item.name}: {n.message}") for n in item.notes)
        else:
            for name, text in _cliv2_files(item).items():
                result.files[f"{folder}/{item.name}/{name}"] = text
            rel = f"{folder}/{item.name}"
            result.notes.extend((rel, f"{n.path or item.name}: {n.message}") for n in item.notes)
        result.endpoints.append(f"{folder}/{item.name}" + (".yaml" if native else ""))
    return result


def _unique(notes: Sequence[Note]) -> list[Note]:
    seen: dict[tuple[str, str], Note] = {}
    for note in notes:
        seen.setdefault((note.path, note.message), note)
    return list(seen.values())
