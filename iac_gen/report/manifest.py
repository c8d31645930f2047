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
from iac_gen.provenance import iso_now, known_size, sha256_file, streamed
from iac_gen.secrets import redact_argv, without_userinfo

MANIFEST_SCHEMA_VERSION = "1.0"


def generated_at(env: Mapping[str, str] | None = None) -> str:
    """UTC now as ISO 8601 `Z`, or `SOURCE_DATE_EPOCH` when set (reproducible builds)."""
    return iso_now(env)


def _relative(path: Path | str, base: Path | str | None) -> str:
    """`path` relative to `base` (see `_Relative`)."""
    return _Relative(base)(path)


class _Relative:
    """Paths relative to one base, worked out on absolute paths (lexically: no link look-ups,
    which cost a system call per path component on a fleet of spec files).

    One per manifest: the working folder is read once (`os.path.abspath` reads it for every
    path), and each folder's absolute path and the way from the base to it are worked out
    once (a fleet's 8,000 files share its 2,000 folders)."""

    def __init__(self, base: Path | str | None):
        self.root = os.path.abspath(base) if base is not None else None
        self.cwd = os.getcwd() if base is not None else ""
        self.folders: dict[str, str] = {}
        self.absolute: dict[str, str] = {}

    def _folder(self, head: str) -> str:
        """`os.path.relpath(head, root)` of an absolute, normalised folder, from its parent's:
        a folder that neither is the base nor holds it is its parent's way and its name."""
        found = self.folders.get(head)
        if found is None:
            root = self.root
            assert root is not None
            parent, name = os.path.split(head)
            if not name or head == root or root.startswith(head + os.sep):
                found = os.path.relpath(head, root)
            else:
                above = self._folder(parent)
                found = name if above == os.curdir else above + os.sep + name
            self.folders[head] = found
        return found

    def _absolute(self, text: str) -> str:
        return os.path.normpath(text if os.path.isabs(text) else os.path.join(self.cwd, text))

    def __call__(self, path: Path | str) -> str:
        root = self.root
        if root is None:
            return Path(path).as_posix()
        text = os.fspath(path)
        head, name = os.path.split(text)
        if name and name != os.curdir and name != os.pardir:  # a file's name: its folder's
            known = self.absolute.get(head)  # absolute path, once per folder as written
            if known is None:
                known = self.absolute[head] = self._absolute(head)
            head = known
            absolute = head + name if head.endswith(os.sep) else head + os.sep + name
        else:
            absolute = self._absolute(text)
            head, name = os.path.split(absolute)
        try:
            # `absolute` is normalised: no trailing separator, so `+ os.sep` is `join(_, "")`
            if absolute == root or not name or root.startswith(absolute + os.sep):
                text = os.path.relpath(absolute, root)  # the base itself, or the base is below it
            else:
                folder = self._folder(head)
                # relpath's answer never ends with a separator: `+` is `os.path.join` here
                text = name if folder == os.curdir else folder + os.sep + name
        except ValueError:  # another drive on Windows
            text = absolute
        return text if os.sep == "/" else Path(text).as_posix()  # strings: a fleet has 10,000


def file_record(
    path: Path | str,
    base: Path | str | None = None,
    sha256: str | None = None,
    relative: _Relative | None = None,
) -> dict[str, Any]:
    """{path (relative to `base`), size, sha256} of one file; `sha256` when already known.
    An input this run read from a stream (a pipe) is recorded as what was read from it.
    `relative`: the manifest's own `_Relative` for `base`, when it records many files."""
    name = (relative or _Relative(base))(path)
    read = streamed(path)
    if read is not None:
        return {"path": name, "sha256": sha256 or read[0], "size": read[1]}
    digest = sha256 or sha256_file(Path(path))
    size = known_size(digest)  # the content hashed this run: its size is known
    return {"path": name, "sha256": digest, "size": os.stat(path).st_size if size is None else size}


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
            "repository": without_userinfo(env.get("BUILD_REPOSITORY_URI") or "") or None,
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


# Git is asked read-only plumbing questions (`rev-parse`, `cat-file`, `config --get`), never
# `status`: refreshing the index runs `core.fsmonitor` and clean filters, which a repository's
# own `.git/config` names. Every call also switches those off, ignores system and global
# config (and every GIT_* variable of the caller), uses git's default ownership check
# (`safe.directory` reset: only repositories owned by this user), and never pages.
_GIT_FLAGS = (
    "--no-pager",
    "-c",
    "core.fsmonitor=false",
    "-c",
    f"core.hooksPath={os.devnull}",
    "-c",
    "safe.directory=",
    "-c",
    "core.untrackedCache=false",
)
_GIT_TIMEOUT = 10


