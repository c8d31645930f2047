"""Output folders that cannot be written give one-line errors (exit 2), never a crash."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import iac_gen.output_files as output_files
from iac_gen.diagnostics import InputError
from iac_gen.output_files import write_file, write_tree
from tests.export.conftest import FAST, emulator, run_export, small_fleet  # noqa: F401


def codes(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [d.code for d in exc.value.diagnostics]


def test_output_folder_that_is_a_file(tmp_path: Path):
    target = tmp_path / "out"
    target.write_text("not a folder")
    with pytest.raises(InputError) as exc:
        write_tree(target, {"ep/main.json": "{}"})
    assert codes(exc) == ["IAC302"]
    assert target.read_text() == "not a folder"


def test_output_file_that_is_a_folder(tmp_path: Path):
    (tmp_path / "ep" / "main.json").mkdir(parents=True)
    with pytest.raises(InputError) as exc:
        write_tree(tmp_path, {"ep/main.json": "{}", "ep/main.bicep": ""})
    assert codes(exc) == ["IAC302"]
    assert not (tmp_path / "ep" / "main.bicep").exists()  # nothing written


def test_write_failure_is_reported_and_nothing_is_left(tmp_path: Path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output_files.tempfile, "mkdtemp", refuse)
    with pytest.raises(InputError) as exc:
        write_tree(tmp_path / "out", {"a.json": "{}"})
    assert codes(exc) == ["IAC303"]
    assert "Permission denied" in str(exc.value)
    assert not (tmp_path / "out").exists()  # not even the folder it would have created


def test_single_file_gets_ordinary_permissions(tmp_path: Path):
    old = os.umask(0o022)
    try:
        path = write_file(tmp_path / "bundle.json", "{}\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert path.read_text() == "{}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["bundle.json"]  # no temporary left


def test_single_file_onto_a_folder(tmp_path: Path):
    with pytest.raises(InputError) as exc:
        write_file(tmp_path, "x")
    assert codes(exc) == ["IAC302"]


# -- D4: special files are written to or through, never replaced ---------------------------

ROOT = Path(__file__).resolve().parent.parent
DRIFTED = ROOT / "tests" / "report" / "data" / "drifted.json"
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mknod needs root")


def _cli(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iac_gen", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def test_fifo_is_written_directly(tmp_path: Path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_file(fifo, "through the pipe\n")
    reader.join(timeout=10)
    assert received == [b"through the pipe\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a pipe
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no temporary left


@needs_root
def test_character_device_is_written_directly(tmp_path: Path):
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    write_file(null, "gone\n")
    st = os.lstat(null)
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3)
    assert null.read_bytes() == b""  # still the null device, not a file holding the report
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


@needs_root
def test_full_character_device_is_a_one_line_error_and_stays_a_device(tmp_path: Path):
    full = tmp_path / "full"
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    with pytest.raises(InputError) as exc:
        write_file(full, "x" * 10_000)
    assert codes(exc) == ["IAC303"]
    assert stat.S_ISCHR(os.lstat(full).st_mode)


def test_symlink_is_written_through_to_its_target(tmp_path: Path):
    target = tmp_path / "real" / "report.md"
    target.parent.mkdir()
    target.write_text("old\n")
    os.chmod(target, 0o640)
    link = tmp_path / "report.md"
    link.symlink_to(Path("real") / "report.md")
    write_file(link, "new\n")
    assert link.is_symlink() and os.readlink(link) == str(Path("real") / "report.md")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the target keeps its permissions
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.md"]


def test_chain_of_symlinks_and_dangling_link_are_written_through(tmp_path: Path):
    (tmp_path / "b").symlink_to("c")
    (tmp_path / "a").symlink_to("b")
    write_file(tmp_path / "a", "made\n")  # c did not exist: created, as `>` would
    assert (tmp_path / "a").is_symlink() and (tmp_path / "b").is_symlink()
    assert (tmp_path / "c").read_text() == "made\n" and not (tmp_path / "c").is_symlink()


def test_symlink_to_a_folder_is_refused(tmp_path: Path):
    (tmp_path / "d").mkdir()
    (tmp_path / "l").symlink_to("d")
    with pytest.raises(InputError) as exc:
        write_file(tmp_path / "l", "x")
    assert codes(exc) == ["IAC302"]
    assert (tmp_path / "l").is_symlink() and list((tmp_path / "d").iterdir()) == []


def test_regular_file_is_replaced_atomically(tmp_path: Path, monkeypatch):
    path = tmp_path / "bundle.json"
    path.write_text("old\n")
    seen: list[str] = []
    real_replace = os.replace

    def replace(src, dst):
        seen.append(Path(dst).read_text())  # the old content until the rename
        real_replace(src, dst)

    monkeypatch.setattr(output_files.os, "replace", replace)
    write_file(path, "new\n")
    assert seen == ["old\n"] and path.read_text() == "new\n"


def _stdout_link(folder: Path) -> Path:
    """A link like /dev/stdout (to /proc/self/fd/1), so a regression can only break this copy."""
    link = folder / "stdout"
    link.symlink_to("/proc/self/fd/1")
    return link


def test_report_to_a_stdout_link_prints_the_report(tmp_path: Path):
    link = _stdout_link(tmp_path)
    done = _cli("report", DRIFTED, "--format", "md", "-o", link)
    assert done.returncode == 0, done.stderr
    expected = _cli("report", DRIFTED, "--format", "md").stdout
    assert expected and done.stdout == expected
    assert link.is_symlink() and sorted(p.name for p in tmp_path.iterdir()) == ["stdout"]


def test_dash_is_standard_output_for_report(tmp_path: Path):
    done = _cli("report", DRIFTED, "--format", "md", "-o", "-", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("#") and list(tmp_path.iterdir()) == []


def test_stdout_redirected_to_a_file_is_appended_to_not_replaced(tmp_path: Path):
    link = _stdout_link(tmp_path)
    out = tmp_path / "out.md"
    script = f"echo first; {sys.executable} -m iac_gen report {DRIFTED} --format md -o {link}"
    done = subprocess.run(
        ["sh", "-c", f"({script}; echo last) > {out}"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    expected = _cli("report", DRIFTED, "--format", "md").stdout
    assert out.read_text() == "first\n" + expected + "last\n"
    assert link.is_symlink()


_NAMESPACE_SCRIPT = """
set -e
mount -t tmpfs tmpfs /dev
mknod -m 666 /dev/null c 1 3
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
{py} -m iac_gen report {drifted} --format md -o /dev/null
{py} -m iac_gen report {drifted} --format md -o /dev/stdout > {copy}
{py} -m iac_gen report {drifted} --format md -o /dev/stderr 2> {copy_err}
stat -c '%n %F %t,%T' /dev/null
stat -c '%n %F' /dev/stdout /dev/stderr
echo x > /dev/null
cat /dev/null
"""


@needs_root
@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1)")
def test_dev_null_and_dev_stdout_survive_as_root(tmp_path: Path):
    """The issue's reproduction, in a throw-away mount namespace with its own /dev."""
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"unshare -m not permitted here: {probe.stderr.decode().strip()}")
    script = _NAMESPACE_SCRIPT.format(
        py=sys.executable,
        drifted=DRIFTED,
        copy=tmp_path / "copy.md",
        copy_err=tmp_path / "copy-err.md",
    )
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "/dev/null character special file 1,3",
        "/dev/stdout symbolic link",
        "/dev/stderr symbolic link",
    ]
    expected = _cli("report", DRIFTED, "--format", "md").stdout
    assert (tmp_path / "copy.md").read_text() == expected
    assert (tmp_path / "copy-err.md").read_text() == expected


