"""The one registry of live-input readers, tried in order; the first that recognises wins.

A reader has a `name`, a `detect(data) -> bool` over parsed JSON and a
`read(data, context) -> LiveState`. Order matters: the bundle and Resource Graph shapes are
recognised before the generic ARM shape they resemble.
"""

from __future__ import annotations

from typing import Any

from iac_gen.live.reader import ReadContext, Reader


def _readers() -> dict[str, Reader]:
    from iac_gen.live.readers import arm, bundle, cliv2, graph

    ordered = (bundle.READER, graph.READER, cliv2.READER, arm.READER)
    return {r.name: r for r in ordered}


READERS: dict[str, Reader] = _readers()


def recognise(data: Any) -> Reader | None:
    for reader in READERS.values():
        if reader.detect(data):
            return reader
    return None


__all__ = ["READERS", "ReadContext", "Reader", "recognise"]
