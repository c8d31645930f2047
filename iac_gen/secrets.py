"""The one place that decides what is a secret: the lint rule, the live readers and exporter,
and every report ask this module, so a value cannot be a secret for one and not the others.

A value is secret when
- it *looks* like a credential whatever it is called (connection strings with
  `AccountKey=`/`SharedAccessKey=`/`Password=`/`pwd=`, URL user-info passwords
  `postgres://u:PW@h`, PEM private keys, JSON web tokens, `Bearer` tokens, SAS `sig=`,
  cloud access keys, long random strings); or
- it sits in a map of settings (environment variables) under a *variable name* that
  says it holds a secret (`DB_PASSWORD`, `apiToken`, `STORAGE_KEY`, ...), unless the value is
  plainly harmless (`4096`, `true`, a URL without credentials) and the name does not end in
  an unambiguous secret word; or
- it is the value of a *schema field* named like a credential (`keys`, `primaryKey`,
  `clientSecret`, `connectionString`, ...).

A *name* is never a secret. Which strings are names and which are values follows from
where they sit (`context_of`): keys of `traffic`, `mirrorTraffic`, `tags` and
`properties.properties` are deployment names, tag names and property names, and only the
values beside them are judged, by their shape; a deployment called `tokenizer`, `blue-key`
or `sas-scorer` is just a name. Secret-injection references (`${{azureml://...}}`,
`${{keyvault:...}}`) are not secrets: they are what a secret should be replaced by.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from functools import lru_cache
from typing import Any

REDACTED = "<redacted>"
"""What replaces a withheld value everywhere (bundles, drift results, reports)."""

WITHHELD_REASON = "value withheld: looks like a secret"
"""Why a property whose live value was withheld cannot be compared."""

REFERENCE = re.compile(r"^\s*\$\{\{\s*(azureml://|keyvault:)[^}]*\}\}\s*$", re.IGNORECASE)
"""Azure ML secret injection references: resolved at run time, never stored as values."""

_NOT_WITHHELD = r"(?!<redacted>)"
# (what it looks like, pattern found anywhere in a value, how to blank it inside free text)
_VALUE_PATTERNS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "a connection string with a key or password",
        re.compile(
            r"\b(AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd)\s*=\s*"
            + _NOT_WITHHELD
            + r"[^;\s]+",
            re.IGNORECASE,
        ),
        r"\1=" + REDACTED,
    ),
    (
        "a URL with embedded credentials",
        re.compile(r"\b([a-z][a-z0-9+.-]*://)[^/\s:@]*:[^/\s@]+@", re.IGNORECASE),
        r"\1" + REDACTED + "@",
    ),
    (
        "a private key",
        re.compile(
            r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----.*?(-----END [A-Z0-9 ]*-----|\Z)",
            re.DOTALL,
        ),
        REDACTED,
    ),
    (
        "a bearer token",
        re.compile(r"\bbearer\s+[A-Za-z0-9._~+/-]{6,}=*", re.IGNORECASE),
        REDACTED,
    ),
    (
        "a JSON web token",
        re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),
        REDACTED,
    ),
    (
        "a SAS token",
        re.compile(r"(^|[?&;\s])(sig=)[A-Za-z0-9%+/=]{8,}", re.IGNORECASE),
        r"\1\2" + REDACTED,
    ),
    (  # `sk-` keys are longer than any endpoint or deployment name (32 characters at most)
        "a cloud access key",
        re.compile(r"\b(AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|sk-[A-Za-z0-9_-]{32,})"),
        REDACTED,
    ),
)


def _hinted(value: str) -> bool:
    """Whether a string holds something every credential pattern needs. Most values (ids,
    enums, names) have none, and plain substring tests are several times faster than one
    regular expression over a fleet's millions of strings."""
    return (
        "=" in value
        or "://" in value
        or "-----" in value
        or "eyJ" in value
        or "earer" in value  # Bearer, bearer
        or "EARER" in value
        or "AKIA" in value
        or "sk-" in value
        or ("gh" in value and "_" in value)
    )


