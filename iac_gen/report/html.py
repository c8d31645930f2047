"""`drift.html`: one self-contained evidence page (inline CSS and SVG, no script, no fetches).

Rendered with Jinja2 autoescaping, so every value, SVG labels included, is text. A
Content-Security-Policy meta tag forbids scripts and any external request even if a
browser were to find one.

The page stays usable at fleet size: summary and findings come first, only endpoints whose
traffic differs are charted, and every long table shows at most MAX_ROWS rows (failing
findings first, resources that are not in sync first) with a count of the rest and a
pointer to `drift.json`, which always holds everything. At 10,000 endpoints the page is a
few hundred rows tall instead of millions of pixels (tests/report/test_report_html_fleet.py
measures it in Chromium).

When the run's provenance is known (`provenance`: the spec's repository and commit; `ci`:
the CI run, from `manifest.ci_metadata`), findings link to their spec line and the header
links to the CI run. Only `https://` links are made; without provenance the page has none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from iac_gen.report.templating import render_template
from iac_gen.report.view import FindingRow, build_view

CHART_WIDTH = 420.0
MAX_ROWS = 100  # rows per table; the rest are counted and left to drift.json
MAX_CHARTS = 30  # traffic charts (endpoints whose split differs); the rest are counted


def render(
    result: dict[str, Any],
    provenance: Mapping[str, Any] | None = None,
    ci: Mapping[str, Any] | None = None,
) -> str:
    view = build_view(result, chart_width=CHART_WIDTH)
    resources = view.resources
    if len(resources) > MAX_ROWS:  # what needs attention first when the table is cut
        resources = sorted(resources, key=lambda r: r.get("status") == "in_sync")
    links = {
        f.id: link
        for f in view.findings[:MAX_ROWS]
        if (link := spec_line_url(provenance, f)) is not None
    }
    return render_template(
        "drift.html.j2",
        autoescape=True,
        v=view,
        chart_width=CHART_WIDTH,
        max_rows=MAX_ROWS,
        max_charts=MAX_CHARTS,
        resources=resources,
        links=links,
        run_url=_https((ci or {}).get("run_url")),
    )


def _https(value: Any) -> str | None:
    text = str(value or "")
    return text if text.startswith("https://") and not any(c.isspace() for c in text) else None


def spec_line_url(provenance: Mapping[str, Any] | None, finding: FindingRow) -> str | None:
    """The finding's spec line in the repository's web view, or None when it cannot be known.

    GitHub (`/blob/<commit>/<path>#L<line>`) and Azure Repos (`?path=/<path>&version=GC<commit>
    &line=<line>`) are the two hosts the CI integrations serve. The path must be relative to
    the repository root as the finding records it: absolute paths and `..` give no link,
    since they would point at the wrong file.
    """
    if not provenance or not finding.location:
        return None
    repo = _https(provenance.get("repository_uri"))
    revision = str(provenance.get("revision_id") or "")
    if repo is None or not revision.isalnum():
        return None
    path, line = finding.location, ""
    parts = finding.location.rsplit(":", 2)  # file[:line[:col]]
    numbers = [p for p in parts[1:] if p.isdigit()]
    if len(numbers) == len(parts) - 1 and numbers:
        path, line = parts[0], numbers[0]
    path = path.replace("\\", "/").removeprefix("./")
    if not path or path.startswith("/") or ".." in path.split("/") or ":" in path:
        return None
    repo = repo.rstrip("/").removesuffix(".git")
    if "/_git/" in repo:
        url = f"{repo}?path=/{quote(path)}&version=GC{revision}"
        return url + (f"&line={line}&lineEnd={line}&lineStartColumn=1" if line else "")
    if repo.count("/") >= 4:  # https://host/owner/name
        return f"{repo}/blob/{revision}/{quote(path)}" + (f"#L{line}" if line else "")
    return None
