"""A local folder holding what azure-ai-ml could not upload - a named pipe (its read would
block for ever), a link to nothing, a link back into the folder (walked again and again) - is
refused in one line (IAC227) when it is hashed, instead of hanging or crashing; the same entry
matched by the folder's ignore file is left out, as azure-ai-ml leaves it out."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from iac_gen.assets import content_hash as hashing
from iac_gen.desired.local_assets import local_assets
from iac_gen.diagnostics import InputError
from iac_gen.spec.load import load_specs

TARGET = {
    "subscription": "00000000-0000-0000-0000-000000000000",
    "resource_group": "rg-ci",
    "workspace": "mlw-ci",
    "location": "westeurope",
}
DEPLOYMENT = """name: blue
endpoint_name: churn-api
model: {model}
environment: azureml:e:1
code_configuration:
  code: ./src
  scoring_script: score.py
instance_type: Standard_DS3_v2
instance_count: 1
"""


@pytest.fixture(autouse=True)
def _no_hang() -> Iterator[None]:
    """A read of a named pipe blocks: fail the test after 20 s instead."""

    def timed_out(*_: object) -> None:
        raise TimeoutError("hashing blocked (a named pipe was opened)")

    previous = signal.signal(signal.SIGALRM, timed_out)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _folder(tmp_path: Path, model: str = "azureml:m:1") -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "score.py").write_text("def init():\n    pass\n", encoding="utf-8")
    (tmp_path / "endpoint.yml").write_text("name: churn-api\nauth_mode: key\n", encoding="utf-8")
    (tmp_path / "blue.yml").write_text(DEPLOYMENT.format(model=model), encoding="utf-8")
    return tmp_path


def _refusal(folder: Path) -> str:
    (spec,) = load_specs([folder], TARGET)
    with pytest.raises(InputError) as caught:
        local_assets(spec, missing_ok=True)
    (diag,) = caught.value.diagnostics
    assert diag.code == "IAC227" and diag.location.file.endswith("blue.yml")
    return diag.message


@pytest.mark.parametrize(
    ("plant", "why"),
    [
        (lambda src: os.mkfifo(src / "pipe"), "'pipe' is a named pipe, not a file"),
        (lambda src: (src / "gone").symlink_to(src / "missing"), "'gone' is a link to nothing"),
        (
            lambda src: (src / "again").symlink_to(src, target_is_directory=True),
            "'again' is a link back into its own folder",
        ),
        (
            lambda src: (src / "lib").mkdir() or (src / "lib" / "up").symlink_to(src),
            "'lib/up' is a link back into its own folder",
        ),
    ],
    ids=["named-pipe", "dangling-link", "link-to-itself", "link-to-parent"],
)
def test_an_entry_that_cannot_be_uploaded_is_one_line(tmp_path: Path, plant, why: str) -> None:
    folder = _folder(tmp_path)
    plant(folder / "src")
    message = _refusal(folder)
    assert message.startswith("code path './src' cannot be uploaded: ") and why in message


def test_an_ignored_entry_is_left_out_as_azure_ai_ml_leaves_it(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "src" / "gone").symlink_to(folder / "src" / "missing")
    os.mkfifo(folder / "src" / "pipe")
    (folder / "src" / ".amlignore").write_text("gone\npipe\n", encoding="utf-8")
    (spec,) = load_specs([folder], TARGET)
    (asset,) = {a.content_hash: a for a in local_assets(spec, missing_ok=True)}.values()
    names = [f.name for f in hashing.upload_files(folder / "src")]
    assert sorted(names) == [".amlignore", "score.py"]
    assert asset.content_hash == hashing.content_hash(folder / "src")


def test_a_model_path_that_is_a_named_pipe_is_one_line(tmp_path: Path) -> None:
    folder = _folder(tmp_path, model="\n  path: ./weights.bin")
    os.mkfifo(folder / "weights.bin")
    message = _refusal(folder)
    assert message.startswith("model path './weights.bin' cannot be uploaded: 'weights.bin' is")
    with pytest.raises(hashing.Unusable):
        hashing.content_hash(folder / "weights.bin")
