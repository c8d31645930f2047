"""Remove secrets from live resource bodies before anything is kept or written.

Applied by the exporter and by every reader, so a pasted `az` output holding keys is cleaned
as well. What counts as a secret is decided by `iac_gen.secrets` (the same rules the lint
rule and the reports use): the endpoint `keys` object and key-valued fields (`primaryKey`,
`secondaryKey`, ...) are dropped; environment variables keep their name, with the value
replaced by `<redacted>` when the name says it is secret *or* the value looks like one
(`AccountKey=...`, `postgres://u:PW@h`, a PEM key, a JWT) whatever the name; any other field
named like a credential, and any string shaped like one, is redacted too. Names (deployments
in `traffic`, tag names) are never judged.
"""

from __future__ import annotations

from typing import Any

from iac_gen.secrets import REDACTED, withhold, withholds_nothing

__all__ = ["REDACTED", "scrub", "scrub_owned"]


def scrub(body: Any, path: str = "") -> tuple[Any, list[str]]:
    """Return a cleaned deep copy of `body` and the JSON paths that were removed or redacted."""
    removed: list[str] = []
    keys = tuple(path.split(".")) if path else ()
    clean = withhold(body, keys, drop=True, found=removed.append, where=path)
    return clean, removed


def scrub_owned(body: Any) -> tuple[Any, list[str]]:
    """`scrub` for a body nothing else holds (parsed for this read alone): the body itself
    when nothing in it would be withheld, as for nearly every body, else the cleaned copy.
    A fleet's live file holds millions of values; copying them all cost more than parsing."""
    if withholds_nothing(body):
        return body, []
    return scrub(body)
