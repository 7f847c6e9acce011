#!/usr/bin/env bash
# Run docs/DEPLOY.md path B on an empty Debian 12 server, as an IT officer would, and check
# that an officer can file through it. Not part of `make test` (it takes 5-8 minutes and
# needs root, debootstrap and systemd-nspawn): run it by hand after changing deploy/ or DEPLOY.md.
#
#   sudo bash drills/deploy_server.sh [WORKDIR]      (default /var/tmp/reportbot-server)
#
# The server is a fresh `debootstrap bookworm` booted with `systemd-nspawn --boot
# --private-network` (systemd as PID 1, loopback only). Differences from a real server, each
# forced by running inside another machine (DEPLOY.md, "What was run", says the same):
# - apt-get and pip reach the internet through the host's network namespace (the booted
#   server has none); service starts are held during apt-get, and PostgreSQL is moved back to
#   port 5432 if the host's own PostgreSQL made the installer pick another;
# - `git clone` takes this checkout's HEAD; the DNS name is `localhost` (Caddy's local CA);
# - the Bot API is the project's fake (tests/fakes/telegram.py) on the server, which POSTs
#   the officer's updates through Caddy (drills/deploy_fake_telegram.py).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${1:-/var/tmp/reportbot-server}
SERVER=$WORK/server
MACHINE_PID=

say() { printf '\n== %s\n' "$*"; }
fail() { printf 'deploy drill: FAILED: %s\n' "$*" >&2; exit 1; }

for tool in debootstrap systemd-nspawn nsenter curl; do
    command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install debootstrap systemd-container)"
done
[ "$(id -u)" = 0 ] || fail "run as root"

