# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 8000
BIN     = $(VENV)/bin

.PHONY: run test lint install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installed once, and again only when pyproject.toml changes: an editable install follows the
# code by itself, and each reinstall rebuilds its wheel (seconds, and setuptools' ten-line
# "Editable installation" notice on every `make run`). The stamps live in the venv, so that
# `make clean` drops them with it.
INSTALLED      = $(VENV)/.installed
INSTALLED_TEST = $(VENV)/.installed-test

install: $(INSTALLED)

install-test: $(INSTALLED_TEST)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

# The test extras include the service's own dependencies: the plain install is done too.
$(INSTALLED_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,dev]'
	@touch $@ $(INSTALLED)

# The embedded default: SQLite in .data/, in-memory channel layer and desk store, demo data.
run: install
	DEBUG=$${DEBUG:-1} $(BIN)/virtualcite serve --demo --host $(HOST) --port $(PORT)

# The whole suite: unit, contract, integration, end-to-end (needs redis-server, chromium
# and node).
test: install-test
	$(BIN)/pytest $(PYTEST_ARGS)

# Static checks, each failing on a finding (CI runs them after the suite, .ci/run): style,
# types, security smells, then known vulnerabilities of every installed package (.ci/audit:
# packages the vulnerability service cannot reach are listed as not audited). mypy's Django
# plugin imports the settings, hence DEBUG=1 and a data directory for the generated key.
LINT_ENV = DEBUG=1 VIRTUALCITE_DATA_DIR=$(CURDIR)/.data
lint: install-test
	$(BIN)/ruff check .
	$(LINT_ENV) $(BIN)/mypy chat rooms virtualcite frontend
	$(BIN)/bandit -q -c pyproject.toml -r virtualcite chat frontend $(wildcard rooms)
	BIN=$(BIN) bash .ci/audit

clean:
	rm -rf $(VENV) .data test-artefacts .pytest_cache .mypy_cache .ruff_cache
