"""Inline environments -> `workspaces/environments/versions` resources, named as azure-ai-ml
names them.

Why the same identity: `az ml online-deployment create` registers an inline environment
before the deployment and points `environmentId` at it. If the template creates the same
version under the same name, a deployment made with `az ml` and one made from the template
reference the same asset, so drift between the two is clean and a redeploy changes nothing.

azure-ai-ml (`entities/_assets/environment.py`, `Environment.__init__` and
`_generate_anonymous_name_version`), for an environment without a name:
- name `CliV2AnonymousEnvironment`;
- version: `sha256` hex of a string built from the sha256 hex of the image, then of
  `yaml.dump(inference_config, sort_keys=True)` (of its REST model objects, see
  `_inference_config_text`) and of the conda file as it sends it
  (`yaml.dump(yaml.safe_load(file), sort_keys=True)`), combined with `str.join` exactly as
  written there (`"".join(a)` is `a`; `a.join(b)` interleaves `a` between the characters of `b`).
A named environment with a version is that name and version. A named environment without a
version gets the next free version from azure-ai-ml (it asks the workspace), which a
template cannot know; it is given the same content-derived version instead, so it is still
deterministic and an unchanged environment keeps its version.

An environment built from a local folder (`build.path`) needs an upload first; its id is a
template parameter (`Unresolved`) like a local code folder's.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from iac_gen.desired.ids import Scope
from iac_gen.diagnostics import Diagnostic, InputError, Location
from iac_gen.spec.model import InlineEnvironment, Spec
from iac_gen.vocabulary import ENVIRONMENT_VERSION_TYPE

ANONYMOUS_ENV_NAME = "CliV2AnonymousEnvironment"  # azure-ai-ml constants/_common.py
_ROUTES = (
    ("liveness_route", "livenessRoute"),
    ("readiness_route", "readinessRoute"),
    ("scoring_route", "scoringRoute"),
)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf8")).hexdigest()


def conda_text(path: Path, where: Location) -> str:
    """The conda file as azure-ai-ml sends it: loaded, dumped again with sorted keys."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputError(
            [Diagnostic("IAC227", f"conda file cannot be read ({exc.strerror})", where)]
        ) from None
    return _conda_text(str(path), stat.st_mtime_ns, stat.st_size, where)


@lru_cache(maxsize=256)
def _conda_text(path: str, _mtime: int, _size: int, where: Location) -> str:
    import yaml

    from iac_gen.spec.yaml_source import parse_yaml

    docs = parse_yaml(Path(path), path)  # bounded and safe; InputError on bad YAML
    data = docs[0].data if docs else None
    return str(yaml.dump(data, sort_keys=True))


def _inference_config(env: InlineEnvironment) -> dict[str, Any]:
    return {
        key: {"path": env.inference_config[key].path, "port": env.inference_config[key].port}
        for key, _ in _ROUTES
        if key in env.inference_config
    }


# azure-ai-ml's schema turns `inference_config` into its REST model objects before hashing,
# so the text it hashes is PyYAML's dump of those Python objects. These are the class paths
# of azure-ai-ml 1.35.2 (arm_ml_service models); other SDK versions name other classes and
# so produce other versions for the same environment.
_SDK_MODELS = "azure.ai.ml._restclient.arm_ml_service.models._models"


class _SdkObject:
    """Stands in for one of those model objects when dumping: `!!python/object:<cls>` with
    the object's `_data` mapping, exactly as PyYAML's default Dumper writes it."""

    def __init__(self, cls: str, data: dict[str, Any]):
        self.cls = cls
        self.data = data


def _inference_config_text(routes: dict[str, Any]) -> str:
    import yaml

    class Dumper(yaml.Dumper):
        pass

    def represent(dumper: yaml.Dumper, obj: _SdkObject) -> Any:
        tag = f"tag:yaml.org,2002:python/object:{_SDK_MODELS}.{obj.cls}"
        return dumper.represent_mapping(tag, {"_data": obj.data})

    Dumper.add_representer(_SdkObject, represent)
    value = _SdkObject(
        "InferenceContainerProperties",
        {arm: _SdkObject("Route", dict(routes[key])) for key, arm in _ROUTES if key in routes},
    )
    return str(yaml.dump(value, Dumper=Dumper, sort_keys=True))


def anonymous_version(image: str, inference_config: dict[str, Any], conda: str | None) -> str:
    """azure-ai-ml's `_generate_anonymous_name_version(source="image")`, step for step."""
    hash_str = ""
    hash_str = hash_str.join(_sha(image))
    if inference_config:
        hash_str = hash_str.join(_sha(_inference_config_text(inference_config)))
    if conda:
        hash_str = hash_str.join(_sha(conda))
    return _sha(hash_str)


def is_local_build(env: InlineEnvironment) -> bool:
    from iac_gen.spec.semantics import is_url

    return env.build_path is not None and not is_url(env.build_path)


def environment_resource(
    spec: Spec, dep_name: str, env: InlineEnvironment, scope: Scope
) -> dict[str, Any]:
    """The environment version resource of an inline, image-based environment."""
    conda = None
    if env.conda_file is not None:
        spec_path = f"deployments.{dep_name}.environment.conda_file"
        where = spec.locate(spec_path)
        conda = conda_text(
            Path(os.path.normpath(spec.path_base(spec_path) / env.conda_file)), where
        )
    routes = _inference_config(env)
    name = env.name or ANONYMOUS_ENV_NAME
    version = env.version
    if version is None:
        version = anonymous_version(env.image or "", routes, conda)
    props: dict[str, Any] = {
        "isAnonymous": env.name is None,
        "isArchived": False,
    }
    if env.image is not None:
        props["image"] = env.image
    if conda is not None:
        props["condaFile"] = conda
    if env.build_path is not None:
        props["build"] = {"contextUri": env.build_path}
        if env.dockerfile_path is not None:
            props["build"]["dockerfilePath"] = env.dockerfile_path
    if routes:
        props["inferenceConfig"] = {arm: routes[key] for key, arm in _ROUTES if key in routes}
    if env.os_type is not None:
        props["osType"] = env.os_type.capitalize()
    if env.description is not None:
        props["description"] = env.description
    if env.tags:
        props["tags"] = dict(env.tags)
    if env.properties:
        props["properties"] = dict(env.properties)
    return {
        "type": ENVIRONMENT_VERSION_TYPE,
        "apiVersion": spec.target.api_version,
        "name": f"{scope.workspace}/{name}/{version}",
        "id": scope.asset_id("environments", name, version),
        "properties": props,
    }
