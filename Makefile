# Two commands do all the set-up: `make dev` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/.benchmark_pipeline/dagster_home

.PHONY: dev test check materialize lint format stop-db install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(DAGSTER_HOME):
	mkdir -p $(DAGSTER_HOME)

dev: $(STAMP) $(DAGSTER_HOME)
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

test: check
	$(BIN)/python -m pytest

# Lint and formatting, then Dagster's own validation of the definitions.
check: $(STAMP)
	$(BIN)/ruff check benchmark_pipeline benchmark_pipeline_tests benchmarks
	$(BIN)/ruff format --check benchmark_pipeline benchmark_pipeline_tests benchmarks
	VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/dg check defs

materialize: $(STAMP) $(DAGSTER_HOME)
	$(BIN)/dagster asset materialize --select '*' -m benchmark_pipeline

lint: check  # the same as check

format: $(STAMP)
	$(BIN)/ruff format benchmark_pipeline benchmark_pipeline_tests benchmarks
	$(BIN)/ruff check --fix benchmark_pipeline benchmark_pipeline_tests benchmarks

stop-db: $(STAMP)
	$(BIN)/python -m benchmark_pipeline.lib.postgres.embedded stop

clean: stop-db
	rm -rf .benchmark_pipeline
