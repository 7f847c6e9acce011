#!/bin/sh
# Prove a backup can be restored: restore ARCHIVE into a scratch database, print its row
# counts, optionally run `reportbot db migrate` on it (the bot accepts it as its own), then
# drop the scratch database. Run it after each backup change, and monthly on the newest archive.
#
#   restore-test.sh /var/backups/reportbot/reportbot-20261130T023000Z.dump
#
#   RESTORE_ADMIN_URL  libpq URL of a maintenance database on the server, by a role that may
#                      create databases (default postgresql:///postgres, i.e. as `postgres`
#                      over the local socket). No query string: the scratch name replaces
#                      the database part.
#   REPORTBOT_BIN      optional path of the `reportbot` command to run `db migrate` with.
set -eu

archive="${1:?usage: restore-test.sh ARCHIVE}"
admin="${RESTORE_ADMIN_URL:-postgresql:///postgres}"
scratch="reportbot_restore_test_$(date -u +%Y%m%d%H%M%S)_$$"
server="${admin%/*}"
target="$server/$scratch"

case "${REPORTBOT_BIN:-}:$admin" in
    ?*:*:///*)  # the bot connects over TCP: a socket-only URL would not reach the scratch copy
        echo "restore-test.sh: REPORTBOT_BIN needs a RESTORE_ADMIN_URL with a host" >&2
        exit 2 ;;
esac

if [ ! -r "$archive" ]; then  # before anything is created
    echo "restore-test.sh: cannot read $archive" >&2
    exit 2
fi

psql -X -q -v ON_ERROR_STOP=1 -d "$admin" -c "CREATE DATABASE \"$scratch\""
trap 'psql -X -q -d "$admin" -c "DROP DATABASE IF EXISTS \"$scratch\" WITH (FORCE)" >/dev/null' EXIT

pg_restore --no-owner --no-privileges --exit-on-error --dbname="$target" "$archive"

for table in organisations units people person_units identities form_templates submissions answers audit_log; do
    count="$(psql -X -A -t -v ON_ERROR_STOP=1 -d "$target" -c "SELECT count(*) FROM $table")"
    echo "$table $count"
done

if [ -n "${REPORTBOT_BIN:-}" ]; then
    # REPORTBOT_BIN is this script's variable, not a setting of the bot (which would warn).
    bin="$REPORTBOT_BIN"
    env -u REPORTBOT_BIN REPORTBOT_DATABASE_URL="$target" "$bin" db migrate
fi
echo "restore test OK: $archive"
