#!/usr/bin/env bash
# The real stack on one machine: PostgreSQL and Redis as installed here (started if down),
# migrations, static files and the beat schedule, then gunicorn, a Celery worker and Celery
# beat. Ctrl-C (or the end of any one of them) stops all three.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/livelihood \
#   REDIS_URL=redis://127.0.0.1:6379/0 deploy/start-stack.sh          # everything
#   deploy/start-stack.sh setup | web | worker | beat                 # one part (in front)
#
# Settings come from the environment (deploy/production.env.example lists them). Without a
# SECRET_KEY a key is made once and kept in var/secret_key (not committed), so that every
# process of this machine shares it. GUNICORN_WORKERS (default 2), GUNICORN_BIND
# (127.0.0.1:8000) and CELERY_CONCURRENCY (2) size it; RUN_DIR (var/run) holds the pid
# files; SEED_DEMO=1 loads the demo data at setup.
set -euo pipefail
cd "$(dirname "$0")/.."
part=${1:-all}
: "${DATABASE_URL:=postgres://postgres@127.0.0.1:5432/livelihood}"
: "${REDIS_URL:=redis://127.0.0.1:6379/0}"
: "${GUNICORN_WORKERS:=2}"
: "${GUNICORN_BIND:=127.0.0.1:8000}"
: "${RUN_DIR:=var/run}"
PY=${PY:-.venv/bin/python}
[ -x "$PY" ] || { make venv && PY=.venv/bin/python; }
if [ -z "${SECRET_KEY:-}" ]; then
  mkdir -p var
  [ -s var/secret_key ] || (umask 077 && "$PY" -c "import secrets; print(secrets.token_urlsafe(64))" > var/secret_key)
  SECRET_KEY=$(cat var/secret_key)
fi
mkdir -p "$RUN_DIR"
export DATABASE_URL REDIS_URL SECRET_KEY GUNICORN_WORKERS GUNICORN_BIND

setup() {
  bash deploy/local-services.sh >/dev/null
  local db server
  db=$(basename "${DATABASE_URL%%\?*}")
  server="${DATABASE_URL%/*}/postgres"
  psql "$server" -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
    || psql "$server" -qc "CREATE DATABASE \"$db\""
  "$PY" manage.py migrate --noinput -v0
  "$PY" manage.py sync_role_grants >/dev/null
  "$PY" manage.py collectstatic --noinput -v0
  "$PY" manage.py setup_schedule >/dev/null
  if [ "${SEED_DEMO:-0}" = "1" ]; then "$PY" manage.py seed_demo >/dev/null; fi
}

web() {
  exec "$PY" -m gunicorn -c deploy/gunicorn.conf.py --pid "$RUN_DIR/web.pid"
}

worker() {
  exec "$PY" -m celery -A core worker -l info --concurrency "${CELERY_CONCURRENCY:-2}" \
    -n "worker-$$@%h" --pidfile "$RUN_DIR/worker.pid"
}

beat() {
  exec "$PY" -m celery -A core beat -l info --pidfile "$RUN_DIR/beat.pid" \
    --schedule "$RUN_DIR/beat-schedule"
}

case "$part" in
  setup) setup ;;
  web) web ;;
  worker) worker ;;
  beat) beat ;;
  all)
    setup
    pids=()
    trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
    "$0" web & pids+=($!)
    "$0" worker & pids+=($!)
    "$0" beat & pids+=($!)
    echo "Serving on http://$GUNICORN_BIND/"
    wait -n
    ;;
  *) echo "usage: $0 [setup|web|worker|beat|all]" >&2; exit 2 ;;
esac
