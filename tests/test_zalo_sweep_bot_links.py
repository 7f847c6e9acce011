"""A link an officer pastes into a Zalo Bot chat is an answer, not an unreadable message.

The Zalo Bot docs describe no link message; a link preview arrives as an unsupported message
carrying `link`, `links` or a "link" attachment, the fields openclaw reads for it
(extensions/zalo/src/inbound-parsing.ts, `extractLinkPreviewText`). Through the fake, over
real HTTP, as a poller receives it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from connectors.base import ConnectorContext, Incoming, Outgoing
from connectors.zalo_bot import ZaloBotConnector, create
from connectors.zalo_bot.updates import UNSUPPORTED, parse_update
from tests.fakes._server import ScriptedHandler
from tests.fakes.zalo_bot import FakeZaloBot

DRIVE = "https://drive.google.com/drive/folders/1AbC-anh-hien-truong"


def read(**message: Any) -> Incoming:
    body = {"from": {"id": "u1"}, "chat": {"id": "u1"}, "message_id": "m1", **message}
    incoming = parse_update({"event_name": UNSUPPORTED, "message": body})
    assert incoming is not None
    return incoming


@pytest.mark.parametrize(
    "fields",
    [
        {"link": {"url": DRIVE, "title": "Ảnh hiện trường"}},
        {"link": DRIVE},
        {"links": [{"url": DRIVE}]},
        {"attachments": [{"type": "link", "payload": {"url": DRIVE, "description": ""}}]},
    ],
)
def test_a_link_preview_is_read_as_the_link(fields: dict[str, Any]) -> None:
    incoming = read(**fields)
    assert incoming.unsupported is None and incoming.text == DRIVE


def test_a_sticker_with_a_url_stays_a_sticker() -> None:
    incoming = read(sticker="bfe458", url="https://zalo.me/sticker.webp")
    assert incoming.unsupported == "sticker"


@pytest.fixture
async def fake() -> AsyncIterator[FakeZaloBot]:
    async with FakeZaloBot(max_poll=5) as server:
        yield server


async def test_a_pasted_link_reaches_the_bot_as_text(fake: FakeZaloBot, tmp_path: Path) -> None:
    handler = ScriptedHandler(lambda m: [Outgoing(text="Đã nhận")])
    context = ConnectorContext(
        handler=handler, env=fake.env(), config={"retry_base": 0.01}, media_dir=tmp_path
    )
    connector: Any = create(context)
    assert isinstance(connector, ZaloBotConnector)
    await connector.start()
    try:
        fake.queue(fake.unsupported(link={"url": DRIVE, "title": "Thư mục ảnh"}))
        await fake.wait_for(lambda: len(fake.sent) == 1)
        (incoming,) = handler.incoming
        assert incoming.text == DRIVE and incoming.unsupported is None
    finally:
        await connector.stop(timeout=5)
