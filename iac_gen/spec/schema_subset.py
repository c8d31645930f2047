"""A small JSON Schema (2020-12) evaluator for the keywords `spec.schema.json` uses.

Why not jsonschema at run time: importing it costs more than the rest of `iac-gen validate`
together. The spec schema uses a handful of keywords; this module evaluates exactly those and
refuses schemas that use any other (`unsupported_keywords`), and a differential test checks it
reports the same errors as jsonschema. Errors mimic jsonschema's `ValidationError`
attributes (`validator`, `validator_value`, `instance`, `schema`, `absolute_path`, `message`).

One deliberate difference shared with the jsonschema validator the tests build: `integer`
means a whole number written without a fraction (2.0 is not an integer in a spec).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any

from iac_gen.spec.frozen import frozen

SUPPORTED = frozenset(
    {
        "$schema",
        "$id",
        "$defs",
        "$ref",
        "title",
        "description",
        "type",
        "enum",
        "properties",
        "additionalProperties",
        "required",
        "propertyNames",
        "not",
        "items",
        "minItems",
        "uniqueItems",
        "minimum",
        "maximum",
        "pattern",
        "minLength",
        # For the result schemas (drift, bundle): their fast verdict (`is_valid`).
        "const",
        "allOf",
        "anyOf",
        "oneOf",
        "if",
        "then",
        "else",
        "contains",
        "maxItems",
        "prefixItems",
        "format",  # an annotation in 2020-12: jsonschema asserts it only with a format checker
    }
)


@frozen
class SchemaError:
    """One way an instance breaks the schema, by jsonschema's `ValidationError` attribute
    names, so that the messages and the differential test read both alike."""

    validator: str
    validator_value: Any
    instance: Any
    schema: Mapping[str, Any]
    absolute_path: tuple[str | int, ...]
    message: str


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}


_TYPE_SOURCE = {
    "string": "isinstance(inst, str)",
    "integer": "(isinstance(inst, int) and not isinstance(inst, bool))",
    "number": "(isinstance(inst, (int, float)) and not isinstance(inst, bool))",
    "boolean": "isinstance(inst, bool)",
    "object": "isinstance(inst, dict)",
    "array": "isinstance(inst, list)",
    "null": "inst is None",
}
"""`_TYPES` as source for the compiled checks (a test holds the two to the same answers)."""


def _same(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1, 1 equals 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


@cache
def _pattern(text: str) -> re.Pattern[str]:
    r"""A schema `pattern` with ECMA-262 meaning, as JSON Schema defines it.

    In ECMA-262 (without the multiline flag) `$` matches only at the end of the text; in
    Python it also matches before a final newline, so `^[a-z]+$` would accept "prod\n".
    Each `$` outside a character class becomes `\Z`.
    """
    return re.compile(ecma_anchors(text))


def ecma_anchors(pattern: str) -> str:
    r"""`pattern` with every unescaped `$` outside a character class written `\Z`."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "$":
            ch = "\\Z"
        out.append(ch)
        i += 1
    return "".join(out)


_ONE_SCHEMA = frozenset(
    {"additionalProperties", "items", "not", "propertyNames", "if", "then", "else", "contains"}
)
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")


def unsupported_keywords(schema: Any, path: str = "#") -> list[str]:
    """Keywords this evaluator would ignore (must be empty for the shipped schema)."""
    found: list[str] = []
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key not in SUPPORTED:
                found.append(f"{path}/{key}")
            if key in ("properties", "$defs"):
                for name, sub in value.items():
                    found += unsupported_keywords(sub, f"{path}/{key}/{name}")
            elif key in _ONE_SCHEMA:
                found += unsupported_keywords(value, f"{path}/{key}")
            elif key in _SCHEMA_LISTS:
                for index, sub in enumerate(value):
                    found += unsupported_keywords(sub, f"{path}/{key}/{index}")
    return found


def _check_source(k: Mapping[str, Any]) -> str:
    """The source of `check(inst)` for one schema's compiled keywords `k` (see `_build`):
    each keyword's lines only when the schema has it, in `_walk`'s order."""
    lines = ["def check(inst):"]
    if k["ref"] is not None:
        lines.append(" if not ref(inst): return False")
    if k["tests"] is not None:  # each type's test written inline: no call per value
        either = " or ".join(_TYPE_SOURCE[name] for name in k["type_names"])
        lines.append(f" if not ({either or 'False'}): return False")
    if k["enum"] is not None:  # _same(text, v) is text == v for text values only
        lines += [
            " if type(inst) is str:",
            "  if inst not in enum_text: return False",
            " elif not any(_same(inst, v) for v in enum): return False",
        ]
    if k["has_min"] or k["has_max"]:
        # `not >=`: NaN compares false with everything and must not pass a range.
        lines.append(" if _is_number(inst):")
        if k["has_min"]:
            lines.append("  if not inst >= low: return False")
        if k["has_max"]:
            lines.append("  if not inst <= high: return False")
    if k["has_const"]:
        lines.append(" if not _same(inst, const): return False")
    if k["min_length"] is not None:
        lines.append(" if isinstance(inst, str) and len(inst) < min_length: return False")
    if k["search"] is not None:
        lines.append(" if isinstance(inst, str) and search(inst) is None: return False")
    if k["negated"] is not None:
        lines.append(" if negated(inst): return False")
    lines += _applicator_source(k)
    lines += _container_source(k)
    lines.append(" return True")
    return "\n".join(lines) + "\n"


