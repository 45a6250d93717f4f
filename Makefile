# hubcarbon — run `make help` for the list of targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# make demo writes to data/demo unless DATA_DIR is given (on the command line or in the environment).
DEMO_DATA_DIR := $(abspath $(if $(filter undefined,$(origin DATA_DIR)),$(CURDIR)/data/demo,$(DATA_DIR)))
export DATA_DIR ?= $(CURDIR)/data
# Make every relative DATA_DIR absolute, so dbt (which runs in dbt_project/) sees the same place.
override DATA_DIR := $(abspath $(DATA_DIR))

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
UV     := $(shell command -v uv 2>/dev/null || echo .uv/bin/uv)

# FULL=1 takes hours on the real Hub: only clear values are accepted; unset or empty means no.
FULL ?=
FULL_YES := 1 true yes TRUE True YES Yes y Y on ON On
FULL_NO  := 0 false no FALSE False NO No n N off OFF Off
FULL_BAD := $(if $(filter-out 0 1,$(words $(FULL))),$(FULL),$(filter-out $(FULL_YES) $(FULL_NO),$(FULL)))
LOAD_ARGS := $(if $(filter $(FULL_YES),$(FULL)),--full,)

# ENGINE=spark runs build, export, reproduce, demo and bench-build on Apache Spark (dbt-spark,
# pyspark in local mode). Its ~700 MB of packages are installed on its first use only.
ENGINE ?= duckdb
ifeq ($(filter duckdb spark,$(ENGINE)),)
$(error ENGINE='$(ENGINE)' is not an engine: use ENGINE=duckdb (the default) or ENGINE=spark)
endif
# Only the commands that take ENGINE see it (a test run's own builds stay on DuckDB).
build demo export reproduce bench-build: export HUBCARBON_ENGINE := $(ENGINE)
SPARK_STAMP := $(VENV)/.installed-spark
ENGINE_STAMP := $(if $(filter spark,$(ENGINE)),$(SPARK_STAMP),$(STAMP))
DBT_ARGS ?=

.PHONY: help install load build check all demo test test-fast lint export docs reproduce report sql bench-load bench-build clean purge-raw

help: ## show this help
	@echo "hubcarbon — how Hugging Face Hub models report their training carbon footprint"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*?## .*$$' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'
	@echo
	@echo "Configuration: HF_ENDPOINT (Hub URL), HF_TOKEN (optional), DATA_DIR (default ./data), FULL=1 or 0 (load),"
	@echo "               ENGINE=duckdb (default) or spark (build, export, reproduce, demo, bench-build),"
	@echo "               DBT_ARGS (extra dbt arguments for build, e.g. DBT_ARGS='--select +fct_model_emissions'),"
	@echo "               PYTEST_ARGS (extra pytest arguments for test and test-fast, e.g. PYTEST_ARGS=--durations=20),"
	@echo "               CONFIRM=1 (purge-raw only). Every variable and target: docs/commands.md."
	@echo "Exit status: 0 done, 1 the data says no, 2 usage or environment (make reports any failure as 2)."

.uv/bin/uv:
	python3 -m venv .uv && .uv/bin/pip install --quiet uv

# .pyc once: every command starts faster. An installed spark group stays installed.
$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --compile-bytecode $(if $(wildcard $(SPARK_STAMP)),--extra spark)
	@touch $(STAMP)

$(SPARK_STAMP): $(STAMP)
	$(UV) sync --frozen --compile-bytecode --extra spark
	@touch $(SPARK_STAMP)

install: $(ENGINE_STAMP) ## create or update .venv from uv.lock (bootstraps uv if absent; ENGINE=spark adds Spark)

load: $(STAMP) ## mine the Hub incrementally into DATA_DIR/raw.duckdb (FULL=1: full reconciliation)
	$(if $(FULL_BAD),$(error FULL='$(FULL)' is neither yes nor no: use FULL=1 (or true, yes) for a full reconciliation, FULL=0 (or false, no, or nothing) for an incremental load))
	$(PY) -m pipelines.load $(LOAD_ARGS)

build: $(ENGINE_STAMP) ## dbt build (seeds, models, tests) into a new warehouse, swapped in atomically
	$(PY) -m hubcarbon.warehouse build $(DBT_ARGS)

check: $(STAMP) ## Great Expectations checkpoint on the warehouse; fails on a critical expectation
	$(PY) -m expectations.checkpoint

all: load build check ## load, build, check against HF_ENDPOINT (default: the real Hub)

demo: $(ENGINE_STAMP) ## the whole pipeline offline on the bundled snapshot, into data/demo/ (or DATA_DIR)
	@DATA_DIR='$(DEMO_DATA_DIR)' $(PY) -m hubcarbon.demo

