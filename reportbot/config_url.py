"""Checks of a PostgreSQL REPORTBOT_DATABASE_URL beyond its scheme, made before any command.

The URL is handed to tortoise, which passes each query parameter to the driver (asyncpg) as a
keyword: one it does not know, a port that is not a number, or a value its cast refuses
(`?timeout=2.5`: tortoise applies int()) used to end a command in a traceback. Here they are
refused in one line that names the setting and the parameter, never quoting the password.
libpq's `sslmode` and `sslrootcert` (what a hosted PostgreSQL's page gives) are accepted and
handed to the driver as its `ssl` (reportbot.store.database.tortoise_config).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from reportbot.startup_errors import ConfigError

# libpq's sslmode values; asyncpg's `ssl` takes the same words, and true/false.
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
SSL_SWITCHES = ("true", "false")
# Whole numbers (tortoise's int() in expand_db_url, the client's int() for minsize/maxsize)
# and their smallest value (asyncpg.Pool: max_size > 0, min_size >= 0, max_queries > 0).
WHOLE_PARAMETERS = {
    "minsize": 0,
    "maxsize": 1,
    "timeout": 1,
    "max_queries": 1,
    "statement_cache_size": 0,
    "max_cached_statement_lifetime": 0,
    "max_cacheable_statement_size": 0,
}
# Seconds (asyncpg: float(command_timeout) > 0; tortoise: float(max_inactive_...) >= 0).
SECONDS_PARAMETERS = ("command_timeout", "max_inactive_connection_lifetime")
# Query parameters the store understands: libpq's sslmode/sslrootcert, the pool's (tortoise)
# and the driver's (asyncpg.connect) that a deployment may want.
URL_PARAMETERS = (
    "sslmode",
    "sslrootcert",
    "ssl",
    "host",
    "schema",
    "application_name",
    *WHOLE_PARAMETERS,
    *SECONDS_PARAMETERS,
)
MAX_QUOTED = 40  # characters of an offending part quoted back
# Characters that end the user:password part of a URL when they are not URL-encoded.
AUTHORITY_ENDS = "/?#"


def check_postgres_url(name: str, value: str) -> None:
    """Raise ConfigError when the port or a query parameter of `value` cannot be used."""
    _check_credentials(name, value)
    parts = urlsplit(value)
    host_port = parts.netloc.rpartition("@")[2]
    if not host_port.endswith("]") and ":" in host_port:
        port = host_port.rpartition(":")[2]
        if not (port.isascii() and port.isdecimal() and 0 < int(port) < 65536):
            raise ConfigError("database_url_port", name=name, value=port[:MAX_QUOTED])
    for key, setting in parse_qsl(parts.query, keep_blank_values=True):
        if key not in URL_PARAMETERS:
            raise ConfigError(
                "database_url_parameter",
                name=name,
                value=key[:MAX_QUOTED],
                allowed=", ".join(URL_PARAMETERS),
            )
        _check_value(name, key, setting, has_host=bool(parts.hostname))


def _check_credentials(name: str, value: str) -> None:
    """Refuse a user name or password with an unencoded `/`, `?` or `#`: the URL would be cut
    inside it, and what follows the cut read as the port or the database (and quoted back)."""
    rest = value.partition("://")[2]
    try:
        netloc = urlsplit(value).netloc
    except ValueError:  # an unencoded [ or ] ("Invalid IPv6 URL"): quote nothing of it
        raise ConfigError("database_url_password", name=name) from None
    # Cut inside the user:password part: the netloc ends at a / ? # of the password and the
    # "@" is left behind it. An "@" only in the query (application_name=bot@xa) is fine.
    if "@" not in netloc and "@" in rest:
        raise ConfigError("database_url_password", name=name)


def _check_value(name: str, key: str, setting: str, *, has_host: bool) -> None:
    """Refuse a parameter's value the driver (or tortoise's cast of it) would refuse later."""
    quoted = setting[:MAX_QUOTED]
    if key == "sslmode" and setting not in SSL_MODES:
        raise ConfigError(
            "database_url_sslmode", name=name, value=quoted, allowed=", ".join(SSL_MODES)
        )
    if key == "ssl" and setting not in SSL_SWITCHES + SSL_MODES:
        allowed = ", ".join(SSL_SWITCHES + SSL_MODES)
        raise ConfigError("database_url_ssl", name=name, value=quoted, allowed=allowed)
    if key == "sslrootcert" and not Path(setting).expanduser().is_file():
        raise ConfigError("database_url_sslrootcert", name=name, value=setting[:200])
    if key == "host" and (has_host or not setting):
        raise ConfigError("database_url_host", name=name, value=quoted)
    if key in WHOLE_PARAMETERS:
        minimum = WHOLE_PARAMETERS[key]
        if not (setting.isascii() and setting.isdecimal() and int(setting) >= minimum):
            raise ConfigError(
                "database_url_whole", name=name, key=key, value=quoted, minimum=minimum
            )
    if key in SECONDS_PARAMETERS and not _seconds(setting, zero=key != "command_timeout"):
        raise ConfigError("database_url_seconds", name=name, key=key, value=quoted)


def _seconds(setting: str, *, zero: bool) -> bool:
    """Whether `setting` is a finite number of seconds (above 0, or 0 too when `zero`)."""
    try:
        seconds = float(setting)
    except ValueError:
        return False
    return (
        seconds == seconds and seconds != float("inf") and (seconds > 0 or (zero and seconds == 0))
    )
