"""REPORTBOT_DATABASE_URL as an IT officer writes it from a hosted PostgreSQL's page.

- `?sslmode=verify-full` (what deploy/reportbot.env.example recommends) on a machine without
  ~/.postgresql/root.crt ended `reportbot db migrate` and `reportbot status` in a traceback
  (asyncpg's ClientConfigurationError); now one line saying to give `sslrootcert=`, libpq's
  own parameter, which is accepted and checked.
- A password with an unencoded `/`, `#` or `?` was cut there and its first part quoted back as
  the "port" (`postgres://u:se#cret@h:5432/db` -> "cổng 'se'").
- `?timeout=2.5`, `?minsize=x`, `?command_timeout=abc` passed the check and crashed later in
  tortoise's int() or asyncpg; `?ssl=true` (asyncpg's own word) was refused.
"""

from __future__ import annotations

import ssl
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportbot.cli import main
from reportbot.config import ConfigError, load_settings
from reportbot.store.database import session_arguments, tortoise_config

PG = "postgres://reportbot:S3cret-pass@127.0.0.1:5432/reportbot"
# A self-signed certificate made for these tests (no key kept): a CA file to point at.
TEST_CA = """-----BEGIN CERTIFICATE-----
MIIBjzCCATWgAwIBAgIUGDu4fc+qZxI3zwAB6HMFBTMx3gowCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRcmVwb3J0Ym90IHRlc3QgQ0EwIBcNMjYxMjAxMTE0MjE5WhgP
MjEyNjExMDcxMTQyMTlaMBwxGjAYBgNVBAMMEXJlcG9ydGJvdCB0ZXN0IENBMFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEck+30dO+RV6eiCkIhzsNHQPZMoctF8Ho
XxTJuIO1YyM9+ScLGWgUb0xl9ghaXqtSUAPUPmmzjMWiVHdgwLxDYaNTMFEwHQYD
VR0OBBYEFBh0380MRL6eztcc2lKzB+x9USbKMB8GA1UdIwQYMBaAFBh0380MRL6e
ztcc2lKzB+x9USbKMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIg
DgOkVnRARKHkdXZkahsJ7tH8/gVewlO9c3dLENAfqNICIQCfx6aM/mHUVoWZfZlA
I5OE/KxxxlP0NU0nBU6fwJ0n3w==
-----END CERTIFICATE-----
"""


def _refused(url: str, locale: str = "vi") -> str:
    env = {"REPORTBOT_DATABASE_URL": url, "REPORTBOT_LOCALE": locale}
    with pytest.raises(ConfigError) as error:
        load_settings(env, config_file=None)
    return str(error.value)


def _credentials(url: str) -> dict:
    load_settings({"REPORTBOT_DATABASE_URL": url}, config_file=None)
    return tortoise_config(url)["connections"]["default"]["credentials"]


# Letters that appear in none of the message's words, and the characters that cut a URL.
PASSWORD_CHARACTERS = "qxzjkwQXZJKW" + "/#?"


@settings(max_examples=200, deadline=None)
@given(
    head=st.text(PASSWORD_CHARACTERS, max_size=12),
    cut=st.sampled_from("/#?"),
    tail=st.text(PASSWORD_CHARACTERS, max_size=12),
    locale=st.sampled_from(["vi", "en"]),
)
def test_a_password_with_an_unencoded_character_is_never_quoted(
    head: str, cut: str, tail: str, locale: str
) -> None:
    password = head + cut + tail
    line = _refused(f"postgres://u:{password}@db.example:5432/reportbot", locale)
    assert "%2F" in line and "%23" in line and "%3F" in line
    pieces = {password[i : i + 2] for i in range(len(password) - 1)}
    assert not [piece for piece in pieces if piece in line], line


def test_the_reviewers_passwords() -> None:
    for url in ("postgres://u:se#cret@h:5432/db", "postgres://u:pa/ss@h/db", "postgres://u:s?x@h"):
        line = _refused(url)
        assert "mật khẩu" in line and "'se'" not in line and "cret" not in line
    assert "password" in _refused("postgres://u:se#cret@h:5432/db", "en")
    # encoded, the same password is accepted and reaches the driver decoded
    assert _credentials("postgres://u:se%23cr%2Fet@h:5432/db")["password"] == "se#cr/et"


def test_an_at_sign_in_the_query_is_not_taken_for_a_password_cut() -> None:
    url = "postgresql://bot:S3cret@127.0.0.1/reportbot?application_name=bot@xa"
    assert _credentials(url)["password"] == "S3cret"


