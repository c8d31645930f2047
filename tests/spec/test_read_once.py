"""Read once, hash once: spec files are not read again only to be hashed for the evidence.

The digest of a spec file's bytes is taken from the read that parsed it; a file changed since
(or changed within the timestamp tick of that read) is hashed again, so the digest is always
that of the bytes on disk.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import pytest

from iac_gen import provenance
from iac_gen.spec.load import load_specs

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "fixtures" / "example" / "spec.yaml"
AN_HOUR_AGO = time.time() - 3600


@pytest.fixture
def settled_spec(tmp_path: Path) -> Path:
    """The example, last modified an hour ago (so a read of it is not "racy")."""
    spec = tmp_path / "spec.yaml"
    shutil.copy(EXAMPLE, spec)
    os.utime(spec, (AN_HOUR_AGO, AN_HOUR_AGO))
    return spec


def _counting_sha256(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = hashlib.sha256

    def counted(*args: object) -> object:
        calls.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(provenance.hashlib, "sha256", counted)
    return calls


def test_a_loaded_spec_is_not_hashed_again(settled_spec: Path, monkeypatch: pytest.MonkeyPatch):
    expected = hashlib.sha256(settled_spec.read_bytes()).hexdigest()
    load_specs([settled_spec])
    calls = _counting_sha256(monkeypatch)
    assert provenance.sha256_file(settled_spec) == expected
    assert calls == [], "the digest of the bytes already read is reused"


def test_a_spec_changed_after_loading_is_hashed_again(settled_spec: Path):
    load_specs([settled_spec])
    text = settled_spec.read_text(encoding="utf-8")
    changed = text.replace("credit-scoring", "credit-scorinG", 1)
    assert len(changed) == len(text)  # same size: only the content differs
    settled_spec.write_text(changed, encoding="utf-8")
    os.utime(settled_spec, (AN_HOUR_AGO, AN_HOUR_AGO))  # even with the old mtime back
    assert provenance.sha256_file(settled_spec) == hashlib.sha256(changed.encode()).hexdigest()


def test_a_spec_written_just_now_is_hashed_from_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    spec = tmp_path / "spec.yaml"
    shutil.copy(EXAMPLE, spec)  # modified within the racy window: its digest is not kept
    expected = hashlib.sha256(spec.read_bytes()).hexdigest()
    load_specs([spec])
    calls = _counting_sha256(monkeypatch)
    assert provenance.sha256_file(spec) == expected
    assert calls == [1]


def test_an_oversized_spec_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from iac_gen.diagnostics import InputError
    from iac_gen.spec import yaml_source

    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:
        fh.truncate(yaml_source.MAX_FILE_BYTES * 64)  # sparse: 64 MiB of zero bytes
    reads: list[int] = []
    real_fdopen = os.fdopen

    def fdopen(fd: int, mode: str = "r", *args: object, **kwargs: object):
        fh = real_fdopen(fd, mode, *args, **kwargs)  # type: ignore[call-overload]
        real_read = fh.read

        def read(n: int = -1) -> bytes:
            reads.append(n)
            return real_read(n)

        fh.read = read
        return fh

    monkeypatch.setattr(yaml_source.os, "fdopen", fdopen)
    with pytest.raises(InputError) as caught:
        load_specs([big])
    assert "IAC002" in str(caught.value.diagnostics[0])
    assert reads == []
