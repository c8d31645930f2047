"""Azure ML CLI v2 YAML: recognise endpoint/deployment files and fold them into one document.

A CLI v2 endpoint is an endpoint file plus one file per deployment. Files are recognised by
their `$schema` URL, else by shape (`endpoint_name` means deployment). One endpoint per folder;
deployment files join their folder's endpoint, or - in a folder without one - the endpoint
named by their `endpoint_name`. The result is the native document shape, so the same
schema, builder and checks apply; positions keep pointing into the original files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iac_gen.diagnostics import Diagnostic, Location
from iac_gen.spec.document import SpecDocument
from iac_gen.spec.yaml_source import Positions, RawPath, Stitched
from iac_gen.vocabulary import DEPLOYMENT_ENUMS, ENDPOINT_ENUMS, sdk_enum

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
# Keys only a batch deployment has (azure-ai-ml _schema/_deployment/batch/): such a file is
# not an online deployment even without its $schema.
BATCH_ONLY_KEYS = frozenset(
    {
        "mini_batch_size",
        "output_action",
        "output_file_name",
        "retry_settings",
        "max_concurrency_per_instance",
        "error_threshold",
        "logging_level",
        "job_definition",
        "deployment_configuration",
    }
)
# A file that holds only these keys (no `name`, no `deployments`) sits next to CLI v2 files
# and adds what `az ml` has no key for: environment overlays, ownership, target, lint.
SIDECAR_KEYS = NATIVE_ONLY_KEYS - {"deployments"}
ENDPOINT_HINT_KEYS = frozenset(
    {"auth_mode", "traffic", "mirror_traffic", "identity", "public_network_access", "compute"}
)
_SCHEMA_NAME = re.compile(r"([A-Za-z0-9_]+)\.schema\.json\s*$")


@dataclass
class ParsedFile:
    """One YAML file's single document, with its classification."""

    path: Path
    data: dict[str, Any]
    positions: Mapping[RawPath, Location]
    kind: str  # native | endpoint | deployment | sidecar
    compute_kind: str | None = None  # managed | kubernetes, from $schema
    folder: Path | None = None  # the resolved folder, when discovery knows it already


def classify(data: Mapping[str, Any], explicit: bool) -> tuple[str | None, str | None]:
    """(native | endpoint | deployment | sidecar | batch | None to skip, managed | kubernetes |
    None). `batch` is only returned for files the user named or that look like an online
    deployment: a batch file found in a folder is skipped like a job or component file."""
    schema = data.get("$schema")
    if isinstance(schema, str):
        match = _SCHEMA_NAME.search(schema)
        name = match.group(1).lower() if match else ""
        if name in CLIV2_SCHEMAS:
            return CLIV2_SCHEMAS[name]
        if name == "spec":
            return "native", None
        if "azuremlschemas" in schema.lower() or "azureml" in schema.lower():
            if "batch" in name:
                return ("batch", None) if explicit else (None, None)
            return (None, None) if not explicit else ("endpoint", None)
    if (
        "name" not in data
        and "deployments" not in data
        and data.keys()
        and (data.keys() <= SIDECAR_KEYS)
    ):
        return "sidecar", None
    if NATIVE_ONLY_KEYS & data.keys():
        return "native", None
    if BATCH_ONLY_KEYS & data.keys():
        return "batch", None
    if "endpoint_name" in data:
        return "deployment", None
    if explicit or ("name" in data and ENDPOINT_HINT_KEYS & data.keys()):
        return "endpoint", None
    return None, None


# `{{ENDPOINT_NAME}}` (sed templates), `<ENDPOINT_NAME>` / `<scoring-script>` (docs), and the
# samples' own `..._place_holder` stand-ins: values a script fills before calling `az ml`.
# `${{...}}` is Azure ML's own secret reference syntax, not a placeholder.
_PLACEHOLDER = re.compile(
    r"(?<!\$)\{\{[^{}]*\}\}|<[A-Za-z][A-Za-z0-9_-]*>|\b[A-Za-z0-9_]*place_holder\b",
    re.IGNORECASE,
)
_FREE_TEXT = frozenset({"description", "tags"})


