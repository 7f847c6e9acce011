"""Checks of a PostgreSQL REPORTBOT_DATABASE_URL beyond its scheme, made before any command.

The URL is handed to tortoise, which passes each query parameter to the driver (asyncpg) as a
keyword: one it does not know, or a port that is not a number, used to end every command in a
traceback. Here they are refused in one line that names the setting and the parameter, never
quoting the password. libpq's `sslmode` (what a hosted PostgreSQL's page gives) is accepted
and handed to the driver as its `ssl` (reportbot.store.database.tortoise_config).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from reportbot.startup_errors import ConfigError

# libpq's sslmode values; asyncpg's `ssl` takes the same words.
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
# Query parameters the store understands: libpq's sslmode, the pool's (tortoise) and the
# driver's (asyncpg.connect) that a deployment may want.
URL_PARAMETERS = (
    "sslmode",
    "minsize",
    "maxsize",
    "schema",
    "application_name",
    "timeout",
    "command_timeout",
    "statement_cache_size",
    "max_cached_statement_lifetime",
    "max_cacheable_statement_size",
    "max_queries",
    "max_inactive_connection_lifetime",
)
MAX_QUOTED = 40  # characters of an offending part quoted back


def check_postgres_url(name: str, value: str) -> None:
    """Raise ConfigError when the port or a query parameter of `value` cannot be used."""
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
        if key == "sslmode" and setting not in SSL_MODES:
            raise ConfigError(
                "database_url_sslmode",
                name=name,
                value=setting[:MAX_QUOTED],
                allowed=", ".join(SSL_MODES),
            )
