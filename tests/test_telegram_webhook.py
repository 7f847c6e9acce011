"""The Telegram connector in webhook mode: the route on the shared web app and its secret."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from connectors.base import Choice, ConnectorContext, Incoming, Outgoing
from connectors.telegram import TelegramConfigError, TelegramConnector, create
from tests.fakes.telegram import FakeTelegram, Script, bot_env

USER = 424242
SECRET = "s3cret-Token_for-tests"


@dataclass
class Webhook:
    connector: TelegramConnector
    script: Script
    url: str


def reply(incoming: Incoming) -> list[Outgoing]:
    if incoming.choice is not None:
        return [Outgoing(f"Đã chọn {incoming.choice}")]
    return [Outgoing("Có kế hoạch chưa?", choices=(Choice("Có", "yes"), Choice("Không", "no")))]


@pytest.fixture
async def webhook(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[Webhook]:
    # The route must exist before the web app starts, and the URL needs the port: bind first.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/hooks/tg"
    app = web.Application()
    script = Script(reply)
    env = bot_env(tg, WEBHOOK_URL=url, WEBHOOK_SECRET=SECRET)
    connector = create(ConnectorContext(handler=script, env=env, web_app=app, media_dir=tmp_path))
    assert connector is not None
    runner = web.AppRunner(app, shutdown_timeout=0.2)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    await connector.start()
    yield Webhook(connector, script, url)
    await connector.stop()
    await runner.cleanup()


async def test_start_sets_the_webhook_with_its_secret(tg: FakeTelegram, webhook: Webhook) -> None:
    assert tg.webhook is not None
    assert tg.webhook["url"] == webhook.url
    assert tg.webhook["secret_token"] == SECRET
    assert tg.webhook["allowed_updates"] == ["message", "edited_message", "callback_query"]
    assert not tg.calls_of("getUpdates"), "no polling in webhook mode"
    assert not tg.calls_of("deleteWebhook")


async def test_update_with_the_secret_is_handled(tg: FakeTelegram, webhook: Webhook) -> None:
    status = await tg.post_webhook(webhook.url, tg.text_update(USER, "/baocao"), SECRET)
    assert status == 200
    assert webhook.script.seen[0].text == "/baocao", "handled before the 200 is returned"
    (question,) = await tg.wait_bot_messages(USER, 1)
    assert tg.buttons(question) == [["Có", "Không"]]

    status = await tg.post_webhook(webhook.url, tg.press(USER, "Có"), SECRET)
    assert status == 200
    assert webhook.script.seen[1].choice == "yes"
    await tg.wait_for(lambda: "Đã chọn yes" in tg.sent_texts(USER))
    assert tg.bot_messages(USER)[0]["text"] == "Có kế hoạch chưa?\n\n✅ Có"
    assert len(tg.answered_callbacks) == 1


@pytest.mark.parametrize(
    ("secret", "status"),
    [(None, 401), ("wrong-secret", 403), (SECRET + "x", 403), (SECRET[:-1], 403), ("", 403)],
)
async def test_missing_or_wrong_secret_is_refused(
    tg: FakeTelegram, webhook: Webhook, secret: str | None, status: int
) -> None:
    update = tg.text_update(USER, "giả mạo")
    assert await tg.post_webhook(webhook.url, update, secret) == status
    assert webhook.script.seen == []
    assert not tg.calls_of("sendMessage")


async def test_garbage_with_the_right_secret_is_a_bad_request(
    tg: FakeTelegram, webhook: Webhook
) -> None:
    async with aiohttp.ClientSession() as http:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with http.post(webhook.url, data=b"{not json", headers=headers) as response:
            assert response.status == 400
        async with http.post(webhook.url, json={"no": "update_id"}, headers=headers) as response:
            assert response.status == 400
    assert webhook.script.seen == []


async def test_webhook_needs_a_web_app(tg: FakeTelegram) -> None:
    env = bot_env(tg, WEBHOOK_URL="https://bot.example.org/tg", WEBHOOK_SECRET=SECRET)
    with pytest.raises(TelegramConfigError, match="máy chủ web"):
        create(ConnectorContext(handler=Script(), env=env))


async def test_after_stop_updates_are_refused_for_a_later_retry(
    tg: FakeTelegram, webhook: Webhook
) -> None:
    await webhook.connector.stop()
    status = await tg.post_webhook(webhook.url, tg.text_update(USER, "muộn"), SECRET)
    assert status == 503, "Telegram keeps the update and delivers it again later"
    assert webhook.script.seen == []
