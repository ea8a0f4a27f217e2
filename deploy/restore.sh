#!/usr/bin/env bash
# Restore a backup made by backup.sh: the database named by DATABASE_URL is replaced (its
# tables dropped and recreated) and the files are put back under MEDIA_ROOT. Stop the web
# and the workers first; run `manage.py verify_audit` after.
#   DATABASE_URL=... MEDIA_ROOT=/srv/livelihood/media deploy/restore.sh /var/backups/livelihood/20261121-020000
set -euo pipefail
src=${1:?usage: restore.sh BACKUP_DIR}
media=${MEDIA_ROOT:-$(dirname "$0")/../media}
(cd "$src" && sha256sum --check --quiet SHA256SUMS) || { echo "the backup is damaged" >&2; exit 1; }
pg_restore --clean --if-exists --no-owner --exit-on-error \
  --dbname="${DATABASE_URL:?set DATABASE_URL}" "$src/db.dump"
mkdir -p "$media" && tar -C "$media" -xzf "$src/media.tar.gz"
echo "restored from $src"