# -- nit: a failed write leaves no empty output folder behind ------------------------------


def test_failed_tree_write_does_not_leave_the_folder_it_created(tmp_path: Path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output_files.tempfile, "mkdtemp", full)
    with pytest.raises(InputError) as exc:
        write_tree(tmp_path / "deep" / "out", {"a.json": "{}"})
    assert codes(exc) == ["IAC303"]
    assert list(tmp_path.iterdir()) == []


def test_failed_file_write_does_not_leave_the_folder_it_created(tmp_path: Path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output_files.tempfile, "mkstemp", full)
    with pytest.raises(InputError) as exc:
        write_file(tmp_path / "deep" / "bundle.json", "{}")
    assert codes(exc) == ["IAC303"]
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_a_folder_that_was_there(tmp_path: Path, monkeypatch):
    (tmp_path / "out").mkdir()

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output_files.tempfile, "mkdtemp", full)
    with pytest.raises(InputError):
        write_tree(tmp_path / "out", {"a.json": "{}"})
    assert (tmp_path / "out").is_dir()


def test_dash_is_standard_output_for_export(emulator, tmp_path: Path, monkeypatch):  # noqa: F811
    monkeypatch.chdir(tmp_path)
    run = run_export(emulator, Path("-"), *FAST, "--output", "json")
    assert run.code == 0, run.stderr
    bundle = json.loads(run.stdout)  # the bundle, and nothing else, on standard output
    assert bundle["resources"] and bundle["summary"]["not_checked"] == 0
    assert json.loads(run.stderr.strip().splitlines()[-1])["status"] == "complete"
    assert list(tmp_path.iterdir()) == []


def test_tree_write_refuses_a_fifo_where_an_output_goes(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "drift.md")
    with pytest.raises(InputError) as exc:
        write_tree(out, {"drift.json": "{}\n", "drift.md": "# x\n"})
    assert codes(exc) == ["IAC302"] and "FIFO" in str(exc.value)
    assert stat.S_ISFIFO(os.lstat(out / "drift.md").st_mode)
    assert sorted(p.name for p in out.iterdir()) == ["drift.md"]  # nothing written
