"""A webhook whose update the bot cannot store answers 503, and Zalo's retry is then taken in."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from connectors.base import ConnectorContext
from connectors.zalo_bot import ZaloBotConnector
from connectors.zalo_bot import create as create_bot
from reportbot.registration import create_invite
from reportbot.service import ConversationService
from reportbot.store import replies as reply_rows
from reportbot.store.models import InboxEntry, Unit
from tests.conftest import TZ, FakeClock
from tests.fakes._server import AppServer
from tests.fakes.zalo_bot import FakeZaloBot
from tests.support import load_shipped_forms, seed_commune
from tests.test_inbox import hold_the_database

SECRET = "inbox-webhook-secret"
FAST = {"request_timeout": 2.0, "retry_base": 0.01, "retry_max": 0.05, "rate": "1000,500"}


async def start_webhook(
    fake: FakeZaloBot, service: ConversationService, media: Path, **context: Any
) -> tuple[AppServer, ZaloBotConnector]:
    """A Zalo Bot connector in webhook mode on a real web server, handing updates to `service`."""
    server = AppServer()
    env = {
        **fake.env(),
        "REPORTBOT_ZALO_BOT_WEBHOOK_URL": server.url("/webhook/zalo-bot"),
        "REPORTBOT_ZALO_BOT_WEBHOOK_SECRET": SECRET,
    }
    connector = create_bot(
        ConnectorContext(
            handler=service, env=env, config=FAST, web_app=server.app, media_dir=media, **context
        )
    )
    assert isinstance(connector, ZaloBotConnector) and connector.mode == "webhook"
    await server.start()
    await connector.start()
    return server, connector


@pytest.mark.parametrize("store_first", [False, True], ids=["handle-then-answer", "store-first"])
async def test_a_webhook_answers_503_while_the_database_cannot_store_the_update(
    service: ConversationService,
    clock: FakeClock,
    tmp_path: Path,
    database_url: str,
    store_first: bool,
) -> None:
    invite = await create_invite(unit=await Unit.get(code="hoiphunu"), role="officer", now=clock())
    async with FakeZaloBot(max_poll=5) as fake:
        # With `accept` the bot stores the update, answers, and handles it afterwards.
        accept = service.accept if store_first else None
        server, connector = await start_webhook(fake, service, tmp_path, accept=accept)
        try:
            update = fake.text(f"/start {invite.code}", user_id="zb-1", message_id="m-1")
            async with hold_the_database(database_url):
                assert await fake.deliver(update) == 503  # not stored: not acknowledged
            assert await InboxEntry.filter(user_id="zb-1").count() == 0
            # The platform delivers the same update again once the database answers.
            assert await fake.deliver(update) == 200
            await connector.flush(timeout=5)
        finally:
            await connector.stop(timeout=5)
            await server.stop()
        assert sum("Đăng ký thành công" in text for text in fake.texts()) == 1
    assert await InboxEntry.filter(status="done").count() == 1


async def test_replies_are_confirmed_once_zalo_has_them(
    db: str, clock: FakeClock, tmp_path: Path
) -> None:
    """Through the real connector: the kept replies disappear once Zalo accepted them."""
    await seed_commune()
    await load_shipped_forms()
    service = ConversationService(TZ, clock=clock, keeps_replies=lambda p: p == "zalo_bot")
    invite = await create_invite(unit=await Unit.get(code="hoiphunu"), role="officer", now=clock())
    async with FakeZaloBot(max_poll=5) as fake:
        server, connector = await start_webhook(
            fake, service, tmp_path, delivered=service.delivered
        )
        assert connector.capabilities.confirms_delivery
        try:
            update = fake.text(f"/start {invite.code}", user_id="zb-2", message_id="m-1")
            assert await fake.deliver(update) == 200
            assert await fake.deliver(fake.text("/baocao", user_id="zb-2", message_id="m-2")) == 200
            await connector.flush(timeout=5)
            await wait_until(lambda: reply_rows.backlog(), 0)
        finally:
            await connector.stop(timeout=5)
            await server.stop()
        assert any("Chọn báo cáo" in text for text in fake.texts())
    await service.close()


async def wait_until(read: Any, expected: object, timeout: float = 10.0) -> None:
    """Wait until `await read()` equals `expected`, or fail after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while (value := await read()) != expected:
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"still {value!r}, expected {expected!r}")
        await asyncio.sleep(0.05)