def _git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_TERMINAL_PROMPT="0",
        GIT_OPTIONAL_LOCKS="0",
        LC_ALL="C",
    )
    return env


def _git(args: list[str], root: Path, stdin: str | None = None) -> str | None:
    env = _git_env()
    env["GIT_CEILING_DIRECTORIES"] = str(root.parent)
    try:
        done = subprocess.run(
            ["git", *_GIT_FLAGS, "-C", str(root), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT,
            check=False,
            env=env,
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    return done.stdout if done.returncode == 0 else None


def repository_root(path: Path) -> Path | None:
    """The work tree holding `path` (a folder with `.git`), found without running git."""
    folder = Path(os.path.realpath(path if path.is_dir() else path.parent))
    for candidate in (folder, *folder.parents):
        if candidate.name == ".git":
            return None  # inside a repository's own metadata: not a checked-out file
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


def _blob_id(path: Path, object_format: str) -> str | None:
    """The git object id of the file's bytes as they are (no filters run)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    digest = hashlib.sha256() if object_format == "sha256" else hashlib.sha1(usedforsecurity=False)
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def git_sources(paths: Sequence[Path]) -> list[dict[str, Any] | None]:
    """Commit, dirty flag, branch and remote for each of `paths`; None outside git.

    One query per repository, whatever the number of files or folders in it. `dirty` means
    the file's bytes differ from the committed ones (or it is not committed at all); it is
    worked out by hashing the file here, not by `git status`.
    """
    by_root: dict[Path, list[int]] = {}
    out: list[dict[str, Any] | None] = [None] * len(paths)
    for index, path in enumerate(paths):
        root = repository_root(Path(path))
        if root is not None:
            by_root.setdefault(root, []).append(index)
    for root, indices in by_root.items():
        found = _query_repository(root, [Path(paths[i]) for i in indices])
        for i, info in zip(indices, found, strict=True):
            out[i] = info
    return out


def _query_repository(root: Path, files: list[Path]) -> list[dict[str, Any] | None]:
    head = _git(["rev-parse", "--show-object-format", "--abbrev-ref", "HEAD"], root)
    lines = (head or "").splitlines()
    if len(lines) != 2:
        return [None] * len(files)  # not a repository git accepts, or no commit yet
    object_format, branch = lines
    names: list[str | None] = []
    for path in files:
        real = Path(os.path.realpath(path.parent)) / path.name
        rel = Path(os.path.relpath(real, root)).as_posix()
        names.append(None if "\n" in rel or rel.startswith("../") else rel)
    query = "HEAD\n" + "".join(f"HEAD:{n}\n" for n in names if n is not None)
    answer = _git(["cat-file", "--batch-check=%(objectname) %(objecttype)"], root, query)
    rows = (answer or "").splitlines()
    if not rows or not rows[0].endswith(" commit"):
        return [None] * len(files)
    commit = rows[0].split(" ", 1)[0]
    blobs = iter(rows[1:])
    remote = _git(["config", "--get", "remote.origin.url"], root)
    base: dict[str, Any] = {"commit": commit}
    if branch and branch != "HEAD":
        base["branch"] = branch
    if remote and remote.strip():
        base["repository_uri"] = without_userinfo(remote.strip())
    out: list[dict[str, Any] | None] = []
    for path, name in zip(files, names, strict=True):
        committed = next(blobs, "") if name is not None else ""
        oid, _, kind = committed.partition(" ")
        dirty = kind != "blob" or _blob_id(path, object_format) != oid  # a folder: dirty
        out.append({**base, "dirty": dirty})
    return out


def git_source(path: Path) -> dict[str, Any] | None:
    """Commit, dirty flag and remote of the repository holding `path`; None outside git."""
    return git_sources([Path(path)])[0]


def build_manifest(
    inputs: Sequence[Path | str],
    outputs: Sequence[Path | str],
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
    relative = _Relative(base)
    manifest: dict[str, Any] = {
        "schema_version": MANIFEST_SCHEMA_VERSION,
        "tool": {"name": "iac-gen", "version": __version__},
        "python": platform.python_version(),
        "platform": platform.platform(),
        "generated_at": generated_at(env),
        "command": {"argv": redact_argv(list(sys.argv if argv is None else argv))},
        "ci": ci_metadata(env),
        "sources": [],
        "inputs": [file_record(p, base, known.get(str(p)), relative) for p in inputs],
        "outputs": [file_record(p, base, None, relative) for p in outputs],
    }
    for name, content in sorted((contents or {}).items()):
        data = content.encode("utf-8") if isinstance(content, str) else content
        record = {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        manifest["outputs"].append(record)
    listed = [Path(src) for src in (inputs if sources is None else sources)]
    for src, info in zip(listed, git_sources(listed), strict=True):
        manifest["sources"].append({"path": relative(src), "git": info})
    if extra:
        manifest.update(extra)
    return manifest


CHAIN_SEED = "iac-gen shard chain 1"


def chain_step(previous: str, result_sha256: str, manifest_sha256: str | None) -> str:
    """The next link of a merge's shard chain: SHA-256 over the previous link, the shard
    result's digest and its manifest's digest (`-` when it had none)."""
    text = f"{previous}\n{result_sha256}\n{manifest_sha256 or '-'}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chain_start() -> str:
    return hashlib.sha256(CHAIN_SEED.encode("utf-8")).hexdigest()


def shards_member(
    shards: Sequence[Mapping[str, Any]], base_dir: Path | str | None
) -> dict[str, Any]:
    """The `shards` member of a merge's manifest: per shard (in K order) its result file and
    the manifest.json that vouched for it (path, size, sha256), the live bundle it judged
    (as its result records it), and `chain_sha256`, the chain so far. The last link is the
    member's own `chain_sha256`: changing, dropping or reordering any shard changes it.

    Each item of `shards`: `shard` ("K/N"), `result` and `manifest` (paths; manifest may be
    None), `live` (the result's live input entries)."""
    link = chain_start()
    entries = []
    for item in shards:
        result = file_record(Path(item["result"]), base_dir)
        manifest = file_record(Path(item["manifest"]), base_dir) if item.get("manifest") else None
        link = chain_step(link, result["sha256"], manifest["sha256"] if manifest else None)
        entries.append(
            {
                "shard": item["shard"],
                "result": result,
                "manifest": manifest,
                "live": [
                    {"path": str(i.get("path")), "sha256": str(i.get("sha256"))}
                    for i in item.get("live") or []
                ],
                "chain_sha256": link,
            }
        )
    return {"count": len(entries), "entries": entries, "chain_sha256": link}


def _chain_problems(member: Any) -> list[str]:
    """Where a manifest's shard chain does not follow from its entries."""
    if not isinstance(member, dict) or not isinstance(member.get("entries"), list):
        return ["shards: malformed (no entries)"]
    link = chain_start()
    problems = []
    for i, entry in enumerate(member["entries"]):
        try:
            result = entry["result"]["sha256"]
            manifest = entry["manifest"]["sha256"] if entry.get("manifest") else None
        except (KeyError, TypeError):
            return [f"shards.entries[{i}]: malformed"]
        link = chain_step(link, str(result), str(manifest) if manifest else None)
        if entry.get("chain_sha256") != link:
            problems.append(f"shards.entries[{i}] ({entry.get('shard')}): chain_sha256 broken")
    if member.get("chain_sha256") != link:
        problems.append("shards: chain_sha256 does not follow from its entries")
    return problems


def verify_manifest(path: Path) -> list[str]:
    """Problems found re-checking a manifest's hashes; empty when every file matches.

    Paths are looked up relative to the manifest's folder first, then as recorded. A merge's
    manifest also has its shard chain re-computed, and each shard's result and manifest
    re-hashed (`shards_member`).
    """
    path = Path(path)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{path}: cannot read manifest: {exc}"]
    problems: list[str] = []
    base = path.parent
    records = [(s, e) for s in ("inputs", "outputs") for e in manifest.get(s) or []]
    if "shards" in manifest:
        problems += _chain_problems(manifest["shards"])
        member = manifest["shards"] if isinstance(manifest["shards"], dict) else {}
        for entry in member.get("entries") or []:
            for kind in ("result", "manifest"):
                if isinstance(entry, dict) and isinstance(entry.get(kind), dict):
                    records.append((f"shard {kind}s", entry[kind]))
    for section, entry in records:
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
    for info in git_sources([Path(src) for src in sources]):
        # A remote that is a local folder (a clone of a clone) is no URI a reader can open.
        if info and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", str(info.get("repository_uri"))):
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
