"""ISO 8601 durations: written from the CLI v2 units, parsed back and compared by value.

The spec says `request_timeout_ms: 500` and `initial_delay: 10` (seconds); ARM wants
`format: duration` strings (`PT0.5S`, `PT10S`) and returns them in whatever form it stored,
so `PT90S` must equal `PT1M30S`. One formatter serves the desired state, the live readers and
the drift engine, and its output matches `isodate.duration_isoformat` (what Azure's own SDK
sends) without a run-time dependency on isodate. Years and months have no fixed length, so
the parser refuses them (they are then compared as text).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_DURATION = re.compile(
    rf"^(-)?P(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?$",
    re.IGNORECASE,
)
_UNIT_SECONDS = (Decimal(604800), Decimal(86400), Decimal(3600), Decimal(60), Decimal(1))


def parse_duration(text: str) -> Decimal | None:
    """Seconds in an ISO 8601 duration (`P1DT2H`, `PT0.5S`), or None if it is not one."""
    match = _DURATION.match(text.strip())
    if match is None:
        return None
    sign, *parts = match.groups()
    if all(part is None for part in parts) or text.strip().upper().endswith("T"):
        return None
    total = Decimal(0)
    try:
        for part, unit in zip(parts, _UNIT_SECONDS, strict=True):
            if part is not None:
                total += Decimal(part.replace(",", ".")) * unit
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        return None
    return -total if sign else total


def format_duration(seconds: Decimal) -> str:
    """The canonical spelling of a duration: `PT1M30S`, `PT0.5S`, `P1DT1H`, `PT0S`."""
    sign = "-" if seconds < 0 else ""
    rest = abs(seconds)
    days, rest = divmod(rest, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    out = f"{sign}P"
    if days:
        out += f"{int(days)}D"
    clock = ""
    if hours:
        clock += f"{int(hours)}H"
    if minutes:
        clock += f"{int(minutes)}M"
    if secs:
        text = format(secs.normalize(), "f")
        clock += f"{text}S"
    if clock:
        out += "T" + clock
    elif not days:
        out += "T0S"
    return out


def canonical_duration(value: object) -> object:
    """Canonical form of a duration value; anything that is not one is returned unchanged."""
    if not isinstance(value, str):
        return value
    seconds = parse_duration(value)
    return value if seconds is None else format_duration(seconds)


def iso_duration_ms(ms: int | None) -> str | None:
    """Milliseconds -> ISO 8601 (500 -> PT0.5S, 90000 -> PT1M30S); None/0 -> None.

    Zero follows the SDK: `0` is falsy there and is sent as null, so it is dropped.
    """
    if not ms:
        return None
    if ms < 0:
        raise ValueError(f"negative duration: {ms} ms")
    return format_duration(Decimal(int(ms)) / 1000)


def iso_duration_s(seconds: int | None) -> str | None:
    """Seconds -> ISO 8601 (10 -> PT10S, 600 -> PT10M); None/0 -> None."""
    if not seconds:
        return None
    return iso_duration_ms(int(seconds) * 1000)


def iso_minutes(minutes: int) -> str:
    """Whole minutes -> ISO 8601 for Azure Monitor windows (5 -> PT5M, 60 -> PT1H)."""
    return iso_duration_ms(int(minutes) * 60_000) or "PT0M"


def seconds_to_duration(value: float, scale: str = "1") -> str:
    """`value` x `scale` seconds (live output in CLI units: `scale="0.001"` for ms) ->
    canonical ISO 8601; 0 -> PT0S. Decimal arithmetic, so 1001 ms is exactly PT1.001S."""
    return format_duration(Decimal(str(value)) * Decimal(scale))
