"""No update can stop intake: poison updates from the corpus, by polling and by webhook."""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path

import pytest
from aiohttp import web

from connectors.base import ConnectorContext
from connectors.telegram import create
from tests.fakes.telegram import FakeTelegram, Script, bot_env

USER = 424242
OTHER = 515151
SECRET = "s3cret-Token_for-tests"
# The corpus files aiogram 3.31 cannot read as sent, and what each holds: (update type, count).
POISON = {
    "legacy_forward_hidden_user": ("message", 1),
    "my_chat_member_restricted_old": ("my_chat_member", 1),
    "poll_old_options": ("message", 1),  # the forwarded poll; the poll update is the second
}


@pytest.fixture
def telegram_media_dir(tmp_path: Path) -> Path:
    """This module keeps the media folder one level down (its parent holds the raw log)."""
    return tmp_path / "data" / "media"


def kept(tmp_path: Path) -> list[dict]:
    """The unreadable-updates file: next to the media folder, one JSON object a line."""
    path = tmp_path / "data" / "telegram-unreadable-updates.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def poison(tg: FakeTelegram, user: int) -> list[dict]:
    updates: list[dict] = []
    for name in POISON:
        updates.extend(tg.load_corpus(name, user))
    return updates


async def test_polling_reads_on_after_poison_updates(
    tg: FakeTelegram, start_bot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Created before the bot gave its allowed_updates, so Telegram delivers all of them.
    bad = poison(tg, USER)
    tg.enqueue(*bad, tg.text_update(OTHER, "vẫn trả lời chứ?"))
    script = Script()
    with caplog.at_level(logging.WARNING, logger="connectors.telegram"):
        connector = await start_bot(script)
        await tg.wait_for(lambda: "echo: vẫn trả lời chứ?" in tg.sent_texts(OTHER))
        await tg.wait_for(lambda: not tg.updates, what="every update confirmed")
    # The legacy forward is read without its origin: the officer's text still arrives.
    texts = [incoming.text for incoming in script.seen if incoming.chat_id == str(USER)]
    assert texts == ["Báo cáo tuần: đã kiểm tra 15 hộ", None]
    # Logged once each, with id and type, never with what the user wrote.
    faulty = [r.getMessage() for r in caplog.records if "does not decode" in r.getMessage()]
    assert len(faulty) == 4
    ids = [u["update_id"] for u in bad]
    for update_id in ids:
        assert sum(f"update {update_id} (" in line for line in faulty) == 1
    assert not any("15 hộ" in line for line in faulty)
    entries = kept(tmp_path)
    assert [e["update_id"] for e in entries] == ids
    assert [e["type"] for e in entries] == ["message", "my_chat_member", "message", "poll"]
    assert entries[0]["update"]["message"]["forward_origin"] == {
        "type": "hidden_user",
        "date": 1422450181,
    }
    assert tg.confirmed_offset == ids[-1] + 2  # past the poison and the normal update
    assert connector.healthy
    health = connector.health()
    assert health["faulty_updates"] == 4 and health["restarts"] == 0


async def test_a_restart_does_not_fetch_the_poison_again(
    tg: FakeTelegram, start_bot, tmp_path: Path
) -> None:
    bad = tg.load_corpus("legacy_forward_hidden_user", USER)
    tg.enqueue(*bad)
    first = await start_bot(Script())
    await tg.wait_for(lambda: tg.confirmed_offset > bad[0]["update_id"], what="confirmed")
    await first.stop()
    second_script = Script()
    await start_bot(second_script)
    tg.enqueue(tg.text_update(USER, "sau khi khởi động lại"))
    await tg.wait_for(lambda: "echo: sau khi khởi động lại" in tg.sent_texts(USER))
    assert [i.text for i in second_script.seen] == ["sau khi khởi động lại"]
    assert len(kept(tmp_path)) == 1


async def test_the_poller_outlives_an_answer_no_one_can_read(tg: FakeTelegram, start_bot) -> None:
    # Telegram's nginx answering an HTML page instead of JSON (telepot#31): a failed poll,
    # retried. The same page with 200 (a proxy) breaks the loop itself: it is restarted.
    nginx = (
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
        "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )
    tg.fail_next("getUpdates", 1, status=502, body=nginx)
    tg.fail_next("getUpdates", 1, status=200, body="<html><body>proxy login</body></html>")
    script = Script()
    connector = await start_bot(script)
    tg.enqueue(tg.text_update(USER, "còn nghe không?"))
    await tg.wait_for(lambda: "echo: còn nghe không?" in tg.sent_texts(USER))
    health = connector.health()
    assert health["restarts"] == 1, health
    assert health["healthy"] and health["mode"] == "polling"


async def test_health_follows_failed_polls(tg: FakeTelegram, start_bot) -> None:
    tg.fail_next("getUpdates", 5, status=502)
    script = Script()
    connector = await start_bot(script)
    # When the 4th call arrives, three failed in a row: unhealthy until one succeeds.
    await tg.wait_for(lambda: not connector.healthy, what="unhealthy")
    assert connector.health()["failures"] >= 3
    assert "Bad Gateway" in (connector.health()["last_error"] or "")
    tg.enqueue(tg.text_update(USER, "đã ổn"))
    await tg.wait_for(lambda: "echo: đã ổn" in tg.sent_texts(USER))
    assert connector.healthy and connector.health()["failures"] == 0


async def test_health_is_false_before_start_and_after_stop(tg: FakeTelegram, tmp_path: Path):
    context = ConnectorContext(handler=Script(), env=bot_env(tg), media_dir=tmp_path / "m")
    connector = create(context)
    assert connector is not None
    assert not connector.healthy
    await connector.start()
    assert connector.healthy
    await connector.stop()
    assert not connector.healthy and not connector.health()["healthy"]


async def test_webhook_confirms_poison_and_answers_the_next(
    tg: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/hooks/tg"
    app = web.Application()
    script = Script()
    env = bot_env(tg, WEBHOOK_URL=url, WEBHOOK_SECRET=SECRET)
    media = tmp_path / "data" / "media"
    connector = create(ConnectorContext(handler=script, env=env, web_app=app, media_dir=media))
    assert connector is not None
    runner = web.AppRunner(app, shutdown_timeout=0.2)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    await connector.start()
    try:
        bad = poison(tg, USER)
        with caplog.at_level(logging.WARNING, logger="connectors.telegram"):
            statuses = [await tg.post_webhook(url, update, SECRET) for update in bad]
            # 200: confirmed, so Telegram does not send it again and again.
            assert statuses == [200, 200, 200, 200]
            assert await tg.post_webhook(url, tg.text_update(OTHER, "còn đó"), SECRET) == 200
            assert [i.text for i in script.seen if i.chat_id == str(OTHER)] == ["còn đó"]
            await tg.wait_for(lambda: "echo: còn đó" in tg.sent_texts(OTHER))
            # Not an update at all: 400, logged with the update id it claims.
            broken = {"update_id": "x1"}
            assert await tg.post_webhook(url, broken, SECRET) == 400
        assert [e["update_id"] for e in kept(tmp_path)] == [u["update_id"] for u in bad]
        assert any("400" in r.getMessage() and "x1" in r.getMessage() for r in caplog.records)
        assert connector.healthy and connector.health()["mode"] == "webhook"
    finally:
        await connector.stop()
        await runner.cleanup()


async def test_unreadable_file_stays_bounded(tmp_path: Path) -> None:
    from connectors.telegram.decode import UnreadableLog

    log = UnreadableLog(tmp_path / "u.jsonl", max_bytes=2_000)
    update = {"update_id": 1, "message": {"text": "x" * 300}}
    for number in range(40):
        log.keep({**update, "update_id": number}, ["message.x: missing"])
    current = tmp_path / "u.jsonl"
    older = tmp_path / "u.jsonl.1"
    assert current.stat().st_size <= 2_000 and older.stat().st_size <= 2_000
    last = json.loads(current.read_text().splitlines()[-1])
    assert last["update_id"] == 39
    huge = {"update_id": 99, "message": {"text": "y" * 100_000}}
    log.keep(huge, [])
    assert json.loads(current.read_text().splitlines()[-1])["update"] == "(too large to keep)"
