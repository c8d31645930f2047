"""ARM resource ids and asset references, built the way the service spells them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

from iac_gen import asset_refs
from iac_gen.spec.model import Target
from iac_gen.vocabulary import DEPLOYMENT_TYPE as DEPLOYMENT_TYPE  # emit/plan.py imports it here
from iac_gen.vocabulary import ENDPOINT_TYPE as ENDPOINT_TYPE
from iac_gen.vocabulary import ML_PROVIDER as ML

ASSET_TYPES = {"models": "models", "environments": "environments", "codes": "codes"}


@lru_cache(maxsize=1024)
def _scope(subscription: str, group: str, workspace: str, location: str) -> Scope:
    """One `Scope` per target: a spec asks for its scope for every id it builds, and each
    new instance would build its cached ids again (a fleet: 8,000 times for 2,000 specs)."""
    return Scope(subscription, group, workspace, location)


@dataclass(frozen=True)
class Scope:
    """The concrete subscription / resource group / workspace / location a spec targets."""

    subscription: str
    resource_group: str
    workspace: str
    location: str

    @classmethod
    def of(cls, target: Target) -> Scope:
        return _scope(
            target.subscription or "",
            target.resource_group or "",
            target.workspace or "",
            target.location or "",
        )

    # Cached: every resource id of a spec starts with these (a fleet builds 100,000 ids).
    # A frozen dataclass's fields never change, and `cached_property` stores in the
    # instance's dict, which equality, hashing and repr (fields only) never read.
    @cached_property
    def group_id(self) -> str:
        return f"/subscriptions/{self.subscription}/resourceGroups/{self.resource_group}"

    @cached_property
    def workspace_id(self) -> str:
        return f"{self.group_id}/providers/{ML}/workspaces/{self.workspace}"

    def endpoint_id(self, endpoint: str) -> str:
        return f"{self.workspace_id}/onlineEndpoints/{endpoint}"

    def deployment_id(self, endpoint: str, deployment: str) -> str:
        return f"{self.endpoint_id(endpoint)}/deployments/{deployment}"

    def asset_id(self, kind: str, name: str, version: str) -> str:
        return f"{self.workspace_id}/{ASSET_TYPES[kind]}/{name}/versions/{version}"

    def compute_id(self, name: str) -> str:
        return f"{self.workspace_id}/computes/{name}"

    def group_resource_id(self, rtype: str, name: str) -> str:
        return f"{self.group_id}/providers/{rtype}/{name}"


@dataclass(frozen=True)
class AssetRef:
    """How a spec's model / environment / code reference maps to ARM.

    `kind` is one of: `workspace` (azureml:name:version -> workspace asset ARM id, with
    `name`/`version` set), `passthrough` (registry ids, curated environments, full ARM ids,
    labels: sent as written) or `local` (a path on disk, which ARM cannot deploy).
    """

    kind: str
    value: str
    name: str = ""
    version: str = ""


@lru_cache(maxsize=4096)
def parse_asset(ref: str, asset_kind: str) -> AssetRef:
    """Classify an asset reference from the spec (`azureml:...`, `azureml://...`, path).

    Remembered per (ref, kind): the deployments of one endpoint share environments and
    models, and the answer is a frozen value of these two alone."""
    # The common form first: `azureml:name:version` holds no `/`, so it is never a registry
    # id, an ARM id or a path; only a curated environment of that form is sent as written.
    short = asset_refs.short_ref(ref)
    if short is not None and not (
        asset_kind == "environments"
        and asset_refs.is_curated_environment(ref[len(asset_refs.PREFIX) :])
    ):
        return AssetRef("workspace", ref, short.name, short.version)
    return _parse_asset_slow(ref, asset_kind)


def _parse_asset_slow(ref: str, asset_kind: str) -> AssetRef:
    """The rules in the order azure-ai-ml applies them (`parse_asset` takes a short cut for
    `azureml:name:version`; a test compares the two)."""
    if asset_refs.is_registry(ref) or ref.startswith("/subscriptions/"):
        return AssetRef("passthrough", ref)
    if ref.startswith(asset_refs.PREFIX):
        arm_id = asset_refs.arm_id(ref)
        if arm_id is not None:  # azure-ai-ml sends the bare ARM id
            return AssetRef("passthrough", arm_id)
        body = ref[len(asset_refs.PREFIX) :]
        if asset_kind == "environments" and asset_refs.is_curated_environment(body):
            # Curated environments are expanded by the service from the short asset id.
            return AssetRef("passthrough", ref)
        short = asset_refs.short_ref(ref)
        if short is not None:
            return AssetRef("workspace", ref, short.name, short.version)
        return AssetRef("passthrough", ref)
    return AssetRef("local", ref)
