"""Counts that differ say why, and `None` never reaches a page, whatever field is empty."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iac_gen.coverage import entries as coverage_entries
from iac_gen.report.registry import REPORTERS

from .samples import DRIFT_SAMPLES, load

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "fixtures/drift-drifted/expected/drift.json"
PAGES = ("md", "html")


def _engine_result() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ENGINE.read_text(encoding="utf-8"))
    return data


def test_counts_that_differ_say_why_in_markdown_and_html():
    result = _engine_result()
    open_findings = [f for f in result["findings"] if not f["waived"]]
    drifted = result["summary"]["properties"]["drifted"]
    assert len(open_findings) != drifted  # the engine's result is such a case
    missing = next(f["resource"] for f in open_findings if f["change"] == "missing_resource")
    props = sum(
        1
        for c in coverage_entries(result)
        if c["resource"] == missing and c["outcome"] == "drifted"
    )
    head = f"{len(open_findings)} open findings but {drifted} drifted properties"
    for name in PAGES:
        text = REPORTERS[name].render(result)
        assert f"Why the counts differ: {head}" in text, name
        assert f"1 missing resource is one finding for its {props} declared properties" in text
        assert "1 unmanaged resource is a finding with no declared property" in text


def test_counts_that_agree_say_nothing():
    result = json.loads((ROOT / "reports/waived/drift.json").read_text(encoding="utf-8"))
    for name in PAGES:
        assert "Why the counts differ" not in REPORTERS[name].render(result)


def _nullable_paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key of every object in the result below the top level's lists and objects."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if path or key not in ("schema_version", "status", "summary", "findings"):
                found.append((*path, key))
            found += _nullable_paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _nullable_paths(value, (*path, i))
    return found


def _with_nones(result: dict[str, Any], paths: list[tuple[Any, ...]]) -> dict[str, Any]:
    out = copy.deepcopy(result)
    for path in paths:
        node: Any = out
        try:
            for step in path[:-1]:
                node = node[step]
            node[path[-1]] = None
        except (KeyError, IndexError, TypeError):
            continue  # an earlier path already emptied a parent
    return out


_SAMPLES = {name: load(name) for name in DRIFT_SAMPLES}
_SAMPLES["engine"] = _engine_result()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_none_never_reaches_a_page_whatever_is_empty(data):
    name = data.draw(st.sampled_from(sorted(_SAMPLES)))
    sample = _SAMPLES[name]
    paths = _nullable_paths(sample)
    chosen = data.draw(st.lists(st.sampled_from(paths), min_size=1, max_size=12, unique=True))
    result = _with_nones(sample, chosen)
    for page in PAGES:
        text = REPORTERS[page].render(result)
        assert not re.search(r"\bNone\b", text), (page, name, chosen)
