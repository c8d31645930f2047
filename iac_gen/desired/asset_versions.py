"""Local code folders and model paths -> the `codes/versions` and `models/versions` resources
the template registers before the deployments that use them.

ARM cannot upload files, but it can register a version over files already in blob storage:
Microsoft's own `cli/deploy-arm-templates-az-cli.sh` with `arm-templates/code-version.json`
and `model-version.json` in Azure/azureml-examples uploads the folder to the workspace's
default datastore, then deploys exactly these resources (`properties.codeUri` /
`properties.modelUri`). The pipeline runs the upload commands `iac-gen assets` prints; the
blob URI reaches the template as a parameter (`<deployment>CodeUri` / `<deployment>ModelUri`),
so the desired state lists it as `Unresolved`.

Bodies follow what azure-ai-ml 1.35.2 sends (`Code._to_rest_object`,
`Model._to_rest_object`): a code version carries `isAnonymous` and
`properties: {hash_sha256, hash_version}` (the content hash azure-ai-ml looks up to reuse a
version, and drift compares with the repository); a model version `isAnonymous`,
`isArchived: false`, `modelType` (`custom_model` unless the spec names a type) and the spec's
description, tags and properties. One difference: azure-ai-ml sends `hash_version` as the
number 202208, but the resource type declares `properties` a map of strings (bicep-types
`ResourceBaseProperties`), so the template writes the string "202208".

Names and versions are `LocalAsset.asset_name` / `asset_version` (see
`iac_gen.desired.local_assets`).
"""

from __future__ import annotations

from typing import Any

from iac_gen.assets.content_hash import HASH_VERSION
from iac_gen.desired.ids import Scope
from iac_gen.desired.local_assets import LocalAsset
from iac_gen.desired.state import Unresolved
from iac_gen.spec.model import Spec
from iac_gen.vocabulary import CODE_VERSION_TYPE, MODEL_VERSION_TYPE

DEFAULT_MODEL_TYPE = "custom_model"  # azure-ai-ml AssetTypes.CUSTOM_MODEL


def version_resource(
    spec: Spec, asset: LocalAsset, scope: Scope, unresolved: list[Unresolved]
) -> dict[str, Any]:
    """The asset version resource of one local folder; its blob URI is `Unresolved`."""
    rid = scope.asset_id(asset.kind, asset.asset_name, asset.asset_version)
    if asset.role == "code":
        rtype, uri_key = CODE_VERSION_TYPE, "codeUri"
        props: dict[str, Any] = {
            "isAnonymous": True,
            "properties": {"hash_sha256": asset.content_hash, "hash_version": str(HASH_VERSION)},
        }
    else:
        rtype, uri_key = MODEL_VERSION_TYPE, "modelUri"
        model = next(d.inline_model for d in spec.deployments if d.name == asset.deployment)
        props = {
            "isAnonymous": not (model is not None and model.name),
            "isArchived": False,
            "modelType": (model.type if model is not None and model.type else DEFAULT_MODEL_TYPE),
        }
        if model is not None and model.description:
            props["description"] = model.description
        if model is not None and model.tags:
            props["tags"] = {str(k): str(v) for k, v in model.tags.items()}
        if model is not None and model.properties:
            props["properties"] = {str(k): str(v) for k, v in model.properties.items()}
    unresolved.append(
        Unresolved(
            rid,
            f"properties.{uri_key}",
            f"where {asset.path!r} is uploaded ({asset.blob_path} in the workspace's default "
            "datastore, see iac-gen assets); a template parameter",
            parameter=asset.uri_parameter,
        )
    )
    return {
        "type": rtype,
        "apiVersion": spec.target.api_version,
        "name": f"{scope.workspace}/{asset.asset_name}/{asset.asset_version}",
        "id": rid,
        "properties": props,
    }
