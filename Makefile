# Two commands on a fresh machine: `make demo` and `make test`. Only python3 is assumed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DB ?= demo.db

.PHONY: demo test test-postgres lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@ $(VENV)/.installed-run

demo: $(VENV)/.installed-run
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/steg2 --db $(DEMO_DB) demo
	$(BIN)/steg2 --db $(DEMO_DB) trainer list
	$(BIN)/steg2 --db $(DEMO_DB) status
	$(BIN)/steg2 --db $(DEMO_DB) invoice einvoice -o demo-einvoices


lint: $(VENV)/.installed-test
	$(BIN)/ruff check steg2cli tests $(wildcard bench)
	$(BIN)/ruff format --check steg2cli tests $(wildcard bench)
	$(BIN)/mypy --strict steg2cli

test: lint
	$(BIN)/pytest

test-postgres: $(VENV)/.installed-test
	bash .ci/postgres.sh

bench: $(VENV)/.installed-test
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache
