"""The one evidence writer: every command renders its reports here, from the report registry.

`drift --report`, `drift --format X`, `lint --format sarif|junit` and `report` all go through
`evidence_context` (who and where: the spec's git provenance, this host, the CI run) and the
registry (`iac_gen.report.registry.REPORTERS`), so a fact such as the JUnit host name or the
SARIF `versionControlProvenance` reaches every format of every command, and a new format is
picked up everywhere by adding it to the registry.

The folder is written all or none: every file is rendered in memory, `manifest.json` hashes
them from memory, then `write_tree` commits them together and removes stale evidence of an
earlier run (a rerun with `--format json` after one with all formats leaves no stale
`drift.md` claiming "in sync").
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from iac_gen.report.registry import REPORTERS

DRIFT_JSON = "drift.json"
MANIFEST_NAME = "manifest.json"
MANIFEST = MANIFEST_NAME
GIT_LOOKUPS = 50  # spec files whose repository git is asked about (one per folder beyond)
HOSTNAME_VARIABLE = "IAC_GEN_HOSTNAME"


def evidence_context(
    sources: Sequence[Path] = (), env: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Facts about the run that are not in the result: `provenance` (the spec's repository
    and commit, for SARIF and the HTML spec links), `hostname` (JUnit) and `ci` (the CI run,
    for the HTML header). Each format takes the ones it names in the registry.

    The host name is this machine's unless IAC_GEN_HOSTNAME names another (a container's
    host name is a random id; a pipeline may prefer its agent's name).
    """
    import socket

    from iac_gen.report.manifest import ci_metadata, provenance

    env = os.environ if env is None else env
    return {
        "provenance": provenance(git_lookups(sources), env),
        "hostname": env.get(HOSTNAME_VARIABLE) or socket.gethostname(),
        "ci": ci_metadata(env),
    }


def git_lookups(paths: Sequence[Path | str]) -> list[Path]:
    """Files whose git commit is recorded: every one for a normal run; for a fleet (many spec
    files) one file per folder, at most GIT_LOOKUPS, since each repository is asked by git."""
    if len(paths) <= GIT_LOOKUPS:
        return [p if isinstance(p, Path) else Path(p) for p in paths]
    # A fleet's folders are told apart by text (its 10,000 paths as written in the result,
    # already in `Path`'s form), and only the files looked up become `Path`s.
    seen: dict[str, Path | str] = {}
    for path in paths:
        seen.setdefault(os.path.dirname(path), path)
    return [p if isinstance(p, Path) else Path(p) for p in list(seen.values())[:GIT_LOOKUPS]]


def render_one(name: str, result: dict[str, Any], context: Mapping[str, Any]) -> str:
    """One format of a drift result, with the run's context."""
    return REPORTERS[name].render(result, **context)


def render_lint(name: str, lint_result: dict[str, Any], context: Mapping[str, Any]) -> str:
    """One format of a lint result, with the run's context."""
    return REPORTERS[name].render_lint(lint_result, **context)


def render_all(
    result: dict[str, Any], formats: Sequence[str] | None = None, **context: Any
) -> dict[str, str]:
    """File name -> rendered text for each requested format (all formats by default).

    `context` (`provenance`, `hostname`, `ci`) reaches the formats that use it.
    """
    names = list(formats) if formats else list(REPORTERS)
    unknown = [n for n in names if n not in REPORTERS]
    if unknown:
        raise ValueError(f"unknown report format(s): {', '.join(unknown)}")
    return {REPORTERS[n].filename: REPORTERS[n].render(result, **context) for n in names}


def spec_inputs(result: Mapping[str, Any]) -> list[str]:
    """The spec files a result was made from, as written there (git is asked about these
    only: a live file or waivers file may come from a downloaded archive whose `.git` is not
    ours to trust)."""
    return [i["path"] for i in result.get("inputs") or [] if i.get("role") == "spec"]


def render_reports(
    result: dict[str, Any],
    formats: Sequence[str] | None,
    inputs: Sequence[Path | str],
    out_dir: Path,
    *,
    sources: Sequence[Path] | None = None,
    context: Mapping[str, Any] | None = None,
    argv: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    manifest_extra: Mapping[str, Any] | None = None,
) -> dict[str, bytes]:
    """File name -> UTF-8 text for drift.json (always), each chosen format and manifest.json.

    `sources` (default: the result's spec files) are the files whose git commit the
    manifest records and whose repository gives the provenance; `context` defaults to
    `evidence_context(sources, env)`; `manifest_extra` are further manifest members (a
    merge's `shards`).
    """
    from iac_gen.output_files import dumps_json
    from iac_gen.report.manifest import build_manifest

    looked_up = git_lookups(spec_inputs(result) if sources is None else sources)
    if context is None:
        context = evidence_context(looked_up, env)
    names = [DRIFT_JSON] + [
        n for n in (formats if formats is not None else REPORTERS) if n in REPORTERS
    ]
    from iac_gen.report.redact import redact_result

    clean = redact_result(result)  # once for every format (each would redact a raw result)
    files: dict[str, bytes] = {}
    for name in names:
        reporter = REPORTERS.get(name) or REPORTERS["json"]
        if reporter.filename not in files:
            files[reporter.filename] = reporter.render_bytes(clean, **context)
    # Outputs are hashed from memory, before anything is written (all or nothing); inputs
    # reuse the digests the analysis computed from the very bytes it compared.
    digests = {str(i["path"]): str(i["sha256"]) for i in result.get("inputs") or []}
    manifest = build_manifest(
        list(inputs),
        [],
        base_dir=Path(out_dir),
        argv=argv,
        env=env,
        sources=looked_up,
        contents=files,
        digests=digests,
        extra=manifest_extra,
    )
    files[MANIFEST_NAME] = dumps_json(manifest).encode("utf-8")
    return files


def owned_report(rel: str) -> bool:
    """The evidence files a run owns in its report folder: every format's file and the
    manifest; a rerun removes those it does not write."""
    return rel == MANIFEST_NAME or rel in {r.filename for r in REPORTERS.values()}


def write_report_files(out_dir: Path, files: Mapping[str, str | bytes]) -> list[Path]:
    """Write rendered evidence all or none, removing stale evidence in the same commit."""
    from iac_gen.output_files import write_tree

    return write_tree(Path(out_dir), dict(files), stale=owned_report)


def write_evidence(
    result: dict[str, Any],
    report_dir: Path,
    *,
    formats: Sequence[str] | None = None,
    inputs: Sequence[Path | str] | None = None,
    sources: Sequence[Path] | None = None,
    argv: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    context: Mapping[str, Any] | None = None,
    manifest_extra: Mapping[str, Any] | None = None,
) -> list[Path]:
    """Render drift.json, the formats (all by default) and `manifest.json`, and write them
    all or none. Returns the written paths, manifest last.

    `inputs` default to the result's own inputs (specs, live file, waivers), kept as the
    text the result gives (a fleet's 8,000 paths: no `Path` to build per input).
    """
    if formats is not None:
        unknown = [n for n in formats if n not in REPORTERS]
        if unknown:
            raise ValueError(f"unknown report format(s): {', '.join(unknown)}")
    if inputs is None:
        inputs = [str(entry["path"]) for entry in result.get("inputs") or []]
    files = render_reports(
        result,
        formats,
        inputs,
        Path(report_dir),
        sources=sources,
        context=context,
        argv=argv,
        env=env,
        manifest_extra=manifest_extra,
    )
    return write_report_files(Path(report_dir), files)
