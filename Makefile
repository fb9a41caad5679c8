# Two commands on a fresh machine: `make demo` and `make test`. Only python3 (3.11 or newer) is assumed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DB ?= demo.db
# A failed step removes the half-made venv, so the next `make` starts clean instead of failing the same way.
UNDO   := { rm -rf $(VENV); exit 1; }

.PHONY: demo test test-sv test-postgres test-lowest lint bench clean check-python lock i18n readme reference docs

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "steg2 needs Python 3.11 or newer, and '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo missing)."; \
	  echo "Install Python 3.11+ and run, for example: make PYTHON=python3.12 test"; exit 1; }

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV) || $(UNDO)
	$(BIN)/python -m pip install -q --upgrade pip || $(UNDO)

# The application and its tools are installed from the lock files (pip-compile of pyproject.toml).
$(VENV)/.installed-run: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements.lock || $(UNDO)
	$(BIN)/python -m pip install -q --no-deps -e . || $(UNDO)
	$(BIN)/python -m compileall -q steg2cli >/dev/null
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements-test.lock | $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements-test.lock || $(UNDO)
	$(BIN)/python -m pip install -q --no-deps -e . || $(UNDO)
	$(BIN)/python -m compileall -q steg2cli >/dev/null
	touch $@ $(VENV)/.installed-run

demo: check-python $(VENV)/.installed-run
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/steg2 --db $(DEMO_DB) demo
	$(BIN)/steg2 --db $(DEMO_DB) trainer list
	$(BIN)/steg2 --db $(DEMO_DB) status
	$(BIN)/steg2 --db $(DEMO_DB) invoice einvoice -o demo-einvoices
	$(BIN)/steg2 --db $(DEMO_DB) report --year $$(date +%Y) -o demo-arsrapport.xlsx
	$(BIN)/steg2 --db $(DEMO_DB) report --year $$(date +%Y) -o demo-arsrapport.pdf
	$(BIN)/steg2 --db $(DEMO_DB) invoice pdf -o demo-fakturor

lint: check-python $(VENV)/.installed-test
	$(BIN)/ruff check steg2cli tests $(wildcard bench)
	$(BIN)/ruff format --check steg2cli tests $(wildcard bench)
	$(BIN)/mypy --strict steg2cli

test: lint
	$(BIN)/pytest

# The suite once more under a Swedish locale: each test pins the language it reads, so it passes anyway.
test-sv: $(VENV)/.installed-test
	LANG=sv_SE.UTF-8 LC_ALL= LC_MESSAGES= $(BIN)/pytest -q -p no:cacheprovider

# After changing a message or a help text: bring the Swedish catalogue up to date (new messages come in
# untranslated, and the catalogue test names them), then compile it. Translate in the .po file, run again.
i18n: $(VENV)/.installed-test
	$(BIN)/python tools/i18n.py extract
	$(BIN)/python tools/i18n.py compile
	$(BIN)/python tools/i18n.py check

# Regenerate the manual's command reference (docs/reference.md) from the help (a test fails when they drift).
reference: $(VENV)/.installed-test
	STEG2_LANG=en $(BIN)/cog -r -I . docs/reference.md

readme: reference

# The manual as a website in site/ (MkDocs); a broken link, a missing page or one left out of the navigation fails.
docs: $(VENV)/.installed-test
	$(BIN)/mkdocs build --strict --quiet

test-postgres: $(VENV)/.installed-test
	bash .ci/postgres.sh

# The suite on the lowest versions pyproject.toml declares (requirements-lowest.txt), in a venv of its own.
test-lowest: check-python
	rm -rf .venv-lowest
	$(PYTHON) -m venv .venv-lowest
	.venv-lowest/bin/python -m pip install -q -r requirements-lowest.txt
	.venv-lowest/bin/python -m pip install -q --no-deps -e .
	.venv-lowest/bin/python -m pip install -q pytest==9.2.0 saxonche==13.1.1 lxml==6.1.3 babel==2.18.0 cogapp==3.6.0 pypdf==7.1.0 pikepdf==10.18.0 aiosmtpd==1.4.6
	.venv-lowest/bin/pytest -p no:cacheprovider

# make bench BENCH_ARGS=--hundred also grows the national register to 100× (about 2 GB, see docs/performance.md).
bench: $(VENV)/.installed-test
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

# Renew the lock files after changing a dependency in pyproject.toml (needs pip-tools).
lock:
	pip-compile -q --strip-extras --no-header --no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml
	pip-compile -q --strip-extras --no-header --no-emit-index-url --no-emit-find-links --extra test --extra postgres --output-file requirements-test.lock pyproject.toml

clean:
	rm -rf $(VENV) .venv-lowest build site *.egg-info .pytest_cache .ruff_cache .mypy_cache
