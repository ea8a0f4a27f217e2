#!/usr/bin/env bash
# Back up the database (custom-format pg_dump, consistent at one instant) and the files
# (attachments, exports) into one new folder, with a checksum of each part.
#   DATABASE_URL=... MEDIA_ROOT=/srv/livelihood/media deploy/backup.sh /var/backups/livelihood
# Not in it: SECRET_KEY and AUDIT_LOG_KEY (keep them apart, in the environment file's own
# backup): without the decision log's key, `verify_audit` cannot check a restored log.
set -euo pipefail
dest=${1:?usage: backup.sh DEST_DIR}
media=${MEDIA_ROOT:-$(dirname "$0")/../media}
stamp=$(date +%Y%m%d-%H%M%S)
out="$dest/$stamp"
mkdir -p "$out"
pg_dump --format=custom --no-owner --dbname="${DATABASE_URL:?set DATABASE_URL}" --file="$out/db.dump"
mkdir -p "$media"
tar -C "$media" -czf "$out/media.tar.gz" .
(cd "$out" && sha256sum db.dump media.tar.gz > SHA256SUMS)
echo "$out"
