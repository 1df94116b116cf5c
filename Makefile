# Asylon — every job a developer, CI or a demo needs. Works on a fresh Debian machine with Python 3.11.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCALE := src/asylon/web/locale
MO := $(patsubst %.po,%.mo,$(wildcard $(LOCALE)/*/LC_MESSAGES/django.po) \
	$(wildcard src/asylon/documents/locale/*/LC_MESSAGES/asylon-documents.po))

.PHONY: demo test bench lint install clean translations messages lock audit-deps bytecode

# A virtualenv with the pinned dependencies; reinstalled when pyproject.toml changes.
$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -m venv --help >/dev/null 2>&1 && $(PYTHON) -c 'import ensurepip' 2>/dev/null || \
	  { echo "installing python3-venv (Debian)"; apt-get update -qq && apt-get install -y -qq python3-venv; }
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  { echo "installing PostgreSQL (Debian) for the test fixtures"; apt-get update -qq && \
	    apt-get install -y -qq postgresql; }
	@command -v wrk >/dev/null 2>&1 || \
	  { echo "installing wrk (Debian), the load generator of make bench"; apt-get update -qq && \
	    apt-get install -y -qq wrk; }
	@{ command -v pkg-config >/dev/null 2>&1 && pkg-config --exists icu-i18n && command -v g++ >/dev/null 2>&1; } || \
	  { echo "installing ICU headers and a compiler (Debian): PyICU, used by followthemoney and normality, builds from source"; \
	    apt-get update -qq && apt-get install -y -qq libicu-dev pkg-config g++; }
	@command -v msgfmt >/dev/null 2>&1 || \
	  { echo "installing GNU gettext (Debian) to compile the message catalogues"; \
	    apt-get update -qq && apt-get install -y -qq gettext; }
	@dpkg -s libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core >/dev/null 2>&1 || \
	  { echo "installing Pango and the Noto fonts (Debian): WeasyPrint renders the register's dossiers as PDF in Latin, Cyrillic and Arabic script"; \
	    apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core; }
	@{ command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; } || \
	  { echo "installing poppler-utils (Debian): the document tests turn PDFs into PNG and text"; \
	    apt-get update -qq && apt-get install -y -qq poppler-utils; }
	@test -x /usr/bin/chromium || \
	  { echo "installing Chromium (Debian) for the browser tests"; apt-get update -qq && \
	    apt-get install -y -qq chromium; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --require-hashes -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

# Asylon's own modules compiled to bytecode (__pycache__, not committed). Python compiles what
# it imports, but writes nothing where PYTHONDONTWRITEBYTECODE is set (as in some containers
# and CI images): then every `asylon` process compiled the modules it imports again, about
# 0.3 s a start, and the tests start hundreds. compileall writes them all the same.
bytecode: $(STAMP)
	@$(PY) -m compileall -q src >/dev/null

# The compiled message catalogues (.mo, not committed), each checked and built from its .po.
translations: $(MO)

%.mo: %.po | $(STAMP)
	msgfmt --check -o $@ $<

# Re-extract every translatable string of the web application into the ru and ar catalogues
# (new strings arrive untranslated; translate them, then `make translations`).
messages: $(STAMP)
	cd src/asylon/web && ../../../$(VENV)/bin/asylon manage makemessages -l ru -l ar \
	  --no-location --no-obsolete

# Build the evidence store, migrate, load the fictional demo cases and the starter register,
# generate the Russia-vs-Germany and caseload reports, print the logins, serve.
demo: $(STAMP) $(MO) bytecode
	$(VENV)/bin/asylon evidence build
	$(VENV)/bin/asylon manage migrate --noinput
	$(VENV)/bin/asylon manage load_demo
	$(VENV)/bin/asylon register load-starter
	$(VENV)/bin/asylon victims load-demo
	$(VENV)/bin/asylon report asylum-practice --asylum-country RU,DE --origin SY --from 2011 --to 2025 \
	  --format pdf --output var/reports/ru-vs-de.pdf
	$(VENV)/bin/asylon report asylum-practice --asylum-country RU,DE --origin SY --from 2011 --to 2025 \
	  --format html --lang ru --output var/reports/ru-vs-de.ru.html
	$(VENV)/bin/asylon report caseload --format pdf --output var/reports/caseload.pdf
	$(VENV)/bin/asylon report victims --format pdf --output var/reports/victims.pdf
	@echo "Reports: var/reports/ru-vs-de.pdf (Russia vs Germany), var/reports/ru-vs-de.ru.html, var/reports/caseload.pdf, var/reports/victims.pdf; statistics pages at http://127.0.0.1:8000/en/stats/"
	$(VENV)/bin/asylon serve --host 127.0.0.1 --port 8000

# The whole suite on SQLite, then the database tests again on a throwaway PostgreSQL (one server,
# a test database per xdist worker). The stages take about 7 and 5 minutes on a 2-core VM;
# `timeout` interrupts one that runs 40 (pytest then prints what it was running), so a stuck
# suite fails with a report well inside CI's 90 minutes. The slowest tests and every failure
# and error are listed at the end, where a CI log's tail shows them.
PYTEST_REPORT := -rfE --durations=15
test: $(STAMP) $(MO) bytecode
	timeout -s INT -k 60 40m $(PY) -m pytest -n 2 -p no:cacheprovider $(PYTEST_REPORT)
	ASYLON_TEST_DB=postgres timeout -s INT -k 60 40m $(PY) -m pytest -n 2 -p no:cacheprovider \
	  $(PYTEST_REPORT) tests/web

bench: $(STAMP)
	$(PY) benchmarks/bench_assess.py
	$(PY) benchmarks/bench_coi.py
	$(PY) benchmarks/bench_web.py
	$(PY) benchmarks/bench_names.py
	$(PY) benchmarks/bench_estimate.py
	$(PY) benchmarks/bench_linkage.py

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy src/asylon/law src/asylon/evidence src/asylon/register src/asylon/names src/asylon/screening src/asylon/stats src/asylon/documents src/asylon/linkage src/asylon/faults.py src/asylon/paths.py src/asylon/yamlfile.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
	rm -f $(MO)

# Every dependency pinned with its hashes (pip-tools), from pyproject.toml and the versions
# installed now: run after changing a pin, commit requirements.lock with it. Slow (hashes of
# every file of every release are fetched).
lock: $(STAMP)
	$(PYTHON) -m venv var/tools
	var/tools/bin/pip install -q pip-tools==7.5.2
	$(PY) -m pip freeze --exclude-editable > var/tools/constraints.txt
	var/tools/bin/pip-compile --quiet --generate-hashes --allow-unsafe --extra dev --strip-extras \
	  --no-emit-index-url --no-emit-find-links -c var/tools/constraints.txt -o requirements.lock pyproject.toml

# Known vulnerabilities in the locked dependencies (pip-audit, PyPI's advisory data). Needs the
# advisory service's API, which this project's own build machines cannot reach: run it where
# they can (docs/security/supply-chain.md).
audit-deps: $(STAMP)
	$(PYTHON) -m venv var/tools
	var/tools/bin/pip install -q pip-audit==2.9.0
	var/tools/bin/pip-audit --require-hashes -r requirements.lock --strict
