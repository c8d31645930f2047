"""Drift of the code that runs: the live code version's content hash against the repository.

A deployment whose code is a local folder (`code: ./src`) names a code version by id, and the
id says nothing about content: `az ml` registers the folder under a random name, iac-gen's
template under `<endpoint>-code/<content hash>`, a team under its own name. What both
azure-ai-ml and iac-gen store on the version is the folder's content hash
(`properties.properties.hash_sha256`, `hash_version` 202208; see `iac_gen.assets.content_hash`).
So drift sets the id comparison aside and compares that hash with the local folder's:

- equal: in sync, whoever registered the version;
- different: a finding "deployed code differs from ./src" (high, category `code`);
- not comparable, with the reason: the live input does not carry the code version (a plain
  ARM GET of the deployment; `iac-gen export` reads it), the export could not read it, the
  version carries no hash (registered by hand or by an older azure-ai-ml), or it was hashed
  with another `hash_version`.

The live code version arrives in the live input as its own resource (an ARM GET body of
`workspaces/codes/versions`, as `iac-gen export` writes it). The local hash is computed once
per folder within a run (`content_hash` caches by path, size and mtime).

Local models are left to the ordinary comparison: an anonymous model's id is content-derived
(azure-ai-ml names it `sha256(object hash)`/`1`, and so does iac-gen), so a changed model
folder already shows as a different `properties.model`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from iac_gen import coverage
from iac_gen.assets.content_hash import HASH_VERSION
from iac_gen.drift.kinds import KINDS

CODE_PATH: tuple[str, ...] = ("properties", "codeConfiguration", "codeId")
ARM_PATH = "properties.codeConfiguration.codeId"
SEVERITY, CATEGORY = "high", "code"
NOT_COMPARABLE = ("info", "code")


def _local_code(pair: Any, deployment: str | None = None) -> Any:
    """The LocalAsset of the designed deployment's local code folder, or None; `deployment`
    is its name as the spec spells it, when the caller knows it already."""
    if not KINDS[pair.kind].runs_code or pair.designed is None:
        return None
    from iac_gen.desired.local_assets import local_assets
    from iac_gen.drift.classify import deployment_name

    assets = local_assets(pair.designed.spec, missing_ok=True)
    if not assets:  # most specs deploy registered code only
        return None
    name = deployment_name(pair) if deployment is None else deployment
    for asset in assets:
        if asset.role == "code" and asset.deployment == name:
            return asset
    return None


def set_aside(side: Any) -> None:
    """Before comparing: a deployment's code id is judged by content here, not by id."""
    if _local_code(side.pair) is None:
        return
    side.desired.pop(CODE_PATH, None)
    if side.live is not None:
        side.live.pop(CODE_PATH, None)


def _live_code_id(live: Mapping[str, Any]) -> str | None:
    props = live.get("properties")
    code = props.get("codeConfiguration") if isinstance(props, Mapping) else None
    value = code.get("codeId") if isinstance(code, Mapping) else None
    return value if isinstance(value, str) and value else None


