"""Load specs: discover files, read YAML safely, fold CLI v2 files, check, build `Spec`s.

The one entry point every command uses. It never stops at the first problem of a file: all
diagnostics of all files are collected and raised together as one `InputError`.
"""

from __future__ import annotations

import gc
import marshal
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from iac_gen.diagnostics import Diagnostic, InputError, Location
from iac_gen.provenance import adopt_remembered, remembered_count, remembered_since
from iac_gen.spec.cliv2 import ParsedFile, classify, find_placeholder, group
from iac_gen.spec.discover import Candidate, discover
from iac_gen.spec.document import SpecDocument
from iac_gen.spec.model import Spec
from iac_gen.spec.one_line import one_line
from iac_gen.spec.yaml_source import Positions, parse_yaml

TARGET_OPTIONS = {
    "subscription": "--subscription",
    "resource_group": "--resource-group",
    "workspace": "--workspace",
    "location": "--location",
}


def _read(path: Path, explicit: bool, diags: list[Diagnostic]) -> ParsedFile | None:
    """One file's single document, classified, or None (with its diagnostics in `diags`)
    when it is no spec or a broken one.

    Long because each way a YAML file can fail to be a spec (empty, several documents, not
    a mapping, a batch file, an unfilled placeholder) is its own diagnostic, in the order
    they are checked; a file found in a folder that is no spec is skipped silently."""
    display = str(path)
    try:
        docs = parse_yaml(path, display)
    except InputError as exc:
        diags.extend(exc.diagnostics)
        return None
    real = [d for d in docs if d.data is not None]
    if not real:
        diags.append(
            Diagnostic(
                "IAC007", "file is empty; expected a spec (a YAML mapping)", Location(display, 1, 1)
            )
        )
        return None
    if len(docs) > 1:
        if not explicit and not any(
            isinstance(d.data, dict) and classify(d.data, False)[0] is not None for d in docs
        ):
            return None  # unrelated multi-document YAML (a Kubernetes manifest): skipped
        second = docs[1].positions.get((), Location(display, 1, 1))
        diags.append(
            Diagnostic(
                "IAC008",
                f"file holds {len(docs)} YAML documents; expected one (remove the '---' "
                "separators or split the file)",
                second,
            )
        )
        return None
    doc = docs[0]
    if not isinstance(doc.data, dict):
        shape = "a list" if isinstance(doc.data, list) else "a single value"
        diags.append(
            Diagnostic(
                "IAC101",
                f"top level is {shape}; a spec is a mapping of keys such as name, deployments",
                doc.positions.get((), Location(display, 1, 1)),
            )
        )
        return None
    kind, compute_kind = classify(doc.data, explicit)
    if kind is None:
        return None
    if kind == "batch":
        diags.append(
            Diagnostic(
                "IAC112",
                "this is a batch endpoint or deployment file; iac-gen compiles online "
                "endpoints (managedOnline*/kubernetesOnline* files) only",
                doc.positions.get(("$schema",), doc.positions.get((), Location(display, 1, 1))),
            )
        )
        return None
    placeholder = find_placeholder(doc.data) if kind in ("endpoint", "deployment") else None
    if placeholder is not None:
        raw, text = placeholder
        diags.append(
            Diagnostic(
                "IAC113",
                f"{text!r} is an unfilled placeholder; replace it with the real value (as the "
                "sample's script does with sed or --set) before compiling",
                doc.positions.get(raw, doc.positions.get((), Location(display, 1, 1))),
            )
        )
        return None
    return ParsedFile(path, doc.data, doc.positions, kind, compute_kind)


# Reading and parsing is most of loading a fleet, one pure step per file, and a parsed file
# is cheap to send between processes; from this many files on, a forked second process reads
# from the end of the list (`iac_gen.parallel`; any failure there and this process reads all).
SHARE_FROM_FILES = 1000


