"""The start holds new updates until the last run's are recovered: one hold, released once
(`ConversationService.recovery_hold`), whatever happens; and a connector with nothing to
settle after a recovery (the console, the Zalo connectors) needs no code for it
(`Connector.settle_recovered`'s default).
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from connectors.base import Incoming, Outgoing
from connectors.console import ConsoleConnector
from reportbot.app import Application
from reportbot.config import load_settings
from reportbot.service import ConversationService
from reportbot.store.models import InboxEntry
from tests.conftest import TZ, FakeClock
from tests.support import seed_commune, sqlite_app_env

USER = "u-hoiphunu"
OPENED = Incoming("console", USER, USER, text="/baocao", update_id="1")
# A press on the report list, as a connector with buttons would have stored it.
PRESSED = Incoming(
    "console", USER, USER, choice="1", update_id="2", message_id="41", reply_to_question="x"
)


class SettleFails(ConsoleConnector):
    """A connector whose tidying after recovery raises (a plugin's bug)."""

    def settle_recovered(self, message: Incoming, replies: Sequence[Outgoing]) -> None:
        raise RuntimeError("settle broke")


@pytest.fixture
async def app(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Application]:
    """The bot of the next start: its last run stored two updates and died before handling."""
    env = sqlite_app_env(tmp_path)
    application = Application(load_settings(env=env, config_file=None), clock=clock)
    await application.open()
    try:
        await seed_commune()
        last_run = ConversationService(TZ, clock=clock)
        for update in (OPENED, PRESSED):
            assert await last_run.committer.accept(update, clock()) == "new"
        await last_run.close()
        yield application
    finally:
        await application.close()


async def statuses() -> dict[str, str]:
    rows = await InboxEntry.filter(platform="console").values_list("update_id", "status")
    return {str(update_id): str(status) for update_id, status in rows}


async def test_recovery_through_a_connector_with_nothing_to_settle(app: Application) -> None:
    out = io.StringIO()
    app.connectors.append(
        ConsoleConnector(app.service, user_id=USER, stdout=out, stdin=io.StringIO())
    )
    await app.start()
    assert await statuses() == {"1": "done", "2": "done"}
    assert "Câu 1/27" in out.getvalue()  # the recovered replies went out


async def test_a_failed_recovery_is_logged_and_still_lets_new_updates_through(
    app: Application, caplog: pytest.LogCaptureFixture
) -> None:
    app.connectors.append(SettleFails(app.service, user_id=USER, stdin=io.StringIO()))
    with caplog.at_level(logging.ERROR, logger="reportbot.service"), pytest.raises(RuntimeError):
        await app.start()
    (record,) = [r for r in caplog.records if r.name == "reportbot.service"]
    # The traceback is kept: raw, or already formatted and redacted by the project's log
    # filter when an earlier test of this process installed it (it then drops exc_info).
    trace = record.exc_text or (
        record.exc_info and logging.Formatter().formatException(record.exc_info)
    )
    assert "recovery" in record.getMessage() and "RuntimeError" in (trace or "")
    # Held, this would wait for good: the hold went with the failed start.
    later = Incoming("console", USER, USER, text="/trogiup", update_id="3")
    assert await asyncio.wait_for(app.service(later), timeout=30)
