"""Zalo Bot messages read as the Telegram connector reads them.

Zalo documents four events (text, image, sticker, unsupported); voice notes, files and
locations arrive as "message.unsupported.received" with undocumented fields. These tests feed
the shapes production parsers look for (see `connectors.zalo_bot.updates`) and check: text
where there is text, media as an attachment, a position as a location, the rest unsupported.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.base import ConnectorContext, Incoming, Outgoing
from connectors.zalo_bot import ZaloBotConnector, create
from connectors.zalo_bot.updates import UNSUPPORTED, parse_update
from tests.fakes._server import ScriptedHandler
from tests.fakes.zalo_bot import FakeZaloBot

URL = "https://f.zalo.me/media/abc"


def update(event: str = UNSUPPORTED, **message: Any) -> dict[str, Any]:
    body = {"from": {"id": "u1"}, "chat": {"id": "u1"}, "message_id": "m1", **message}
    return {"event_name": event, "message": body}


def read(event: str = UNSUPPORTED, **message: Any) -> Incoming:
    incoming = parse_update(update(event, **message))
    assert incoming is not None
    return incoming


def shape(m: Incoming) -> tuple[Any, ...]:
    """What the application sees: text, attachment (kind, url, name), location, unsupported."""
    attached = (m.attachment.kind, m.attachment.url, m.attachment.name) if m.attachment else None
    return (m.text, attached, m.location, m.unsupported)


# (message fields of an unsupported event, expected shape), written by hand.
CASES = [
    # A voice note: an attachment like Telegram's voice (kind "audio").
    (
        {"message_type": "CHAT_VOICE", "voice": {"url": URL}},
        (None, ("audio", URL, None), None, None),
    ),
    (
        {"attachments": [{"type": "audio", "payload": {"url": URL}}]},
        (None, ("audio", URL, None), None, None),
    ),
    # A voice note without its recording: politely unsupported, as "voice".
    ({"message_type": "voice"}, (None, None, None, "voice")),
    # A file with its caption: both, as Telegram reads a captioned document.
    (
        {
            "attachments": [{"type": "file", "payload": {"url": URL, "name": "bc.pdf"}}],
            "caption": "Báo cáo",
        },
        ("Báo cáo", ("file", URL, "bc.pdf"), None, None),
    ),
    ({"file": {"url": URL}, "file_name": "ds.xlsx"}, (None, ("file", URL, "ds.xlsx"), None, None)),
    ({"message_type": "video", "url": URL}, (None, ("video", URL, None), None, None)),
    # A location: as a position, from either shape; coordinates out of range are unreadable.
    (
        {"location": {"latitude": "10.79", "longitude": "106.78"}},
        (None, None, (10.79, 106.78, None), None),
    ),
    (
        {
            "attachments": [
                {
                    "type": "location",
                    "payload": {"coordinates": {"latitude": 21.03, "longitude": 105.85}},
                }
            ]
        },
        (None, None, (21.03, 105.85, None), None),
    ),
    ({"location": {"latitude": 95, "longitude": 10}}, (None, None, None, "location")),
    # Text on an unsupported event is still text; nothing at all is "unsupported".
    ({"text": "Xin chào"}, ("Xin chào", None, None, None)),
    ({}, (None, None, None, "unsupported")),
    ({"attachments": [{"type": "sticker", "url": URL}]}, (None, None, None, "sticker")),
]


@pytest.mark.parametrize(("message", "expected"), CASES)
def test_unsupported_events_read_like_telegram(
    message: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    assert shape(read(**message)) == expected


def test_documented_events_keep_their_meaning() -> None:
    captioned = read("message.image.received", photo_url=URL, caption="Ảnh biên bản")
    assert shape(captioned) == ("Ảnh biên bản", ("photo", URL, None), None, None)
    assert shape(read("message.sticker.received", sticker="abc", url=URL))[3] == "sticker"
    assert shape(read("message.text.received", text="5")) == ("5", None, None, None)


leaf = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6)
inner = st.sampled_from(["url", "type", "latitude", "longitude", "payload", "name", "coordinates"])
record = st.dictionaries(inner, leaf | st.dictionaries(inner, leaf, max_size=2), max_size=3)
values = leaf | record | st.lists(record, max_size=2)
keys = st.sampled_from(
    [
        "text",
        "caption",
        "message_type",
        "attachments",
        "location",
        "voice",
        "file",
        "url",
        "photo_url",
        "name",
    ]
)


# A busy shared machine generates slowly; the property, not the speed, is under test.
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    event=st.sampled_from(
        [UNSUPPORTED, "message.image.received", "message.voice.received", "message.x.received"]
    ),
    fields=st.dictionaries(keys, values, max_size=5),
)
def test_any_message_gives_exactly_one_readable_thing(event: str, fields: dict[str, Any]) -> None:
    incoming = read(event, **fields)
    # Something to answer: text, a file, a position, or a polite "unsupported", never nothing.
    assert incoming.text or incoming.attachment or incoming.location or incoming.unsupported
    if incoming.unsupported:
        assert not (incoming.text or incoming.attachment or incoming.location)


@pytest.fixture
async def fake() -> AsyncIterator[FakeZaloBot]:
    async with FakeZaloBot(max_poll=5) as server:
        yield server


async def test_a_voice_note_is_kept_as_audio_for_the_media_gate(
    fake: FakeZaloBot, tmp_path: Path
) -> None:
    handler = ScriptedHandler(lambda m: [Outgoing(text="ok")])
    context = ConnectorContext(
        handler=handler,
        env=fake.env(),
        config={"retry_base": 0.01},
        media_dir=tmp_path,
    )
    connector: Any = create(context)
    assert isinstance(connector, ZaloBotConnector)
    await connector.start()
    try:
        voice = fake.add_photo("ghi_am.aac", data=b"AAC fake", mime="audio/aac")
        fake.queue(fake.unsupported(attachments=[{"type": "voice", "payload": {"url": voice}}]))
        await fake.wait_for(lambda: len(fake.sent) == 1)
        (incoming,) = handler.incoming
        assert incoming.attachment is not None and incoming.attachment.kind == "audio"
        # Left lazy (its URL): fetched by the media gate only where a file is expected.
        assert incoming.attachment.path is None and incoming.attachment.file_id == voice
        assert incoming.unsupported is None
    finally:
        await connector.stop(timeout=5)
