# Developer entry points. `make demo` and `make test` are the README's two commands.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUNTIME_STAMP := $(VENV)/.installed-runtime
EXAMPLE := fixtures/example/spec.yaml
DEMO_OUT := out/demo

.PHONY: setup demo test test-lowest golden lint format typecheck bench reports docs clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,dev]'
	$(BIN)/python -m compileall -q iac_gen
	touch $(STAMP)

setup: $(STAMP)

## What running needs and nothing else (the demo): the package and its dependencies.
$(RUNTIME_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	$(BIN)/python -m compileall -q iac_gen
	touch $(RUNTIME_STAMP)

## The main job on the bundled example: validate, lint, compile, then drift against its live export.
demo: $(RUNTIME_STAMP)
	$(BIN)/iac-gen validate $(EXAMPLE)
	$(BIN)/iac-gen lint $(EXAMPLE)
	$(BIN)/iac-gen compile $(EXAMPLE) -o $(DEMO_OUT)/compiled
	$(BIN)/iac-gen drift $(EXAMPLE) --live fixtures/example/live.json --report $(DEMO_OUT)/evidence

## The whole test suite.
test: $(STAMP)
	$(BIN)/python -m pytest

## The suite against the lowest version of every dependency pyproject.toml allows (its own venv).
## `make test` in a fresh clone covers the newest: pip resolves today's releases there.
LOWEST := .venv-lowest
test-lowest:
	test -x $(LOWEST)/bin/python || $(PY) -m venv $(LOWEST)
	$(PY) tools/lowest_constraints.py > $(LOWEST)/constraints.txt
	$(LOWEST)/bin/python -m pip install -q -c $(LOWEST)/constraints.txt -e '.[test]'
	$(LOWEST)/bin/python -m pip list --format freeze > $(LOWEST)/installed.txt
	$(LOWEST)/bin/python -m pytest -p no:cacheprovider

## Rewrite every golden file under fixtures/*/expected and tests/*/expected; review the diff.
golden: $(STAMP)
	$(BIN)/python -m pytest --update-golden -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(STAMP)
	$(BIN)/mypy

## Every benchmark, three runs each, each beside a floor measured in the same run (ratios).
bench: $(STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done
	echo "== benchmarks/bench_fleet_drift.py --shape cliv2"
	$(BIN)/python benchmarks/bench_fleet_drift.py --shape cliv2
	echo "== benchmarks/bench_fleet_drift.py --shape cliv2 --live bundle"
	$(BIN)/python benchmarks/bench_fleet_drift.py --shape cliv2 --live bundle

## Regenerate the sample evidence in reports/ from the fixtures.
reports: $(STAMP)
	$(BIN)/python -m tests.samples reports

## Regenerate docs/normalisation.md from the normalisation tables.
docs: $(STAMP)
	$(BIN)/python -m tests.samples docs

clean:
	rm -rf out build dist test-artifacts .pytest_cache .ruff_cache .mypy_cache $(LOWEST)
