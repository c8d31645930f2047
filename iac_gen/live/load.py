"""`read_live(path)`: open a live-state file of any supported shape, safely.

Bounded size, strict UTF-8, strict JSON (`iac_gen.strict_json`: no NaN/Infinity, no duplicate
keys, no huge integers, no lone surrogates) with bounded nesting, shape recognised by the
registry, secrets scrubbed by every reader. Problems raise `InputError` (codes IAC410-IAC417).
A file that is one page of a longer answer (`iac_gen.live.pages`) is read, and the pages it
lacks are recorded as not checked, whatever its shape.

Codes: IAC410 cannot be read, IAC411 not UTF-8, IAC412 too large, IAC413 not acceptable JSON
(syntax, NaN/Infinity, duplicate keys, integers over 40 digits, lone surrogates, nesting over
`MAX_DEPTH`), IAC414 unknown shape, IAC415 bad items, IAC416 bundle schema/digest/consistency,
IAC417 an id that cannot be built.
"""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Mapping
from pathlib import Path

from iac_gen.diagnostics import error
from iac_gen.live.pages import incomplete, next_page_scope
from iac_gen.live.reader import ReadContext
from iac_gen.live.registry import READERS, recognise
from iac_gen.live.shapes import check_shapes
from iac_gen.live.state import LiveState
from iac_gen.provenance import remember_digest, remember_stream
from iac_gen.strict_json import JsonProblem, loads, nested_deeper_than

MAX_BYTES = 256 * 1024 * 1024
# Azure's deepest body (an autoscale rule's dimension values) nests about a dozen levels, a
# bundle adds two. The readers, the drift engine and the reports walk values recursively, so
# anything deeper is refused here rather than found as a RecursionError later.
MAX_DEPTH = 64


def read_live(
    path: Path, target: Mapping[str, str] | None = None, *, share_strings: bool = False
) -> LiveState:
    """Read one live input. `target` (subscription, resource_group, workspace) lets the CLI v2
    reader build ids that `az ml ... show` output leaves out; `share_strings` makes equal
    text values one string (`strict_json.loads`), for a state sent to another process."""
    # Parsing a fleet's file builds millions of acyclic values, and the cyclic collector would
    # rescan the growing heap over and over (a third of what parsing costs); reference
    # counting frees them all, so it is paused while reading (as `load_specs` does).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read_live(Path(path), target, share_strings)
    finally:
        if collecting:
            gc.enable()


def _read_live(
    path: Path, target: Mapping[str, str] | None, share_strings: bool = False
) -> LiveState:
    name = str(path)
    try:
        st = path.stat()
    except OSError as exc:
        raise error("IAC410", f"cannot read live input: {exc.strerror or exc}", name) from None
    if stat.S_ISDIR(st.st_mode):
        raise error("IAC410", "live input is a folder; give a JSON file", name)
    if st.st_size > MAX_BYTES:
        raise error(
            "IAC412", f"live input is {st.st_size} bytes; the limit is {MAX_BYTES} bytes", name
        )
    if stat.S_ISREG(st.st_mode):
        with open(path, "rb") as fh:
            opened = os.fstat(fh.fileno())  # before reading: a write meanwhile moves the mtime
            raw = fh.read()
        if len(raw) == opened.st_size:
            remember_digest(opened, raw)  # hash once: the run's inputs and manifest reuse it
    else:  # a stream (`--live <(az graph query ...)`): read once, to the limit, and hashed
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise error("IAC412", f"live input is over the limit of {MAX_BYTES} bytes", name)
        remember_stream(path, raw)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error("IAC411", f"live input is not UTF-8 (byte {exc.start})", name) from None
    try:
        data = loads(text, share_strings=share_strings)
    except JsonProblem as exc:
        raise error(
            "IAC413", f"live input is not valid JSON: {exc.message}", name, exc.line, exc.col
        ) from None
    if nested_deeper_than(raw, data, MAX_DEPTH):
        raise error(
            "IAC413",
            f"live input is not valid JSON: nested too deeply (more than {MAX_DEPTH} levels)",
            name,
        )
    reader = recognise(data)
    if reader is None:
        known = "; ".join(f"{r.name} ({r.description})" for r in READERS.values())
        raise error("IAC414", f"unrecognised live input shape; expected one of: {known}", name)
    state = reader.read(data, ReadContext(file=name, target=dict(target or {}), owned=True))
    check_shapes(state.resources, name)
    scope = next_page_scope(data, name)
    for reason in incomplete(data):
        state.not_checked.append({"id": scope, "reason": f"live input is incomplete: {reason}"})
    return state