# Words of a variable name (between `_`, `-`, `.` or a camelCase hump) that make it look like
# it holds a secret. Broad on purpose: variable values are user data.
SECRET_NAME_WORDS = frozenset(
    {
        "KEY",
        "KEYS",
        "APIKEY",
        "ACCESSKEY",
        "PRIVATEKEY",
        "SECRET",
        "SECRETS",
        "PASSWORD",
        "PASSWD",
        "PASS",
        "PWD",
        "TOKEN",
        "CREDENTIAL",
        "CREDENTIALS",
        "CONNSTR",
        "CONNECTIONSTRING",
        "SAS",
        "SIG",
        "SIGNATURE",
        "AUTHORIZATION",
    }
)
# Run-together spellings (`dbpassword`, `STORAGEACCOUNTKEY`) found inside one word.
_SECRET_NAME_PARTS = (
    "password",
    "passwd",
    "secret",
    "credential",
    "apikey",
    "accesskey",
    "accountkey",
    "privatekey",
    "primarykey",
    "secondarykey",
    "connectionstring",
    "connstr",
    "sastoken",
    "authtoken",
    "accesstoken",
    "refreshtoken",
    "bearertoken",
    "authkey",
)
# A name ending in one of these holds a secret whatever the value (`DB_PASSWORD: "1234"`);
# other secret words (`KEY`, `SAS`) need a value that is not plainly harmless, so
# `PRIMARY_KEY_COLUMN: "0"` and `TOKEN_CACHE_ENABLED: "true"` stay visible.
_DEFINITE_ENDINGS = (
    "password",
    "passwd",
    "secret",
    "secrets",
    "credential",
    "credentials",
    "apikey",
    "accesskey",
    "accountkey",
    "privatekey",
    "connectionstring",
    "connstr",
    "token",
)
_HARMLESS_VALUE = re.compile(r"^(\d{1,6}|true|false|yes|no|on|off|none|null)$", re.IGNORECASE)
_URL_WITHOUT_CREDENTIALS = re.compile(r"^[a-z][a-z0-9+.-]*://[^@\s]*$", re.IGNORECASE)

# Schema fields (ARM property names) that hold credentials. Narrow on purpose: `keyVault`,
# `authMode` or `keyIdentifier` must survive.
DROPPED_FIELDS = frozenset(
    {"keys", "primarykey", "secondarykey", "primarykeyvalue", "secondarykeyvalue"}
)
_SECRET_FIELD_ENDINGS = (
    "secret",
    "password",
    "passwd",
    "accesskey",
    "accountkey",
    "sharedaccesskey",
    "apikey",
    "privatekey",
    "connectionstring",
    "sastoken",
    "bearertoken",
    "accesstoken",
    "refreshtoken",
)

SETTINGS_MAPS = frozenset({"environmentVariables", "environment_variables"})
"""Maps from a variable name to a value: both the name and the value decide."""
NAME_MAPS = frozenset({"traffic", "mirrorTraffic", "mirror_traffic", "tags"})
"""Maps whose keys are names (deployments, tags): only the values' shapes decide."""


class Context(Enum):
    """What the keys of a mapping are, which decides how its entries are judged."""

    FIELDS = "fields"  # schema field names (`authMode`, `primaryKey`)
    SETTINGS = "settings"  # variable names (`DB_PASSWORD`)
    NAMES = "names"  # names (`tokenizer`, `cost-center`): never judged


def context_of(path: tuple[str, ...]) -> Context:
    """What the keys of the mapping at `path` (its keys from the document root) are."""
    if not path:
        return Context.FIELDS
    last = path[-1]
    if last in SETTINGS_MAPS:
        return Context.SETTINGS
    if last in NAME_MAPS:
        return Context.NAMES
    if last == "properties" and len(path) >= 2 and path[-2] == "properties":
        return Context.NAMES  # ARM `properties.properties`: free-form name -> value pairs
    return Context.FIELDS