def find_placeholder(data: Any, raw: RawPath = ()) -> tuple[RawPath, str] | None:
    """The first unfilled placeholder in a file's values (free text is not searched).

    Nearly every file has none: one pass over the values says so without building a path
    per value, and without the pattern for text that holds none of `{{`, `<` and
    `place_holder` in any case (each placeholder form needs one of them: a fleet's
    `Standard_DS3_v2` has a `_` but is never searched)."""
    return _first_placeholder(data, raw) if _has_placeholder(data) else None


def _has_placeholder(data: Any) -> bool:
    """Whether `_first_placeholder` finds one: the same values, without their paths."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack += [item for key, item in value.items() if key not in _FREE_TEXT]
        elif isinstance(value, list):
            stack += value
        elif (
            isinstance(value, str)
            and (
                "{{" in value or "<" in value or ("_" in value and "place_holder" in value.lower())
            )
            and _PLACEHOLDER.search(value) is not None
        ):
            return True
    return False


def _first_placeholder(data: Any, raw: RawPath = ()) -> tuple[RawPath, str] | None:
    """The first placeholder in document order, with its raw path."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in _FREE_TEXT:
                continue
            hit = _first_placeholder(value, (*raw, key))
            if hit is not None:
                return hit
    elif isinstance(data, list):
        for index, value in enumerate(data):
            hit = _first_placeholder(value, (*raw, index))
            if hit is not None:
                return hit
    elif isinstance(data, str):
        match = _PLACEHOLDER.search(data)
        if match is not None:
            return raw, match.group(0)
    return None


def _without_schema(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "$schema"}


def _joined_positions(ep: ParsedFile, deps: list[ParsedFile]) -> dict[RawPath, Location]:
    """The folded document's positions as one dict: the endpoint file's, then each
    deployment file's under `deployments.<index>` (`$schema` left out, as in the data)."""
    where = {raw: loc for raw, loc in ep.positions.items() if not (raw and raw[0] == "$schema")}
    if deps:
        where[("deployments",)] = where.get((), Location(str(ep.path), 1, 1))
    for index, dep in enumerate(deps):
        prefix = ("deployments", index)
        where.update(
            {
                (*prefix, *raw): loc
                for raw, loc in dep.positions.items()
                if not (raw and raw[0] == "$schema")
            }
        )
    return where


@dataclass
class _Plan:
    """How the positions of files of given shapes stitch into one document's: the files'
    shared paths (kept, so their ids stay theirs), the document's paths, and for each file
    the slices of its numbers taken, in order."""

    sources: tuple[tuple[RawPath, ...], ...]
    paths: tuple[RawPath, ...]
    slices: list[list[tuple[int, int]]]
    ends: list[int]


_PLANS: dict[tuple[int, ...], _Plan] = {}
_PLANS_KEPT = 64


def _stitched(ep: ParsedFile, deps: list[ParsedFile]) -> Stitched | None:
    """`_joined_positions` as `Stitched` numbers, without making a `Location`; None when a
    file's positions are no `Positions` (an implied endpoint) or the endpoint file writes
    `deployments` itself: those take the dict. A fleet's files are a few shapes, so each
    shape's plan is worked out once."""
    parts: list[Positions] = []
    for positions in (ep.positions, *(d.positions for d in deps)):
        if type(positions) is not Positions:
            return None
        parts.append(positions)
    sources = tuple(p.paths for p in parts)
    key = tuple(map(id, sources))
    plan = _PLANS.get(key)
    if plan is None or any(a is not b for a, b in zip(plan.sources, sources, strict=True)):
        plan = _plan(sources)
        if plan is None:
            return None
        if len(_PLANS) >= _PLANS_KEPT:
            _PLANS.clear()
        _PLANS[key] = plan
    numbers: list[int] = []
    for part, slices in zip(parts, plan.slices, strict=True):
        taken = part.numbers
        for start, stop in slices:
            numbers += taken[start:stop]
    return Stitched(plan.paths, numbers, [p.file for p in parts], plan.ends)