def test_a_bracket_in_the_password_is_one_line_without_the_password() -> None:
    line = _refused("postgres://u:pa[ss]word@h:5432/db")
    assert "%2F" in line and "pa[" not in line and "word" not in line


def test_a_value_without_a_scheme_is_quoted_only_before_the_password() -> None:
    line = _refused("reportbot:S3cret-pass@127.0.0.1/reportbot")
    assert "'reportbot'" in line and "S3cret" not in line


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("timeout=2.5", "timeout='2.5'"),
        ("timeout=0", "timeout='0'"),
        ("minsize=x", "minsize='x'"),
        ("maxsize=0", "maxsize='0'"),
        ("max_queries=-1", "max_queries='-1'"),
        ("statement_cache_size=abc", "statement_cache_size='abc'"),
        ("command_timeout=abc", "command_timeout='abc'"),
        ("command_timeout=0", "command_timeout='0'"),
        ("command_timeout=nan", "command_timeout='nan'"),
        ("max_inactive_connection_lifetime=soon", "max_inactive_connection_lifetime='soon'"),
        ("ssl=yes", "ssl='yes'"),
    ],
)
def test_a_parameter_the_driver_would_refuse_is_named(query: str, named: str) -> None:
    line = _refused(f"{PG}?{query}")
    assert line.startswith("REPORTBOT_DATABASE_URL:") and named in line
    assert "S3cret-pass" not in line
    assert named in _refused(f"{PG}?{query}", "en")


def test_good_values_reach_the_driver_with_their_types() -> None:
    query = "timeout=5&minsize=1&maxsize=3&command_timeout=2.5&max_inactive_connection_lifetime=0"
    credentials = _credentials(f"{PG}?{query}")
    assert credentials["timeout"] == 5 and credentials["command_timeout"] == "2.5"
    assert session_arguments(f"{PG}?{query}")["command_timeout"] == "2.5"  # asyncpg: float()


@pytest.mark.parametrize(
    ("word", "value"), [("true", True), ("false", False), ("require", "require")]
)
def test_asyncpg_ssl_word_is_accepted(word: str, value: object) -> None:
    # tortoise casts ssl with bool(): "false" would have become True
    assert _credentials(f"{PG}?ssl={word}")["ssl"] == value


def test_a_socket_folder_as_host() -> None:
    credentials = _credentials("postgres://reportbot@/reportbot?host=/var/run/postgresql")
    assert credentials["host"] == "/var/run/postgresql"
    assert "host=" in _refused(f"{PG}?host=/var/run/postgresql")  # two hosts: which one?


@pytest.mark.parametrize("mode", ["require", "verify-ca", "verify-full"])
def test_sslrootcert_builds_the_context_libpq_would(tmp_path: Path, mode: str) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text(TEST_CA, encoding="ascii")
    url = f"{PG}?sslmode={mode}&sslrootcert={ca}"
    context = _credentials(url)["ssl"]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is (mode == "verify-full")
    assert [c["subject"] for c in context.get_ca_certs()] == [
        ((("commonName", "reportbot test CA"),),)
    ]
    assert "sslrootcert" not in _credentials(url)
    assert session_arguments(url)["ssl"].verify_mode == ssl.CERT_REQUIRED


def test_sslrootcert_that_cannot_be_read(tmp_path: Path) -> None:
    missing = tmp_path / "nope.pem"
    line = _refused(f"{PG}?sslmode=verify-full&sslrootcert={missing}")
    assert str(missing) in line and "CA" in line
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("".join(string.ascii_letters), encoding="ascii")
    with pytest.raises(ConfigError) as error:
        _credentials(f"{PG}?sslmode=verify-full&sslrootcert={not_pem}")
    assert "sslrootcert" in str(error.value)


@pytest.mark.parametrize("command", [["db", "migrate"], ["status"]])
def test_verify_full_without_a_root_certificate_is_one_line(
    postgres_database: str,
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.postgresql/root.crt
    monkeypatch.setenv("REPORTBOT_DATABASE_URL", postgres_database + "?sslmode=verify-full")
    assert main(command) != 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "root.crt" in err and "sslrootcert=" in err


def test_verify_full_with_a_root_certificate_against_a_server_without_tls(
    postgres_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text(TEST_CA, encoding="ascii")
    url = f"{postgres_database}?sslmode=verify-full&sslrootcert={ca}"
    monkeypatch.setenv("REPORTBOT_DATABASE_URL", url)
    assert main(["db", "migrate"]) != 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
