"""`parse_asset` takes a short cut for `azureml:name:version`; it must classify every
reference exactly as the rules in azure-ai-ml's order (`_parse_asset_slow`) do."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iac_gen.desired.ids import Scope, _parse_asset_slow, parse_asset

KINDS = ("models", "environments", "codes")
# Pieces that reach every branch: prefixes, separators, the curated prefix, ids.
PIECES = st.sampled_from(
    [
        "azureml:",
        "azureml://",
        "AzureML-",
        "azureml-",
        "/subscriptions/",
        "/SUBSCRIPTIONS/",
        ":",
        "/",
        "@",
        "model",
        "1",
        "x y",
        "./src",
        "",
    ]
)


@given(st.lists(PIECES, max_size=6).map("".join), st.sampled_from(KINDS))
def test_fast_path_classifies_like_the_rules(ref: str, kind: str) -> None:
    parse_asset.cache_clear()
    assert parse_asset(ref, kind) == _parse_asset_slow(ref, kind)


@pytest.mark.parametrize(
    ("ref", "kind"),
    [
        ("azureml:AzureML-sklearn-1.5:3", "environments"),
        ("azureml:AzureML-sklearn-1.5:3", "models"),
        ("azureml:model:1", "models"),
        ("azureml:model@latest", "models"),
        ("azureml://registries/r/models/m/versions/1", "models"),
        ("azureml:/subscriptions/s/resourceGroups/g/x", "codes"),
        ("./src", "codes"),
    ],
)
def test_known_forms(ref: str, kind: str) -> None:
    assert parse_asset(ref, kind) == _parse_asset_slow(ref, kind)


def test_scope_ids_are_cached_but_not_compared() -> None:
    """Cached ids do not make two equal scopes differ (equality and hash read fields)."""
    one = Scope("s", "g", "w", "l")
    two = Scope("s", "g", "w", "l")
    assert (
        one.workspace_id == "/subscriptions/s/resourceGroups/g/providers/"
        "Microsoft.MachineLearningServices/workspaces/w"
    )
    assert one == two and hash(one) == hash(two)
    assert two.group_id == one.group_id
