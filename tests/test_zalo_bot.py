"""The Zalo Bot Platform connector against the fake Zalo Bot API, over real HTTP."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from connectors.base import (
    Address,
    Choice,
    ConnectorContext,
    ConnectorStartError,
    DeliveryError,
    Incoming,
    Outgoing,
)
from connectors.sending import DeliveryUncertain
from connectors.text_split import split_text
from connectors.zalo_bot import ZaloBotConnector, create
from connectors.zalo_bot.updates import parse_update, unwrap
from tests.fakes._server import AppServer, ScriptedHandler
from tests.fakes.zalo_bot import PNG, FakeZaloBot

SECRET = "s3cret-webhook-token"
FAST = {
    "poll_timeout": 0.2,
    "request_timeout": 1.0,
    "retry_base": 0.01,
    "retry_max": 0.05,
    "rate": "500,200",
    "burst": 50,
}


@pytest.fixture
async def fake() -> AsyncIterator[FakeZaloBot]:
    async with FakeZaloBot(max_poll=5) as server:
        yield server


@pytest.fixture
async def polling(fake: FakeZaloBot, tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    """Start a polling connector with a handler and config overrides."""
    started: list[ZaloBotConnector] = []

    async def start(handler: Any, **config: Any) -> ZaloBotConnector:
        context = ConnectorContext(
            handler=handler,
            env=fake.env(),
            config={**FAST, **config},
            media_dir=tmp_path / "media",
            public_base_url=config.pop("public_base_url", None),
        )
        connector = create(context)
        assert isinstance(connector, ZaloBotConnector)
        await connector.start()
        started.append(connector)
        return connector

    yield start
    for connector in started:
        await connector.stop(timeout=5)


@pytest.fixture
async def webhook(fake: FakeZaloBot, tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    """Start a webhook connector on a real aiohttp app listening on 127.0.0.1."""
    runners: list[tuple[ZaloBotConnector, AppServer]] = []

    async def start(handler: Any, **config: Any) -> tuple[ZaloBotConnector, str]:
        server = AppServer()
        url = server.url("/hooks/zalo-bot")
        context = ConnectorContext(
            handler=handler,
            env=fake.env(
                REPORTBOT_ZALO_BOT_WEBHOOK_URL=url,
                REPORTBOT_ZALO_BOT_WEBHOOK_SECRET=SECRET,
            ),
            config={**FAST, **config},
            web_app=server.app,
            media_dir=tmp_path / "media",
        )
        connector = create(context)
        assert isinstance(connector, ZaloBotConnector)
        await server.start()
        await connector.start()
        runners.append((connector, server))
        return connector, url

    yield start
    for connector, server in runners:
        await connector.stop(timeout=5)
        await server.stop()


# --- configuration --------------------------------------------------------------------------


def test_not_configured_without_token() -> None:
    context = ConnectorContext(handler=ScriptedHandler(), env={})
    assert create(context) is None


@pytest.mark.parametrize("secret", ["short", "x" * 257])
def test_webhook_secret_length_is_checked(secret: str) -> None:
    env = {
        "REPORTBOT_ZALO_BOT_TOKEN": "1:abc",
        "REPORTBOT_ZALO_BOT_WEBHOOK_URL": "https://example.org/webhook/zalo-bot",
        "REPORTBOT_ZALO_BOT_WEBHOOK_SECRET": secret,
    }
    context = ConnectorContext(handler=ScriptedHandler(), env=env, web_app=web.Application())
    with pytest.raises(ValueError, match="8 đến 256 ký tự"):
        create(context)


def test_webhook_url_without_secret_is_refused() -> None:
    env = {
        "REPORTBOT_ZALO_BOT_TOKEN": "1:abc",
        "REPORTBOT_ZALO_BOT_WEBHOOK_URL": "https://example.org/webhook/zalo-bot",
    }
    context = ConnectorContext(handler=ScriptedHandler(), env=env, web_app=web.Application())
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        create(context)


def test_webhook_route_is_added_at_creation() -> None:
    env = {
        "REPORTBOT_ZALO_BOT_TOKEN": "1:abc",
        "REPORTBOT_ZALO_BOT_WEBHOOK_URL": "https://example.org/webhook/zalo-bot",
        "REPORTBOT_ZALO_BOT_WEBHOOK_SECRET": SECRET,
    }
    app = web.Application()
    connector = create(ConnectorContext(handler=ScriptedHandler(), env=env, web_app=app))
    assert connector is not None and connector.mode == "webhook"
    paths = {route.resource.canonical for route in app.router.routes() if route.method == "POST"}
    assert paths == {"/webhook/zalo-bot"}
    assert connector.capabilities.buttons is False
    assert connector.capabilities.commands_need_slash is False
    assert connector.capabilities.max_text_length == 2000


async def test_refused_token_fails_start_without_leaking_it(fake: FakeZaloBot) -> None:
    context = ConnectorContext(
        handler=ScriptedHandler(),
        env={
            "REPORTBOT_ZALO_BOT_TOKEN": "999:wrong-token",
            "REPORTBOT_ZALO_BOT_API_URL": fake.base_url,
        },
    )
    connector = create(context)
    assert connector is not None
    with pytest.raises(ConnectorStartError, match="REPORTBOT_ZALO_BOT_TOKEN") as caught:
        await connector.start()
    assert "Zalo từ chối token" in caught.value.text("vi")
    assert "the token was refused" in caught.value.text("en")
    assert all("wrong-token" not in text for text in caught.value.texts.values())


# --- polling --------------------------------------------------------------------------------


async def test_polling_text_becomes_incoming_and_reply_is_numbered(
    fake: FakeZaloBot, polling: Callable[..., Any]
) -> None:
    question = Outgoing(
        text="Đơn vị đã ban hành kế hoạch chưa?",
        choices=(
            Choice("Đã ban hành", "yes"),
            Choice("Chưa", "no"),
            Choice("Hủy", "/huy"),
        ),
    )
    handler = ScriptedHandler(lambda m: [question])
    await polling(handler)
    update = fake.text("ABC123", user_id="u-7", display_name="Trần Thị Bình", message_id="m-1")
    fake.queue(update)
    await fake.wait_for(lambda: len(fake.sent) == 1)

    assert fake.count("deleteWebhook") == 1
    [incoming] = handler.incoming
    assert incoming.platform == "zalo_bot"
    assert incoming.user_id == "u-7" and incoming.chat_id == "u-7"
    assert incoming.text == "ABC123"
    assert incoming.display_name == "Trần Thị Bình"
    assert incoming.update_id == "message.text.received:m-1"
    assert incoming.message_id == "m-1"
    assert incoming.is_private is True
    assert incoming.received_at is not None
    assert fake.sent[0]["chat_id"] == "u-7"
    assert fake.sent[0]["text"] == (
        "Đơn vị đã ban hành kế hoạch chưa?\n\n1. Đã ban hành\n2. Chưa\n• Hủy: huy"
    )


async def test_polling_survives_empty_polls_and_errors(
    fake: FakeZaloBot, polling: Callable[..., Any]
) -> None:
    handler = ScriptedHandler()
    fake.fail("getUpdates", 2, error_code=502, description="Bad Gateway")
    await polling(handler)
    # Let a few empty long polls (408) pass before anything arrives.
    await fake.wait_for(lambda: fake.count("getUpdates") >= 4)
    fake.queue(fake.text("xin chào"))
    await fake.wait_for(lambda: fake.texts() == ["Đã nhận: xin chào"])
    assert [m.text for m in handler.incoming] == ["xin chào"]


async def test_one_update_per_poll_keeps_order_in_a_chat(
    fake: FakeZaloBot, polling: Callable[..., Any]
) -> None:
    handler = ScriptedHandler()
    await polling(handler)
    for number in range(1, 6):
        fake.queue(fake.text(str(number), user_id="u-1"))
    await fake.wait_for(lambda: len(fake.sent) == 5)
    assert [m.text for m in handler.incoming] == ["1", "2", "3", "4", "5"]
    assert fake.texts("u-1") == [f"Đã nhận: {n}" for n in range(1, 6)]


async def test_group_chat_is_not_private(fake: FakeZaloBot, polling: Callable[..., Any]) -> None:
    handler = ScriptedHandler()
    await polling(handler)
    fake.queue(fake.text("1", user_id="u-1", chat_id="g-9", chat_type="GROUP"))
    await fake.wait_for(lambda: len(fake.sent) == 1)
    assert handler.incoming[0].is_private is False
    assert handler.incoming[0].chat_id == "g-9"
    assert fake.sent[0]["chat_id"] == "g-9"


async def test_duplicate_updates_carry_the_same_update_id(
    fake: FakeZaloBot, polling: Callable[..., Any]
) -> None:
    handler = ScriptedHandler()
    await polling(handler)
    update = fake.text("gui", message_id="dup-1")
    fake.queue(update)
    fake.queue(update)
    fake.queue(fake.image(fake.add_photo(), message_id="dup-1"))
    await fake.wait_for(lambda: len(handler.incoming) == 3)
    ids = [m.update_id for m in handler.incoming]
    assert ids[0] == ids[1] == "message.text.received:dup-1"
    assert ids[2] == "message.image.received:dup-1"


async def test_long_reply_is_split_on_lines_under_2000(
    fake: FakeZaloBot, polling: Callable[..., Any]
) -> None:
    lines = [f"{n}. Câu trả lời số {n}: " + "nội dung " * 8 for n in range(1, 61)]
    review = "\n".join(lines)
    assert len(review) > 4000
    handler = ScriptedHandler(lambda m: [Outgoing(text=review)])
    await polling(handler)
    fake.queue(fake.text("xem lai"))
    expected = len(split_text(review, 2000))
    await fake.wait_for(lambda: len(fake.sent) >= expected)
    texts = fake.texts()
    assert all(1 <= len(t) <= 2000 for t in texts)
    assert "\n".join(texts) == review


async def test_photo_is_downloaded_into_media_dir(
    fake: FakeZaloBot, polling: Callable[..., Any], tmp_path: Path
) -> None:
    handler = ScriptedHandler(lambda m: [Outgoing(text="Đã nhận ảnh.")])
    await polling(handler)
    url = fake.add_photo("hoi-nghi.png")
    fake.queue(fake.image(url, caption="Hội nghị", message_id="img-1"))
    await fake.wait_for(lambda: len(fake.sent) == 1)
    attachment = handler.incoming[0].attachment
    assert attachment is not None and attachment.kind == "photo"
    assert attachment.url == url
    assert attachment.path is not None
    path = Path(attachment.path)
    assert path.parent == tmp_path / "media"
    assert path.read_bytes() == PNG
    assert path.suffix == ".png"
    assert handler.incoming[0].update_id == "message.image.received:img-1"


async def test_photo_that_cannot_be_downloaded_keeps_its_url(
    fake: FakeZaloBot, polling: Callable[..., Any]
) -> None:
    handler = ScriptedHandler(lambda m: [Outgoing(text="?")])
    await polling(handler)
    fake.queue(fake.image(f"{fake.base_url}/files/missing.png"))
    await fake.wait_for(lambda: len(fake.sent) == 1)
    attachment = handler.incoming[0].attachment
    assert attachment is not None and attachment.path is None
    assert attachment.url and attachment.url.endswith("missing.png")


async def test_sticker_and_unsupported_are_marked(
    fake: FakeZaloBot, polling: Callable[..., Any]
) -> None:
    handler = ScriptedHandler(
        lambda m: [Outgoing(text="Xin lỗi, tôi chỉ đọc được chữ và ảnh.")] if m.unsupported else []
    )
    await polling(handler)
    fake.queue(fake.sticker())
    fake.queue(fake.unsupported())
    await fake.wait_for(lambda: len(fake.sent) == 2)
    assert [m.unsupported for m in handler.incoming] == ["sticker", "unsupported"]
    assert all(m.text is None for m in handler.incoming)


async def test_captions_media_and_the_rest_are_read_like_telegram(
    fake: FakeZaloBot, polling: Callable[..., Any], tmp_path: Path
) -> None:
    handler = ScriptedHandler(lambda m: [Outgoing(text="ok")])
    await polling(handler)
    photo = fake.add_photo("bien_ban.png")
    fake.add_photo("bao_cao.pdf", data=b"%PDF-1.4 fake", mime="application/pdf")
    fake.queue(fake.image(photo, caption="Biên bản họp chi bộ"))
    fake.queue(fake.kind("file", file_url=f"{fake.base_url}/files/bao_cao.pdf", name="bc.pdf"))
    fake.queue(fake.kind("voice"))  # a voice note whose recording Zalo did not hand over
    fake.queue(fake.kind("location", location={"latitude": 21.0, "longitude": 105.8}))
    fake.queue(fake.sticker())
    await fake.wait_for(lambda: len(fake.sent) == 5)
    captioned, document, voice, place, sticker = handler.incoming
    assert captioned.text == "Biên bản họp chi bộ" and captioned.attachment is not None
    assert captioned.attachment.kind == "photo" and Path(captioned.attachment.path or "").is_file()
    assert document.attachment is not None and document.attachment.kind == "file"
    assert document.attachment.name == "bc.pdf"
    # A file stays a lazy reference (its URL): the media gate fetches it for a file question.
    assert document.attachment.path is None
    assert document.attachment.file_id == f"{fake.base_url}/files/bao_cao.pdf"
    assert place.location == (21.0, 105.8, None)  # a position, as Telegram reads one
    assert [voice.unsupported, place.unsupported, sticker.unsupported] == ["voice", None, "sticker"]
    assert all(m.text is None for m in (voice, place, sticker))


async def test_webhook_refuses_malformed_bodies_with_one_warning(
    fake: FakeZaloBot, webhook: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    handler = ScriptedHandler()
    _, url = await webhook(handler)
    deep = b'{"a":' * 10_000 + b"1" + b"}" * 10_000
    object_id = fake.text("x")
    object_id["message"]["from"]["id"] = {"$gt": ""}
    cases = [
        (deep, 400),
        (b"[1, 2]", 400),
        (b"\xff not json", 400),
        (b"x" * 70_000, 413),
        (json.dumps(object_id).encode(), 400),
    ]
    for body, status in cases:
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            got, _ = await fake.post_webhook(url, None, secret=SECRET, raw=body)
        assert got == status
        lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(lines) == 1 and lines[0].exc_info is None, [r.getMessage() for r in lines]
    assert handler.incoming == []


async def test_handler_error_gets_a_polite_apology(
    fake: FakeZaloBot, polling: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    def boom(incoming: Incoming) -> Sequence[Outgoing]:
        raise RuntimeError("database exploded")

    await polling(ScriptedHandler(boom))
    with caplog.at_level(logging.ERROR):
        fake.queue(fake.text("1"))
        await fake.wait_for(lambda: len(fake.sent) == 1)
    text = fake.sent[0]["text"]
    assert text.startswith("Xin lỗi")
    assert "Traceback" not in text and "database exploded" not in text
    assert "database exploded" in caplog.text


# --- sending: retries, rate limits, order -----------------------------------------------------


async def test_send_retries_errors_rate_limits_and_zalo_408_403(
    fake: FakeZaloBot, polling: Callable[..., Any]
) -> None:
    connector = await polling(ScriptedHandler(), request_timeout=0.3)
    fake.fail("sendMessage", 2, error_code=500)
    fake.rate_limit("sendMessage", 1, retry_after=0.05)
    fake.fail("sendMessage", 1, error_code=408, description="Request timeout")
    fake.fail("sendMessage", 1, error_code=403, description="Internal server error")
    fake.stall("sendMessage", 1, seconds=1.0)  # a reply-like send: see the next test
    address = Address(platform="zalo_bot", user_id="u-5", chat_id="u-5")
    with pytest.raises(DeliveryUncertain):
        await connector.send(address, [Outgoing(text="Nhắc nhở: hạn nộp báo cáo là 20/6.")])
    # Five answers that may pass were retried; the sixth attempt's answer never came, so the
    # reminder is reported uncertain and not sent again.
    assert fake.count("sendMessage") == 6
    await connector.send(address, [Outgoing(text="Nhắc nhở: hạn nộp báo cáo là 20/6.")])
    assert fake.texts("u-5") == ["Nhắc nhở: hạn nộp báo cáo là 20/6."]


async def test_non_json_error_page_fails_at_once(
    fake: FakeZaloBot, polling: Callable[..., Any]
) -> None:
    connector = await polling(ScriptedHandler())
    fake.fail_page("sendMessage", 1, status=404)
    address = Address(platform="zalo_bot", user_id="u-5", chat_id="u-5")
    with pytest.raises(DeliveryError, match="not a JSON answer"):
        await connector.send(address, [Outgoing(text="Nhắc nhở")])
    assert fake.count("sendMessage") == 1, "a non-JSON 4xx is not retried"
    await connector.send(address, [Outgoing(text="Sau trang lỗi")])
    assert fake.texts("u-5") == ["Sau trang lỗi"]


async def test_order_in_a_chat_is_kept_through_failures(
    fake: FakeZaloBot, polling: Callable[..., Any]
) -> None:
    connector = await polling(ScriptedHandler())
    fake.fail("sendMessage", 3, error_code=503)
    address = Address(platform="zalo_bot", user_id="u-5", chat_id="u-5")
    messages = [Outgoing(text=f"Tin {n}") for n in range(1, 7)]
    await connector.send(address, messages)
    assert fake.texts("u-5") == [f"Tin {n}" for n in range(1, 7)]


async def test_refused_recipient_raises_delivery_error(
    fake: FakeZaloBot, polling: Callable[..., Any]
) -> None:
    connector = await polling(ScriptedHandler())
    fake.refuse_chat("u-blocked")
    address = Address(platform="zalo_bot", user_id="u-blocked", chat_id="u-blocked")
    with pytest.raises(DeliveryError, match="400"):
        await connector.send(address, [Outgoing(text="Nhắc nhở")])
    # Other chats are not held up by the refused one.
    await connector.send(Address("zalo_bot", "u-2", "u-2"), [Outgoing(text="Nhắc nhở")])
    assert fake.texts("u-2") == ["Nhắc nhở"]


async def test_per_chat_rate_is_respected(fake: FakeZaloBot, polling: Callable[..., Any]) -> None:
    connector = await polling(ScriptedHandler(), rate="100,10", burst=1)
    address = Address(platform="zalo_bot", user_id="u-1", chat_id="u-1")
    await connector.send(address, [Outgoing(text=f"Tin {n}") for n in range(5)])
    stamps = [c.at for c in fake.calls if c.method == "sendMessage"]
    assert len(stamps) == 5
    # 10 per second with bursts of one: 5 messages span at least 0.4 s. Arrival jitter on a
    # busy machine may shift single gaps, so windows are counted rather than gaps measured.
    assert stamps[-1] - stamps[0] >= 0.35, stamps
    for start in stamps:
        assert sum(1 for t in stamps if start <= t < start + 0.2) <= 3, stamps


async def test_stop_drains_the_queue(fake: FakeZaloBot, tmp_path: Path) -> None:
    context = ConnectorContext(
        handler=ScriptedHandler(),
        env=fake.env(),
        config={**FAST, "rate": "100,20", "burst": 1},
        media_dir=tmp_path,
    )
    connector = create(context)
    assert connector is not None
    await connector.start()
    address = Address(platform="zalo_bot", user_id="u-1", chat_id="u-1")
    sending = asyncio.create_task(
        connector.send(address, [Outgoing(text=f"Tin {n}") for n in range(8)])
    )
    await fake.wait_for(lambda: len(fake.sent) >= 1)
    await connector.stop(timeout=5)
    await sending
    assert fake.texts("u-1") == [f"Tin {n}" for n in range(8)]


async def test_attachment_in_media_dir_is_sent_as_photo_url(
    fake: FakeZaloBot, polling: Callable[..., Any], tmp_path: Path
) -> None:
    chart = tmp_path / "media" / "charts" / "tong hop.png"
    chart.parent.mkdir(parents=True)
    chart.write_bytes(PNG)
    connector = await polling(ScriptedHandler(), public_base_url="https://bot.example.org")
    address = Address(platform="zalo_bot", user_id="u-1", chat_id="u-1")
    await connector.send(address, [Outgoing(text="Biểu đồ tổng hợp", attachment_path=str(chart))])
    assert fake.sent[0]["photo"] == "https://bot.example.org/media/charts/tong%20hop.png"
    assert fake.sent[1]["text"] == "Biểu đồ tổng hợp"


# --- webhook --------------------------------------------------------------------------------


async def test_webhook_registers_and_handles_bare_and_wrapped(
    fake: FakeZaloBot, webhook: Callable[..., Any]
) -> None:
    handler = ScriptedHandler()
    connector, url = await webhook(handler)
    assert connector.mode == "webhook"
    assert fake.webhook_url == url and fake.webhook_secret == SECRET
    assert fake.count("deleteWebhook") == 0

    assert await fake.deliver(fake.text("bare", message_id="w-1")) == 200
    assert await fake.deliver(fake.text("wrapped", message_id="w-2"), wrapped=True) == 200
    # The webhook answers after the handler ran, so the incoming messages are already there.
    assert [m.text for m in handler.incoming] == ["bare", "wrapped"]
    assert [m.update_id for m in handler.incoming] == [
        "message.text.received:w-1",
        "message.text.received:w-2",
    ]
    await fake.wait_for(lambda: len(fake.sent) == 2)
    assert fake.count("getUpdates") == 0


async def test_webhook_refuses_missing_and_wrong_secret(
    fake: FakeZaloBot, webhook: Callable[..., Any]
) -> None:
    handler = ScriptedHandler()
    _, url = await webhook(handler)
    update = fake.text("forged")
    status, _ = await fake.post_webhook(url, update)
    assert status == 401
    status, _ = await fake.post_webhook(url, update, secret="not-the-secret")
    assert status == 403
    status, _ = await fake.post_webhook(url, update, secret=SECRET[:-1])
    assert status == 403
    status, _ = await fake.post_webhook(url, update, secret=SECRET, raw=b"{not json")
    assert status == 400
    # A genuine update afterwards is the barrier: once it is handled, none before it was.
    status, _ = await fake.post_webhook(url, fake.text("barrier"), secret=SECRET)
    assert status == 200
    await fake.wait_for(lambda: len(handler.incoming) >= 1)
    assert [m.text for m in handler.incoming] == ["barrier"]


async def test_webhook_photo_and_sticker(fake: FakeZaloBot, webhook: Callable[..., Any]) -> None:
    handler = ScriptedHandler(lambda m: [Outgoing(text="ok")])
    await webhook(handler)
    await fake.deliver(fake.image(fake.add_photo("a.png")))
    await fake.deliver(fake.sticker(), wrapped=True)
    assert handler.incoming[0].attachment is not None
    assert handler.incoming[0].attachment.path is not None
    assert handler.incoming[1].unsupported == "sticker"


async def test_webhook_refuses_before_start(fake: FakeZaloBot, tmp_path: Path) -> None:
    server = AppServer()
    url = server.url("/webhook/zalo-bot")
    handler = ScriptedHandler()
    env = fake.env(REPORTBOT_ZALO_BOT_WEBHOOK_URL=url, REPORTBOT_ZALO_BOT_WEBHOOK_SECRET=SECRET)
    create(ConnectorContext(handler=handler, env=env, config=FAST, web_app=server.app))
    await server.start()
    try:
        status, _ = await fake.post_webhook(url, fake.text("early"), secret=SECRET)
    finally:
        await server.stop()
    assert status == 503
    assert handler.incoming == []


# --- update shapes (pure functions) ---------------------------------------------------------


@pytest.mark.parametrize(
    "photo",
    [
        {"photo_url": "https://f.zalo.me/a.jpg"},
        {"photo": "https://f.zalo.me/a.jpg"},
        {"photo": {"url": "https://f.zalo.me/a.jpg"}},
        {"photo": [{"url": "https://f.zalo.me/small.jpg"}, {"url": "https://f.zalo.me/a.jpg"}]},
    ],
)
def test_photo_url_in_every_shape_seen(photo: dict[str, Any]) -> None:
    update = {
        "event_name": "message.image.received",
        "message": {"from": {"id": "u1"}, "chat": {"id": "u1"}, "message_id": "m", **photo},
    }
    incoming = parse_update(update)
    assert incoming is not None and incoming.attachment is not None
    assert incoming.attachment.url == "https://f.zalo.me/a.jpg"


def test_update_without_event_name_is_inferred() -> None:
    # The sample in Zalo's own getUpdates documentation carries no event_name.
    update = {
        "message": {
            "chat": {"id": "c1", "chat_type": "PRIVATE"},
            "text": "Xin chào",
            "message_id": "16f6366b3f02645a3d15",
            "date": 1766619597466,
            "from": {"id": "c1", "first_name": "Nguyen Van A"},
        }
    }
    incoming = parse_update(update)
    assert incoming is not None
    assert incoming.update_id == "message.text.received:16f6366b3f02645a3d15"
    assert incoming.display_name == "Nguyen Van A"
    assert incoming.received_at is not None and incoming.received_at.year == 2025


@pytest.mark.parametrize(
    "body",
    [
        {"ok": False, "error_code": 500},
        {"ok": True, "result": None},
        [1, 2],
        {"event_name": "bot.added"},
    ],
)
def test_bodies_without_a_message_are_ignored(body: Any) -> None:
    update = unwrap(body)
    assert update is None or parse_update(update) is None


@pytest.mark.parametrize("value", ["abc", "0", "1,2,3", "-5"])
def test_bad_rate_setting_is_refused(value: str) -> None:
    env = {"REPORTBOT_ZALO_BOT_TOKEN": "1:abc", "REPORTBOT_ZALO_BOT_RATE": value}
    with pytest.raises(ValueError, match="REPORTBOT_ZALO_BOT_RATE"):
        create(ConnectorContext(handler=ScriptedHandler(), env=env))


def test_rate_setting_is_read() -> None:
    env = {"REPORTBOT_ZALO_BOT_TOKEN": "1:abc", "REPORTBOT_ZALO_BOT_RATE": "10,2"}
    connector = create(ConnectorContext(handler=ScriptedHandler(), env=env))
    assert connector is not None
    assert connector.capabilities.global_rate is not None
    assert connector.capabilities.global_rate.per_second == 10
    assert connector.capabilities.per_chat_rate is not None
    assert connector.capabilities.per_chat_rate.per_second == 2
