"""The one registry of lint rules, filled by walking `iac_gen.rules.catalog`.

Every module in the catalog package defines exactly one `Rule` subclass. Walking the
package (instead of a hand-kept list) means a new rule is one new file; the checks here
make a broken catalog fail loudly at start-up instead of silently losing a rule.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

from iac_gen.rules.base import CATEGORIES, RULE_ID_PATTERN, SEVERITIES, Rule
from iac_gen.rules.rule_failure import RuleFailure

CATALOG_PACKAGE = "iac_gen.rules.catalog"


class RegistryError(Exception):
    """The rule catalog itself is broken (duplicate id, bad metadata, module without a rule)."""


def _rules_in_module(module_name: str) -> list[type[Rule]]:
    module = importlib.import_module(module_name)
    return [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type)
        and issubclass(obj, Rule)
        and obj is not Rule
        and obj.__module__ == module_name
    ]


def _validate(rule: type[Rule], module_name: str) -> None:
    where = f"{rule.__name__} in {module_name}"
    if not re.match(RULE_ID_PATTERN, rule.id):
        raise RegistryError(f"{where}: id {rule.id!r} does not match {RULE_ID_PATTERN}")
    if rule.severity not in SEVERITIES:
        raise RegistryError(f"{where}: severity {rule.severity!r} not one of {SEVERITIES}")
    if rule.category not in CATEGORIES:
        raise RegistryError(f"{where}: category {rule.category!r} not one of {CATEGORIES}")
    for attr in ("title", "rationale", "docs"):
        if not getattr(rule, attr).strip():
            raise RegistryError(f"{where}: {attr} is empty")


def discover(package: str = CATALOG_PACKAGE) -> tuple[type[Rule], ...]:
    """Import every module of `package`; return its rules sorted by id."""
    pkg = importlib.import_module(package)
    found: dict[str, type[Rule]] = {RuleFailure.id: RuleFailure}
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        module_name = f"{package}.{info.name}"
        rules = _rules_in_module(module_name)
        if len(rules) != 1:
            names = ", ".join(r.__name__ for r in rules) or "none"
            raise RegistryError(f"{module_name}: expected exactly one rule, found {names}")
        rule = rules[0]
        _validate(rule, module_name)
        if rule.id in found:
            other = found[rule.id]
            raise RegistryError(
                f"duplicate rule id {rule.id}: {rule.__module__}.{rule.__name__} and "
                f"{other.__module__}.{other.__name__}"
            )
        found[rule.id] = rule
    del found[RuleFailure.id]
    return tuple(found[rule_id] for rule_id in sorted(found))


@cache
def all_rules() -> tuple[Rule, ...]:
    """The catalog (without the reserved MOE000), one instance per rule, sorted by id."""
    return tuple(rule() for rule in discover())
