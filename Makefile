# qclib — run `make` for the list of targets.
# Everything installs into .venv (created when missing) from pyproject.toml.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-10s %s\n", $$1, $$2}'

.PHONY: install
install: $(STAMP) ## create .venv (if missing) and install qclib with its dependencies

.PHONY: run
run: $(STAMP) ## the main job: validate the data, then build every report, the comparison, the index and the manifest
	$(BIN)/qc validate
	$(BIN)/qc run --jobs 2

.PHONY: reports
reports: $(STAMP) ## build the reports only (incremental, 2 processes), the index and the manifest
	$(BIN)/qc run --jobs 2

.PHONY: test-notebooks
test-notebooks: $(STAMP) ## execute the report notebooks with their defaults (nbval)
	$(BIN)/python -m pytest notebooks/

.PHONY: validate
validate: $(STAMP) ## validate the target catalog and the shipped observations
	$(BIN)/qc validate

.PHONY: test
test: $(STAMP) ## run the full test suite (unit, doctests, properties, notebooks)
	$(BIN)/python -m pytest

.PHONY: bench
bench: $(STAMP) ## print performance figures (scorecard, air statistics, reports)
	$(BIN)/python benchmarks/bench_scorecard.py
	$(BIN)/python benchmarks/bench_air.py
	$(BIN)/python benchmarks/bench_reports.py

.PHONY: strip
strip: $(STAMP) ## strip outputs from the notebooks (before committing)
	$(BIN)/nbstripout notebooks/*.ipynb

.PHONY: clean
clean: ## remove generated reports and processed data (keeps .venv)
	rm -rf reports
	find data/processed -mindepth 1 ! -name .gitkeep ! -name README.md -delete
