# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
# Test processes: one per core (each has its own throwaway PostgreSQL database and SQLite files).
TEST_WORKERS ?= auto
BIN := $(VENV)/bin

.PHONY: run test lint format services bench clean

run: $(VENV)/.run-installed
	$(BIN)/reportbot run

test: $(VENV)/.test-installed services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	# ODK's engine for the oracle tests, from npm (pinned; cached): fails here, loudly, offline
	$(BIN)/python -m tests.odk_engine
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile --durations=15

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.test-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# PostgreSQL must answer on 127.0.0.1:5432 for the tests; start (or install) it if needed.
services:
	bash scripts/ensure-services.sh

bench: $(VENV)/.test-installed services
	$(BIN)/python benchmarks/conversation.py

$(VENV)/.python-ok:
	bash scripts/ensure-python.sh $(PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.run-installed: pyproject.toml $(VENV)/.python-ok
	$(BIN)/pip install --quiet -e '.[postgres]'
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.python-ok
	bash scripts/ensure-system-packages.sh
	$(BIN)/pip install --quiet -e '.[postgres,test]'
	touch $@ $(VENV)/.run-installed

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
