"""One spelling per resource or asset reference, so different forms of the same id compare equal.

The spec writes `azureml:credit-model:7`; ARM stores
`/subscriptions/.../workspaces/ws/models/credit-model/versions/7`; Azure echoes ids in any
casing. All become the lower-case ARM id (or the lower-case `azureml://registries/...` id).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from iac_gen import asset_refs


class WorkspaceRef(NamedTuple):
    """The workspace a resource lives in; needed to expand `azureml:name:version`."""

    subscription: str
    resource_group: str
    workspace: str


class ResourceKey(NamedTuple):
    """Match key: workspace, endpoint, deployment ('' for an endpoint), all lower-case, and
    the `subscription/resource group` the workspace is in ('' when a body says only names).

    The scope is part of the key because a workspace name is unique only within its
    resource group: dev and prod subscriptions often hold `mlw-scoring` with the same
    endpoints, and a fleet run over both must keep them apart (as shards of one run by
    subscription do)."""

    workspace: str
    endpoint: str
    deployment: str = ""
    scope: str = ""

    @property
    def label(self) -> str:
        return f"{self.endpoint}/{self.deployment}" if self.deployment else self.endpoint

    @property
    def endpoint_key(self) -> tuple[str, str, str]:
        """The endpoint this resource belongs to: what one endpoint's resources share."""
        return (self.scope, self.workspace, self.endpoint)


_ID_SHAPE = ("subscriptions", "resourcegroups", "providers", "workspaces")


@lru_cache(maxsize=1 << 17)
def parse_ml_id(resource_id: str) -> tuple[WorkspaceRef, ResourceKey | None] | None:
    """Split an ARM id of a workspace, endpoint or deployment; None if it is none of those.
    Remembered per id (the answer is immutable): a drift run parses each live id to scope it
    and again to match it, and a designed id is usually the live one, spelled alike."""
    parts = resource_id.strip().lower().strip("/").split("/")
    size = len(parts)
    if size not in (8, 10, 12) or "" in parts:
        return None
    if (parts[0], parts[2], parts[4], parts[6]) != _ID_SHAPE:
        return None
    if parts[5] != "microsoft.machinelearningservices":
        return None
    if size >= 10 and parts[8] != "onlineendpoints":
        return None
    if size == 12 and parts[10] != "deployments":
        return None
    ws = WorkspaceRef(parts[1], parts[3], parts[7])
    if size == 8:
        return ws, None
    scope = f"{ws.subscription}/{ws.resource_group}"
    return ws, ResourceKey(ws.workspace, parts[9], parts[11] if size == 12 else "", scope)


def canonical_arm_id(value: str) -> str:
    return value.strip().rstrip("/").lower()


def canonical_asset_id(value: object, collection: str, ws: WorkspaceRef | None) -> object:
    """The comparable form of an asset reference found at a path of `collection` assets."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text[:1] == "/":  # an ARM id, as Azure returns it (neither `azureml:` form nor a name)
        return canonical_arm_id(text)
    text = asset_refs.arm_id(text, ignore_case=True) or text
    short = asset_refs.short_ref(text, ignore_case=True)
    if short is not None:
        name, version = short
        if collection == "environments" and asset_refs.is_curated_environment(
            name, ignore_case=True
        ):
            # Curated environments live in the shared `azureml` registry.
            return f"azureml://registries/azureml/environments/{name}/versions/{version}".lower()
        if ws is not None:
            return (
                f"/subscriptions/{ws.subscription}/resourcegroups/{ws.resource_group}/providers/"
                f"microsoft.machinelearningservices/workspaces/{ws.workspace}/"
                f"{collection}/{name}/versions/{version}"
            ).lower()
        return text.lower()
    bare_name = "/" not in text and not text.lower().startswith(asset_refs.PREFIX)
    if collection == "computes" and bare_name and ws is not None:
        return (
            f"/subscriptions/{ws.subscription}/resourcegroups/{ws.resource_group}/providers/"
            f"microsoft.machinelearningservices/workspaces/{ws.workspace}/computes/{text}"
        ).lower()
    return canonical_arm_id(text)