export: $(ENGINE_STAMP) ## write every mart as Parquet under DATA_DIR/exports/
	$(PY) -m hubcarbon.warehouse export

docs: $(STAMP) ## generate the dbt docs site under DATA_DIR/docs/
	$(PY) -m hubcarbon.warehouse docs

reproduce: $(ENGINE_STAMP) ## re-run the study on its published data; fails outside tolerance
	$(PY) -m hubcarbon.reproduce

report: $(STAMP) ## render the static HTML report of the current warehouse under DATA_DIR/report/
	$(PY) -m hubcarbon.report

sql: $(STAMP) ## the DuckDB shell, read-only, on DATA_DIR/warehouse.duckdb (a query piped in runs as is)
	@$(PY) -m hubcarbon.sql

.PHONY: label labels
label: $(STAMP) ## one model's label card (SVG, PNG) and badge under DATA_DIR/labels/: MODEL=org/name
	$(if $(MODEL),,$(error usage: make label MODEL=org/name))
	$(PY) -m hubcarbon.labels '$(MODEL)'

labels: $(STAMP) ## every labelled model's card and badge, and the searchable DATA_DIR/labels/index.html
	$(PY) -m hubcarbon.labels --all

# MODELS: the generated population; COMPARE: git refs whose loader runs the same benchmark;
# REPEAT: rounds (every tree in each), the tables showing the median run.
MODELS ?= 1000000
COMPARE ?=
REPEAT ?= 1
bench-load: $(STAMP) ## benchmark: full load and refreshes of MODELS generated models (COMPARE=ref: side by side; REPEAT=3: medians)
	$(PY) -m benchmarks.load --models $(MODELS) --repeat $(REPEAT) $(foreach ref,$(COMPARE),--compare '$(ref)')

bench-build: $(ENGINE_STAMP) ## benchmark: dbt build on a fixed 1,000,000-model population (ENGINE=spark: both engines)
	$(PY) -m benchmarks.build

# No loader run and no Hub imitation behind a pipeline: what a developer runs while editing.
FAST_TESTS := tests/unit tests/hub_replay tests/dbt_models

# Extra pytest arguments for both tiers, e.g. PYTEST_ARGS=--durations=20 prints the slowest steps.
PYTEST_ARGS ?=

# Two pytest runs, each test in exactly one: the fast tier fails the run before the pipeline tiers start.
# The rest includes tests/spark (parity with DuckDB), so the spark group is installed on first use.
test: test-fast $(SPARK_STAMP) ## the whole test suite, the fast tier first (what CI runs; installs Spark)
	$(PY) -m pytest $(addprefix --ignore=,$(FAST_TESTS)) $(PYTEST_ARGS)

# The spark group too: the fast tier compiles every model for Spark (dbt-spark's profile imports
# pyspark; nothing starts Spark or needs Java).
test-fast: $(SPARK_STAMP) ## the fast tier, no loader run (~1 min of CPU): helpers, imitation, dbt models, parser
	$(PY) -m pytest $(FAST_TESTS) $(PYTEST_ARGS)

lint: $(STAMP) ## ruff (Python) and SQLFluff (dbt SQL)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	cd dbt_project && ../$(VENV)/bin/sqlfluff lint models macros tests

# What a command rebuilds (from raw.duckdb, uv.lock or the bundled snapshot). Never raw.duckdb nor
# dlt/: a real load's raw.duckdb is the only copy of the history the loads observed.
REBUILDABLE := warehouse.duckdb warehouse.duckdb.wal .build exports docs report labels checks \
	lake spark reproduce demo.log
clean: ## remove what can be rebuilt: .venv, dbt's target and logs, the warehouse, exports, docs, report, labels (never raw data)
	rm -rf $(VENV) .uv dbt_project/target dbt_project/logs
	rm -rf $(foreach dir,$(sort $(DATA_DIR) $(DEMO_DATA_DIR)),$(foreach f,$(REBUILDABLE),'$(dir)/$(f)'))

purge-raw: ## WARNING: deletes DATA_DIR/raw.duckdb and dlt's state, the only copy of the history (needs CONFIRM=1)
	@echo "purge-raw deletes $(DATA_DIR)/raw.duckdb (every load: the Hub's observed history and the"
	@echo "labels each build recorded) and $(DATA_DIR)/dlt (dlt's pipeline state). No command rebuilds"
	@echo "them: the next make load starts a new history."
	@if [ "$(CONFIRM)" != 1 ]; then echo "purge-raw: refused; to delete them: make purge-raw CONFIRM=1" >&2; exit 2; fi
	rm -rf '$(DATA_DIR)/raw.duckdb' '$(DATA_DIR)/raw.duckdb.wal' '$(DATA_DIR)/dlt'
