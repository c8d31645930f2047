"""Share large, pure, per-item work with a second process: results in order, or nothing.

The machine a fleet runs on usually has two cores or more, and the large steps of a fleet
(compiling 1,000 specs, reading 8,000 spec files) are one pure function applied to each item
of a list. `shared_map` forks one worker; this process takes items from the front of the
list and the worker from the back, a batch at a time, until they meet (two bounds in shared
memory, under one lock). Nothing is sent to the worker (the items and the function are
inherited through fork), and only its results come back - each as `marshal` data when it is
plain values (about twice as fast both ways as pickling them), else pickled. So the order
of results is the list's, whatever the timing.

Why from both ends, not half each: the worker is the slower of the two on the same items -
CPython writes every object it reads (its reference count), so the worker first copies each
page its items touch - and a neighbour's load slows either process at any time. Split in
halves, this process waited 0.44 s of a 10,000-endpoint fleet's 2.1 s of judging for the
worker; taking from both ends, each computes until nothing is left, and the worker still
reads only the end of the list, not pages all over it.

Any failure in the worker (an exception, a crash, a result that cannot be sent) and
`shared_map` returns None: the caller then does all the work itself, so errors and messages
are exactly those of a sequential run. Lists shorter than the caller's threshold, one-core
machines and platforms without fork run sequentially and pay nothing.

A worker is not free in memory: it shares its parent's pages only until it writes them, and
CPython writes every object it reads (its reference count), so the worker soon holds its own
copy of every page its share of the work reads. A caller whose items reach into a large heap
(the drift engine's share of a fleet) gives `worth_sharing` a bound on this process's
resident size, above which the work stays in one process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_SHARED: tuple[Callable[[Any], Any], Sequence[Any], Any, int] | None = None
"""The function, the items, the shared bounds and the batch size of the map under way."""

BATCHES = 64
"""Batches per list, so the two processes meet within about 1/64 of the work, and take the
lock a few dozen times, not once per item (a fleet's reading is 10,000 items)."""


def worth_sharing(count: int, share_from: int, up_to_resident_mib: float | None = None) -> bool:
    """Whether `count` items are enough work for a second process here, and (given a bound)
    this process is small enough that the worker's copy of its pages is affordable."""
    if count < share_from:
        return False
    import multiprocessing
    import os

    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return False
    return up_to_resident_mib is None or resident_mib() <= up_to_resident_mib


def resident_mib() -> float:
    """This process's resident size now (Linux), else its peak so far, in MiB."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            pages = int(fh.read().split()[1])
    except (OSError, ValueError, IndexError):
        import resource
        import sys

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB; bytes on macOS
        return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") / (1 << 20)


def _packed(result: Any) -> tuple[bytes | None, Any]:
    """(marshal bytes, None) when marshal can carry `result`, else (None, result)."""
    import marshal

    try:
        return marshal.dumps(result), None
    except ValueError:  # an object marshal does not know (a class instance): pickled instead
        return None, result


def _take(bounds: Any, size: int, front: bool) -> range | None:
    """The next batch of up to `size` items, from the front of what is left or from its back;
    None when nothing is left. `bounds` is [first item left, end of the items left]."""
    with bounds.get_lock():
        low, high = bounds[0], bounds[1]
        if low >= high:
            return None
        if front:
            bounds[0] = stop = min(low + size, high)
            return range(low, stop)
        bounds[1] = start = max(high - size, low)
        return range(start, high)


def _run_from_end() -> tuple[int, list[tuple[bytes | None, Any]]]:
    """Worker body: (index of its first item, its results in order), its items taken from
    the back of the list until this process's meet them. The function and the items are
    inherited through fork. Each result is packed as soon as it is computed: its objects
    are freed before the next item's are made, so the worker reuses its own memory instead
    of writing into (and so copying) more of the pages it shares with its parent."""
    import gc

    gc.disable()  # a short-lived process: the cyclic collector would only cost time
    assert _SHARED is not None
    function, items, bounds, size = _SHARED
    batches: list[list[tuple[bytes | None, Any]]] = []
    first = len(items)
    while (taken := _take(bounds, size, front=False)) is not None:
        batches.append([_packed(function(items[index])) for index in taken])
        first = taken.start
    return first, [result for batch in reversed(batches) for result in batch]


def shared_map(
    function: Callable[[T], R],
    items: Sequence[T],
    on_batch: Callable[[int], None] | None = None,
) -> list[R] | None:
    """`[function(item) for item in items]`, computed by this process from the front and a
    forked one from the back; None when the worker failed (see the module docstring). The
    caller decides with `worth_sharing` whether the list is large enough. `on_batch` is
    told, after each batch this process computes, how many items neither has taken yet,
    and 0 once all are taken."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _SHARED
    if _SHARED is not None:  # already inside a shared map (or its worker): no second level
        return None
    context = multiprocessing.get_context("fork")
    try:  # shared memory and a process-shared lock: where the platform has none, one process
        bounds = context.Array("q", [0, len(items)])
    except (OSError, ImportError):
        return None
    size = max(1, len(items) // BATCHES)
    _SHARED = (function, items, bounds, size)
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            future = pool.submit(_run_from_end)
            first: list[R] = []
            while (taken := _take(bounds, size, front=True)) is not None:
                first.extend(function(items[index]) for index in taken)
                if on_batch is not None:
                    on_batch(max(bounds[1] - bounds[0], 0))  # two reads: may be a batch apart
            if on_batch is not None:
                on_batch(0)  # every item is taken: the worker computes its last ones
            try:
                start, packed = future.result()
            except Exception:  # the caller's sequential run reports it exactly
                return None
    finally:
        _SHARED = None
    if start != len(first) or start + len(packed) != len(items):
        return None  # cannot happen with one lock; a sequential run if it ever did
    import marshal

    return first + [result if blob is None else marshal.loads(blob) for blob, result in packed]