def _read_one(cand: Candidate) -> tuple[ParsedFile | None, list[Diagnostic], list[Any]]:
    """One file read: (parsed file or None, its diagnostics, the digests remembered)."""
    mark = remembered_count()
    found: list[Diagnostic] = []
    parsed = _read(cand.path, cand.explicit, found)
    return parsed, found, remembered_since(mark)


def _reader(home: int) -> Callable[[Candidate], tuple[Any, list[Diagnostic], list[Any]]]:
    """`_read_one` for `shared_map`: in a process other than `home` (the forked worker) a
    parsed file comes back packed (`_pack`)."""

    def read(cand: Candidate) -> tuple[Any, list[Diagnostic], list[Any]]:
        parsed, found, digests = _read_one(cand)
        if parsed is not None and os.getpid() != home:
            return _pack(parsed, str(cand.path)), found, digests
        return parsed, found, digests

    return read


def _pack(parsed: ParsedFile, display: str) -> ParsedFile | bytes:
    """A parsed file as `marshal` bytes: its data, its positions as keys and a flat list of
    lines and columns, its kind; the file itself when it does not fit that form.

    Sending a fleet's parsed files back from the worker was a third of the worker's time,
    most of it pickling half a million positions one `Location` at a time; marshal writes
    the same plain values in C. Every position of a file names the file as it was read."""
    positions = parsed.positions
    if isinstance(positions, Positions):  # the common case: already keys and numbers
        if positions.file != display:
            return parsed
        keys, numbers = positions.paths, positions.numbers
    else:
        numbers = []
        for loc in positions.values():
            if loc.file != display:
                return parsed
            numbers += (loc.line, loc.col)
        keys = tuple(positions)
    try:
        return marshal.dumps((parsed.data, keys, numbers, parsed.kind, parsed.compute_kind))
    except ValueError:  # a value marshal cannot write: the file goes as it is
        return parsed


def _unpack(packed: ParsedFile | bytes | None, cand: Candidate) -> ParsedFile | None:
    """The parsed file `_pack` sent, rebuilt with the candidate's own path."""
    if not isinstance(packed, bytes):
        return packed
    data, keys, numbers, kind, compute_kind = marshal.loads(packed)
    positions = Positions(str(cand.path), keys, numbers)
    return ParsedFile(cand.path, data, positions, kind, compute_kind)


def _read_all(
    candidates: list[Candidate], stages: Stages | None = None
) -> list[tuple[ParsedFile | None, list[Diagnostic]]]:
    """Every candidate read, in order, by two processes when there are many."""
    results: list[tuple[Any, list[Diagnostic], list[Any]]] | None = None
    if len(candidates) >= SHARE_FROM_FILES:  # a small run never imports multiprocessing
        from iac_gen.parallel import shared_map, worth_sharing

        if worth_sharing(len(candidates), SHARE_FROM_FILES):
            told = stages.reading if stages is not None else None
            results = shared_map(_reader(os.getpid()), candidates, told)
    if results is None:
        results = [_read_one(cand) for cand in candidates]
    out: list[tuple[ParsedFile | None, list[Diagnostic]]] = []
    for cand, (packed, found, digests) in zip(candidates, results, strict=True):
        adopt_remembered(digests)  # the worker's reads count as read here: hashed once
        parsed = _unpack(packed, cand)
        if parsed is not None:
            parsed.folder = cand.folder  # set here: a worker need not send it back
        out.append((parsed, found))
    return out


def _checked_options(
    overrides: Mapping[str, str] | None, diags: list[Diagnostic]
) -> dict[str, str]:
    """The options with every target value Azure would refuse left out (IAC312 for each);
    other options (`--traffic`, `--mirror-traffic`) pass through unchanged."""
    from iac_gen.spec.schema_check import describe
    from iac_gen.spec.targets import problem

    given: dict[str, str] = {}
    for key, value in (overrides or {}).items():
        if key not in TARGET_OPTIONS:
            given[key] = value
            continue
        if not value:
            continue
        rule = problem(key, value)
        if rule is None:
            given[key] = value
            continue
        diags.append(
            Diagnostic(
                "IAC312",
                f"{TARGET_OPTIONS[key]} is {describe(value)}; {rule}",
                Location("iac-gen", 0, 0),
            )
        )
    return given


