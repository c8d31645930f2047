"""Within one run, each spec's local folders are found and hashed once; outside a run, every
call looks at the files again (an edited folder gets its new hash)."""

from __future__ import annotations

from pathlib import Path

import pytest

from iac_gen.assets import content_hash as content_module
from iac_gen.desired import local_assets as assets_module
from iac_gen.desired.local_assets import local_assets, one_reading
from iac_gen.spec.load import load_specs

ROOT = Path(__file__).resolve().parents[2]
TARGET = {
    "subscription": "00000000-0000-0000-0000-000000000000",
    "resource_group": "rg-ci",
    "workspace": "mlw-ci",
    "location": "westeurope",
}


def test_one_reading_hashes_each_folder_once(monkeypatch: pytest.MonkeyPatch) -> None:
    (spec,) = load_specs([ROOT / "fixtures" / "cliv2-basic"], TARGET)
    listed: list[Path] = []  # every listing of a folder, by either lister
    real = content_module.upload_files
    real_plain = assets_module._plain_tree

    def counting(folder: Path) -> list[content_module.UploadFile]:
        listed.append(Path(folder))
        return real(folder)

    def counting_plain(root: str) -> object:
        listed.append(Path(root))
        return real_plain(root)

    monkeypatch.setattr(content_module, "upload_files", counting)
    monkeypatch.setattr(assets_module, "_plain_tree", counting_plain)
    plain = local_assets(spec, missing_ok=True)
    outside = len(listed)
    assert plain and outside > 0
    listed.clear()
    with one_reading():
        first = local_assets(spec, missing_ok=True)
        for _ in range(5):
            assert local_assets(spec, missing_ok=True) == first
    assert first == plain
    folders = {a.source for a in plain}
    assert len(listed) <= 2 * len(folders)  # content hash and object hash, once per folder
    listed.clear()
    local_assets(spec, missing_ok=True)
    assert len(listed) == outside  # the block is over: the files are looked at again


def test_an_edited_folder_gets_its_new_hash_after_the_run(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "score.py").write_text("def init():\n    pass\n", encoding="utf-8")
    (tmp_path / "spec.yaml").write_text(
        "name: churn-api\nauth_mode: key\ndeployments:\n  - name: blue\n"
        "    model: azureml:m:1\n    environment: azureml:e:1\n"
        "    code_configuration:\n      code: src\n      scoring_script: score.py\n"
        "    instance_type: Standard_DS3_v2\n    instance_count: 1\n",
        encoding="utf-8",
    )
    (spec,) = load_specs([tmp_path / "spec.yaml"], TARGET)
    with one_reading():
        before = local_assets(spec)[0].content_hash
    (tmp_path / "src" / "score.py").write_text("def init():\n    return 1\n", encoding="utf-8")
    with one_reading():
        after = local_assets(spec)[0].content_hash
    assert before != after
