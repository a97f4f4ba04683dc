# dhdigital — `make help` lists the targets.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
# A supported Python on the machine, 3.11 first (what CI runs) (pyproject: >=3.11,<3.13), for creating .venv.
PYTHON ?= $(shell for p in python3.11 python3.12 python3; do command -v $$p >/dev/null 2>&1 && echo $$p && break; done)
export DJANGO_SETTINGS_MODULE := dhdigital.settings
# These targets serve and test on your own machine over plain HTTP: the explicit opt-out from the
# production defaults that apply whenever DEBUG is off (HTTPS redirect, Secure cookies, HSTS, a SECRET_KEY
# of the deployment's own; dhdigital/settings.py). A random key is kept in .secret_key. The image runs
# gunicorn and celery itself, never make.
export PLAIN_HTTP ?= true

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-z][a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  make %-12s %s\n", $$1, $$2}'

.venv/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)' \
	  || { echo "dhdigital needs Python 3.11 or 3.12 ($(PYTHON) is $$($(PYTHON) --version 2>&1)); set PYTHON=..." >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	touch $@

install: .venv/.installed ## Create .venv and install the Python dependencies

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/govuk/.built: node_modules/.installed frontend/main.scss $(wildcard frontend/js/*.js) scripts/build_frontend.sh
	bash scripts/build_frontend.sh
	touch $@

frontend: static/govuk/.built ## Build GOV.UK Frontend (Sass, fonts, JavaScript) into static/govuk

setup: install frontend ## Everything `run` and `test` need
	$(PY) manage.py collectstatic --noinput -v0

migrate: setup ## Apply database migrations
	$(PY) manage.py migrate --noinput

demo: migrate ## Load the demo consultations and users (idempotent)
	$(PY) manage.py load_demo

run: demo ## Serve the portal with demo data at http://127.0.0.1:8000 (SQLite, tasks in-process)
	@echo ""
	@echo "  dhdigital is at http://127.0.0.1:8000"
	@echo "  Sign in at http://127.0.0.1:8000/accounts/login/ as admin@example.org (or publisher@, moderator@,"
	@echo "  analyst@, citizen@example.org), password: demo-pass-2026"
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:8000

# The suite runs in two parts: most tests in TEST_PROCS parallel processes (pytest-xdist, one test
# database each; work stealing, so that a process that runs out of tests takes queued ones from the other
# instead of idling at the end), and the tests that need the real Celery worker (it serves one test
# database) and the fault tests (they start and stop their own servers) one at a time. The second part
# mostly waits on its worker, servers and timeouts (the machine was half idle during it), so it runs
# beside the first; its output comes after the first part's. Exit code 5 means "nothing selected", e.g.
# when PYTEST_ARGS names only tests of one part.
TEST_PROCS ?= 2
test: setup ## Run the whole test suite (browser tests in Debian's Chromium), after the linters and the layer contracts
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run
	@second=$$(mktemp); \
	$(PY) -m pytest -m "worker or faults" $(PYTEST_ARGS) > $$second 2>&1 & pid=$$!; \
	$(PY) -m pytest -n $(TEST_PROCS) --dist worksteal -m "not worker and not faults" $(PYTEST_ARGS); rc1=$$?; \
	wait $$pid; rc2=$$?; \
	echo; echo "== the tests that need the Celery worker, and the fault tests (they ran beside the others)"; \
	cat $$second; rm -f $$second; \
	{ [ $$rc1 -eq 0 ] || [ $$rc1 -eq 5 ]; } && { [ $$rc2 -eq 0 ] || [ $$rc2 -eq 5 ]; }

# lint-imports prints each contract between the apps (pyproject.toml [tool.importlinter],
# docs/architecture.md) and whether it is kept.
lint: install ## ruff, and the import-linter contracts that keep the layers
	.venv/bin/ruff check .
	.venv/bin/lint-imports --no-cache
	.venv/bin/ruff format --check .

models: install ## Build the analysis models: spam, evidence, and the theme matcher and stance model tuned on ArgKP train (cached under ~/.cache/dhdigital, nothing downloaded)
	$(PY) -m policycycle.analysis.warm

bench: setup ## Measure the performance budgets; prints a table and writes .bench/results.json
	$(PIP) install -q -e '.[dev,bench]'
	$(PY) -m benchmarks.run

.PHONY: help install frontend setup migrate demo run test lint bench models

loadtest: setup ## Load test on 127.0.0.1 (gunicorn, PostgreSQL, own Redis): req/s, p50/p95/p99, accepted = stored
	$(PY) -m loadtest.run $(LOADTEST_ARGS)

# pip-audit asks PyPI's JSON API about each installed version (AUDIT_ARGS='--vulnerability-service osv'
# asks osv.dev instead); scripts/audit.py fails on a known vulnerability and says how many packages were
# really checked. AUDIT_STRICT=1 also fails when a package could not be checked (e.g. a registry mirror
# without the JSON API). npm audit covers the front-end build packages.
audit: install ## Known vulnerabilities in the Python (pip-audit) and npm dependencies
	$(PY) scripts/audit.py $(if $(AUDIT_STRICT),--strict,) $(AUDIT_ARGS)
	npm audit --audit-level=high || { echo "npm audit: the registry gave no answer or found a problem (above)"; test -z "$(AUDIT_STRICT)"; }

.PHONY: loadtest audit