def _plan(sources: tuple[tuple[RawPath, ...], ...]) -> _Plan | None:
    first = sources[0]
    if () not in first or any(raw and raw[0] == "deployments" for raw in first):
        return None
    paths: list[RawPath] = []
    slices: list[list[tuple[int, int]]] = []
    ends: list[int] = []
    for number, source in enumerate(sources):
        kept = [i for i, raw in enumerate(source) if not (raw and raw[0] == "$schema")]
        if number == 0:
            paths += [source[i] for i in kept]
            if len(sources) > 1:  # `deployments` is placed where the endpoint file starts
                paths.append(("deployments",))
                kept.append(source.index(()))
        else:
            prefix = ("deployments", number - 1)
            paths += [(*prefix, *source[i]) for i in kept]
        slices.append(_runs(kept))
        ends.append(len(paths))
    return _Plan(sources, tuple(paths), slices, ends)


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Slices of a `Positions` number list (two numbers per path) taking `indices` in order."""
    runs: list[tuple[int, int]] = []
    for index in indices:
        if runs and runs[-1][1] == 2 * index:
            runs[-1] = (runs[-1][0], 2 * index + 2)
        else:
            runs.append((2 * index, 2 * index + 2))
    return runs


def _endpoint_name(item: ParsedFile) -> str | None:
    name = item.data.get("endpoint_name")
    return name if isinstance(name, str) else None


def _folder_resolver() -> Callable[[ParsedFile], Path]:
    """`path.resolve().parent` of a file: the one discovery found, else with each folder
    resolved once (a fleet has thousands of files in hundreds of folders; resolving walks
    every component of the path)."""
    real: dict[str, Path] = {}

    def folder_of(item: ParsedFile) -> Path:
        if item.folder is not None:
            return item.folder
        path = item.path
        if os.path.islink(path):
            return path.resolve().parent  # a linked file belongs to its target's folder
        parent = os.path.dirname(path) or "."
        found = real.get(parent)
        if found is None:
            found = real[parent] = Path(os.path.realpath(parent))
        return found

    return folder_of


def group(files: list[ParsedFile]) -> tuple[list[SpecDocument], list[Diagnostic]]:
    """One canonical document per CLI v2 endpoint (see module docstring).

    A deployment whose endpoint has no file (the endpoint was made with `az ml
    online-endpoint create -n NAME`) implies that endpoint: `endpoint_name` with the
    service's defaults, which lint then names. Sidecar files join the endpoint of their
    folder (for an implied endpoint: the folder of its deployment files).

    Long because the grouping rules (one endpoint per folder, orphans joined by
    `endpoint_name`, implied endpoints, sidecars) decide together who belongs where; each
    step is a short loop over the result of the one before.
    """
    diags: list[Diagnostic] = []
    folders: dict[Path, list[ParsedFile]] = {}
    folder_of = _folder_resolver()
    for item in files:
        folders.setdefault(folder_of(item), []).append(item)
    endpoints: dict[Path, ParsedFile] = {}
    members: dict[Path, list[ParsedFile]] = {}
    sidecars: dict[Path, list[ParsedFile]] = {}
    orphans: list[ParsedFile] = []
    for folder, items in folders.items():
        eps = [i for i in items if i.kind == "endpoint"]
        deps = [i for i in items if i.kind == "deployment"]
        sidecars[folder] = [i for i in items if i.kind == "sidecar"]
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
    implied: dict[str, list[ParsedFile]] = {}
    for dep in orphans:
        wanted = _endpoint_name(dep)
        if wanted is None:
            diags.append(
                Diagnostic(
                    "IAC111",
                    "deployment file names no endpoint_name and no endpoint file is next to it; "
                    "add endpoint_name (azure-ai-ml requires it) or put the endpoint file in "
                    "its folder",
                    dep.positions.get((), Location(str(dep.path), 1, 1)),
                )
            )
            continue
        matches = [f for f, ep in endpoints.items() if ep.data.get("name") == wanted]
        if len(matches) == 1:
            members[matches[0]].append(dep)
            continue
        if matches:
            diags.append(
                Diagnostic(
                    "IAC111",
                    f"deployment file names endpoint '{wanted}' but several endpoint files "
                    "have that name; pass only one of them",
                    dep.positions.get(("endpoint_name",), Location(str(dep.path), 1, 1)),
                )
            )
            continue
        implied.setdefault(wanted, []).append(dep)
    docs: list[SpecDocument] = []
    for folder, ep in endpoints.items():
        doc = _fold(ep, sorted(members[folder], key=lambda i: str(i.path)), diags)
        _join_sidecars(doc, sidecars.pop(folder, []), diags)
        docs.append(doc)
    for name, deps in sorted(implied.items()):
        deps = sorted(deps, key=lambda i: str(i.path))
        implied_ep = _implied_endpoint(name, deps, diags)
        if implied_ep is None:
            continue
        doc = _fold(implied_ep, deps, diags)
        doc.implied_endpoint = True
        folder = folder_of(deps[0])
        _join_sidecars(doc, sidecars.pop(folder, []), diags)
        docs.append(doc)
    for items in sidecars.values():
        for side in items:
            diags.append(
                Diagnostic(
                    "IAC114",
                    "this file holds only iac-gen keys (environments, ownership, ...) but no "
                    "CLI v2 endpoint or deployment file is in its folder; put it next to them",
                    side.positions.get((), Location(str(side.path), 1, 1)),
                )
            )
    return docs, diags


def _implied_endpoint(
    name: str, deps: list[ParsedFile], diags: list[Diagnostic]
) -> ParsedFile | None:
    """The endpoint `az ml online-endpoint create -n NAME` makes: a name, service defaults."""
    first = deps[0]
    where = first.positions.get(("endpoint_name",), Location(str(first.path), 1, 1))
    if any(d.compute_kind == "kubernetes" or d.data.get("type") == "kubernetes" for d in deps):
        diags.append(
            Diagnostic(
                "IAC111",
                f"deployment file names endpoint '{name}' but no endpoint file was given; a "
                "Kubernetes endpoint needs its file (it names the compute), pass it too",
                where,
            )
        )
        return None
    return ParsedFile(first.path, {"name": name}, {(): where, ("name",): where}, "endpoint")


def _join_sidecars(doc: SpecDocument, items: list[ParsedFile], diags: list[Diagnostic]) -> None:
    """Add a sidecar's keys to the endpoint document; it may not restate a CLI v2 key."""
    for side in sorted(items, key=lambda i: str(i.path)):
        for key, value in side.data.items():
            if key in doc.data:
                diags.append(
                    Diagnostic(
                        "IAC114",
                        f"'{key}' is set by two files next to endpoint '{doc.data.get('name')}'; "
                        "set it once",
                        side.positions.get((key,), Location(str(side.path), 1, 1)),
                    )
                )
                continue
            doc.data[key] = value
            doc.positions = {
                **doc.positions,
                **{raw: loc for raw, loc in side.positions.items() if raw and raw[0] == key},
            }
        doc.files.append(side.path)