def _words(name: str) -> list[str]:
    """`DB_PASSWORD`, `dbPassword`, `db-password` -> `["DB", "PASSWORD"]`."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.upper()) if w]


@lru_cache(maxsize=65536)
def secret_name_word(name: str) -> str | None:
    """The word that makes a variable name look like it holds a secret, or None."""
    words = _words(name)
    for word in words:
        if word in SECRET_NAME_WORDS:
            return word
    joined = "".join(words).lower()
    for part in _SECRET_NAME_PARTS:
        if part in joined:
            return part.upper()
    return None


def is_secret_name(name: str) -> bool:
    """True for a variable or option name (`DB_PASSWORD`, `--client-secret`) that says its
    value is a secret. Only ever asked about names whose value is a setting, never about
    deployment, endpoint or tag names."""
    return secret_name_word(name) is not None


@lru_cache(maxsize=65536)
def is_secret_field(name: str) -> bool:
    """True for a schema field (an ARM property name) that holds a credential."""
    joined = "".join(_words(name)).lower()
    return joined in DROPPED_FIELDS or joined.endswith(_SECRET_FIELD_ENDINGS)


def is_reference(value: str) -> bool:
    return REFERENCE.match(value) is not None


def _entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def looks_random(value: str) -> bool:
    """A long base64-like string mixing cases and digits with high character entropy.

    GUIDs and hex digests (ids, hashes) are deliberately not matched: they are common,
    harmless settings, and a secret-like name still catches hex keys.
    """
    return (
        len(value) >= 32
        and re.fullmatch(r"[A-Za-z0-9+/=_\-]+", value) is not None
        and re.search(r"[A-Z]", value) is not None
        and re.search(r"[a-z]", value) is not None
        and re.search(r"[0-9]", value) is not None
        and _entropy(value) >= 4.0
    )


# For each of `_VALUE_PATTERNS`, in order: a cheap test that is true of every string the pattern
# can match (`low` is the value lower-cased when it is ASCII, else None: for ASCII text
# IGNORECASE is plain ASCII case folding, while in other text `ſ` matches `s`, so an
# IGNORECASE pattern is always tried there). A long URL with `?api-version=` is hinted by `=`
# and `://`; these tests skip the five patterns it cannot match (each a scan of the string).
_MAY_MATCH: tuple[Callable[[str, str | None], bool], ...] = (
    lambda v, low: (
        "=" in v
        and (
            low is None
            or "accountkey" in low
            or "sharedaccess" in low
            or "password" in low
            or "pwd" in low
        )
    ),
    lambda v, low: "://" in v and "@" in v,
    lambda v, low: "-----BEGIN " in v,
    lambda v, low: low is None or "bearer" in low,
    lambda v, low: "eyJ" in v,
    lambda v, low: "=" in v and (low is None or "sig=" in low),
    lambda v, low: "AKIA" in v or "sk-" in v or ("gh" in v and "_" in v),
)
_GATED_PATTERNS = tuple(
    (what, pattern, may_match)
    for (what, pattern, _), may_match in zip(_VALUE_PATTERNS, _MAY_MATCH, strict=True)
)


def secret_value_kind(value: str) -> str | None:
    """What a value looks like when it looks like a credential ("a private key"), or None.

    The first of `_VALUE_PATTERNS` that finds something, trying only those `_MAY_MATCH`
    does not rule out (the same answer as trying them all)."""
    if not _hinted(value) or is_reference(value):
        return None
    low = value.lower() if value.isascii() else None
    for what, pattern, may_match in _GATED_PATTERNS:
        if may_match(value, low) and pattern.search(value):
            return what
    return None


def is_secret_value(value: str) -> bool:
    """True for strings that look like a credential whatever name they sit under."""
    return secret_value_kind(value) is not None


def secret_reason(name: str, value: str) -> str | None:
    """Why the setting `name=value` (an environment variable) is a secret, or None.

    Never includes the value: the reason is printed by the lint rule.
    """
    text = value.strip()
    if not text or is_reference(text):
        return None
    kind = secret_value_kind(text)
    if kind is not None:
        return f"its value looks like {kind}"
    if looks_random(text):
        return "its value looks like a randomly generated key"
    word = secret_name_word(name)
    if word is None:
        return None
    definite = "".join(_words(name)).lower().endswith(_DEFINITE_ENDINGS)
    harmless = _HARMLESS_VALUE.match(text) or _URL_WITHOUT_CREDENTIALS.match(text)
    if definite or not harmless:
        return f"its name contains {word}"
    return None


def redact_text(text: str) -> str:
    """Free text (a message, a reason) with every credential-shaped part blanked.

    Only shapes can be found in prose; values that are secret because of their name are
    withheld where the structure says so (`withhold`).
    """
    if not _hinted(text):
        return text
    for _, pattern, replacement in _VALUE_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


Found = Callable[[str], None]


def _show(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def withhold(
    value: Any,
    path: tuple[str, ...] = (),
    *,
    drop: bool = False,
    found: Found | None = None,
    where: str = "",
) -> Any:
    """A copy of `value` (found at `path`, its keys from the document root) with every secret
    replaced by `REDACTED`; `None` and secret-injection references are kept.

    `drop` removes credential fields such as `keys` and `primaryKey` instead (what the live
    readers do); `found` is told the dotted path (`where` + keys) of each value withheld.

    The same result as `withhold_reference`, faster: a mapping goes through `_fast_map`, which
    copies plain entries itself and hands every suspect one to the reference walk.
    """
    parent = context_of(path[:-1]) if path else Context.FIELDS
    name = path[-1] if path else ""
    if type(value) is not dict or (parent is Context.FIELDS and name and is_secret_field(name)):
        return _walk(value, path, parent, name, drop, found, where)
    return _fast_map(value, context_of(path), name or None, None, (drop, found, where, path))


def withhold_reference(
    value: Any,
    path: tuple[str, ...] = (),
    *,
    drop: bool = False,
    found: Found | None = None,
    where: str = "",
) -> Any:
    """`withhold` done by the plain recursive walk (`_walk`) alone: the definition `withhold`
    must agree with (a property test compares them), and its fallback for suspect values."""
    parent = context_of(path[:-1]) if path else Context.FIELDS
    return _walk(value, path, parent, path[-1] if path else "", drop, found, where)


# -- The fast walk. ---------------------------------------------------------------------------
# Profiled on a fleet's live file, `_walk` spent most of its time on overhead per value: a
# dotted path string and a path tuple built for every key (used only when something is
# withheld, which is rare), `context_of` per mapping, one call per scalar. `_fast_map` and
# `_fast_list` copy JSON-shaped data (exact `dict`, `list`, `str`, numbers, `None`) with the
# strings judged inline by the tests `_walk` makes, and know where they are only as a
# `_Trail`; every entry that may be withheld (a credential or dropped field, a string those
# tests find secret, a non-`str` key, a value of any other type) is handed to `_walk` with its
# real path and dotted path, so what is withheld, and the order `found` hears of it, is decided
# by the reference code itself. Plain bodies, nearly all of a fleet, never reach `_walk`.

_Trail = tuple[Any, str | int] | None
"""Where a container is, innermost last: `(trail of the parent, key or list index)`; `None`
is the value `withhold` was given. Built once per container, read only on a hand-off."""
_Job = tuple[bool, Found | None, str, tuple[str, ...]]
"""`withhold`'s arguments: `drop`, `found`, and the root's `where` and `path`."""

_PLAIN_FIELDS: dict[str, bool] = {}
"""Schema field name -> whether it is neither a credential nor a dropped field (a cache)."""


def _plain_field(key: str) -> bool:
    """Whether the entry `key` of a field mapping may be copied without the reference walk:
    one that is not a credential field nor a dropped field. Only exact `str` keys are asked
    (`_walk` converts others with `str()`), so the cache never confuses `1` with `"1"`."""
    plain = _PLAIN_FIELDS.get(key)
    if plain is None:
        if len(_PLAIN_FIELDS) >= 65536:
            _PLAIN_FIELDS.clear()
        plain = _PLAIN_FIELDS[key] = not (is_secret_field(key) or is_dropped_field(key))
    return plain


def _child_context(last: str | None, key: str) -> Context:
    """`context_of((..., last, key))`: what the keys of a mapping under `key` are."""
    if key in SETTINGS_MAPS:
        return Context.SETTINGS
    if key in NAME_MAPS or (key == "properties" and last == "properties"):
        return Context.NAMES
    return Context.FIELDS


def _located(trail: _Trail, job: _Job) -> tuple[tuple[str, ...], str]:
    """The path (keys from the root) and the dotted path of `trail`, built exactly as `_walk`
    builds them step by step."""
    parts: list[str | int] = []
    while trail is not None:
        trail, part = trail
        parts.append(part)
    path, where = list(job[3]), job[2]
    for part in reversed(parts):
        if isinstance(part, int):  # a list index; keys are always `str` here
            where = f"{where}[{part}]"
        else:
            path.append(part)
            where = f"{where}.{part}" if where else part
    return tuple(path), where


def _fast_map(
    value: dict[Any, Any], ctx: Context, last: str | None, trail: _Trail, job: _Job
) -> dict[str, Any]:
    """`_walk` of the mapping `value` whose keys are `ctx`; `last` is its own key.

    Plain entries (see the section comment) are copied here; the rest go to `_walk`."""
    out: dict[str, Any] = {}
    fields = ctx is Context.FIELDS
    settings = ctx is Context.SETTINGS
    plain_fields = _PLAIN_FIELDS
    for key, item in value.items():
        if type(key) is not str or (fields and not (plain_fields.get(key) or _plain_field(key))):
            _hand_off_entry(out, key, item, ctx, trail, job)
            continue
        kind = type(item)
        if kind is str:  # the tests `_walk` makes of a string under a key that is no credential
            if settings:
                plain = secret_reason(key, item) is None
            else:
                plain = not _hinted(item) or secret_value_kind(item) is None
            if plain:
                out[key] = item
                continue
        elif kind is dict:
            out[key] = _fast_map(item, _child_context(last, key), key, (trail, key), job)
            continue
        elif kind is list:
            inner = _child_context(last, key)
            out[key] = _fast_list(item, ctx, key, inner, (trail, key), job)
            continue
        elif item is None or kind is int or kind is float or kind is bool:
            out[key] = item
            continue
        _hand_off_entry(out, key, item, ctx, trail, job)
    return out


def _fast_list(
    value: list[Any], parent: Context, name: str, inner: Context, trail: _Trail, job: _Job
) -> list[Any]:
    """`_walk` of the list `value` under the key `name` of a mapping whose keys are `parent`;
    `inner` is what the keys of a mapping among its items are (they share the list's path)."""
    out: list[Any] = []
    settings = parent is Context.SETTINGS
    for i, item in enumerate(value):
        kind = type(item)
        if kind is str:
            if settings:
                plain = secret_reason(name, item) is None
            else:
                plain = not _hinted(item) or secret_value_kind(item) is None
            if plain:
                out.append(item)
                continue
        elif kind is dict:
            out.append(_fast_map(item, inner, name, (trail, i), job))
            continue
        elif kind is list:
            out.append(_fast_list(item, parent, name, inner, (trail, i), job))
            continue
        elif item is None or kind is int or kind is float or kind is bool:
            out.append(item)
            continue
        path, where = _located((trail, i), job)
        out.append(_walk(item, path, parent, name, job[0], job[1], where))
    return out


# -- Nothing to withhold? ---------------------------------------------------------------------
# A live reader keeps every body it parsed, and nearly all bodies hold no secret: for them
# `withhold`'s copy is equal to the body itself. `withholds_nothing` asks the same questions as
# `_fast_map`/`_fast_list` without building anything, so a reader that owns its parsed data
# keeps the body as it is and copies (`withhold`) only the rare body this cannot clear. Two
# shortcuts keep the questions cheap: the keys of a field mapping are judged by one set test
# against the names already found plain, and the strings of a body whose keys are fields or
# names are judged together: a string can only look like a credential when it holds one of
# `_hinted`'s substrings, and a substring of one string is a substring of all of them joined,
# so the joined text is searched once per hint and only the strings holding a hint it found
# are asked `secret_value_kind` (settings are judged one by one: their names decide too).

_PLAIN_KEYS: set[str] = set()
"""The field names `_plain_field` said are plain, for one set test per mapping."""
_HINT_PARTS = (
    ("=", "="),
    (":", "://"),
    ("-", "-----"),
    ("J", "eyJ"),
    ("e", "earer"),
    ("R", "EARER"),
    ("K", "AKIA"),
    ("k", "sk-"),
)
"""`_hinted`'s substrings (but for its `gh` and `_` pair, see `_suspects`), each after one of
its characters: a search for one character is many times faster than for several, and most
of these characters are rare in live bodies."""
_JOIN = "\x00"
_STR = frozenset({str})
_FIELDS, _SETTINGS, _NAMES = Context.FIELDS, Context.SETTINGS, Context.NAMES
"""The contexts as module globals: reading an `Enum` member off its class costs several
times more than a global, and the walk asks for one per mapping."""


def withholds_nothing(value: Any) -> bool:
    """True when `withhold(value, drop=True)` (at the document root) would return a copy
    equal to `value` and withhold nothing, so the copy may be skipped. False says only
    "perhaps not": the caller withholds. Meant for values as JSON parsing returns them
    (exact `dict`, `list` and `str`); anything else is not cleared."""
    strings: list[str] = []
    if type(value) is not dict or not _plain_map(value, _FIELDS, None, strings):
        return False
    return not any(map(secret_value_kind, _suspects(strings)))


def _suspects(strings: list[str]) -> list[str]:
    """The strings that hold one of `_hinted`'s substrings, found from their joined text
    (a superset: `gh` and `_` may come from two strings; `secret_value_kind` decides)."""
    if not strings:
        return []
    text = _JOIN.join(strings)
    parts = [part for char, part in _HINT_PARTS if char in text and part in text]
    if "_" in text and "gh" in text:
        parts.append("gh")
    if not parts:
        return []
    if len(parts) == 1:
        part = parts[0]
        return [s for s in strings if part in s]
    return [s for s in strings if any(part in s for part in parts)]


def _plain_keys(value: dict[Any, Any]) -> bool:
    """Whether every key of a field mapping is a `str` and `_plain_field` (and remember the
    plain ones)."""
    for key in value:
        if type(key) is not str or not _plain_field(key):
            return False
    if len(_PLAIN_KEYS) >= 65536:
        _PLAIN_KEYS.clear()
    _PLAIN_KEYS.update(value)
    return True


def _plain_map(value: dict[Any, Any], ctx: Context, last: str | None, strings: list[str]) -> bool:
    """Whether `_fast_map(value, ctx, last, ...)` would hand nothing off and copy every string
    as it is; strings that need judging are added to `strings` instead (see `_suspects`)."""
    if ctx is _FIELDS:
        if not (_PLAIN_KEYS.issuperset(value) or _plain_keys(value)):
            return False
    elif not _STR.issuperset(map(type, value)):  # names: any text, but text
        return False
    settings = ctx is _SETTINGS
    for key, item in value.items():
        kind = type(item)
        if kind is str:
            if not settings:
                strings.append(item)
            elif secret_reason(key, item) is not None:
                return False
        elif kind is dict or kind is list:
            if key in SETTINGS_MAPS:  # `_child_context(last, key)`, inline
                inner = _SETTINGS
            elif key in NAME_MAPS or (key == "properties" and last == "properties"):
                inner = _NAMES
            else:
                inner = _FIELDS
            if kind is dict:
                if not _plain_map(item, inner, key, strings):
                    return False
            elif not _plain_list(item, ctx, key, inner, strings):
                return False
        elif not (item is None or kind is int or kind is float or kind is bool):
            return False
    return True


def _plain_list(
    value: list[Any], parent: Context, name: str, inner: Context, strings: list[str]
) -> bool:
    """`_plain_map` for `_fast_list(value, parent, name, inner, ...)`."""
    settings = parent is _SETTINGS
    for item in value:
        kind = type(item)
        if kind is str:
            if not settings:
                strings.append(item)
            elif secret_reason(name, item) is not None:
                return False
        elif kind is dict:
            if not _plain_map(item, inner, name, strings):
                return False
        elif kind is list:
            if not _plain_list(item, parent, name, inner, strings):
                return False
        elif not (item is None or kind is int or kind is float or kind is bool):
            return False
    return True


def _hand_off_entry(
    out: dict[str, Any], key: Any, item: Any, ctx: Context, trail: _Trail, job: _Job
) -> None:
    """One entry of a mapping whose keys are `ctx`, done as `_walk`'s loop does it."""
    drop, found = job[0], job[1]
    key = str(key)
    path, here = _located((trail, key), job)
    if drop and ctx is Context.FIELDS and is_dropped_field(key):
        if item not in (None, {}, "", []) and found is not None:
            found(here)
        return
    out[key] = _walk(item, path, ctx, key, drop, found, here)


def _walk(
    value: Any,
    path: tuple[str, ...],
    parent: Context,
    name: str,
    drop: bool,
    found: Found | None,
    where: str,
) -> Any:
    """`withhold` for a value whose key is `name` in a mapping whose keys are `parent`."""
    secret_field = parent is Context.FIELDS and bool(name) and is_secret_field(name)
    kind = type(value)
    if value is None or ((kind is int or kind is float or kind is bool) and not secret_field):
        return value
    if isinstance(value, str):
        if secret_field:
            secret = bool(value.strip()) and not is_reference(value)
        elif parent is Context.SETTINGS:
            secret = secret_reason(name, value) is not None
        else:
            secret = is_secret_value(value)
        if secret:
            if found is not None:
                found(where)
            return REDACTED
        return value
    if secret_field:
        return blank(value, found, where)
    if kind is dict or isinstance(value, Mapping):
        ctx = context_of(path)
        out: dict[str, Any] = {}
        for key, item in value.items():
            key = str(key)
            here = f"{where}.{key}" if where else key
            if drop and ctx is Context.FIELDS and is_dropped_field(key):
                if item not in (None, {}, "", []) and found is not None:
                    found(here)
                continue
            out[key] = _walk(item, (*path, key), ctx, key, drop, found, here)
        return out
    if isinstance(value, list):
        return [
            _walk(item, path, parent, name, drop, found, f"{where}[{i}]")
            for i, item in enumerate(value)
        ]
    return value


@lru_cache(maxsize=4096)
def is_dropped_field(name: str) -> bool:
    """Credential fields the live readers remove outright (`keys`, `primaryKey`)."""
    return "".join(_words(name)).lower() in DROPPED_FIELDS


def blank(value: Any, found: Found | None = None, where: str = "") -> Any:
    """Withhold a whole value, keeping its shape: mapping keys are names, `None` is absence."""
    if value is None or (isinstance(value, str) and (not value.strip() or is_reference(value))):
        return value
    if isinstance(value, Mapping):
        return {str(k): blank(v, found, _show(where, str(k))) for k, v in value.items()}
    if isinstance(value, list):
        return [blank(v, found, f"{where}[{i}]") for i, v in enumerate(value)]
    if found is not None:
        found(where)
    return REDACTED


# ARM actions (the last path segment, lower-cased) that return or change secrets; export never
# calls one, and the test emulator refuses them.
SECRET_ACTIONS = frozenset(
    {"listkeys", "token", "regeneratekeys", "listsecrets", "getlogs", "listcredentials"}
)

# -- Command lines (recorded in evidence manifests). ------------------------------------------
_SECRET_FLAG = re.compile(r"^--?[\w-]+$")
_URL_USERINFO = re.compile(r"^(\w+://)[^/@\s]+@")


def without_userinfo(url: str) -> str:
    """A repository URL without its user-info (`https://user:token@host/...` -> `https://host/...`)."""
    return _URL_USERINFO.sub(r"\1", url)


def redact_argv(argv: Sequence[str]) -> list[str]:
    """The command line with secret option values and token-like arguments withheld."""
    out: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            out.append(REDACTED)
            hide_next = False
            continue
        if "=" in arg and arg.startswith("-"):
            flag, _, value = arg.partition("=")
            out.append(
                f"{flag}={REDACTED}"
                if is_secret_name(flag.lstrip("-")) or is_secret_value(value)
                else arg
            )
            continue
        if _SECRET_FLAG.match(arg) and is_secret_name(arg.lstrip("-")):
            out.append(arg)
            hide_next = True
            continue
        arg = _URL_USERINFO.sub(r"\1" + REDACTED + "@", arg)  # keeps the rest of the URL
        out.append(REDACTED if is_secret_value(arg) or _looks_like_token(arg) else arg)
    return out


def _looks_like_token(arg: str) -> bool:
    """Long opaque strings (>= 32 chars, no path separators, letters and digits mixed)."""
    if len(arg) < 32 or "/" in arg or "\\" in arg or "." in arg:
        return False
    if re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", arg):  # commit ids and digests are evidence
        return False
    return (
        bool(re.fullmatch(r"[A-Za-z0-9+_=-]+", arg))
        and bool(re.search(r"\d", arg))
        and bool(re.search(r"[A-Za-z]", arg))
    )
