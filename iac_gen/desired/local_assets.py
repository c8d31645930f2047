"""Local folders a spec deploys (code, model files): their content hash and upload location.

ARM cannot upload files, so a pipeline uploads each local folder to the workspace's default
blob datastore before `az deployment group create`, where azure-ai-ml would put it:
`LocalUpload/<object hash>/<folder name>` (`_artifacts/_artifact_utilities.py`
`_upload_to_datastore`: the path's `get_object_hash`, then the folder's own name). The content
hash (`get_content_hash`, `hash_sha256` with `hash_version` 202208 on a code version) is what
azure-ai-ml matches to reuse an existing code asset, and what drift can compare with the code
that runs. An unchanged folder gives the same hash, blob path and version.

Each local folder also becomes a workspace asset version the template registers (see
`iac_gen.desired.asset_versions`), named here so `assets.json`, `iac-gen assets` and the
template agree on it:
- a model folder or file without a name is named as azure-ai-ml names an anonymous model
  (`entities/_assets/_artifacts/model.py`: name `sha256(get_object_hash(path))`, version
  `1`), so a model deployed with `az ml` from the same files is the same asset; a named model
  keeps its name and version, and a named model without a version gets its content hash as
  version (azure-ai-ml would take the next free version from the workspace, which a template
  cannot know);
- a code folder is where azure-ai-ml is not deterministic: it names anonymous code with a
  random `uuid4()` and version `1`, and finds it again by listing code versions with the
  same `hash_sha256`. A template needs a name it can know, so iac-gen uses
  `<endpoint>-code` with the content hash as version: an unchanged folder keeps its version,
  a changed one gets a new version beside the old one. Drift compares code by
  `hash_sha256`, not by id, so code that `az ml` registered under its random name is still
  recognised as the same code.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from iac_gen.diagnostics import Diagnostic, InputError
from iac_gen.spec.model import Deployment, InlineModel, Spec

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
    asset_name: str = ""  # the workspace asset the template registers (see the module doc)
    asset_version: str = ""
    asset_id: str | None = None  # its ARM id; None when the spec's target is incomplete
    shared_with: str | None = None  # the deployment whose parameters carry a shared asset

    @property
    def blob_path(self) -> str:
        return f"{ARTIFACT_ORIGIN}/{self.object_hash}/{self.source.name}"

    @property
    def kind(self) -> str:
        """The workspace asset collection: `codes` or `models`."""
        return "codes" if self.role == "code" else "models"

    @property
    def uri_parameter(self) -> str:
        """The template parameter that takes the uploaded folder's URI (`blueCodeUri`); one
        per asset version, named after the first deployment that uses it."""
        return _camel(self.shared_with or self.deployment, self.role, "uri")

    @property
    def id_parameter(self) -> str:
        """The template parameter through which a team that registers the asset itself
        passes its ARM id instead (`blueCodeId`; empty: the template registers it)."""
        return _camel(self.deployment, self.role, "id")

    def uri_value(self, target: Mapping[str, str] | None = None) -> str:
        """The value for `uri_parameter` after the upload, as azure-ai-ml writes it: a code
        version's `codeUri` is the folder's blob URL (recorded:
        `https://<account>.blob.core.windows.net/<container>/LocalUpload/<hash>/<folder>`),
        a model version's `modelUri` the datastore path `azureml://subscriptions/<sub>/
        resourcegroups/<rg>/workspaces/<ws>/datastores/<datastore>/paths/<blob path>`
        (azure-ai-ml `LONG_URI_FORMAT`). Shell variables stand for what only the pipeline
        knows."""
        if self.role == "code":
            return "https://${STORAGE_ACCOUNT}.blob.core.windows.net/${CONTAINER}/" + self.blob_path
        t = target or {}
        return (
            f"azureml://subscriptions/{t.get('subscription') or '${SUBSCRIPTION}'}"
            f"/resourcegroups/{t.get('resource_group') or '${RESOURCE_GROUP}'}"
            f"/workspaces/{t.get('workspace') or '${WORKSPACE}'}"
            f"/datastores/${{DATASTORE}}/paths/{self.blob_path}"
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "endpoint": self.endpoint,
            "deployment": self.deployment,
            "role": self.role,
            "path": self.path,
            "content_hash": self.content_hash,
            "hash_version": 202208,
            "blob_path": self.blob_path,
            "asset_id": self.asset_id,
            "uri_parameter": self.uri_parameter,
            "id_parameter": self.id_parameter,
        }


@lru_cache(maxsize=4096)
def _camel(*parts: str) -> str:
    # Cached: a fleet asks for every deployment's parameter names several times.
    words = [w for p in parts for w in re.split(r"[^A-Za-z0-9]+", p) if w]
    name = words[0][0].lower() + words[0][1:] + "".join(w[0].upper() + w[1:] for w in words[1:])
    return name if name[0].isalpha() else "p" + name


CODE_NAME_SUFFIX = "-code"


def asset_identity(
    endpoint: str, role: str, content: str, objects: str, model: InlineModel | None
) -> tuple[str, str]:
    """(name, version) of the asset version a local folder becomes (see the module doc)."""
    if role == "code":
        return f"{endpoint}{CODE_NAME_SUFFIX}", content
    if model is not None and model.name:
        return model.name, model.version or content
    return hashlib.sha256(objects.encode("utf8")).hexdigest(), "1"


def _file_hash(path: Path, digest: hashlib._Hash) -> None:
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)


def object_hash(path: Path) -> str:
    """azure-ai-ml's `get_object_hash` (`_utils/_asset_utils.py` `_get_dir_hash`): entries
    sorted by their lower-cased full path, each adds its name, then a file's bytes or a
    folder's entries; symlinks are followed; the root ignore file excludes as it does for the
    content hash."""
    from iac_gen.assets.content_hash import _resolve, _stamp, upload_files

    # Cached within the process like the content hash: drift and compile of a fleet whose
    # deployments share one folder read it once; an edited file (size, mtime) is read again.
    stamps: tuple[object, ...]
    if path.is_dir():
        stamps = tuple((f.name, str(f.source), *_stamp(f.source)) for f in upload_files(path))
    else:
        stamps = (_stamp(_resolve(path)),)
    key = (str(path.absolute()), stamps)
    cached = _OBJECT_CACHE.get(key)
    if cached is None:
        cached = _OBJECT_CACHE[key] = _object_hash(path)
    return cached


_OBJECT_CACHE: dict[tuple[object, ...], str] = {}


def _object_hash(path: Path) -> str:
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


# Within `one_reading()`: each spec's assets by (id(spec), missing_ok), with the spec held so
# its id cannot be reused, and each folder's (content hash, object hash) by its path.
_READING: dict[str, dict[Any, Any]] | None = None


@contextmanager
def one_reading() -> Iterator[None]:
    """Within the block, each spec's local assets are found once and each folder is hashed
    once. A drift or compile run reads its inputs as one snapshot, and asks for a spec's
    assets several times (desired state, compile's assets.json, drift's code judgement): a
    fleet of CLI v2 folders otherwise walks and stats every `./src` seven times per spec."""
    global _READING
    if _READING is not None:  # nested: the outer block's snapshot holds
        yield
        return
    _READING = {"specs": {}, "hashes": {}}
    try:
        yield
    finally:
        _READING = None


def local_assets(spec: Spec, *, missing_ok: bool = False) -> list[LocalAsset]:
    """Every local code folder and model path of `spec`. Loading has checked that they
    exist; a spec built in code may name one that does not: InputError (IAC227), or skipped
    with `missing_ok` (compile then leaves it out of assets.json, as it has nothing to hash)."""
    reading = _READING
    if reading is None:
        return _local_assets(spec, missing_ok)
    key = (id(spec), missing_ok)
    hit = reading["specs"].get(key)
    if hit is None or hit[0] is not spec:
        hit = reading["specs"][key] = (spec, _local_assets(spec, missing_ok))
    return list(hit[1])


def _hashes(source: Path, seen: dict[Path, tuple[str, str]]) -> tuple[str, str]:
    """(content hash, object hash) of a folder or file; once per path within one
    `_local_assets` call (`seen`: a spec's deployments usually share one `./src`), and once
    per path within `one_reading`."""
    found = seen.get(source)
    if found is not None:
        return found
    reading = _READING
    if reading is None:
        found = _hash_both(source)
    else:
        found = reading["hashes"].get(source)
        if found is None:
            found = reading["hashes"][source] = _hash_both(source)
    seen[source] = found
    return found


def _hash_both(source: Path) -> tuple[str, str]:
    """`(content_hash(source), object_hash(source))`, the two from one listing of the folder.

    Both hashes are cached by the folder's path and the stamps of its upload files, which
    for a plain folder (not a link) are the same listing: listing and stamping it once
    halves what an unchanged code folder costs. The usual code folder - no ignore file, no
    link, only files and folders - is listed once with `os.scandir` and hashed from that
    listing (`_plain_tree`); links and files take the two functions."""
    from iac_gen.assets import content_hash as hashing

    try:
        plain_folder = stat.S_ISDIR(os.lstat(source).st_mode)  # a folder, and not a link
    except OSError:
        plain_folder = False
    if not plain_folder:
        return hashing.content_hash(source), object_hash(source)
    where = os.path.join(os.getcwd(), source)  # `str(source.absolute())`, without the `Path`
    tree = _plain_tree(os.fspath(source))
    if tree is None:  # an ignore file, a link or an unusual entry: the general listing
        files = hashing.upload_files(source)
        stamps = tuple((f.name, str(f.source), *hashing._stamp(f.source)) for f in files)
    else:
        stamps = tree.stamps
    content_key = (where, *stamps)
    content = hashing._CACHE.get(content_key)
    object_key = (where, stamps)
    objects = _OBJECT_CACHE.get(object_key)
    read: dict[str, bytes] | None = None
    if tree is not None and content is None and objects is None:
        read = tree.read_small()  # both hashes from one read of each file
    if content is None:
        listed = [(name, path, size) for name, path, size, _ in stamps]
        content = hashing._CACHE[content_key] = (
            hashing._digest(files) if tree is None else hashing.digest_listing(listed, read)
        )
    if objects is None:
        objects = _OBJECT_CACHE[object_key] = (
            _object_hash(source) if tree is None else tree.object_hash(os.fspath(source), read)
        )
    return content, objects


READ_TOGETHER_BYTES = 16 << 20
"""Up to this size a folder's files are read once for both of its hashes; each hash reads
a larger folder itself, in chunks (the two orders differ, so it is not held in memory)."""


@dataclass
class _PlainTree:
    """A folder without ignore file or links, listed once: its upload files' stamps (name
    under the folder, path read, size, mtime) in `os.walk` order, as `upload_files` and
    `_stamp` give them, and each folder's entries (name, is a folder) in listing order."""

    stamps: tuple[tuple[str, str, int, int], ...]
    entries: dict[str, list[tuple[str, bool]]]

    def read_small(self) -> dict[str, bytes] | None:
        """Each upload file's bytes by the path read (`stamps`), when the folder is small
        enough to hold (`READ_TOGETHER_BYTES`); else None."""
        if sum(size for _, _, size, _ in self.stamps) > READ_TOGETHER_BYTES:
            return None
        read: dict[str, bytes] = {}
        for _name, path, _size, _mtime in self.stamps:
            with open(path, "rb") as fh:
                read[path] = fh.read()
        return read

    def object_hash(self, root: str, read: dict[str, bytes] | None = None) -> str:
        """`_object_hash` of the folder from the listing: entries sorted by their
        lower-cased full path, each adds its name, then a file's bytes or a folder's
        entries. `read`: the files' bytes by the path in `stamps` (`read_small`)."""
        digest = hashlib.sha256(_OBJECT_SEED)
        paths = {name: path for name, path, _, _ in self.stamps} if read is not None else {}

        def walk(folder: str, prefix: str) -> None:
            for name, is_dir in sorted(
                self.entries[folder], key=lambda e: os.path.join(folder, e[0]).lower()
            ):
                digest.update(name.encode())
                path = os.path.join(folder, name)
                if is_dir:
                    walk(path, f"{prefix}{name}/")
                elif read is not None:
                    digest.update(read[paths[prefix + name]])
                else:
                    with open(path, "rb") as fh:
                        while chunk := fh.read(_CHUNK):
                            digest.update(chunk)

        walk(root, "")
        return digest.hexdigest()


def _plain_tree(root: str) -> _PlainTree | None:
    """`root` listed as `_PlainTree`, or None when it holds an ignore file at its root, a
    link or an entry that is neither file nor folder anywhere: those take the general
    listing (`upload_files`), which knows what azure-ai-ml does with each."""
    from iac_gen.assets.content_hash import IGNORE_FILES

    real_root = os.path.realpath(root)
    stamps: list[tuple[str, str, int, int]] = []
    entries: dict[str, list[tuple[str, bool]]] = {}

    def visit(folder: str, real: str, prefix: str) -> bool:
        # `os.walk(followlinks=True)` order: this folder's files, then each sub-folder's.
        listed: list[tuple[str, bool]] = []
        subfolders: list[str] = []
        try:
            with os.scandir(folder) as scan:
                for entry in scan:
                    if entry.is_symlink():
                        return False
                    if entry.is_dir(follow_symlinks=False):
                        listed.append((entry.name, True))
                        subfolders.append(entry.name)
                    elif entry.is_file(follow_symlinks=False):
                        listed.append((entry.name, False))
                        st = entry.stat(follow_symlinks=False)
                        path = os.path.join(real, entry.name)
                        stamps.append((prefix + entry.name, path, st.st_size, st.st_mtime_ns))
                    else:
                        return False
        except OSError:
            return False
        if not prefix and any(name in IGNORE_FILES for name, _ in listed):
            return False
        entries[folder] = listed
        return all(
            visit(os.path.join(folder, name), os.path.join(real, name), f"{prefix}{name}/")
            for name in subfolders
        )

    if not visit(root, real_root, ""):
        return None
    return _PlainTree(tuple(stamps), entries)


def _local_assets(spec: Spec, missing_ok: bool) -> list[LocalAsset]:
    """Each deployment's local code folder and model path, resolved, checked and hashed.

    A spec's deployments usually name one `./src` from one folder: each (folder, path) is
    resolved and checked once per spec, and an asset version a second deployment uses
    names the first as its owner (`shared_with`) as it is made, not copied afterwards."""
    from iac_gen.desired.ids import Scope
    from iac_gen.spec.semantics import is_url

    found: list[LocalAsset] = []
    seen: dict[Path, tuple[str, str]] = {}
    resolved: dict[tuple[Path, str], Path | None] = {}
    owners: dict[tuple[str, str, str], str] = {}
    t = spec.target
    scope = Scope.of(t) if t.subscription and t.resource_group and t.workspace else None
    for dep in spec.deployments:
        for role, value, spec_path in _paths(dep):
            if not value or value.startswith("azureml:") or is_url(value):
                continue
            source = _source(spec, role, value, spec_path, resolved, missing_ok)
            if source is None:
                continue
            content, objects = _usable_hashes(spec, role, value, spec_path, source, seen)
            name, version = asset_identity(
                spec.endpoint.name, role, content, objects, dep.inline_model
            )
            kind = "codes" if role == "code" else "models"
            owner = owners.setdefault((kind, name, version), dep.name)
            found.append(
                LocalAsset(
                    spec.endpoint.name,
                    dep.name,
                    role,
                    value,
                    source,
                    content,
                    objects,
                    name,
                    version,
                    scope.asset_id(kind, name, version) if scope is not None else None,
                    owner if owner != dep.name else None,
                )
            )
    return found


def _source(
    spec: Spec,
    role: str,
    value: str,
    spec_path: str,
    resolved: dict[tuple[Path, str], Path | None],
    missing_ok: bool,
) -> Path | None:
    """The local path `value` resolved from the file that names it, once per (folder, path)
    in `resolved`; None when it does not exist and `missing_ok`, else InputError (IAC227)."""
    base = spec.path_base(spec_path)
    try:
        source = resolved[base, value]
    except KeyError:
        source = Path(os.path.normpath(os.path.join(base, value)))
        source = resolved[base, value] = source if os.path.exists(source) else None
    if source is None and not missing_ok:
        raise InputError(
            [
                Diagnostic(
                    "IAC227",
                    f"{role} path '{value}' does not exist (resolved from {base})",
                    spec.locate(spec_path),
                )
            ]
        )
    return source


def _usable_hashes(
    spec: Spec,
    role: str,
    value: str,
    spec_path: str,
    source: Path,
    seen: dict[Path, tuple[str, str]],
) -> tuple[str, str]:
    """`_hashes(source)`, or InputError (IAC227) when azure-ai-ml could not upload it."""
    from iac_gen.assets.content_hash import Unusable

    try:
        return _hashes(source, seen)
    except Unusable as exc:
        raise InputError(
            [
                Diagnostic(
                    "IAC227",
                    f"{role} path '{value}' cannot be uploaded: '{exc.name}' {exc.why} "
                    "(azure-ai-ml uploads the files below it)",
                    spec.locate(spec_path),
                )
            ]
        ) from None


def _paths(dep: Deployment) -> list[tuple[str, str | None, str]]:
    """(role, path as written, spec path) of a deployment's code folder and model."""
    base = f"deployments.{dep.name}"
    return [
        (
            "code",
            dep.code_configuration.code if dep.code_configuration else None,
            f"{base}.code_configuration.code",
        ),
        ("model", dep.inline_model.path if dep.inline_model else None, f"{base}.model.path"),
    ]


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
