"""Connecting to the database and applying migrations.

`TORTOISE_ORM` is what the `tortoise` CLI reads (see `[tool.tortoise]` in pyproject.toml), so
`tortoise makemigrations` and `tortoise migrate` work on the same configuration as the bot.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import os
import pkgutil
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url

from reportbot.startup_errors import ConfigError, StartupError

if TYPE_CHECKING:
    from reportbot.store.migrating import MigrationOutcome

T = TypeVar("T")
log = logging.getLogger(__name__)

DEFAULT_DATABASE_URL = "sqlite://reportbot.db"
MODELS_MODULE = "reportbot.store.models"
MIGRATIONS_PACKAGE = "migrations"
SUPPORTED_SCHEMES = ("sqlite", "postgres", "postgresql", "asyncpg")
CONNECT_TIMEOUT_S = 10.0
STATEMENT_TIMEOUT_S = 20.0
# A transaction whose client gave up on it (a statement timed out while the server was frozen)
# stays open on the server, holding its row locks, and every later write of those rows times
# out: the server ends such a session once it has been idle inside a transaction this long
# (found by drills/crash.py --fault pg-freeze).
IDLE_IN_TRANSACTION_S = 20.0
# Seconds one migration step may take (REPORTBOT_MIGRATE_STEP_TIMEOUT); a longer one is
# rolled back and said as such (`reportbot.store.migrating`).
DEFAULT_MIGRATE_STEP_TIMEOUT = 120


class DatabaseUnavailable(StartupError, RuntimeError):
    """The database could not be reached or prepared; one clear line in one language."""


async def _keep_session(_connection: Any) -> None:
    """What asyncpg's pool runs when a connection comes back: nothing more than its own
    rollback of an unfinished transaction (issue 17, brief "notify").

    asyncpg's default sends one more query per release (`pg_advisory_unlock_all(); CLOSE ALL;
    UNLISTEN *; RESET ALL`), and tortoise takes a connection for every statement outside a
    transaction: a round trip per statement, 14% of a worker's busy samples in py-spy. Pool
    connections here never hold session state (no SET, LISTEN, cursor or session advisory
    lock: those use connections of their own), so there is nothing to reset.
    """
    return None


def tortoise_config(
    database_url: str, pool_size: int | None = None, statement_timeout: float | None = None
) -> dict[str, Any]:
    """Build the tortoise configuration for a database URL.

    On PostgreSQL a connection attempt gives up after CONNECT_TIMEOUT_S and a statement after
    STATEMENT_TIMEOUT_S: a database that is down or frozen must fail a webhook quickly (which
    then answers 503, and the platform retries) rather than hold it until the platform gives up.
    `pool_size` (REPORTBOT_DATABASE_POOL) is the most connections the process's pool opens;
    None keeps the URL's `maxsize` or tortoise's default of 5. SQLite has no pool.
    `statement_timeout` replaces STATEMENT_TIMEOUT_S (a migration step may take longer).
    """
    url = database_url
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    connection: str | dict[str, Any] = url
    if not url.startswith("sqlite"):
        expanded = expand_db_url(url)
        query = dict(parse_qsl(urlsplit(url).query))  # the last of a repeated key, as tortoise
        expanded["credentials"].pop("sslmode", None)
        expanded["credentials"].pop("sslrootcert", None)
        # libpq's sslmode, else asyncpg's own ssl (tortoise's bool() makes "false" True)
        if mode := query.get("sslmode") or query.get("ssl"):
            expanded["credentials"]["ssl"] = ssl_setting(mode, query.get("sslrootcert"))
        expanded["credentials"].setdefault("timeout", CONNECT_TIMEOUT_S)
        statement = STATEMENT_TIMEOUT_S if statement_timeout is None else statement_timeout
        expanded["credentials"].setdefault("command_timeout", statement)
        expanded["credentials"].setdefault("reset", _keep_session)
        if pool_size is not None:
            expanded["credentials"]["maxsize"] = pool_size
        idle_ms = str(int(IDLE_IN_TRANSACTION_S * 1000))
        settings = expanded["credentials"].setdefault("server_settings", {})
        settings.setdefault("idle_in_transaction_session_timeout", idle_ms)
        connection = expanded
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": [MODELS_MODULE],
                "default_connection": "default",
                "migrations": MIGRATIONS_PACKAGE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def session_arguments(database_url: str) -> dict[str, Any]:
    """`asyncpg.connect` keyword arguments for a PostgreSQL connection outside the pool (a
    worker's session, the migration lock), from the same credentials the store uses.

    The raw URL would not do: asyncpg sends query parameters it does not know (tortoise's
    `?maxsize=`, `?minsize=`) to the server as settings, and the server refuses the connection
    ("unrecognized configuration parameter"). Pool-only keys are dropped here.
    """
    import asyncpg

    credentials = tortoise_config(database_url)["connections"]["default"]["credentials"]
    accepted = set(inspect.signature(asyncpg.connect).parameters) - {"dsn", "loop"}
    arguments = {key: value for key, value in credentials.items() if key in accepted}
    arguments["server_settings"] = dict(arguments.get("server_settings") or {})
    return arguments


def ssl_setting(mode: str, root_certificate: str | None) -> bool | str | ssl.SSLContext:
    """asyncpg's `ssl` for libpq's sslmode (or asyncpg's true/false) and sslrootcert.

    asyncpg reads sslrootcert only from a DSN or PGSSLROOTCERT, never as a keyword, so with
    a CA file the context is built here as libpq would: verify-full checks the certificate
    and the host name, verify-ca (and require, as libpq does when a root file is given) the
    certificate only. Below require, libpq ignores the file and so does this.
    """
    if mode in ("true", "false"):
        return mode == "true"
    if not root_certificate or mode not in ("require", "verify-ca", "verify-full"):
        return mode
    path = os.path.expanduser(root_certificate)
    try:
        context = ssl.create_default_context(cafile=path)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(
            "database_url_sslrootcert", name="REPORTBOT_DATABASE_URL", value=root_certificate
        ) from exc
    context.check_hostname = mode == "verify-full"
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def __getattr__(name: str) -> Any:
    """`TORTOISE_ORM`, built when the tortoise CLI reads it (not when this module is imported:
    a wrong setting must reach the operator as reportbot's one line, not an import error)."""
    if name == "TORTOISE_ORM":
        return tortoise_config(os.environ.get("REPORTBOT_DATABASE_URL", DEFAULT_DATABASE_URL))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def describe(database_url: str) -> str:
    """Return the URL without its password, for messages and logs."""
    parts = urlsplit(database_url)
    if parts.password is None:
        return database_url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()


def shipped_migrations() -> list[str]:
    """The migrations this installed version ships, oldest first ('0008_organisation_sheets')."""
    package = importlib.import_module(MIGRATIONS_PACKAGE)
    names = (module.name for module in pkgutil.iter_modules(package.__path__))
    return sorted(name for name in names if name[:4].isdigit())


async def migrate_database(
    database_url: str, step_timeout: float = DEFAULT_MIGRATE_STEP_TIMEOUT
) -> MigrationOutcome:
    """Apply pending migrations, each with its record in one transaction
    (`reportbot.store.migrating`) and at most `step_timeout` seconds, then close the
    connections; what was applied."""
    from reportbot.store.migrating import MigrationRefused, apply_pending

    _check_sqlite_folder(database_url)

    async def migrate_and_close() -> MigrationOutcome:
        # Tortoise keeps its context in a ContextVar: connections opened inside this task
        # must be closed inside it too, or the SQLite thread keeps the process alive.
        try:
            config = tortoise_config(database_url, statement_timeout=step_timeout)
            return await apply_pending(config, shipped_migrations(), step_timeout)
        finally:
            await Tortoise.close_connections()

    try:
        # No bound on the whole: each statement has the step's time (PostgreSQL), each step
        # too (`apply_pending`), and a step that runs out of it is said as such, not as an
        # unreachable database.
        return await migrate_and_close()
    except MigrationRefused:
        raise
    except (OSError, TimeoutError, ConnectionError) as exc:
        raise unreachable(database_url, exc) from exc
    except Exception as exc:
        if looks_like_connection_error(exc):
            raise unreachable(database_url, exc) from exc
        raise


async def open_database(
    database_url: str,
    *,
    migrate_first: bool = True,
    pool_size: int | None = None,
    step_timeout: float = DEFAULT_MIGRATE_STEP_TIMEOUT,
) -> None:
    """Migrate (by default, each step within `step_timeout` s), then initialise tortoise for
    the application (its PostgreSQL pool opens at most `pool_size` connections; tortoise's
    default when None)."""
    _check_sqlite_folder(database_url)
    if migrate_first:
        await migrate_database(database_url, step_timeout)
    try:
        await Tortoise.init(config=tortoise_config(database_url, pool_size))
        await connections.get("default").execute_query("SELECT 1")
    except Exception as exc:
        if isinstance(exc, OSError | TimeoutError) or looks_like_connection_error(exc):
            raise unreachable(database_url, exc) from exc
        raise


async def close_database() -> None:
    """Close every connection tortoise holds."""
    await Tortoise.close_connections()


async def with_database(database_url: str, work: Callable[[], Awaitable[T]]) -> T:
    """Run one command's `work` on an open database, closed again whatever happens."""
    await open_database(database_url)
    try:
        return await work()
    finally:
        await close_database()


def dialect() -> str:
    """The SQL dialect of the default connection: 'sqlite' or 'postgres'."""
    return connections.get("default").capabilities.dialect


def _check_sqlite_folder(database_url: str) -> None:
    """Refuse a SQLite file in a folder that does not exist, before tortoise tries.

    tortoise 1.1 waits forever closing a SQLite connection that could not be opened, so this
    is checked here rather than left to the driver's error.
    """
    if not database_url.startswith("sqlite://"):
        return
    path = Path(database_url.removeprefix("sqlite://").split("?", 1)[0])
    if str(path) == ":memory:":
        return
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise DatabaseUnavailable("db_folder_missing", url=database_url, folder=str(folder))
    if not os.access(folder, os.W_OK):
        raise DatabaseUnavailable("db_folder_read_only", url=database_url, folder=str(folder))


def unreachable(database_url: str, exc: BaseException) -> DatabaseUnavailable:
    """The error for a database that did not answer; the driver's reason quoted as it came."""
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    # asyncpg's ClientConfigurationError: most often sslmode=verify-* without a CA file
    key = "db_client_setting" if _is_client_setting(exc) else "db_unreachable"
    return DatabaseUnavailable(key, url=describe(database_url), reason=reason)


def _is_client_setting(exc: BaseException) -> bool:
    return type(exc).__name__ == "ClientConfigurationError"


def looks_like_connection_error(exc: BaseException) -> bool:
    """Whether a driver's error means the database did not answer (not a refused statement)."""
    name = type(exc).__name__
    text = str(exc).lower()
    return (
        "Connection" in name
        or _is_client_setting(exc)
        or "DBConnectionError" in name
        or "unable to open database" in text
        or ("does not exist" in text and "database" in text)
        or "connection refused" in text
    )


def out_of_reach(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) says the database could not be reached or refused to
    write (a server down, a full disk): an outage to report in one line, not a defect."""
    chain: list[BaseException] = []
    error: BaseException | None = exc
    while error is not None and len(chain) < 8:  # bounded: a chain of causes is short
        chain.append(error)
        error = error.__cause__ or error.__context__
    return storage_problem(exc) is not None or any(
        isinstance(link, ConnectionError) or looks_like_connection_error(link) for link in chain
    )


async def ping(connection_name: str = "default") -> None:
    """Run `SELECT 1`; raises when the database does not answer (the caller bounds the wait)."""
    await connections.get(connection_name).execute_query("SELECT 1")


def pool_usage(connection_name: str = "default") -> tuple[int, int, int] | None:
    """(in use, idle, maximum) connections of the PostgreSQL pool; None on SQLite (no pool)."""
    try:
        client = connections.get(connection_name)
    except Exception:  # not initialised yet
        return None
    pool = getattr(client, "_pool", None)  # tortoise's asyncpg client keeps its asyncpg.Pool here
    if pool is None or not hasattr(pool, "get_idle_size"):
        return None
    size, idle = pool.get_size(), pool.get_idle_size()
    return size - idle, idle, pool.get_max_size()


# A write the database refused for lack of room or of permission: SQLite's result codes
# (sqlite.org/rescode.html: SQLITE_FULL, SQLITE_READONLY_*), PostgreSQL's SQLSTATE
# (53100 disk_full, 25006 read_only_sql_transaction, e.g. a standby server).
_FULL = frozenset({"SQLITE_FULL", "53100"})
_READ_ONLY_PREFIXES = ("SQLITE_READONLY", "25006")


def storage_refusal(database_url: str, exc: BaseException) -> DatabaseUnavailable | None:
    """The one-line error for a write refused because the disk is full or the database is
    read-only (tortoise's OperationalError, or the driver's own), or None for anything else.

    The store translates it so that no caller imports the ORM, and a command line prints one
    line instead of a trace ending in `OperationalError: database or disk is full`.
    """
    kind = storage_problem(exc)
    if kind is None:
        return None
    if kind == "read_only" and not database_url.startswith("sqlite"):
        # PostgreSQL's 25006 is a standby or default_transaction_read_only, not a file to chown.
        kind = "read_only_server"
    return DatabaseUnavailable(f"db_{kind}", url=describe(database_url))


def storage_problem(exc: BaseException) -> str | None:
    """'full', 'read_only' or None: why the database refused a write, read from the error's
    code (or its text) along the chain of causes (tortoise wraps the driver's error)."""
    seen: set[int] = set()
    pending: list[object] = [exc]
    while pending and len(seen) < 8:  # bounded: a chain of causes is a few links long
        error = pending.pop()
        if not isinstance(error, BaseException) or id(error) in seen:
            continue
        seen.add(id(error))
        code = str(getattr(error, "sqlite_errorname", "") or getattr(error, "sqlstate", "") or "")
        text = str(error).lower()
        if code in _FULL or "database or disk is full" in text:
            return "full"
        if code.startswith(_READ_ONLY_PREFIXES) or "readonly database" in text:
            return "read_only"
        pending.extend([*error.args[:1], error.__cause__, error.__context__])
    return None
