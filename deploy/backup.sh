#!/bin/sh
# Back up the reportbot database to BACKUP_DIR as a pg_dump custom-format archive, check that
# pg_restore can read it, then delete archives older than KEEP_DAYS days.
#
#   BACKUP_DATABASE_URL  libpq URL of the database (default: $REPORTBOT_DATABASE_URL);
#                        prefer a socket/peer URL (postgresql:///reportbot) or ~/.pgpass to a
#                        password in the URL, which other users could see in `ps`.
#   BACKUP_DIR           where archives go (default /var/backups/reportbot)
#   KEEP_DAYS            days to keep archives (default 14)
#
# Prints the path of the new archive. Exit status non-zero on any failure (the timer's
# journal shows it: `journalctl -u reportbot-backup`).
set -eu

url="${BACKUP_DATABASE_URL:-${REPORTBOT_DATABASE_URL:-}}"
if [ -z "$url" ]; then
    echo "backup.sh: set BACKUP_DATABASE_URL (or REPORTBOT_DATABASE_URL)" >&2
    exit 2
fi
dir="${BACKUP_DIR:-/var/backups/reportbot}"
keep="${KEEP_DAYS:-14}"

umask 077  # archives hold officers' answers and phone numbers
mkdir -p "$dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
part="$dir/.reportbot-$stamp.dump.part"
final="$dir/reportbot-$stamp.dump"
trap 'rm -f "$part"' EXIT

pg_dump --format=custom --no-owner --no-privileges --dbname="$url" --file="$part"
pg_restore --list "$part" >/dev/null  # a truncated or unreadable archive fails here
mv "$part" "$final"
find "$dir" -maxdepth 1 -type f -name 'reportbot-*.dump' -mtime +"$keep" -delete
echo "$final"
