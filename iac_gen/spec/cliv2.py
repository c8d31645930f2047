"""Azure ML CLI v2 YAML: recognise endpoint/deployment files and fold them into one document.

A CLI v2 endpoint is an endpoint file plus one file per deployment. Files are recognised by
their `$schema` URL, else by shape (`endpoint_name` means deployment). One endpoint per folder;
deployment files join their folder's endpoint, or - in a folder without one - the endpoint
named by their `endpoint_name`. The result is the native document shape, so the same
schema, builder and checks apply; positions keep pointing into the original files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iac_gen.diagnostics import Diagnostic, Location
from iac_gen.spec.document import SpecDocument
from iac_gen.spec.yaml_source import RawPath

CLIV2_SCHEMAS = {
    "managedonlineendpoint": ("endpoint", "managed"),
    "kubernetesonlineendpoint": ("endpoint", "kubernetes"),
    "managedonlinedeployment": ("deployment", "managed"),
    "kubernetesonlinedeployment": ("deployment", "kubernetes"),
}
NATIVE_ONLY_KEYS = frozenset(
    {
        "target",
        "deployments",
        "environments",
        "autoscale",
        "monitoring",
        "ownership",
        "access",
        "policies",
        "lint",
    }
)
ENDPOINT_HINT_KEYS = frozenset(
    {"auth_mode", "traffic", "mirror_traffic", "identity", "public_network_access", "compute"}
)
_SCHEMA_NAME = re.compile(r"([A-Za-z0-9_]+)\.schema\.json\s*$")


@dataclass
class ParsedFile:
    """One YAML file's single document, with its classification."""

    path: Path
    data: dict[str, Any]
    positions: dict[RawPath, Location]
    kind: str  # native | endpoint | deployment
    compute_kind: str | None = None  # managed | kubernetes, from $schema


def classify(data: Mapping[str, Any], explicit: bool) -> tuple[str | None, str | None]:
    """(native | endpoint | deployment | None to skip, managed | kubernetes | None)."""
    schema = data.get("$schema")
    if isinstance(schema, str):
        match = _SCHEMA_NAME.search(schema)
        name = match.group(1).lower() if match else ""
        if name in CLIV2_SCHEMAS:
            return CLIV2_SCHEMAS[name]
        if name == "spec":
            return "native", None
        if "azuremlschemas" in schema.lower() or "azureml" in schema.lower():
            return (None, None) if not explicit else ("endpoint", None)
    if NATIVE_ONLY_KEYS & data.keys():
        return "native", None
    if "endpoint_name" in data:
        return "deployment", None
    if explicit or ("name" in data and ENDPOINT_HINT_KEYS & data.keys()):
        return "endpoint", None
    return None, None


def _strip_schema(
    data: Mapping[str, Any], positions: Mapping[RawPath, Location], prefix: RawPath
) -> tuple[dict[str, Any], dict[RawPath, Location]]:
    body = {k: v for k, v in data.items() if k != "$schema"}
    where = {
        (*prefix, *raw): loc for raw, loc in positions.items() if not (raw and raw[0] == "$schema")
    }
    return body, where


def _endpoint_name(item: ParsedFile) -> str | None:
    name = item.data.get("endpoint_name")
    return name if isinstance(name, str) else None


def group(files: list[ParsedFile]) -> tuple[list[SpecDocument], list[Diagnostic]]:
    """One canonical document per CLI v2 endpoint (see module docstring)."""
    diags: list[Diagnostic] = []
    folders: dict[Path, list[ParsedFile]] = {}
    for item in files:
        folders.setdefault(item.path.resolve().parent, []).append(item)
    endpoints: dict[Path, ParsedFile] = {}
    members: dict[Path, list[ParsedFile]] = {}
    orphans: list[ParsedFile] = []
    for folder, items in folders.items():
        eps = [i for i in items if i.kind == "endpoint"]
        deps = [i for i in items if i.kind == "deployment"]
        if len(eps) > 1:
            others = ", ".join(str(i.path) for i in eps)
            for extra in eps[1:]:
                diags.append(
                    Diagnostic(
                        "IAC110",
                        f"several CLI v2 endpoint files in one folder ({others}); "
                        "put each endpoint with its deployment files in its own folder",
                        Location(str(extra.path), 1, 1),
                    )
                )
        if eps:
            endpoints[folder] = eps[0]
            members[folder] = list(deps)
        else:
            orphans.extend(deps)
    for dep in orphans:
        wanted = _endpoint_name(dep)
        matches = [f for f, ep in endpoints.items() if ep.data.get("name") == wanted]
        if len(matches) == 1:
            members[matches[0]].append(dep)
            continue
        reason = (
            "no endpoint file for it was given"
            if not matches
            else "several endpoint files have that name"
        )
        diags.append(
            Diagnostic(
                "IAC111",
                f"deployment file names endpoint '{wanted}' but {reason}; pass the endpoint "
                "file (or its folder) too",
                dep.positions.get(("endpoint_name",), Location(str(dep.path), 1, 1)),
            )
        )
    docs: list[SpecDocument] = []
    for folder, ep in endpoints.items():
        docs.append(_fold(ep, sorted(members[folder], key=lambda i: str(i.path)), diags))
    return docs, diags


def _fold(ep: ParsedFile, deps: list[ParsedFile], diags: list[Diagnostic]) -> SpecDocument:
    data, positions = _strip_schema(ep.data, ep.positions, ())
    if ep.compute_kind == "kubernetes" and not data.get("compute"):
        diags.append(
            Diagnostic(
                "IAC219",
                "a Kubernetes endpoint (kubernetesOnlineEndpoint) needs 'compute', the "
                "name of the attached Kubernetes compute",
                positions.get(("name",), Location(str(ep.path), 1, 1)),
            )
        )
    deployments: list[dict[str, Any]] = []
    if deps:
        positions[("deployments",)] = positions.get((), Location(str(ep.path), 1, 1))
    for index, dep in enumerate(deps):
        body, where = _strip_schema(dep.data, dep.positions, ("deployments", index))
        if dep.compute_kind and "type" not in body:
            body["type"] = dep.compute_kind
        deployments.append(body)
        positions.update(where)
    if deps:
        data["deployments"] = deployments
    return SpecDocument(
        source=ep.path,
        format="cliv2",
        data=data,
        positions=positions,
        files=[ep.path, *(d.path for d in deps)],
    )
