"""The lint rule catalog: one rule per module under `catalog/`, found by walking the package.

`registry.all_rules()` is the single list every consumer (runner, `iac-gen rules`, the
generated `docs/rules.md`) reads; adding a rule means adding one module and its test.
"""
