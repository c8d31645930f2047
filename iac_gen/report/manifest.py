"""`manifest.json`: what was checked, with what, by whom, and the hash of every file.

A reviewer re-checks the evidence months later with `verify_manifest`: every input and
output is listed with its size and SHA-256, paths relative to the manifest's folder. The
manifest also records the tool and Python versions, the platform, the command line (with
anything token-like redacted), CI run metadata and the git commit of each spec.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from iac_gen import __version__
from iac_gen.provenance import iso_now, sha256_file
from iac_gen.report.redact import REDACTED, is_secret_key, is_secret_value

MANIFEST_SCHEMA_VERSION = "1.0"
_SECRET_FLAG = re.compile(r"^--?[\w-]+$")
_URL_USERINFO = re.compile(r"^(\w+://)[^/@\s]+@")


def generated_at(env: Mapping[str, str] | None = None) -> str:
    """UTC now as ISO 8601 `Z`, or `SOURCE_DATE_EPOCH` when set (reproducible builds)."""
    return iso_now(env)


def _relative(path: Path, base: Path | str | None) -> str:
    """`path` relative to `base`, worked out on absolute paths (lexically: no link look-ups,
    which cost a system call per path component on a fleet of spec files)."""
    if base is None:
        return path.as_posix()
    try:
        return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(base))).as_posix()
    except ValueError:  # another drive on Windows
        return Path(os.path.abspath(path)).as_posix()


def file_record(
    path: Path, base: Path | str | None = None, sha256: str | None = None
) -> dict[str, Any]:
    """{path (relative to `base`), size, sha256} of one file; `sha256` when already known."""
    path = Path(path)
    return {
        "path": _relative(path, base),
        "sha256": sha256 or sha256_file(path),
        "size": path.stat().st_size,
    }


def redact_argv(argv: Sequence[str]) -> list[str]:
    """The command line with secret option values and token-like arguments withheld."""
    out: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            out.append(REDACTED)
            hide_next = False
            continue
        if "=" in arg and arg.startswith("-"):
            flag, _, value = arg.partition("=")
            out.append(
                f"{flag}={REDACTED}"
                if is_secret_key(flag.lstrip("-")) or is_secret_value(value)
                else arg
            )
            continue
        if _SECRET_FLAG.match(arg) and is_secret_key(arg.lstrip("-")):
            out.append(arg)
            hide_next = True
            continue
        arg = _URL_USERINFO.sub(r"\1" + REDACTED + "@", arg)  # keeps the rest of the URL
        out.append(REDACTED if is_secret_value(arg) or _looks_like_token(arg) else arg)
    return out


def _looks_like_token(arg: str) -> bool:
    """Long opaque strings (>= 32 chars, no path separators, letters and digits mixed)."""
    if len(arg) < 32 or "/" in arg or "\\" in arg or "." in arg:
        return False
    if re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", arg):  # commit ids and digests are evidence
        return False
    return (
        bool(re.fullmatch(r"[A-Za-z0-9+_=-]+", arg))
        and bool(re.search(r"\d", arg))
        and bool(re.search(r"[A-Za-z]", arg))
    )


def ci_metadata(env: Mapping[str, str] | None = None) -> dict[str, Any] | None:
    """Who ran it and where: GitHub Actions or Azure Pipelines variables, else None."""
    env = os.environ if env is None else env
    if env.get("GITHUB_RUN_ID"):
        gh = {
            "provider": "github-actions",
            "repository": env.get("GITHUB_REPOSITORY"),
            "sha": env.get("GITHUB_SHA"),
            "ref": env.get("GITHUB_REF"),
            "run_id": env.get("GITHUB_RUN_ID"),
            "run_attempt": env.get("GITHUB_RUN_ATTEMPT"),
            "actor": env.get("GITHUB_ACTOR"),
            "workflow": env.get("GITHUB_WORKFLOW"),
        }
        server = (env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")
        if gh["repository"]:
            url = f"{server}/{gh['repository']}/actions/runs/{gh['run_id']}"
            if gh["run_attempt"]:
                url += f"/attempts/{gh['run_attempt']}"
            gh["run_url"] = url
        return {k: v for k, v in gh.items() if v}
    if env.get("BUILD_BUILDID"):
        ado = {
            "provider": "azure-pipelines",
            "repository": _URL_USERINFO.sub(r"\1", env.get("BUILD_REPOSITORY_URI") or "") or None,
            "sha": env.get("BUILD_SOURCEVERSION"),
            "ref": env.get("BUILD_SOURCEBRANCH"),
            "run_id": env.get("BUILD_BUILDID"),
            "actor": env.get("BUILD_REQUESTEDFOR"),
            "collection_uri": env.get("SYSTEM_COLLECTIONURI"),
            "team_project": env.get("SYSTEM_TEAMPROJECT"),
        }
        if ado["collection_uri"] and ado["team_project"]:
            base = str(ado["collection_uri"]).rstrip("/")
            ado["run_url"] = f"{base}/{ado['team_project']}/_build/results?buildId={ado['run_id']}"
        return {k: v for k, v in ado.items() if v}
    return None


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(cwd), *args], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def git_source(path: Path) -> dict[str, Any] | None:
    """Commit, dirty flag and remote of the repository holding `path`; None outside git."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    commit = _git(["rev-parse", "HEAD"], folder)
    if not commit:
        return None
    status = _git(["status", "--porcelain", "--", path.name if path.is_file() else "."], folder)
    source: dict[str, Any] = {"commit": commit, "dirty": bool(status)}
    branch = _git(["rev-parse", "--abbrev-ref", "HEAD"], folder)
    if branch and branch != "HEAD":
        source["branch"] = branch
    remote = _git(["config", "--get", "remote.origin.url"], folder)
    if remote:
        source["repository_uri"] = _URL_USERINFO.sub(r"\1", remote)
    return source


