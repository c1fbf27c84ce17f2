# Two commands do all the set-up: `make dev` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/.benchmark_pipeline/dagster_home
# The UI's address: `make dev PORT=3001`.
HOST ?= 127.0.0.1
PORT ?= 3000
# Where `make demo` serves the project's fake ClinicalTrials.gov.
REGISTRY_PORT ?= 8765
DEV_INSTANCE := deploy/dev/dagster.yaml
INSTANCE := $(DAGSTER_HOME)/dagster.yaml

.PHONY: dev demo docs test check materialize lint format stop-db install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The instance's dagster.yaml, from the checked-in one; a dagster.yaml of your own (in a
# DAGSTER_HOME you chose) is kept.
$(INSTANCE): $(DEV_INSTANCE)
	@mkdir -p $(DAGSTER_HOME)
	@if [ ! -e $@ ] || head -n 1 $@ | grep -q "^# benchmark_pipeline's development instance"; then \
		cp $(DEV_INSTANCE) $@ && echo "Dagster instance: $@ (from $(DEV_INSTANCE))"; \
	else \
		touch $@ && echo "Dagster instance: keeping your own $@"; \
	fi

dev: $(STAMP) $(INSTANCE)
	$(BIN)/dg dev -w workspace.yaml -h $(HOST) -p $(PORT)

# The UI against the project's fake ClinicalTrials.gov on loopback (generated trials, no
# network): "Materialize all" works offline, and every asset that read the fake says so. The
# fake stops when the UI stops. Always the embedded PostgreSQL: generated trials never reach a
# Supabase project named by SUPABASE_DB_URL.
demo: $(STAMP) $(INSTANCE)
	@$(BIN)/python -m benchmark_pipeline_tests.fakes serve --port $(REGISTRY_PORT) & fake=$$!; \
	trap 'kill $$fake 2>/dev/null; wait $$fake' EXIT; \
	env -u SUPABASE_DB_URL CTGOV_API_URL=http://127.0.0.1:$(REGISTRY_PORT)/api/v2 CTGOV_API_IS_FAKE=1 \
		$(BIN)/dg dev -w workspace.yaml -h $(HOST) -p $(PORT)

test: check
	$(BIN)/python -m pytest

# Lint and formatting, then Dagster's own validation of the definitions.
check: $(STAMP)
	$(BIN)/ruff check benchmark_pipeline benchmark_pipeline_tests benchmarks
	$(BIN)/ruff format --check benchmark_pipeline benchmark_pipeline_tests benchmarks
	VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/dg check defs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir .benchmark_pipeline/site

# The reference site (docs/, mkdocs.yml) on http://127.0.0.1:8000, rebuilt on every save.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve -a 127.0.0.1:8000

materialize: $(STAMP) $(INSTANCE)
	$(BIN)/dagster asset materialize --select '*' -m benchmark_pipeline

lint: check  # the same as check

format: $(STAMP)
	$(BIN)/ruff format benchmark_pipeline benchmark_pipeline_tests benchmarks
	$(BIN)/ruff check --fix benchmark_pipeline benchmark_pipeline_tests benchmarks

stop-db: $(STAMP)
	$(BIN)/python -m benchmark_pipeline.lib.postgres.embedded stop

clean: stop-db
	rm -rf .benchmark_pipeline