def _applicator_source(k: Mapping[str, Any]) -> list[str]:
    """The lines of `check` for the subschemas applied to the instance itself."""
    lines: list[str] = []
    if k["all_of"]:
        lines += [" for sub in all_of:", "  if not sub(inst): return False"]
    if k["has_any_of"]:
        lines.append(" if not any(sub(inst) for sub in any_of): return False")
    if k["has_one_of"]:
        lines.append(" if sum(1 for sub in one_of if sub(inst)) != 1: return False")
    if k["if_ok"] is not None and (k["then_ok"] is not None or k["else_ok"] is not None):
        lines.append(" if if_ok(inst):")
        lines.append("  if then_ok is not None and not then_ok(inst): return False")
        lines.append(" elif else_ok is not None and not else_ok(inst): return False")
    return lines


def _container_source(k: Mapping[str, Any]) -> list[str]:
    """The lines of `check` for a mapping's keys and values and a list's items."""
    lines: list[str] = []
    if k["required"]:
        lines += [" if isinstance(inst, dict):", "  for key in required:"]
        lines.append("   if key not in inst: return False")
    if k["name_ok"] is not None or k["prop_ok"] or k["no_extra"] or k["extra_ok"] is not None:
        lines += [" if isinstance(inst, dict):", "  for key, value in inst.items():"]
        if k["name_ok"] is not None:
            lines.append("   if not name_ok(key): return False")
        lines += ["   check_value = prop_get(key)", "   if check_value is not None:"]
        lines.append("    if not check_value(value): return False")
        if k["no_extra"]:
            lines.append("   else: return False")
        elif k["extra_ok"] is not None:
            lines.append("   elif not extra_ok(value): return False")
    listed = (k["min_items"], k["max_items"], k["item_ok"], k["contains_ok"])
    if k["unique"] or k["prefix_ok"] or any(v is not None for v in listed):
        lines.append(" if isinstance(inst, list):")
        if k["min_items"] is not None:
            lines.append("  if len(inst) < min_items: return False")
        if k["max_items"] is not None:
            lines.append("  if len(inst) > max_items: return False")
        if k["contains_ok"] is not None:
            lines.append("  if not any(contains_ok(item) for item in inst): return False")
        if k["prefix_ok"]:
            lines += ["  for sub, item in zip(prefix_ok, inst):"]
            lines.append("   if not sub(item): return False")
        if k["unique"]:
            lines += ["  for i, item in enumerate(inst):"]
            lines.append("   if any(_same(item, other) for other in inst[:i]): return False")
        if k["item_ok"] is not None:  # 2020-12: `items` is for the items after `prefixItems`
            start = f"[{len(k['prefix_ok'])}:]" if k["prefix_ok"] else ""
            lines += [f"  for item in inst{start}:", "   if not item_ok(item): return False"]
    return lines