def build_manifest(
    inputs: Sequence[Path],
    outputs: Sequence[Path],
    *,
    base_dir: Path | None = None,
    argv: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    sources: Sequence[Path] | None = None,
    contents: Mapping[str, str | bytes] | None = None,
    digests: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The evidence manifest for `inputs` and `outputs` (dict; write it with `dumps_json`).

    `base_dir` is where the manifest will live (normally the report folder): all paths
    are stored relative to it, so the folder can be moved together with its inputs' tree.
    `sources` are files whose git commit is recorded (default: every input; `()` for none).
    `contents` are outputs not yet written (name relative to `base_dir` -> text), hashed
    from memory so the manifest can be written together with them, all or nothing.
    `digests` are sha256 values already computed for inputs in this run (path as given ->
    hex), so a fleet's spec files are not read twice.
    """
    env = os.environ if env is None else env
    base = os.path.abspath(base_dir) if base_dir is not None else None
    known = digests or {}
    manifest: dict[str, Any] = {
        "schema_version": MANIFEST_SCHEMA_VERSION,
        "tool": {"name": "iac-gen", "version": __version__},
        "python": platform.python_version(),
        "platform": platform.platform(),
        "generated_at": generated_at(env),
        "command": {"argv": redact_argv(list(sys.argv if argv is None else argv))},
        "ci": ci_metadata(env),
        "sources": [],
        "inputs": [file_record(Path(p), base, known.get(str(p))) for p in inputs],
        "outputs": [file_record(Path(p), base) for p in outputs],
    }
    for name, content in sorted((contents or {}).items()):
        data = content.encode("utf-8") if isinstance(content, str) else content
        record = {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        manifest["outputs"].append(record)
    cache: dict[tuple[str, str], dict[str, Any] | None] = {}
    for src in inputs if sources is None else sources:
        src = Path(src)
        key = (str(src.resolve().parent), src.name)
        if key not in cache:
            cache[key] = git_source(src)
        manifest["sources"].append({"path": _relative(src, base), "git": cache[key]})
    if extra:
        manifest.update(extra)
    return manifest


def verify_manifest(path: Path) -> list[str]:
    """Problems found re-checking a manifest's hashes; empty when every file matches.

    Paths are looked up relative to the manifest's folder first, then as recorded.
    """
    path = Path(path)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{path}: cannot read manifest: {exc}"]
    problems: list[str] = []
    base = path.parent
    for section in ("inputs", "outputs"):
        for entry in manifest.get(section) or []:
            rel = str(entry.get("path"))
            target = base / rel
            if not target.is_file() and Path(rel).is_file():
                target = Path(rel)  # recorded as given (absolute, or relative to the caller)
            if not target.is_file():
                problems.append(f"{rel}: missing ({section[:-1]})")
                continue
            size = target.stat().st_size
            if size != entry.get("size"):
                problems.append(f"{rel}: size {size} != recorded {entry.get('size')}")
            digest = sha256_file(target)
            if digest != entry.get("sha256"):
                problems.append(f"{rel}: sha256 {digest} != recorded {entry.get('sha256')}")
    return problems


def provenance(
    sources: Sequence[Path], env: Mapping[str, str] | None = None
) -> dict[str, Any] | None:
    """{repository_uri, revision_id, branch} for SARIF `versionControlProvenance`.

    From the git checkout holding the first spec; in CI without a usable remote, from the
    run's repository variables. None when neither is known.
    """
    env = os.environ if env is None else env
    for src in sources:
        info = git_source(Path(src))
        if info and info.get("repository_uri"):
            found = {"repository_uri": info["repository_uri"], "revision_id": info["commit"]}
            if info.get("branch"):
                found["branch"] = info["branch"]
            return found
    ci = ci_metadata(env) or {}
    if ci.get("provider") == "github-actions" and ci.get("repository"):
        server = (env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")
        uri: str | None = f"{server}/{ci['repository']}"
    else:
        uri = ci.get("repository")
    if not uri:
        return None
    out: dict[str, Any] = {"repository_uri": uri}
    if ci.get("sha"):
        out["revision_id"] = ci["sha"]
    if ci.get("ref"):
        out["branch"] = ci["ref"]
    return out
