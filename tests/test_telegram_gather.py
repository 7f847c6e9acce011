"""Long pastes arrive whole, albums as one answer, files counted as they download."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.base import AttachmentTooLarge, ConnectorContext, Outgoing
from connectors.telegram import create
from tests.fakes.telegram import CORPUS_DIR, FakeTelegram, Script, bot_env

USER = 424242


def short_reply(incoming) -> list[Outgoing]:
    return [Outgoing(f"nhận {len(incoming.text or '')} ký tự, {len(incoming.attachments)} tệp")]


# ------------------------------------------------------------------------- pastes


async def test_a_split_paste_arrives_whole(tg: FakeTelegram, start_bot) -> None:
    script = Script(short_reply)
    await start_bot(script)
    updates = tg.load_corpus("split_paste", USER)
    tg.enqueue(*updates)
    await tg.wait_for(lambda: len(tg.sent_texts(USER)) >= 1)
    (incoming,) = script.seen
    first, second = (u["message"]["text"] for u in updates)
    assert (len(first), len(second)) == (4038, 1961)
    assert incoming.text == first + "\n" + second
    assert len(incoming.text) == 6000
    assert incoming.parts == 2
    assert incoming.message_id == str(updates[0]["message"]["message_id"])
    assert incoming.update_id == str(updates[0]["update_id"])
    # One answer; saying the text was joined is the application's (it knows the language).
    assert tg.sent_texts(USER) == ["nhận 6000 ký tự, 0 tệp"]


async def test_parts_in_separate_polls_are_joined(tg: FakeTelegram, start_bot) -> None:
    script = Script(short_reply)
    await start_bot(script, PASTE_WINDOW="30")
    parts = ["a" * 4090, "b" * 4096, "c" * 10]
    for text in parts[:2]:
        update = tg.text_update(USER, text)
        tg.enqueue(update)
        await tg.wait_for(lambda u=update: tg.confirmed_offset > u["update_id"], what="poll")
    assert script.seen == [], "held while the paste goes on"
    tg.enqueue(tg.text_update(USER, parts[2]))  # a short part ends the paste at once
    await tg.wait_for(lambda: len(script.seen) == 1)
    assert script.seen[0].text == "\n".join(parts)
    assert script.seen[0].parts == 3


async def test_one_long_message_alone_is_handled_after_the_window(
    tg: FakeTelegram, start_bot
) -> None:
    script = Script(short_reply)
    await start_bot(script, PASTE_WINDOW="0.2")
    tg.enqueue(tg.text_update(USER, "x" * 4050))
    await tg.wait_for(lambda: tg.sent_texts(USER) == ["nhận 4050 ký tự, 0 tệp"])
    assert script.seen[0].parts == 1


async def test_telegram_counts_utf16_units(tg: FakeTelegram, start_bot) -> None:
    # 2,050 camera emoji: 2,050 code points, 4,100 UTF-16 units, a full part for Telegram.
    script = Script(short_reply)
    await start_bot(script, PASTE_WINDOW="30")
    tg.enqueue(tg.text_update(USER, "📷" * 2050), tg.text_update(USER, "hết"))
    await tg.wait_for(lambda: len(script.seen) == 1)
    assert script.seen[0].text == "📷" * 2050 + "\nhết"


async def test_anything_else_first_ends_the_paste(tg: FakeTelegram, start_bot) -> None:
    script = Script(short_reply)
    await start_bot(script, PASTE_WINDOW="30")
    tg.enqueue(tg.text_update(USER, "p" * 4095), tg.text_update(USER, "/huy"))
    await tg.wait_for(lambda: len(script.seen) == 2)
    assert [i.text for i in script.seen] == ["p" * 4095, "/huy"], "in the order sent"


async def test_a_paste_is_bounded(tg: FakeTelegram, start_bot) -> None:
    script = Script(short_reply)
    await start_bot(script, PASTE_WINDOW="30")
    tg.enqueue(*(tg.text_update(USER, chr(ord("a") + n) * 4096) for n in range(17)))
    await tg.wait_for(lambda: len(script.seen) == 1)
    assert script.seen[0].parts == 16 and len(script.seen[0].text or "") == 16 * 4097 - 1
    tg.enqueue(tg.text_update(USER, "cuối"))  # ends the 17th part's paste
    await tg.wait_for(lambda: len(script.seen) == 2)
    assert script.seen[1].text == "q" * 4096 + "\ncuối"


async def test_stop_hands_over_what_is_held(tg: FakeTelegram, start_bot) -> None:
    script = Script(short_reply)
    connector = await start_bot(script, PASTE_WINDOW="30")
    update = tg.text_update(USER, "q" * 4000)
    tg.enqueue(update)
    await tg.wait_for(lambda: tg.confirmed_offset > update["update_id"], what="poll")
    await connector.stop()
    assert [len(i.text or "") for i in script.seen] == [4000]
    assert tg.sent_texts(USER) == ["nhận 4000 ký tự, 0 tệp"]


# ------------------------------------------------------------------------- albums


async def test_an_album_is_one_answer(tg: FakeTelegram, start_bot, tmp_path: Path) -> None:
    script = Script(short_reply)
    connector = await start_bot(script)
    updates = tg.load_corpus("album_three_pages", USER)
    tg.enqueue(*updates, tg.text_update(USER, "xong"))
    await tg.wait_for(lambda: len(script.seen) == 2)
    album, after = script.seen
    assert after.text == "xong", "the album is answered before what follows it"
    assert album.text == "Biên bản họp, 3 trang"
    assert len(album.attachments) == 3 and album.attachment == album.attachments[0]
    assert all(a.path is None for a in album.attachments), "handed over unfetched"
    raw = json.loads((CORPUS_DIR / "album_three_pages.json").read_text(encoding="utf-8"))
    largest = [u["message"]["photo"][-1]["file_id"] for u in raw["updates"]]
    assert [a.file_id for a in album.attachments] == largest
    assert [a.size for a in album.attachments] == [1000, 1001, 1002]  # as declared
    for attachment in album.attachments:
        fetched = await connector.fetch_attachment(attachment, tmp_path / "m", 1_000_000)
        assert Path(fetched.path or "").read_bytes() == tg.files[attachment.file_id or ""].content
    assert tg.sent_texts(USER)[0] == "nhận 21 ký tự, 3 tệp"


async def test_download_counts_bytes_not_the_declared_size(
    tg: FakeTelegram, start_bot, tmp_path: Path
) -> None:
    script = Script(short_reply)
    connector = await start_bot(script, MAX_FILE_MB="1")
    # The update and getFile both claim 500 bytes (a proxy or a file changed since could
    # do that); 1,100,000 arrive.
    update = tg.document_update(USER, b"%" * 1_100_000, "bien-ban.pdf", size=500)
    tg.enqueue(update)
    await tg.wait_for(lambda: len(script.seen) == 1)
    attachment = script.seen[0].attachment
    assert attachment is not None and attachment.size == 500
    folder = tmp_path / "media" / "people" / "1"
    with pytest.raises(AttachmentTooLarge) as too_large:
        await connector.fetch_attachment(attachment, folder, 200 * 1024 * 1024)
    # The true size is not known (the download stopped past the limit): only the limit.
    assert (too_large.value.size, too_large.value.limit) == (None, 1024 * 1024)
    assert len(tg.calls_of("download")) == 1
    assert list(folder.iterdir()) == [], "no part left behind"


async def test_webhook_album_and_paste(tg: FakeTelegram, tmp_path: Path) -> None:
    import socket

    from aiohttp import web

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/hooks/tg"
    app = web.Application()
    script = Script(short_reply)
    env = bot_env(tg, WEBHOOK_URL=url, WEBHOOK_SECRET="s3cret")
    context = ConnectorContext(handler=script, env=env, web_app=app, media_dir=tmp_path / "m")
    connector = create(context)
    assert connector is not None
    runner = web.AppRunner(app, shutdown_timeout=0.2)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    await connector.start()
    try:
        # Each POST is answered at once (the part is held), the group handled after it.
        updates = tg.load_corpus("album_three_pages", USER) + tg.load_corpus("split_paste", USER)
        statuses = [await tg.post_webhook(url, update, "s3cret") for update in updates]
        assert statuses == [200] * 5
        await tg.wait_for(lambda: len(script.seen) == 2)
        album, paste = script.seen
        assert len(album.attachments) == 3 and album.text == "Biên bản họp, 3 trang"
        assert paste.parts == 2 and len(paste.text or "") == 6000
    finally:
        await connector.stop()
        await runner.cleanup()