class Validator:
    """Evaluate instances against one root schema (local `#/$defs/...` references only)."""

    def __init__(self, schema: Mapping[str, Any]):
        self.root = schema
        self._compiled: dict[int, Callable[[Any], bool]] = {}

    def is_valid(self, instance: Any) -> bool:
        """Whether `iter_errors` would yield nothing; compiled once, so the valid case is cheap.

        A document that fails takes `iter_errors` for its diagnostics, so this needs only to
        agree with it on valid or not (a test compares the two on mutated documents).
        """
        return self._check(self.root)(instance)

    def _check(self, schema: Any) -> Callable[[Any], bool]:
        key = id(schema)
        found = self._compiled.get(key)
        if found is None:
            cell: list[Callable[[Any], bool]] = []
            # Recursive references see this trampoline until the real check is built.
            self._compiled[key] = lambda inst: cell[0](inst)
            built = self._build(schema)
            cell.append(built)
            self._compiled[key] = found = built
        return found

    def _build(self, schema: Any) -> Callable[[Any], bool]:
        """One function per schema, written out with only the keywords it has (the same
        rules, in the same order, as `_walk`).

        It is the fast path of every spec check (half a million values for a fleet): a
        closure testing every keyword made each value pay for all of them; a generated
        function tests only its own, each as one local test."""
        if schema is True or schema is None:
            return lambda inst: True
        if schema is False:
            return lambda inst: False
        wanted = schema.get("type")
        enum = tuple(schema["enum"]) if "enum" in schema else None
        extra = schema.get("additionalProperties")
        has_extra = "additionalProperties" in schema
        scope: dict[str, Any] = {
            "ref": self._check(self._ref(schema["$ref"])) if "$ref" in schema else None,
            "tests": tuple(_TYPES[n] for n in (wanted if isinstance(wanted, list) else [wanted]))
            if "type" in schema
            else None,
            "type_names": tuple(wanted if isinstance(wanted, list) else [wanted]),
            "enum": enum,
            "enum_text": frozenset(v for v in enum or () if type(v) is str),
            "has_min": "minimum" in schema,
            "low": schema.get("minimum"),
            "has_max": "maximum" in schema,
            "high": schema.get("maximum"),
            "search": _pattern(schema["pattern"]).search if "pattern" in schema else None,
            "min_length": schema.get("minLength"),
            "has_const": "const" in schema,
            "const": schema.get("const"),
            "all_of": tuple(self._check(sub) for sub in schema.get("allOf", ())),
            "any_of": tuple(self._check(sub) for sub in schema.get("anyOf", ())),
            "has_any_of": "anyOf" in schema,
            "one_of": tuple(self._check(sub) for sub in schema.get("oneOf", ())),
            "has_one_of": "oneOf" in schema,
            "if_ok": self._check(schema["if"]) if "if" in schema else None,
            "then_ok": self._check(schema["then"]) if "then" in schema else None,
            "else_ok": self._check(schema["else"]) if "else" in schema else None,
            "contains_ok": self._check(schema["contains"]) if "contains" in schema else None,
            "max_items": schema.get("maxItems"),
            "prefix_ok": tuple(self._check(sub) for sub in schema.get("prefixItems", ())),
            "negated": self._check(schema["not"]) if "not" in schema else None,
            "min_items": schema.get("minItems"),
            "unique": bool(schema.get("uniqueItems")),
            "item_ok": self._check(schema["items"]) if "items" in schema else None,
            "prop_ok": {k: self._check(v) for k, v in (schema.get("properties") or {}).items()},
            "required": tuple(schema["required"]) if "required" in schema else (),
            "name_ok": self._check(schema["propertyNames"]) if "propertyNames" in schema else None,
            "no_extra": has_extra and extra is False,
            "extra_ok": self._check(extra) if has_extra and extra is not False else None,
        }
        scope.update(_same=_same, _is_number=_is_number)
        scope["prop_get"] = scope["prop_ok"].get
        exec(_check_source(scope), scope)
        check: Callable[[Any], bool] = scope["check"]
        return check

    def _ref(self, ref: str) -> Mapping[str, Any]:
        node: Any = self.root
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return node

    def _fits(self, inst: Any, schema: Any, path: tuple[str | int, ...]) -> bool:
        return not any(True for _ in self._walk(inst, schema, path))

    def _applied(
        self, inst: Any, schema: Mapping[str, Any], path: tuple[str | int, ...]
    ) -> Iterator[SchemaError]:
        """The errors of `const` and of the subschemas applied to `inst` itself (`allOf`,
        `anyOf`, `oneOf`, `if`/`then`/`else`), in that order."""
        if "const" in schema and not _same(inst, schema["const"]):
            yield SchemaError("const", schema["const"], inst, schema, path, "not the constant")
        for sub in schema.get("allOf", ()):
            yield from self._walk(inst, sub, path)
        if "anyOf" in schema and not any(self._fits(inst, s, path) for s in schema["anyOf"]):
            yield SchemaError("anyOf", schema["anyOf"], inst, schema, path, "fits none")
        if "oneOf" in schema and sum(self._fits(inst, s, path) for s in schema["oneOf"]) != 1:
            yield SchemaError("oneOf", schema["oneOf"], inst, schema, path, "fits not one")
        if "if" in schema:
            branch = "then" if self._fits(inst, schema["if"], path) else "else"
            if branch in schema:
                yield from self._walk(inst, schema[branch], path)

    def iter_errors(self, instance: Any) -> Iterator[SchemaError]:
        yield from self._walk(instance, self.root, ())

    def _walk(self, inst: Any, schema: Any, path: tuple[str | int, ...]) -> Iterator[SchemaError]:
        """Every error of `inst` against `schema`, in jsonschema's order.

        Long because it is one branch per supported keyword, read side by side with
        `SUPPORTED` and `_build`; only failing documents take this path."""
        if schema is True or schema is None:
            return
        if schema is False:
            yield SchemaError("false", False, inst, {}, path, "False schema does not allow it")
            return
        if "$ref" in schema:
            yield from self._walk(inst, self._ref(schema["$ref"]), path)
        if "type" in schema:
            wanted = schema["type"]
            names = wanted if isinstance(wanted, list) else [wanted]
            if not any(_TYPES[n](inst) for n in names):
                yield SchemaError("type", wanted, inst, schema, path, f"{inst!r} is not of type")
        if "enum" in schema and not any(_same(inst, v) for v in schema["enum"]):
            yield SchemaError("enum", schema["enum"], inst, schema, path, "not in enum")
        if _is_number(inst):
            if "minimum" in schema and not inst >= schema["minimum"]:  # NaN fails too
                yield SchemaError("minimum", schema["minimum"], inst, schema, path, "too small")
            if "maximum" in schema and not inst <= schema["maximum"]:
                yield SchemaError("maximum", schema["maximum"], inst, schema, path, "too large")
        if isinstance(inst, str) and "minLength" in schema and len(inst) < schema["minLength"]:
            yield SchemaError("minLength", schema["minLength"], inst, schema, path, "too short")
        if (
            isinstance(inst, str)
            and "pattern" in schema
            and not _pattern(schema["pattern"]).search(inst)
        ):
            yield SchemaError("pattern", schema["pattern"], inst, schema, path, "no match")
        if "not" in schema and self._fits(inst, schema["not"], path):
            yield SchemaError("not", schema["not"], inst, schema, path, "should not be valid")
        yield from self._applied(inst, schema, path)
        if isinstance(inst, list):
            if "minItems" in schema and len(inst) < schema["minItems"]:
                yield SchemaError(
                    "minItems", schema["minItems"], inst, schema, path, f"{inst!r} is too short"
                )
            if "maxItems" in schema and len(inst) > schema["maxItems"]:
                yield SchemaError("maxItems", schema["maxItems"], inst, schema, path, "too long")
            if "contains" in schema and not any(
                self._fits(item, schema["contains"], (*path, i)) for i, item in enumerate(inst)
            ):
                yield SchemaError("contains", schema["contains"], inst, schema, path, "none fits")
            if schema.get("uniqueItems"):
                for i, item in enumerate(inst):
                    if any(_same(item, other) for other in inst[:i]):
                        yield SchemaError(
                            "uniqueItems", True, inst, schema, path, f"{inst!r} has repeated items"
                        )
                        break
            prefix = schema.get("prefixItems", ())
            for i, (sub, item) in enumerate(zip(prefix, inst, strict=False)):
                yield from self._walk(item, sub, (*path, i))
            if "items" in schema:  # 2020-12: the items after `prefixItems`
                for i, item in enumerate(inst[len(prefix) :], start=len(prefix)):
                    yield from self._walk(item, schema["items"], (*path, i))
        if isinstance(inst, dict):
            props = schema.get("properties") or {}
            if "required" in schema:
                missing = [k for k in schema["required"] if k not in inst]
                if missing:
                    yield SchemaError(
                        "required", schema["required"], inst, schema, path, "missing keys"
                    )
            if "propertyNames" in schema:
                for key in inst:
                    for err in self._walk(key, schema["propertyNames"], ()):
                        yield SchemaError(
                            err.validator, err.validator_value, key, err.schema, path, err.message
                        )
            for key, value in inst.items():
                if key in props:
                    yield from self._walk(value, props[key], (*path, key))
            if "additionalProperties" in schema:
                extra_schema = schema["additionalProperties"]
                extras = [k for k in inst if k not in props]
                if extra_schema is False:
                    if extras:
                        yield SchemaError(
                            "additionalProperties", False, inst, schema, path, "unexpected keys"
                        )
                else:
                    for key in extras:
                        yield from self._walk(inst[key], extra_schema, (*path, key))


@cache
def verdict(schema_name: str) -> Callable[[Any], bool]:
    """Whether an instance is valid against the shipped schema `schema_name`, compiled once.

    Readers of large or frequent inputs (saved results, export bundles, waiver files) ask
    this before jsonschema, and give jsonschema only what it refuses, for the messages: on a
    fleet's result jsonschema took 55 s where this takes 1.4 s, and a valid waiver file no
    longer imports it. It never says valid where jsonschema does not: its two differences
    (`$` in a pattern ends the text; 2.0 is no integer) are stricter, and tests compare the
    two verdicts on golden files and one-value edits of them. A schema that grows a keyword
    the subset lacks gets a verdict that refuses everything, so jsonschema decides every input
    (slow, never wrong) - a check that holds under `python -O`, where an assert would not."""
    from iac_gen.resources import load_schema

    schema = load_schema(schema_name)
    if unsupported_keywords(schema):
        return _jsonschema_decides
    return Validator(schema).is_valid


def _jsonschema_decides(instance: Any) -> bool:
    """The verdict for a schema beyond the subset: never valid, so the caller asks jsonschema."""
    return False
