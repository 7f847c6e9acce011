"""The Zalo OA connector against the fake OA API and OAuth server, over real HTTP."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from connectors.base import Address, Choice, ConnectorContext, DeliveryError, Incoming, Outgoing
from connectors.sending import DeliveryUncertain
from connectors.zalo_oa import (
    MemoryTokenStore,
    MessagingWindowError,
    TokenPair,
    create,
)
from tests.fakes._server import ScriptedHandler
from tests.fakes.zalo_oa import PNG, FakeZaloOa

# --- configuration --------------------------------------------------------------------------


def test_not_configured_without_variables() -> None:
    assert create(ConnectorContext(handler=ScriptedHandler(), env={})) is None


def test_partial_configuration_names_what_is_missing() -> None:
    env = {"REPORTBOT_ZALO_OA_APP_ID": "1", "REPORTBOT_ZALO_OA_APP_SECRET": "x"}
    context = ConnectorContext(handler=ScriptedHandler(), env=env, web_app=web.Application())
    with pytest.raises(ValueError, match="REPORTBOT_ZALO_OA_SECRET_KEY") as caught:
        create(context)
    assert "REPORTBOT_ZALO_OA_REFRESH_TOKEN" in str(caught.value)


def test_webhook_server_is_required() -> None:
    env = {
        "REPORTBOT_ZALO_OA_APP_ID": "1",
        "REPORTBOT_ZALO_OA_APP_SECRET": "x",
        "REPORTBOT_ZALO_OA_SECRET_KEY": "k",
        "REPORTBOT_ZALO_OA_REFRESH_TOKEN": "r",
    }
    with pytest.raises(ValueError, match="máy chủ web"):
        create(ConnectorContext(handler=ScriptedHandler(), env=env))


def test_route_is_added_at_creation() -> None:
    env = {
        "REPORTBOT_ZALO_OA_APP_ID": "1",
        "REPORTBOT_ZALO_OA_APP_SECRET": "x",
        "REPORTBOT_ZALO_OA_SECRET_KEY": "k",
        "REPORTBOT_ZALO_OA_REFRESH_TOKEN": "r",
    }
    app = web.Application()
    connector = create(ConnectorContext(handler=ScriptedHandler(), env=env, web_app=app))
    assert connector is not None
    paths = {route.resource.canonical for route in app.router.routes() if route.method == "POST"}
    assert paths == {"/webhook/zalo-oa"}
    assert connector.capabilities.buttons is False
    assert connector.capabilities.commands_need_slash is False


# --- receiving ------------------------------------------------------------------------------


async def test_signed_text_event_becomes_incoming_and_reply_is_numbered(
    oa_fake: FakeZaloOa, oa: Callable[..., Any]
) -> None:
    question = Outgoing(
        text="Chọn loại đơn vị:",
        choices=(
            Choice("Phòng", "phong"),
            Choice("Trường học", "truong_hoc"),
            Choice("Hủy", "/huy"),
        ),
    )
    handler = ScriptedHandler(lambda m: [question])
    _, url = await oa(handler)
    event = oa_fake.text_event("u-42", "MOI-123", msg_id="mid-1")
    assert await oa_fake.post_event(url, event) == 200
    [incoming] = handler.incoming
    assert incoming.platform == "zalo_oa"
    assert incoming.user_id == "u-42" and incoming.chat_id == "u-42"
    assert incoming.text == "MOI-123"
    assert incoming.update_id == "user_send_text:mid-1"
    assert incoming.is_private is True
    assert incoming.received_at is not None
    await oa_fake.wait_for(lambda: len(oa_fake.sent) == 1)
    assert oa_fake.sent[0].user_id == "u-42"
    assert oa_fake.sent[0].text == "Chọn loại đơn vị:\n\n1. Phòng\n2. Trường học\n• Hủy: huy"


async def test_echoes_and_other_events_are_ignored(
    oa_fake: FakeZaloOa, oa: Callable[..., Any]
) -> None:
    handler = ScriptedHandler()
    _, url = await oa(handler)
    assert await oa_fake.post_event(url, oa_fake.echo_event("u-1", "Chào bạn")) == 200
    follow = oa_fake.event("follow", "u-1")
    assert await oa_fake.post_event(url, follow) == 200
    # A user's text afterwards is the barrier: once it is handled, nothing before it was.
    assert await oa_fake.post_event(url, oa_fake.text_event("u-1", "barrier")) == 200
    await oa_fake.wait_for(lambda: len(handler.incoming) >= 1)
    assert [m.text for m in handler.incoming] == ["barrier"]


async def test_forged_unsigned_and_stale_events_are_refused(
    oa_fake: FakeZaloOa, oa: Callable[..., Any]
) -> None:
    handler = ScriptedHandler()
    _, url = await oa(handler)
    event = oa_fake.text_event("u-1", "gui")
    raw = json.dumps(event).encode()
    timestamp = event["timestamp"]

    assert await oa_fake.post_event(url, event, signed=False) == 401
    wrong_key = oa_fake.sign(raw, timestamp, secret_key="not-the-key")
    assert await oa_fake.post_event(url, event, signature=wrong_key) == 403
    tampered = raw.replace(b"gui", b"huy")
    signature = oa_fake.sign(raw, timestamp)
    assert await oa_fake.post_event(url, event, body=tampered, signature=signature) == 403
    assert await oa_fake.post_event(url, event, signature="mac=") == 403

    # Unknown events older than Zalo's retry horizon (13 h), or ten minutes early.
    for shift in (-14 * 3_600_000, 600_000):
        moved = {**event, "timestamp": str(int(timestamp) + shift)}
        assert await oa_fake.post_event(url, moved) == 403

    other_app = {**event, "app_id": "999"}
    assert await oa_fake.post_event(url, other_app) == 403
    assert await oa_fake.post_event(url, oa_fake.text_event("u-1", "barrier")) == 200
    await oa_fake.wait_for(lambda: len(handler.incoming) >= 1)
    assert [m.text for m in handler.incoming] == ["barrier"]


async def test_max_age_is_configurable(oa_fake: FakeZaloOa, oa: Callable[..., Any]) -> None:
    handler = ScriptedHandler()
    _, url = await oa(handler, webhook_max_age=1200)
    event = oa_fake.text_event("u-1", "1")
    event["timestamp"] = str(int(time.time() * 1000) - 600_000)
    assert await oa_fake.post_event(url, event) == 200
    assert len(handler.incoming) == 1
    event = oa_fake.text_event("u-1", "2")
    event["timestamp"] = str(int(time.time() * 1000) - 1_500_000)
    assert await oa_fake.post_event(url, event) == 403


async def test_image_is_downloaded_and_sticker_marked(
    oa_fake: FakeZaloOa, oa: Callable[..., Any], tmp_path: Path
) -> None:
    handler = ScriptedHandler(lambda m: [Outgoing(text="ok")])
    _, url = await oa(handler)
    photo = oa_fake.add_photo("lop-hoc.png")
    assert await oa_fake.post_event(url, oa_fake.image_event("u-1", photo, msg_id="img-9")) == 200
    assert await oa_fake.post_event(url, oa_fake.sticker_event("u-1")) == 200
    image, sticker = handler.incoming
    assert image.update_id == "user_send_image:img-9"
    assert image.attachment is not None and image.attachment.url == photo
    assert image.attachment.path is not None
    assert Path(image.attachment.path).read_bytes() == PNG
    assert Path(image.attachment.path).parent == tmp_path / "media"
    assert sticker.unsupported == "sticker"


async def test_long_reply_is_split(oa_fake: FakeZaloOa, oa: Callable[..., Any]) -> None:
    review = "\n".join(f"{n}. Câu {n}: " + "trả lời " * 10 for n in range(1, 50))
    handler = ScriptedHandler(lambda m: [Outgoing(text=review)])
    _, url = await oa(handler)
    await oa_fake.post_event(url, oa_fake.text_event("u-1", "xem lai"))
    await oa_fake.wait_for(lambda: "\n".join(oa_fake.texts()) == review)
    assert len(oa_fake.sent) >= 2
    assert all(len(t) <= 2000 for t in oa_fake.texts())


async def test_handler_error_gets_a_polite_apology(
    oa_fake: FakeZaloOa, oa: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    def boom(incoming: Incoming) -> Sequence[Outgoing]:
        raise KeyError("secret internals")

    _, url = await oa(ScriptedHandler(boom))
    with caplog.at_level(logging.ERROR):
        assert await oa_fake.post_event(url, oa_fake.text_event("u-1", "1")) == 200
        await oa_fake.wait_for(lambda: len(oa_fake.sent) == 1)
    assert oa_fake.sent[0].text.startswith("Xin lỗi")
    assert "secret internals" not in oa_fake.sent[0].text
    assert "secret internals" in caplog.text


# --- sending and tokens ---------------------------------------------------------------------


async def test_concurrent_sends_with_expired_token_refresh_once(
    oa_fake: FakeZaloOa, oa: Callable[..., Any]
) -> None:
    oa_fake.refresh_delay = 0.05  # widen the window in which a second refresh could start
    connector, _ = await oa(ScriptedHandler())
    oa_fake.expire_access_tokens()
    users = [f"u-{n}" for n in range(20)]
    await asyncio.gather(
        *(
            connector.send(Address("zalo_oa", user, user), [Outgoing(text=f"Nhắc {user}")])
            for user in users
        )
    )
    assert len(oa_fake.refresh_calls) == 1
    assert oa_fake.refused_refreshes == 0
    assert sorted(oa_fake.texts()) == sorted(f"Nhắc {user}" for user in users)
    assert len({s.access_token for s in oa_fake.sent}) == 1


async def test_missing_access_token_is_obtained_by_refresh(
    oa_fake: FakeZaloOa, oa: Callable[..., Any]
) -> None:
    connector, _ = await oa(ScriptedHandler(), with_access_token=False)
    await connector.send(Address("zalo_oa", "u-1", "u-1"), [Outgoing(text="Xin chào")])
    await connector.send(Address("zalo_oa", "u-1", "u-1"), [Outgoing(text="Lần hai")])
    assert len(oa_fake.refresh_calls) == 1
    assert oa_fake.texts("u-1") == ["Xin chào", "Lần hai"]


async def test_token_close_to_expiry_is_refreshed_before_sending(
    oa_fake: FakeZaloOa, oa: Callable[..., Any]
) -> None:
    access, refresh = oa_fake.issue_tokens()
    store = MemoryTokenStore(TokenPair(access, refresh, expires_at=time.time() - 1))
    connector, _ = await oa(ScriptedHandler(), store=store)
    await connector.send(Address("zalo_oa", "u-1", "u-1"), [Outgoing(text="Nhắc")])
    assert len(oa_fake.refresh_calls) == 1
    assert oa_fake.cs_calls == 1  # no wasted call with the old token
    assert oa_fake.refresh_token_used(refresh)


async def test_messaging_window_refusal_is_a_delivery_error(
    oa_fake: FakeZaloOa, oa: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    connector, _ = await oa(ScriptedHandler())
    oa_fake.refuse_window("u-late")
    # -232: the other window code (-213 is "User has not followed OA": test_zalo_oa_followers).
    oa_fake.refuse_window("u-old", code=-232, message="User has not interacted")
    for user, code in (("u-late", -230), ("u-old", -232)):
        with caplog.at_level(logging.WARNING), pytest.raises(MessagingWindowError) as caught:
            await connector.send(Address("zalo_oa", user, user), [Outgoing(text="Nhắc hạn")])
        assert isinstance(caught.value, DeliveryError)
        assert caught.value.code == code
        assert "khung tương tác" in str(caught.value)
        assert "messaging window" in caplog.text
    await connector.send(Address("zalo_oa", "u-ok", "u-ok"), [Outgoing(text="Nhắc hạn")])
    assert oa_fake.texts() == ["Nhắc hạn"]


async def test_spent_refresh_token_reports_reauthorisation(
    oa_fake: FakeZaloOa, oa: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    access, refresh = oa_fake.issue_tokens()
    store = MemoryTokenStore(TokenPair(access, refresh))
    connector, _ = await oa(ScriptedHandler(), store=store)
    oa_fake.expire_access_tokens()
    # Someone else spends the refresh token behind our back.
    oa_fake._refresh[refresh] = True
    with caplog.at_level(logging.CRITICAL), pytest.raises(DeliveryError, match="kết nối lại OA"):
        await connector.send(Address("zalo_oa", "u-1", "u-1"), [Outgoing(text="Nhắc")])
    assert oa_fake.refused_refreshes == 1
    assert "kết nối lại OA" in caplog.text and "re-authorise" not in caplog.text  # one language
    assert refresh not in caplog.text


async def test_server_errors_are_retried_and_a_timeout_is_uncertain(
    oa_fake: FakeZaloOa, oa: Callable[..., Any]
) -> None:
    connector, _ = await oa(ScriptedHandler(), request_timeout=0.3)
    oa_fake.fail("cs", 2, status=502)
    oa_fake.expire_access_tokens()
    oa_fake.fail("oauth", 1, status=500)
    await connector.send(Address("zalo_oa", "u-1", "u-1"), [Outgoing(text="Nhắc nộp báo cáo")])
    assert oa_fake.texts("u-1") == ["Nhắc nộp báo cáo"]
    assert len(oa_fake.refresh_calls) == 1  # the failed attempt never reached the token logic
    oa_fake.stall("cs", 1, seconds=1.0)
    with pytest.raises(DeliveryUncertain):
        await connector.send(Address("zalo_oa", "u-1", "u-1"), [Outgoing(text="Nhắc lần hai")])
    assert oa_fake.cs_texts.count("Nhắc lần hai") == 1, "a reminder that may have arrived"


async def test_a_non_json_4xx_fails_at_once(oa_fake: FakeZaloOa, oa: Callable[..., Any]) -> None:
    connector, _ = await oa(ScriptedHandler())
    oa_fake.fail("cs", 1, status=404)  # a wrong API URL, or a proxy's page
    with pytest.raises(DeliveryError, match="non-JSON"):
        await connector.send(Address("zalo_oa", "u-1", "u-1"), [Outgoing(text="Nhắc")])
    assert oa_fake.cs_calls == 1


async def test_order_per_user_is_kept(oa_fake: FakeZaloOa, oa: Callable[..., Any]) -> None:
    connector, _ = await oa(ScriptedHandler())
    oa_fake.fail("cs", 2, status=503)
    await connector.send(
        Address("zalo_oa", "u-1", "u-1"), [Outgoing(text=f"Tin {n}") for n in range(5)]
    )
    assert oa_fake.texts("u-1") == [f"Tin {n}" for n in range(5)]