def _by_id(items: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {str(item.get("id", "")).lower(): item for item in items}


def _indexes(run: Any) -> tuple[dict[str, Mapping[str, Any]], dict[str, Mapping[str, Any]]]:
    """(live resources, unreadable entries) by lower-cased id, built once per run: rebuilt
    for every deployment they made a fleet's drift quadratic in its size."""
    found = getattr(run, "_code_indexes", None)
    if found is None or found[0] is not run.live_resources:
        found = (run.live_resources, _by_id(run.live_resources), _by_id(run.live_not_checked))
        run._code_indexes = found
    return found[1], found[2]


def judge(
    run: Any,
    label: str,
    pair: Any,
    side: Any,
    outcomes: Any,
    status: str | None,
    deployment: str | None = None,
) -> tuple[str | None, list[coverage.Row]]:
    """(status, coverage entries) for the code of one compared deployment; findings go to
    `outcomes.findings`. Other resources pass through unchanged.

    Long because each way the judgement can end (no code asset, the version unread or
    absent, no hash, another hash version, equal, different) is one step of a ladder read
    top to bottom, each with its own finding and coverage entry."""
    if side is None or side.live is None or pair.live is None:
        return status, []
    asset = _local_code(pair, deployment)
    if asset is None:
        return status, []
    from iac_gen.drift.classify import deployment_name, rule_for

    dep = deployment_name(pair) if deployment is None else deployment
    field = rule_for(pair.kind, CODE_PATH, dep).field
    live_id = _live_code_id(pair.live)
    expected = f"hash_sha256 {asset.content_hash}"
    common = {
        "spec": pair.designed.spec,
        "resource": label,
        "resource_id": pair.resource_id,
        "field": field,
        "arm_path": ARM_PATH,
        "fallback_file": outcomes.live_label,
    }

    def entry(outcome: str, reason: str | None = None) -> coverage.Row:
        return coverage.row(label, field, ARM_PATH, outcome, reason)

    def not_comparable(why: str) -> tuple[str | None, list[coverage.Row]]:
        outcomes.findings.append(
            outcomes.classifier.finding(
                **common,
                change="not_comparable",
                expected=expected,
                actual=live_id,
                severity=NOT_COMPARABLE[0],
                category=NOT_COMPARABLE[1],
                text=f"deployed code cannot be compared with {asset.path}: {why}",
            )
        )
        return status, [entry("not_comparable", why)]

    if live_id is None:
        finding = outcomes.classifier.finding(
            **common,
            change="removed",
            expected=expected,
            actual=None,
            severity=SEVERITY,
            category=CATEGORY,
            text=f"deployed code differs from {asset.path}: the deployment runs no code asset",
        )
        return _drifted(outcomes, finding, status, entry)
    live_by_id, unread = _indexes(run)
    body = live_by_id.get(live_id.lower())
    if body is None:
        if live_id.lower() in unread:
            reason = str(unread[live_id.lower()].get("reason", "")) or "not read"
            return not_comparable(f"the live code version could not be read: {reason}")
        return not_comparable(
            "the live input does not carry the code version it runs (iac-gen export reads "
            "it; absent from an export, it was not found)"
        )
    props = body.get("properties")
    inner = props.get("properties") if isinstance(props, Mapping) else None
    live_hash = inner.get("hash_sha256") if isinstance(inner, Mapping) else None
    version = inner.get("hash_version") if isinstance(inner, Mapping) else None
    if not isinstance(live_hash, str) or not live_hash:
        return not_comparable(
            "the live code version carries no hash_sha256 (registered without a content "
            "hash, by hand or by an older azure-ai-ml)"
        )
    if str(version) != str(HASH_VERSION):
        return not_comparable(
            f"the live code version was hashed with hash_version {version!r}; iac-gen "
            f"computes hash_version {HASH_VERSION}"
        )
    if live_hash.lower() == asset.content_hash:
        return status, [entry("matched", f"hash_sha256 equals {asset.path}'s")]
    finding = outcomes.classifier.finding(
        **common,
        change="not_equal",
        expected=expected,
        actual=f"hash_sha256 {live_hash}",
        severity=SEVERITY,
        category=CATEGORY,
        text=(
            f"deployed code differs from {asset.path}: the running code version {live_id} "
            f"has hash_sha256 {live_hash}, {asset.path} hashes to {asset.content_hash}"
        ),
    )
    return _drifted(outcomes, finding, status, entry)


def _drifted(
    outcomes: Any, finding: dict[str, Any], status: str | None, entry: Any
) -> tuple[str | None, list[coverage.Row]]:
    outcomes.findings.append(finding)
    if finding["waived"]:
        return status, [entry("waived")]
    return ("modified" if status == "in_sync" else status), [entry("drifted")]