# inside: a command in the booted server (all its namespaces); online: the same with the
# host's network, for apt-get and pip only.
inside() { nsenter -t "$MACHINE_PID" -a -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
online() { nsenter -t "$MACHINE_PID" -m -u -i -p -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

NSPAWN=
stop_server() {  # nspawn turns SIGTERM into a clean power-off of the booted server
    [ -n "$NSPAWN" ] || return 0
    [ -n "$MACHINE_PID" ] && inside pkill -f deploy_fake_telegram.py || true  # not a unit of the server
    kill -TERM "$NSPAWN" 2>/dev/null || true
    timeout 60 tail --pid="$NSPAWN" -f /dev/null || kill -KILL "$NSPAWN" 2>/dev/null || true
}
trap stop_server EXIT

say "an empty Debian 12 server in $SERVER"
rm -rf "$WORK" && mkdir -p "$WORK"
debootstrap --include=systemd,systemd-sysv,dbus,ca-certificates,curl,sudo,openssl \
    bookworm "$SERVER" >"$WORK/debootstrap.log"  # Debian's default mirror
echo reportbot-server >"$SERVER/etc/hostname"
echo "127.0.1.1 reportbot-server" >>"$SERVER/etc/hosts"
# The host's extra certificate authorities (a proxy in front of the internet, if any).
cp /usr/local/share/ca-certificates/*.crt "$SERVER/usr/local/share/ca-certificates/" 2>/dev/null || true
git -C "$ROOT" clone -q --bare "$ROOT" "$SERVER/root/reportbot.git"
mkdir -p "$SERVER/root/drill" && cp "$ROOT/drills/deploy_fake_telegram.py" "$SERVER/root/drill/"

say "boot"
systemd-nspawn --register=no --keep-unit --boot --private-network -D "$SERVER" >"$WORK/boot.log" 2>&1 &
NSPAWN=$!
for _ in $(seq 1 120); do
    MACHINE_PID=$(pgrep -P "$NSPAWN" | head -1 || true)
    [ -n "$MACHINE_PID" ] && inside systemctl is-system-running 2>/dev/null | grep -qE 'running|degraded' && break
    sleep 0.5
done
inside systemctl is-system-running | grep -q running || fail "the server did not boot (see $WORK/boot.log)"
inside update-ca-certificates >/dev/null

say "B.1 packages, user, folders"
printf '#!/bin/sh\nexit 101\n' >"$SERVER/usr/sbin/policy-rc.d" && chmod +x "$SERVER/usr/sbin/policy-rc.d"
online sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3 python3-venv git postgresql caddy' >"$WORK/apt.log"
rm "$SERVER/usr/sbin/policy-rc.d"
inside sh -c "sed -i 's/^port = .*/port = 5432/' /etc/postgresql/15/main/postgresql.conf"
inside systemctl restart postgresql@15-main caddy
inside bash -ex -c '
useradd --system --home-dir /srv/reportbot --shell /usr/sbin/nologin reportbot
git clone -q /root/reportbot.git /srv/reportbot/app
mkdir -p /srv/reportbot/data /srv/reportbot/media /etc/reportbot /var/backups/reportbot
cp -r /srv/reportbot/app/forms /srv/reportbot/forms
ln -s /srv/reportbot/app/deploy /srv/reportbot/deploy
chown -R reportbot:reportbot /srv/reportbot/data /srv/reportbot/media /srv/reportbot/forms
chown postgres:postgres /var/backups/reportbot && chmod 700 /var/backups/reportbot'

say "B.2 the database"
inside bash -e -c '
sudo -u postgres createuser reportbot
sudo -u postgres createdb --owner reportbot reportbot
openssl rand -hex 24 >/root/db-password
sudo -u postgres psql -q -c "ALTER ROLE reportbot PASSWORD '\''$(cat /root/db-password)'\''"'

say "B.3 the program"
online bash -e -c '
python3 -m venv /srv/reportbot/venv
/srv/reportbot/venv/bin/pip install -q --upgrade pip
/srv/reportbot/venv/bin/pip install -q "/srv/reportbot/app[postgres]"
/srv/reportbot/venv/bin/reportbot --version'

say "B.5 Caddy in front (before the bot, so that its webhook is reachable at once)"
inside bash -e -c '
sed -e "s/bot:8080/127.0.0.1:8080/" -e "s/{\$REPORTBOT_DOMAIN}/localhost/" \
    /srv/reportbot/app/deploy/Caddyfile >/etc/caddy/Caddyfile
systemctl reload caddy
for i in $(seq 1 40); do [ -f /var/lib/caddy/.local/share/caddy/pki/authorities/local/root.crt ] && break; curl -sk -o /dev/null https://localhost/ || true; sleep 0.5; done
cp /var/lib/caddy/.local/share/caddy/pki/authorities/local/root.crt /usr/local/share/ca-certificates/caddy-local.crt
update-ca-certificates >/dev/null'
[ "$(inside curl -s -o /dev/null -w '%{http_code}' https://localhost/metrics)" = 404 ] \
    || fail "/metrics should not be served through the proxy"

say "the fake Bot API on the server"
inside /srv/reportbot/venv/bin/python /root/drill/deploy_fake_telegram.py >"$WORK/fake.log" 2>&1 &
for _ in $(seq 1 60); do inside test -s /run/fake-tg-url && break; sleep 0.5; done

say "B.4 settings and first start"
inside bash -e -c '
cp /srv/reportbot/app/deploy/reportbot.env.example /etc/reportbot/reportbot.env
chown root:reportbot /etc/reportbot/reportbot.env && chmod 640 /etc/reportbot/reportbot.env
cat >>/etc/reportbot/reportbot.env <<ENV
REPORTBOT_DATABASE_URL=postgres://reportbot:$(cat /root/db-password)@127.0.0.1:5432/reportbot
REPORTBOT_TELEGRAM_TOKEN=123456:TEST-fake-token
REPORTBOT_TELEGRAM_API_URL=$(cat /run/fake-tg-url)
REPORTBOT_TELEGRAM_WEBHOOK_URL=https://localhost/webhook/telegram
REPORTBOT_TELEGRAM_WEBHOOK_SECRET=$(openssl rand -hex 32)
ENV
sudo -u reportbot sh -c "set -a; . /etc/reportbot/reportbot.env; /srv/reportbot/venv/bin/reportbot db migrate"
cp /srv/reportbot/app/deploy/reportbot.service /etc/systemd/system/
systemctl daemon-reload && systemctl enable -q --now reportbot'
wait_healthy() {  # wait_healthy PORT: until /healthz answers 200, at most 90 s
    for _ in $(seq 1 180); do
        [ "$(inside curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/healthz")" = 200 ] && return 0
        sleep 0.5
    done
    inside journalctl -u reportbot --no-pager -n 30 >&2
    fail "no /healthz on port $1"
}
wait_healthy 8080

# rb: reportbot as the service user with the service's settings.
rb() {
    inside sudo -u reportbot sh -c 'set -a; . /etc/reportbot/reportbot.env
        REPORTBOT_FORMS_DIR=/srv/reportbot/forms REPORTBOT_MEDIA_DIR=/srv/reportbot/media
        REPORTBOT_MIRROR_XLSX=/srv/reportbot/data/reportbot-mirror.xlsx
        cd /srv/reportbot && exec /srv/reportbot/venv/bin/reportbot "$@"' reportbot "$@"
}
# officer "text" "expected words": one message through Caddy; the answer must contain them.
officer() {
    local answer
    answer=$(inside /srv/reportbot/venv/bin/python /root/drill/deploy_fake_telegram.py --send 5002 "$1")
    printf '  %s -> %.110s\n' "$1" "$(printf '%s' "$answer" | tr '\n' ' ')"
    printf '%s' "$answer" | grep -q -- "$2" || fail "after '$1' the bot did not say '$2'"
}

say "an officer, end to end"
inside sh -c 'printf "code,name,type,parent\nhoi_nong_dan,Hội Nông dân xã,doan_the,\n" >/srv/reportbot/data/units.csv'
rb units import /srv/reportbot/data/units.csv
CODE=$(rb invite create --unit hoi_nong_dan --role officer | sed -n 's/.*Mã mời: \([A-Z0-9]*\).*/\1/p')
[ -n "$CODE" ] || fail "no invite code"
officer "/start $CODE" "Đăng ký thành công"
officer "/baocao" "Câu 1/"
officer "1" "Câu 2/"

say "kill -9 under systemd"
inside sh -c 'kill -9 "$(systemctl show -p MainPID --value reportbot)"'
for _ in $(seq 1 60); do  # systemd restarts it RestartSec=5 after the death
    [ "$(inside systemctl show -p NRestarts --value reportbot)" = 1 ] && break
    sleep 0.5
done
[ "$(inside systemctl show -p NRestarts --value reportbot)" = 1 ] || fail "systemd did not restart the bot"
wait_healthy 8080
officer "15/KH-HND" "Câu 3/"

say "B.6 backups and the restore test"
inside bash -e -c '
cp /srv/reportbot/app/deploy/reportbot-backup.service /srv/reportbot/app/deploy/reportbot-backup.timer /etc/systemd/system/
systemctl daemon-reload && systemctl enable -q --now reportbot-backup.timer
systemctl start reportbot-backup.service
ls -l /var/backups/reportbot
sudo -u postgres /srv/reportbot/deploy/restore-test.sh "$(ls -t /var/backups/reportbot/*.dump | head -1)"'

say "several workers"
inside bash -e -c '
mkdir -p /etc/systemd/system/reportbot.service.d
printf "[Service]\nEnvironment=REPORTBOT_ROLE=web\n" >/etc/systemd/system/reportbot.service.d/override.conf
cp /srv/reportbot/deploy/reportbot-worker@.service /etc/systemd/system/ && systemctl daemon-reload
systemctl enable -q --now reportbot-worker@1 reportbot-worker@2
systemctl restart reportbot'
wait_healthy 8080 && wait_healthy 8091 && wait_healthy 8092
officer "01/03/2026" "Câu 4/"
inside sh -c 'kill -9 "$(systemctl show -p MainPID --value reportbot-worker@1)"'
officer "1" "Câu 5/"

say "deploy drill: OK (logs in $WORK)"
