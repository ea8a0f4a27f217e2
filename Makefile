# The two commands: `make run` (the app on its embedded default) and `make test` (everything).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/livelihood
REDIS ?= redis://127.0.0.1:6379
REDIS_DB ?= 15

.PHONY: run test venv lint test-sqlite test-postgres test-e2e e2e-deps services bench bench-load

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

## Set up and serve http://127.0.0.1:8000 on SQLite with Celery eager and the demo data.
# DEBUG stays off, as in production: the site's own error pages, static files served by
# WhiteNoise from collectstatic, uploaded files through the views that check the reader's
# scope. A secret key of this machine is made once in var/secret_key (not committed).
PORT ?= 8000
LOCAL_KEY = var/secret_key
$(LOCAL_KEY):
	@mkdir -p var
	@umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(64))" > $(LOCAL_KEY)
run: venv $(LOCAL_KEY)
	SECRET_KEY=$$(cat $(LOCAL_KEY)) $(PY) manage.py migrate --noinput
	SECRET_KEY=$$(cat $(LOCAL_KEY)) $(PY) manage.py setup_schedule
	SECRET_KEY=$$(cat $(LOCAL_KEY)) EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend \
	  $(PY) manage.py seed_demo
	SECRET_KEY=$$(cat $(LOCAL_KEY)) $(PY) manage.py collectstatic --noinput -v0
	@echo "Open http://127.0.0.1:$(PORT)/  (logins above; password demo-2026)"
	SECRET_KEY=$$(cat $(LOCAL_KEY)) $(PY) manage.py runserver --noreload 127.0.0.1:$(PORT)

# (DEBUG=1: outside DEBUG the project refuses to start without its own SECRET_KEY;
# tests/deploy checks the production settings themselves.)
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=1 $(PY) manage.py check
	@# the suite builds tables from the models; this applies the migrations themselves
	rm -f $(VENV)/migrate-check.sqlite3
	DEBUG=1 DATABASE_URL=sqlite:///$(VENV)/migrate-check.sqlite3 $(PY) manage.py migrate --noinput -v0
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

# The benchmarks (never part of `make test`): the counting engine, then the province at
# 2,000 and 20,000 cases (PostgreSQL databases built once and reused; see BENCHMARKS.md).
BENCH_URL ?= postgres://postgres@127.0.0.1:5432/livelihood_scale
BENCH_SMALL_URL ?= $(BENCH_URL)_small
bench: venv services $(LOCAL_KEY)
	$(PY) -m tests.bench.bench_voting
	SECRET_KEY=$$(cat $(LOCAL_KEY)) REDIS_URL=$(REDIS)/$(REDIS_DB) \
	  $(PY) -m tests.bench.bench_scale --url $(BENCH_URL) --small-url $(BENCH_SMALL_URL)

## The real stack under load: PostgreSQL, Redis, gunicorn (1 and 2 processes), a worker;
## 50 users for 60 s each (loopback only). Figures for BENCHMARKS.md.
bench-load: venv services
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS)/$(REDIS_DB) $(PY) -m tests.bench.load_stack
