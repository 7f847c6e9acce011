#!/bin/sh
# Back up the reportbot database to BACKUP_DIR as a pg_dump custom-format archive, check that
# pg_restore can read it, then delete archives older than KEEP_DAYS days.
#
#   BACKUP_DATABASE_URL  libpq URL of the database (default: $REPORTBOT_DATABASE_URL; the
#                        bot's own parameters such as ?maxsize= are left out for pg_dump);
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
case "$url" in
    sqlite:*)  # pg_dump would say the database "sqlite://…" does not exist
        echo "backup.sh: ${url#sqlite://} is a SQLite database, this script backs up PostgreSQL;" \
            "use: reportbot db backup FILE (never cp: answers may still be in the -wal file)," \
            "docs/DEPLOY.md B.7" >&2
        exit 2 ;;
    asyncpg://*)  # the bot takes its driver's name as the scheme; libpq does not
        url="postgresql://${url#asyncpg://}" ;;
esac
# The bot's URL may carry settings of its own driver (?maxsize=10, command_timeout=...), which
# pg_dump refuses ("invalid URI query parameter"): keep only libpq's parameters.
case "$url" in
    *\?*)
        kept=""
        set -f  # the parameters are split on '&', never globbed
        old_ifs="$IFS"; IFS='&'
        for pair in ${url#*\?}; do
            case "${pair%%=*}" in
                sslmode|sslrootcert|sslcert|sslkey|sslcrl|sslpassword|connect_timeout|\
                application_name|options|target_session_attrs|passfile|host|port|user|\
                password|dbname|gssencmode|krbsrvname|service|keepalives*|tcp_user_timeout)
                    kept="${kept:+$kept&}$pair" ;;
            esac
        done
        IFS="$old_ifs"; set +f
        url="${url%%\?*}${kept:+?$kept}" ;;
esac
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
