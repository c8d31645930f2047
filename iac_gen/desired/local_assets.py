"""Local folders a spec deploys (code, model files): their content hash and upload location.

ARM cannot upload files, so a pipeline uploads each local folder to the workspace's default
blob datastore before `az deployment group create`, where azure-ai-ml would put it:
`LocalUpload/<object hash>/<folder name>` (`_artifacts/_artifact_utilities.py`
`_upload_to_datastore`: the path's `get_object_hash`, then the folder's own name). The content
hash (`get_content_hash`, `hash_sha256` with `hash_version` 202208 on a code version) is what
azure-ai-ml matches to reuse an existing code asset, and what drift can compare with the code
that runs. An unchanged folder gives the same hash, blob path and version.
"""

from __future__ import annotations

import hashlib
import os
import shlex
from dataclasses import dataclass
from pathlib import Path

from iac_gen.diagnostics import Diagnostic, InputError
from iac_gen.spec.model import Spec

_OBJECT_SEED = b"Initialize for october 2021 AML CLI version"  # azure-ai-ml get_object_hash
_CHUNK = 1024 * 1024
ARTIFACT_ORIGIN = "LocalUpload"


@dataclass(frozen=True)
class LocalAsset:
    """One local folder or file of one deployment."""

    endpoint: str
    deployment: str
    role: str  # code | model
    path: str  # as written in the spec
    source: Path  # resolved from the file that names it
    content_hash: str  # azure-ai-ml get_content_hash (hash_sha256)
    object_hash: str  # azure-ai-ml get_object_hash (the upload folder)

    @property
    def blob_path(self) -> str:
        return f"{ARTIFACT_ORIGIN}/{self.object_hash}/{self.source.name}"

    def to_dict(self) -> dict[str, object]:
        return {
            "endpoint": self.endpoint,
            "deployment": self.deployment,
            "role": self.role,
            "path": self.path,
            "content_hash": self.content_hash,
            "hash_version": 202208,
            "blob_path": self.blob_path,
        }


def _file_hash(path: Path, digest: hashlib._Hash) -> None:
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)


def object_hash(path: Path) -> str:
    """azure-ai-ml's `get_object_hash` (`_utils/_asset_utils.py` `_get_dir_hash`): entries
    sorted by their lower-cased full path, each adds its name, then a file's bytes or a
    folder's entries; symlinks are followed; the root ignore file excludes as it does for the
    content hash."""
    from iac_gen.assets.content_hash import _Ignore, _resolve

    digest = hashlib.sha256(_OBJECT_SEED)
    if not path.is_dir():
        _file_hash(_resolve(path), digest)
        return digest.hexdigest()
    ignore = _Ignore(path)

    def walk(folder: Path) -> None:
        for entry in sorted(folder.iterdir(), key=lambda p: str(p).lower()):
            if ignore.excluded(entry):
                continue
            digest.update(entry.name.encode())
            target = _resolve(entry) if os.path.islink(entry) else entry
            if target.is_file():
                _file_hash(target, digest)
            elif target.is_dir():
                walk(target)

    walk(path)
    return digest.hexdigest()


def local_assets(spec: Spec, *, missing_ok: bool = False) -> list[LocalAsset]:
    """Every local code folder and model path of `spec`. Loading has checked that they
    exist; a spec built in code may name one that does not: InputError (IAC227), or skipped
    with `missing_ok` (compile then leaves it out of assets.json, as it has nothing to hash)."""
    from iac_gen.assets.content_hash import content_hash
    from iac_gen.spec.semantics import is_url

    found: list[LocalAsset] = []
    for dep in spec.deployments:
        base = f"deployments.{dep.name}"
        items: list[tuple[str, str | None, str]] = [
            (
                "code",
                dep.code_configuration.code if dep.code_configuration else None,
                f"{base}.code_configuration.code",
            ),
            ("model", dep.inline_model.path if dep.inline_model else None, f"{base}.model.path"),
        ]
        for role, value, spec_path in items:
            if not value or value.startswith("azureml:") or is_url(value):
                continue
            source = Path(os.path.normpath(spec.path_base(spec_path) / value))
            if not source.exists():
                if missing_ok:
                    continue
                raise InputError(
                    [
                        Diagnostic(
                            "IAC227",
                            f"{role} path '{value}' does not exist (resolved from "
                            f"{spec.path_base(spec_path)})",
                            spec.locate(spec_path),
                        )
                    ]
                )
            found.append(
                LocalAsset(
                    spec.endpoint.name,
                    dep.name,
                    role,
                    value,
                    source,
                    content_hash(source),
                    object_hash(source),
                )
            )
    return found


def upload_commands(asset: LocalAsset) -> list[str]:
    """`az storage blob` commands that put the folder where azure-ai-ml puts it. With an
    ignore file (or symlinks) only the files azure-ai-ml would upload are named one by one;
    otherwise one `upload-batch`. The account and container are the workspace's default
    datastore, read by the pipeline into STORAGE_ACCOUNT and CONTAINER."""
    from iac_gen.assets.content_hash import upload_files

    auth = '--account-name "$STORAGE_ACCOUNT" --auth-mode login'
    if asset.source.is_file():
        return [
            f'az storage blob upload {auth} --container-name "$CONTAINER" '
            f"--name {shlex.quote(asset.blob_path)} --file {shlex.quote(str(asset.source))} "
            "--overwrite false"
        ]
    files = upload_files(asset.source)
    plain = sum(len(names) for _, _, names in os.walk(asset.source, followlinks=False))
    if len(files) == plain and not any(
        f.source != (asset.source / f.name).resolve() for f in files
    ):
        return [
            f'az storage blob upload-batch {auth} --destination "$CONTAINER" '
            f"--destination-path {shlex.quote(asset.blob_path)} "
            f"--source {shlex.quote(str(asset.source))} --overwrite false"
        ]
    return [
        f'az storage blob upload {auth} --container-name "$CONTAINER" '
        f"--name {shlex.quote(asset.blob_path + '/' + f.name)} "
        f"--file {shlex.quote(str(f.source))} --overwrite false"
        for f in sorted(files, key=lambda f: f.name)
    ]
