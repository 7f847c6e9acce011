#!/usr/bin/env bash
# Make sure PostgreSQL answers on 127.0.0.1:5432 (start it if it is installed but stopped).
# The tests need it: an unreachable PostgreSQL is a failure, never a silent skip.
set -euo pipefail
host=${REPORTBOT_TEST_PG_HOST:-127.0.0.1}
port=${REPORTBOT_TEST_PG_PORT:-5432}

reachable() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }

if reachable; then
  exit 0
fi
if [ "$host" = 127.0.0.1 ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  for version in $(ls /etc/postgresql 2>/dev/null); do
    echo "reportbot: starting PostgreSQL $version" >&2
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
fi
for _ in $(seq 1 30); do
  reachable && exit 0
  sleep 1
done
echo "reportbot: PostgreSQL is not reachable on $host:$port; the tests need it" \
  "(install and start it: apt-get install postgresql, trust auth for user postgres on 127.0.0.1)" >&2
exit 1
