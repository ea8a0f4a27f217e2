#!/usr/bin/env bash
# Restore a backup made by backup.sh into the database named by DATABASE_URL (replacing it).
#   deploy/restore.sh /var/backups/livelihood/20261121-020000
set -euo pipefail
src=${1:?usage: restore.sh BACKUP_DIR}
pg_restore --clean --if-exists --no-owner --dbname="${DATABASE_URL:?set DATABASE_URL}" "$src/db.dump"
media=${MEDIA_ROOT:-$(dirname "$0")/../media}
mkdir -p "$media" && tar -C "$media" -xzf "$src/media.tar.gz"
echo "restored from $src"