def _normalise(
    body: dict[str, Any],
    enums: Mapping[tuple[str, ...], Any],
) -> None:
    """Read values as azure-ai-ml reads them: its case-insensitive enums become our spelling;
    scalar environment variable values become text (`WORKER_COUNT: 2` -> "2"), as the
    service stores them. Anything else is left for the schema to report."""
    for path, (transform, allowed) in enums.items():
        node: Any = body
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get(path[-1]), str):
            node[path[-1]] = sdk_enum(node[path[-1]], transform, allowed)
    variables = body.get("environment_variables")
    if isinstance(variables, dict):
        for key, value in variables.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                variables[key] = str(value)


def _fold(ep: ParsedFile, deps: list[ParsedFile], diags: list[Diagnostic]) -> SpecDocument:
    positions: Mapping[RawPath, Location] | None = _stitched(ep, deps)
    if positions is None:
        positions = _joined_positions(ep, deps)
    data = _without_schema(ep.data)
    _normalise(data, ENDPOINT_ENUMS)
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
    for dep in deps:
        body = _without_schema(dep.data)
        _normalise(body, DEPLOYMENT_ENUMS)
        if dep.compute_kind and "type" not in body:
            body["type"] = dep.compute_kind
        deployments.append(body)
    if deps:
        data["deployments"] = deployments
    return SpecDocument(
        source=ep.path,
        format="cliv2",
        data=data,
        positions=positions,
        files=list(dict.fromkeys([ep.path, *(d.path for d in deps)])),
    )
