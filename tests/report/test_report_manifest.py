"""The evidence manifest hashes every file, re-verifies, and notices tampering."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from iac_gen.output_files import dumps_json
from iac_gen.report.manifest import (
    build_manifest,
    ci_metadata,
    generated_at,
    provenance,
    redact_argv,
    verify_manifest,
)

ROOT_SPEC = Path(__file__).resolve().parents[2] / "fixtures/example/spec.yaml"

GITHUB = {
    "GITHUB_RUN_ID": "9012",
    "GITHUB_RUN_ATTEMPT": "2",
    "GITHUB_REPOSITORY": "contoso/ml-endpoints",
    "GITHUB_SHA": "a" * 40,
    "GITHUB_REF": "refs/heads/main",
    "GITHUB_ACTOR": "octocat",
    "GITHUB_WORKFLOW": "drift",
    "GITHUB_SERVER_URL": "https://github.example.com",
}
AZURE = {
    "BUILD_BUILDID": "77",
    "BUILD_REPOSITORY_URI": "https://pat123@dev.azure.com/contoso/risk/_git/ml",
    "BUILD_SOURCEVERSION": "b" * 40,
    "BUILD_SOURCEBRANCH": "refs/heads/release",
    "BUILD_REQUESTEDFOR": "Jane Doe",
    "SYSTEM_COLLECTIONURI": "https://dev.azure.com/contoso/",
    "SYSTEM_TEAMPROJECT": "risk",
}


@pytest.fixture
def evidence(tmp_path):
    inputs = tmp_path / "in"
    reports = tmp_path / "reports"
    inputs.mkdir()
    reports.mkdir()
    (inputs / "spec.yaml").write_text("name: credit-scoring\n", encoding="utf-8")
    (inputs / "live.json").write_text("[]\n", encoding="utf-8")
    (reports / "drift.json").write_text("{}\n", encoding="utf-8")
    (reports / "drift.md").write_text("# ok\n", encoding="utf-8")
    manifest = build_manifest(
        [inputs / "spec.yaml", inputs / "live.json"],
        [reports / "drift.json", reports / "drift.md"],
        base_dir=reports,
        argv=["iac-gen", "drift", "--token", "s3cr3t"],
        env={"SOURCE_DATE_EPOCH": "1700000000"},
        sources=(),
    )
    path = reports / "manifest.json"
    path.write_text(dumps_json(manifest), encoding="utf-8")
    return path, manifest


def test_records_sizes_hashes_and_relative_paths(evidence):
    path, manifest = evidence
    assert [o["path"] for o in manifest["outputs"]] == ["drift.json", "drift.md"]
    assert [i["path"] for i in manifest["inputs"]] == ["../in/spec.yaml", "../in/live.json"]
    spec = manifest["inputs"][0]
    assert spec["size"] == len("name: credit-scoring\n")
    assert spec["sha256"] == hashlib.sha256(b"name: credit-scoring\n").hexdigest()
    assert manifest["generated_at"] == "2023-11-14T22:13:20Z"
    assert manifest["command"]["argv"] == ["iac-gen", "drift", "--token", "<redacted>"]
    assert manifest["ci"] is None
    assert manifest["tool"]["name"] == "iac-gen" and manifest["python"] and manifest["platform"]
    assert list(json.loads(path.read_text())) == sorted(manifest)  # deterministic key order


def test_verify_passes_then_detects_tampering_and_missing_files(evidence):
    path, _ = evidence
    assert verify_manifest(path) == []
    (path.parent / "drift.md").write_text("# changed\n", encoding="utf-8")
    problems = verify_manifest(path)
    assert len(problems) == 2 and all(p.startswith("drift.md: ") for p in problems)
    (path.parent.parent / "in" / "live.json").unlink()
    assert "../in/live.json: missing (input)" in verify_manifest(path)


def test_verify_survives_moving_the_whole_tree(evidence, tmp_path):
    assert evidence[0].is_file()
    moved = tmp_path.parent / (tmp_path.name + "-moved")
    shutil.copytree(tmp_path, moved)
    assert verify_manifest(moved / "reports" / "manifest.json") == []


def test_unreadable_manifest_is_one_problem(tmp_path):
    bad = tmp_path / "manifest.json"
    bad.write_text("{", encoding="utf-8")
    (problem,) = verify_manifest(bad)
    assert "cannot read manifest" in problem


def test_generated_at_without_source_date_epoch_is_now():
    stamp = generated_at({})
    assert len(stamp) == 20 and stamp.endswith("Z") and stamp[:2] == "20"


def test_github_actions_metadata_and_run_url():
    ci = ci_metadata(GITHUB)
    assert ci == {
        "provider": "github-actions",
        "repository": "contoso/ml-endpoints",
        "sha": "a" * 40,
        "ref": "refs/heads/main",
        "run_id": "9012",
        "run_attempt": "2",
        "actor": "octocat",
        "workflow": "drift",
        "run_url": "https://github.example.com/contoso/ml-endpoints/actions/runs/9012/attempts/2",
    }


def test_azure_pipelines_metadata_and_run_url_without_credentials():
    ci = ci_metadata(AZURE)
    assert ci["provider"] == "azure-pipelines"
    assert ci["repository"] == "https://dev.azure.com/contoso/risk/_git/ml"
    assert ci["run_url"] == "https://dev.azure.com/contoso/risk/_build/results?buildId=77"
    assert ci["actor"] == "Jane Doe" and ci["sha"] == "b" * 40
    assert ci_metadata({}) is None


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--client-secret", "abc"], ["--client-secret", "<redacted>"]),
        (["--password=abc"], ["--password=<redacted>"]),
        (["--sas-token", "sv=1&sig=abc"], ["--sas-token", "<redacted>"]),
        (["Bearer abcdefghijklmnop"], ["<redacted>"]),
        (["https://user:pw@github.com/o/r"], ["https://<redacted>@github.com/o/r"]),
        (["Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg"], ["<redacted>"]),
        (
            ["--live", "out/live.json", "--env", "prod"],
            ["--live", "out/live.json", "--env", "prod"],
        ),
        (["a" * 40], ["a" * 40]),  # a commit id is evidence, not a secret
    ],
)
def test_argv_redaction(argv, expected):
    assert redact_argv(argv) == expected


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_commit_and_dirty_flag(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    git("init", "-q", "-b", "main")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    git("remote", "add", "origin", "https://tok@github.com/contoso/ml.git")
    spec = repo / "spec.yaml"
    spec.write_text("a: 1\n", encoding="utf-8")
    git("add", "spec.yaml")
    git("commit", "-q", "-m", "spec")
    head = git("rev-parse", "HEAD")
    outside = tmp_path / "outside.json"
    outside.write_text("{}", encoding="utf-8")

    manifest = build_manifest([spec, outside], [], base_dir=tmp_path, env={})
    by_path = {s["path"]: s["git"] for s in manifest["sources"]}
    assert by_path["repo/spec.yaml"] == {
        "commit": head,
        "dirty": False,
        "branch": "main",
        "repository_uri": "https://github.com/contoso/ml.git",
    }
    assert by_path["outside.json"] is None
    spec.write_text("a: 2\n", encoding="utf-8")
    manifest = build_manifest([spec], [], base_dir=tmp_path, env={})
    assert manifest["sources"][0]["git"]["dirty"] is True
    assert provenance([spec], env={}) == {
        "repository_uri": "https://github.com/contoso/ml.git",
        "revision_id": head,
        "branch": "main",
    }


def test_provenance_from_ci_when_no_checkout(tmp_path):
    assert provenance([tmp_path / "nowhere.yaml"], env=GITHUB) == {
        "repository_uri": "https://github.example.com/contoso/ml-endpoints",
        "revision_id": "a" * 40,
        "branch": "refs/heads/main",
    }
    assert provenance([], env={}) is None


def test_outputs_can_be_hashed_before_they_are_written(tmp_path):
    files = {"drift.md": "# ok\n", "drift.json": "{}\n"}
    manifest = build_manifest([], [], base_dir=tmp_path, env={}, sources=(), contents=files)
    assert [o["path"] for o in manifest["outputs"]] == ["drift.json", "drift.md"]
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "manifest.json").write_text(dumps_json(manifest), encoding="utf-8")
    assert verify_manifest(tmp_path / "manifest.json") == []


# --- git is asked about the spec's repository only, and never runs code from it (D13) ---

HOSTILE_CONFIG = (
    ("core.fsmonitor", "touch PWNED; false"),
    ("core.hooksPath", "hooks"),
    ("filter.evil.clean", "touch PWNED; cat"),
)


def _hostile_repo(folder, files):
    """A git repository whose own config would run `touch PWNED` from `git status`."""
    folder.mkdir(parents=True, exist_ok=True)

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(folder), *args], capture_output=True, check=True)

    git("init", "-q", "-b", "main")
    for name, source in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    (folder / ".gitattributes").write_text("* filter=evil\n", encoding="utf-8")
    git("add", ".")
    git("-c", "user.name=n", "-c", "user.email=e", "commit", "-qm", "x")
    for key, value in HOSTILE_CONFIG:
        git("config", key, value)
    return folder


def _pwned(root) -> list[str]:
    return sorted(str(p) for p in root.rglob("PWNED*"))


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_drift_report_never_runs_code_from_the_live_files_repository(tmp_path, monkeypatch):
    from tests.drift.test_cli import ROOT, run

    art = _hostile_repo(tmp_path / "art", {"live.json": ROOT / "fixtures/example/live.json"})
    monkeypatch.chdir(tmp_path)
    code, _, _ = run(
        [
            "drift",
            str(ROOT / "fixtures/example/spec.yaml"),
            "--live",
            "art/live.json",
            "--env",
            "prod",
            "--report",
            "out",
        ]
    )
    assert code in (0, 1)
    assert _pwned(tmp_path) == []
    manifest = json.loads((tmp_path / "out/manifest.json").read_text(encoding="utf-8"))
    assert [s["path"] for s in manifest["sources"]] == [
        os.path.relpath(ROOT / "fixtures/example/spec.yaml", tmp_path / "out")
    ]
    assert art.is_dir()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_drift_report_never_runs_code_from_the_specs_repository(tmp_path, monkeypatch):
    from tests.drift.test_cli import ROOT, run

    repo = _hostile_repo(
        tmp_path / "repo",
        {
            "spec.yaml": ROOT / "fixtures/example/spec.yaml",
            "live.json": ROOT / "fixtures/example/live.json",
        },
    )
    (repo / "spec.yaml").touch()  # a fresh mtime: `git status` would re-read (and filter) it
    monkeypatch.chdir(tmp_path)
    code, _, _ = run(
        [
            "drift",
            "repo/spec.yaml",
            "--live",
            "repo/live.json",
            "--env",
            "prod",
            "--report",
            "out",
        ]
    )
    assert code in (0, 1)
    assert _pwned(tmp_path) == []
    manifest = json.loads((tmp_path / "out/manifest.json").read_text(encoding="utf-8"))
    (source,) = manifest["sources"]
    assert source["path"] == "../repo/spec.yaml"
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert source["git"] == {"commit": head, "dirty": False, "branch": "main"}


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_is_queried_once_per_repository_with_its_config_disarmed(tmp_path, monkeypatch):
    import iac_gen.report.manifest as manifest_module

    spec = ROOT_SPEC.read_bytes()
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    files = []
    for folder in ("a", "b", "c/d", "e"):
        (repo / folder).mkdir(parents=True)
        (repo / folder / "spec.yaml").write_bytes(spec)
        files.append(repo / folder / "spec.yaml")
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=n", "-c", "user.email=e", "commit", "-qm", "x"],
        check=True,
    )
    (repo / "e/spec.yaml").write_bytes(spec + b"# changed\n")
    calls: list[tuple[list[str], dict[str, str]]] = []
    real_run = subprocess.run

    def recording_run(args, *rest, **kwargs):
        calls.append((list(args), dict(kwargs.get("env") or {})))
        return real_run(args, *rest, **kwargs)

    monkeypatch.setattr(manifest_module.subprocess, "run", recording_run)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "hostile.gitconfig"))
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "elsewhere"))
    manifest = build_manifest(files, [], base_dir=tmp_path, env={})
    dirty = {s["path"]: s["git"]["dirty"] for s in manifest["sources"]}
    assert dirty == {
        "repo/a/spec.yaml": False,
        "repo/b/spec.yaml": False,
        "repo/c/d/spec.yaml": False,
        "repo/e/spec.yaml": True,
    }
    one_repo = len(calls)
    assert 1 <= one_repo <= 3  # a fixed handful of read-only plumbing commands per repository
    for args, env in calls:
        assert args[0] == "git"
        assert "core.fsmonitor=false" in args and f"core.hooksPath={os.devnull}" in args
        assert "safe.directory=" in args and "--no-pager" in args
        assert "status" not in args  # refreshes the index: fsmonitor, clean filters
        assert env["GIT_CONFIG_NOSYSTEM"] == "1" and env["GIT_CONFIG_GLOBAL"] == os.devnull
        assert "GIT_DIR" not in env
    calls.clear()
    build_manifest(files[:1], [], base_dir=tmp_path, env={})
    assert len(calls) == one_repo  # four folders cost what one does


def test_no_git_outside_a_repository(tmp_path, monkeypatch):
    import iac_gen.report.manifest as manifest_module

    calls: list[object] = []
    monkeypatch.setattr(manifest_module.subprocess, "run", lambda *a, **k: calls.append(a))
    lone = tmp_path / "spec.yaml"
    lone.write_text("a: 1\n", encoding="utf-8")
    if any((p / ".git").exists() for p in tmp_path.parents):
        pytest.skip("the temporary folder lies inside a git work tree")
    manifest = build_manifest([lone], [], base_dir=tmp_path, env={})
    assert calls == [] and manifest["sources"][0]["git"] is None


_PARTS = ["a", "b", "specs", "ep-1.yaml", "..", ".", "a b", "ä"]


@pytest.mark.parametrize("base_is_root", [False, True])
def test_manifest_paths_are_what_relpath_gives(base_is_root, tmp_path, monkeypatch):
    """A manifest path is `os.path.relpath` of the file from the report's base, whether the
    file sits below the base (the fast case), beside it or above it, or is the base itself."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from iac_gen.report.manifest import _relative

    monkeypatch.chdir(tmp_path)
    pieces = st.lists(st.sampled_from(_PARTS), max_size=4)

    @settings(max_examples=300, deadline=None)
    @given(pieces, pieces, st.booleans())
    def check(path_parts, base_parts, absolute):
        path = os.path.join(*path_parts) if path_parts else "."
        base = os.sep if base_is_root else (os.path.join(*base_parts) if base_parts else ".")
        if absolute:
            path = os.path.join(str(tmp_path), path)
        expected = os.path.relpath(os.path.abspath(path), os.path.abspath(base))
        assert _relative(path, base) == Path(expected).as_posix()

    check()


def test_an_input_is_recorded_with_the_size_of_the_content_its_digest_names(tmp_path):
    """The size beside an input's digest is that of the bytes hashed (`provenance.known_size`),
    not of whatever the file holds when the manifest is built; a digest this run did not take
    gets the file's size from the file system."""
    from iac_gen.provenance import sha256_file
    from iac_gen.report.manifest import file_record

    spec = tmp_path / "spec.yaml"
    spec.write_bytes(b"name: a\n")
    digest = sha256_file(spec)
    spec.write_bytes(b"name: a longer name, written after the run read the file\n")
    assert file_record(spec, tmp_path, digest) == {"path": "spec.yaml", "sha256": digest, "size": 8}
    other = "0" * 64
    assert file_record(spec, tmp_path, other)["size"] == spec.stat().st_size == 57