def _apply_target(doc: SpecDocument, overrides: Mapping[str, str], diags: list[Diagnostic]) -> None:
    """Fill the document's target from command-line values; differing values are errors."""
    given = {k: v for k, v in overrides.items() if k in TARGET_OPTIONS and v}
    if not given:
        return
    target = doc.data.get("target")
    if target is None:
        doc.data["target"] = dict(given)
        return
    if not isinstance(target, dict):
        return  # the schema check reports the wrong type
    for key, value in given.items():
        stated = target.get(key)
        if stated is None:
            target[key] = value
        elif stated != value:
            loc = doc.positions.get(
                ("target", key), doc.positions.get((), Location(doc.display, 1, 1))
            )
            diags.append(
                Diagnostic(
                    "IAC310",
                    f"{TARGET_OPTIONS[key]} '{value}' differs from the spec's target.{key} "
                    f"'{stated}'; give the same value or leave the option out",
                    loc,
                )
            )


TRAFFIC_OPTIONS = {"traffic": "--traffic", "mirror_traffic": "--mirror-traffic"}
_SPLIT = re.compile(r"[\s,]+")
_ENTRY = re.compile(r"^([^=\s]+)=(\d{1,3})$")


def parse_traffic(option: str, text: str) -> tuple[dict[str, int] | None, Diagnostic | None]:
    """`"blue=90 green=10"` (the `az ml online-endpoint update --traffic` syntax) -> a map."""
    where = Location(option, 0, 0)
    split: dict[str, int] = {}
    for entry in (e for e in _SPLIT.split(text.strip()) if e):
        match = _ENTRY.match(entry)
        if match is None:
            return None, Diagnostic(
                "IAC314",
                f'{option} entry {entry!r} is not <deployment>=<percent> (e.g. "blue=90 green=10")',
                where,
            )
        if match.group(1) in split:
            return None, Diagnostic(
                "IAC314", f"{option} names deployment {match.group(1)!r} twice", where
            )
        split[match.group(1)] = int(match.group(2))
    return split, None


def _apply_traffic(
    docs: list[SpecDocument], overrides: Mapping[str, str], diags: list[Diagnostic]
) -> None:
    """`--traffic` / `--mirror-traffic` replace the spec's maps, as `az ml` replaces the live
    endpoint's; the result is checked like written traffic (sums, names, mirror rules)."""
    given = {k: v for k, v in overrides.items() if k in TRAFFIC_OPTIONS}
    if not given:
        return
    if len(docs) != 1:
        names = ", ".join(str(d.data.get("name")) for d in docs) or "(none)"
        diags.append(
            Diagnostic(
                "IAC315",
                f"{' and '.join(TRAFFIC_OPTIONS[k] for k in given)} set one endpoint's traffic "
                f"but {len(docs)} endpoints were given ({names}); give one endpoint's files",
                Location(TRAFFIC_OPTIONS[next(iter(given))], 0, 0),
            )
        )
        return
    (doc,) = docs
    for key, text in given.items():
        option = TRAFFIC_OPTIONS[key]
        split, problem = parse_traffic(option, text)
        if problem is not None:
            diags.append(problem)
            continue
        assert split is not None
        doc.data[key] = split
        where = Location(option, 0, 0)
        doc.positions = {
            raw: loc for raw, loc in doc.positions.items() if not (raw and raw[0] == key)
        }
        doc.positions[(key,)] = where
        for name in split:
            doc.positions[(key, name)] = where


def _check(doc: SpecDocument, diags: list[Diagnostic]) -> Spec | None:
    from iac_gen.spec.check import check_document
    from iac_gen.spec.overlay import resolve_checked

    spec, found = check_document(
        doc.data,
        doc.locations(),
        source=doc.source,
        format=doc.format,
        files=tuple(doc.files),
        implied_endpoint=doc.implied_endpoint,
    )
    diags.extend(found)
    if spec is None or found:
        return spec
    for env in sorted(spec.environments):
        _, env_diags = resolve_checked(spec, env)
        diags.extend(env_diags)
    return spec


