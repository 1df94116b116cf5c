# Asylon — every job a developer, CI or a demo needs. Works on a fresh Debian machine with Python 3.11.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint install clean

# A virtualenv with the pinned dependencies; reinstalled when pyproject.toml changes.
$(STAMP): pyproject.toml
	@$(PYTHON) -m venv --help >/dev/null 2>&1 && $(PYTHON) -c 'import ensurepip' 2>/dev/null || \
	  { echo "installing python3-venv (Debian)"; apt-get update -qq && apt-get install -y -qq python3-venv; }
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  { echo "installing PostgreSQL (Debian) for the test fixtures"; apt-get update -qq && \
	    apt-get install -y -qq postgresql; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Build the evidence store, migrate, load the fictional demo cases, print the logins, serve.
demo: $(STAMP)
	$(VENV)/bin/asylon evidence build
	$(VENV)/bin/asylon manage migrate --noinput
	$(VENV)/bin/asylon manage load_demo
	$(VENV)/bin/asylon serve --host 127.0.0.1 --port 8000

# The whole suite on SQLite, then the database tests again on a throwaway PostgreSQL.
test: $(STAMP)
	$(PY) -m pytest -n 2 -p no:cacheprovider
	ASYLON_TEST_DB=postgres $(PY) -m pytest -p no:cacheprovider tests/web

bench: $(STAMP)
	$(PY) benchmarks/bench_assess.py
	$(PY) benchmarks/bench_coi.py

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy src/asylon/law src/asylon/evidence src/asylon/paths.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
