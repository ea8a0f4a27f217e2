#!/usr/bin/env bash
# Start the real stack on one machine: PostgreSQL and Redis (started if down), migrations,
# static files, then gunicorn, a Celery worker and Celery beat. Ctrl-C stops all three.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/livelihood \
#   REDIS_URL=redis://127.0.0.1:6379/0 SECRET_KEY=... deploy/start-stack.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:=postgres://postgres@127.0.0.1:5432/livelihood}"
: "${REDIS_URL:=redis://127.0.0.1:6379/0}"
export DATABASE_URL REDIS_URL
PY=.venv/bin/python
[ -x "$PY" ] || make venv

bash deploy/local-services.sh
db=$(basename "${DATABASE_URL%%\?*}")
psql "${DATABASE_URL%/*}/postgres" -tc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
  || psql "${DATABASE_URL%/*}/postgres" -c "CREATE DATABASE \"$db\""
$PY manage.py migrate --noinput
$PY manage.py sync_role_grants
$PY manage.py collectstatic --noinput -v0
$PY manage.py setup_schedule
[ "${SEED_DEMO:-0}" = "1" ] && $PY manage.py seed_demo

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
.venv/bin/gunicorn -c deploy/gunicorn.conf.py & pids+=($!)
.venv/bin/celery -A core worker -l info --concurrency "${CELERY_CONCURRENCY:-2}" & pids+=($!)
.venv/bin/celery -A core beat -l info & pids+=($!)
echo "Serving on http://${GUNICORN_BIND:-127.0.0.1:8000}/"
wait -n
