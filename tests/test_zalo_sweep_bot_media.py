"""A Zalo Bot photo or file whose download failed on arrival stays a lazy reference (its URL),
which the media gate fetches through the connector, or refuses with "send it again"; it is
never an answer without a file. Over the fake, real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from connectors.base import (
    AttachmentTooLarge,
    AttachmentUnavailable,
    ConnectorContext,
    FetchesAttachments,
    Outgoing,
)
from connectors.zalo_bot import ZaloBotConnector, create
from tests.fakes._server import PNG, ScriptedHandler
from tests.fakes.zalo_bot import FakeZaloBot


@pytest.fixture
async def fake() -> AsyncIterator[FakeZaloBot]:
    async with FakeZaloBot(max_poll=5) as server:
        yield server


async def test_a_photo_not_downloaded_is_left_for_the_gate(
    fake: FakeZaloBot, tmp_path: Path
) -> None:
    handler = ScriptedHandler(lambda m: [Outgoing(text="ok")])
    context = ConnectorContext(
        handler=handler, env=fake.env(), config={"retry_base": 0.01}, media_dir=tmp_path / "m"
    )
    connector: Any = create(context)
    assert isinstance(connector, ZaloBotConnector) and isinstance(connector, FetchesAttachments)
    await connector.start()
    try:
        gone = fake.base_url + "/het-han.jpg"
        fake.queue(fake.image(gone))
        await fake.wait_for(lambda: len(fake.sent) == 1)
        (incoming,) = handler.incoming
        attachment = incoming.attachment
        assert attachment is not None and attachment.path is None
        assert attachment.file_id == gone, "lazy: the gate fetches it or says 'send again'"
        with pytest.raises(AttachmentUnavailable):
            await connector.fetch_attachment(attachment, tmp_path / "p1", 10_000_000)
        good = fake.add_photo("lop-hoc.png")
        fetched = await connector.fetch_attachment(
            attachment.__class__(kind="photo", url=good, file_id=good), tmp_path / "p1", 10_000
        )
        assert fetched.path is not None and Path(fetched.path).read_bytes() == PNG
        assert Path(fetched.path).parent == tmp_path / "p1"
        with pytest.raises(AttachmentTooLarge):
            await connector.fetch_attachment(fetched, tmp_path / "p1", len(PNG) - 1)
    finally:
        await connector.stop(timeout=5)
