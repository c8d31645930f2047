"""ISO 8601 durations compared by value, so `PT90S` equals `PT1M30S`.

Azure returns durations in whatever form it stored them; the spec's milliseconds become
`PT0.5S`-style strings. A small parser keeps `isodate` out of the runtime dependencies.
Years and months have no fixed length, so they are refused (left for string comparison).
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
