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

.PHONY: lint
lint: $(STAMP) ## ruff (lint + format check) and mypy on qclib/
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

.PHONY: fmt
fmt: $(STAMP) ## format the code and fix what ruff can fix
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: test
test: $(STAMP) ## lint, type-check, then the full test suite (unit, doctests, properties, notebooks)
	$(MAKE) --no-print-directory lint
	$(BIN)/python -m pytest

.PHONY: kernel
kernel: $(STAMP) ## register the project's Jupyter kernel ("qclib", this .venv)
	$(BIN)/python -m ipykernel install --sys-prefix --name qclib --display-name "Python (qclib)"

.PHONY: lab
lab: kernel ## open JupyterLab on notebooks/ with the project's kernel (localhost only)
	$(BIN)/jupyter lab --notebook-dir=notebooks --ip=127.0.0.1 $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

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
