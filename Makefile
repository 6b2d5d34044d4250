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

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,dev]'

# The embedded default: SQLite in .data/, in-memory channel layer and desk store, demo data.
run: install
	DEBUG=$${DEBUG:-1} $(BIN)/virtualcite serve --demo --host $(HOST) --port $(PORT)

# The whole suite: unit, contract, integration, end-to-end (needs redis-server and chromium).
test: install-test
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy chat/core chat/store

clean:
	rm -rf $(VENV) .data test-artefacts .pytest_cache .mypy_cache .ruff_cache