class Stages(Protocol):
    """What a caller running work beside loading is told, as loading goes (`drift.inputs`
    starts reading the live file by them)."""

    def listed(self, files: int) -> None:
        """The spec files are found: `files` of them are about to be read."""

    def reading(self, left: int) -> None:
        """Two processes are reading the files, and `left` of them are not taken yet."""

    def read(self) -> None:
        """Every spec file is read and parsed; what is left is folding and checking them."""


def load_specs(
    paths: Sequence[Path],
    target_overrides: Mapping[str, str] | None = None,
    stages: Stages | None = None,
) -> list[Spec]:
    """Every endpoint found in `paths`, checked; InputError with all diagnostics otherwise.

    Environments are validated (each overlay resolved and checked) but not applied; use
    `iac_gen.spec.overlay.resolve`. `stages`, when given, is told when the files are found,
    how many are left while two processes read them, and when they are read.
    """
    # Loading builds hundreds of small, acyclic objects per spec; on a fleet the cyclic
    # collector would rescan the growing heap over and over (40 % of the time for 10,000
    # specs). Reference counting frees everything here, so it is paused while loading.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load_specs(paths, target_overrides, stages)
    finally:
        if collecting:
            gc.enable()


def _load_specs(
    paths: Sequence[Path], target_overrides: Mapping[str, str] | None, stages: Stages | None
) -> list[Spec]:
    candidates, diags = discover(paths)
    target_overrides = _checked_options(target_overrides, diags)
    native: list[SpecDocument] = []
    cliv2: list[ParsedFile] = []
    if stages is not None:
        stages.listed(len(candidates))
    read = _read_all(candidates, stages)
    if stages is not None:
        stages.read()
    for parsed, found in read:
        diags.extend(found)
        if parsed is None:
            continue
        if parsed.kind == "native":
            native.append(
                SpecDocument(
                    parsed.path, "native", parsed.data, parsed.positions, files=[parsed.path]
                )
            )
        else:
            cliv2.append(parsed)
    grouped, group_diags = group(cliv2)
    diags.extend(group_diags)
    documents = sorted([*native, *grouped], key=lambda d: str(d.source))
    if not documents and not diags:
        where = str(paths[0]) if paths else "iac-gen"
        diags.append(
            Diagnostic(
                "IAC012",
                "no endpoint spec found (native spec or CLI v2 endpoint file)",
                Location(where, 0, 0),
            )
        )
    specs: list[Spec] = []
    _apply_traffic(documents, target_overrides or {}, diags)
    for doc in documents:
        _apply_target(doc, target_overrides or {}, diags)
        spec = _check(doc, diags)
        if spec is not None:
            specs.append(spec)
    _duplicate_endpoints(specs, diags)
    if diags:
        raise InputError(_unique(one_line(diags)))
    return specs


def _duplicate_endpoints(specs: list[Spec], diags: list[Diagnostic]) -> None:
    """IAC232 for a second spec of one endpoint; Azure compares these names ignoring case."""
    seen: dict[tuple[Any, ...], Spec] = {}
    for spec in specs:
        key = tuple(
            value.lower() if isinstance(value, str) else value
            for value in (
                spec.target.subscription,
                spec.target.resource_group,
                spec.target.workspace,
                spec.endpoint.name,
            )
        )
        first = seen.setdefault(key, spec)
        if first is not spec:
            diags.append(
                Diagnostic(
                    "IAC232",
                    f"endpoint '{spec.endpoint.name}' is also defined in {first.source}; "
                    "each endpoint may be defined once",
                    spec.locate("name"),
                )
            )


def _unique(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[str] = set()
    out: list[Diagnostic] = []
    for d in diags:
        text = str(d)
        if text not in seen:
            seen.add(text)
            out.append(d)
    return out
