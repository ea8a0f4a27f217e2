# The two commands: `make run` (the app on its embedded default) and `make test` (everything).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/livelihood
REDIS ?= redis://127.0.0.1:6379
REDIS_DB ?= 15

.PHONY: run test venv lint test-sqlite test-postgres test-e2e e2e-deps services bench

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

## Set up and serve http://127.0.0.1:8000 on SQLite with Celery eager and the demo data.
# DEBUG stays off, as in production: the site's own error pages, static files served by
# WhiteNoise from collectstatic, uploaded files by Django (SERVE_MEDIA) on this one machine.
PORT ?= 8000
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_schedule
	EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend $(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput -v0
	@echo "Open http://127.0.0.1:$(PORT)/  (logins above; password demo-2026)"
	SERVE_MEDIA=1 $(PY) manage.py runserver --noreload 127.0.0.1:$(PORT)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check
	@# the suite builds tables from the models; this applies the migrations themselves
	rm -f $(VENV)/migrate-check.sqlite3
	DATABASE_URL=sqlite:///$(VENV)/migrate-check.sqlite3 $(PY) manage.py migrate --noinput -v0
	rm -f $(VENV)/migrate-check.sqlite3

services:
	@bash deploy/local-services.sh

test-sqlite: venv
	$(PY) -m pytest -q -n 2 -m "not integration and not e2e"

# Transactional suites (integration: PostgreSQL, Redis, a live worker) run in their own
# pytest process, since they flush the database the other tests share.
test-postgres: venv services
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS)/$(REDIS_DB) $(PY) -m pytest -q -n 2 -m "not integration and not e2e"
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS)/$(REDIS_DB) $(PY) -m pytest -q -m integration

# The browser journey: Debian's Chromium (installed when missing) and axe-core from npm.
e2e-deps:
	@{ command -v chromium >/dev/null && fc-list :lang=zh | grep -q .; } || { \
	  echo "installing Debian's chromium and CJK fonts"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium chromium-driver fonts-noto-cjk >/dev/null) \
	    || { echo "could not install chromium"; exit 1; }; }
	test -f tests/e2e/node_modules/axe-core/axe.min.js || \
	  npm ci --prefix tests/e2e --no-audit --no-fund --silent

test-e2e: venv e2e-deps
	$(PY) -m pytest -q -m e2e

## Set up and run the whole suite: lint, SQLite, PostgreSQL with the integration suite, browser.
test: lint test-sqlite test-postgres test-e2e

bench: venv
	$(PY) -m tests.bench.bench_voting
