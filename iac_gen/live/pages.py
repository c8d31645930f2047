"""Is a saved listing complete? The one rule every live reader (and the exporter) applies.

A file can hold one page of a longer answer: an ARM list page carries `nextLink`, a Resource
Graph page `$skipToken` (`skip_token` in `az graph query` output) and counts (`totalRecords`,
`count`), and Resource Graph sets `resultTruncated` when it cut the answer short. Resources
on the pages not read may be the designed ones, so such a file cannot prove anything missing
or in sync: each sign becomes a reason, and the readers record it as live state that could
not be read (drift status `not_checked`, exit 3). Fail closed: a counter that is not a whole
number cannot show completeness either.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

NEXT_LINK_KEYS = ("nextLink",)
SKIP_TOKEN_KEYS = ("$skipToken", "skipToken", "skip_token")
TOTAL_KEYS = ("totalRecords", "total_records")
TRUNCATED_KEYS = ("resultTruncated", "result_truncated")
ROW_KEYS = ("value", "data")


def incomplete(page: Any) -> list[str]:
    """Why `page` (a parsed listing) does not hold the whole answer; [] when it does."""
    if not isinstance(page, Mapping):
        return []
    reasons: list[str] = []
    rows = next((page[k] for k in ROW_KEYS if isinstance(page.get(k), list)), None)
    held = len(rows) if rows is not None else None
    for key in NEXT_LINK_KEYS:
        if _given(page.get(key)):
            reasons.append(f"the listing continues on another page (`{key}`) that was not read")
    for key in SKIP_TOKEN_KEYS:
        if _given(page.get(key)):
            reasons.append(f"Resource Graph has more rows (`{key}`); the next page was not read")
    for key in TRUNCATED_KEYS:
        value = page.get(key)
        if value is True or (isinstance(value, str) and value.strip().lower() == "true"):
            reasons.append(f"Resource Graph cut the result short (`{key}` is true)")
        elif value not in (None, False) and not (
            isinstance(value, str) and value.strip().lower() == "false"
        ):
            reasons.append(f"`{key}` is neither true nor false; completeness is unknown")
    for key in (*TOTAL_KEYS, "count"):
        if key not in page or page[key] is None or held is None:
            continue
        value = page[key]
        if type(value) is not int:
            reasons.append(f"`{key}` is not a whole number; completeness is unknown")
        elif value > held:
            reasons.append(f"`{key}` counts {value} rows but the file holds {held}")
    return reasons


def next_page_scope(page: Any, fallback: str) -> str:
    """What the unread pages belong to, as an id the drift engine can place: the ARM path of
    `nextLink` (never its query, which holds the skip token), else `fallback`."""
    if isinstance(page, Mapping):
        for key in NEXT_LINK_KEYS:
            link = page.get(key)
            if isinstance(link, str) and link:
                try:
                    path = urlsplit(link.strip()).path
                except ValueError:
                    return fallback
                if path.lower().startswith("/subscriptions/"):
                    return quote(path.rstrip("/"), safe="/-_.~:@!$&'()*+,;=")
    return fallback


def _given(value: Any) -> bool:
    """A continuation is given unless absent, null, false or blank (Azure writes null)."""
    if value is None or value is False:
        return False
    return not (isinstance(value, str) and not value.strip())
