#!/usr/bin/env bash
# Back up the database (custom-format pg_dump) and the uploaded files into one folder.
#   deploy/backup.sh /var/backups/livelihood
set -euo pipefail
dest=${1:?usage: backup.sh DEST_DIR}
stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$dest/$stamp"
pg_dump --format=custom --no-owner --dbname="${DATABASE_URL:?set DATABASE_URL}" \
  --file="$dest/$stamp/db.dump"
tar -C "${MEDIA_ROOT:-$(dirname "$0")/../media}" -czf "$dest/$stamp/media.tar.gz" .
echo "$dest/$stamp"
