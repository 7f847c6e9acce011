"""Files reach the disk only from a registered person answering a file question.

Real Telegram connector and aiogram over HTTP against the fake Bot API, the real conversation
service with the media gate (as the application builds it), a real database.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from reportbot.app import Application
from reportbot.config import ConfigError, Settings
from reportbot.media import MediaGate, MediaSettings, files, media_settings
from reportbot.service import ConversationService
from reportbot.store.models import Identity
from tests.conftest import FakeClock
from tests.fakes.telegram import FakeTelegram
from tests.support import NQ57_SCRIPT, stored_answers
from tests.test_telegram_e2e import (
    OFFICER,
    PDF,
    Bot,
    Phone,
    answer,
    open_current_report,
    register,
    texts,
)

QUOTA = 3 * 1024 * 1024  # above the 1 MB per-file limit


@pytest.fixture
async def bot(tg: FakeTelegram, tmp_path: Path, service: ConversationService) -> AsyncIterator[Bot]:
    """Polling, a 1 MB per-file limit, a small quota."""
    harness = Bot(tg, "polling", tmp_path / "media", service)
    harness.env = {"MAX_FILE_MB": "1"}
    service.use(
        MediaGate(
            media_dir=harness.media,
            settings=MediaSettings(quota_bytes=QUOTA),
            repository=service.repository,
            connectors=lambda: [harness.connector] if harness.connector else [],
        )
    )
    await harness.start()
    yield harness
    await harness.stop()


def on_disk(media: Path) -> list[Path]:
    """Every file under the media folder."""
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


async def at_file_question(tg: FakeTelegram, bot: Bot, clock: FakeClock) -> Phone:
    """A registered officer asked the report's file question (the last one)."""
    phone = await register(tg, bot, clock, OFFICER)
    await open_current_report(phone)
    for question_id, typed, _ in NQ57_SCRIPT:
        if question_id == "tep_bao_cao":
            break
        await answer(phone, question_id, typed)
    assert "tệp" in phone.question()["text"].lower()
    return phone


async def person_folder(bot: Bot) -> Path:
    identity = await Identity.get(platform="telegram", external_id=str(OFFICER))
    return files.person_folder(bot.media, identity.person_id)  # type: ignore[attr-defined]


async def test_a_strangers_and_a_groups_photos_never_reach_the_disk(
    tg: FakeTelegram, bot: Bot
) -> None:
    stranger = Phone(tg, bot, OFFICER + 7)
    replies = await stranger._send(tg.photo_update(OFFICER + 7, b"\xff\xd8" + b"x" * 3000))
    assert "mã mời" in texts(replies)
    group_photo = tg.photo_update(OFFICER + 8, b"\xff\xd8" + b"y" * 3000)
    group_photo["message"]["chat"] = {"id": -100_42, "type": "group", "title": "Nhóm xã"}
    await bot.deliver(group_photo)
    assert not tg.calls_of("getFile") and not tg.calls_of("download")
    assert on_disk(bot.media) == []


async def test_a_registered_officer_not_asked_for_a_file_stores_nothing(
    tg: FakeTelegram, bot: Bot, clock: FakeClock
) -> None:
    phone = await register(tg, bot, clock, OFFICER)
    replies = await phone.upload(PDF, "bao-cao.pdf")  # idle: no question asks for a file
    assert replies and "Xin lỗi" not in texts(replies)
    assert not tg.calls_of("getFile")
    assert on_disk(bot.media) == []


async def test_the_file_answer_is_fetched_and_stored_relative(
    tg: FakeTelegram, bot: Bot, clock: FakeClock
) -> None:
    phone = await at_file_question(tg, bot, clock)
    assert not tg.calls_of("getFile")
    await phone.upload(PDF, "Báo cáo đã ký.pdf")
    folder = await person_folder(bot)
    (stored_file,) = on_disk(bot.media)
    assert stored_file.parent == folder and stored_file.read_bytes() == PDF
    value = (await stored_answers("hoiphunu"))["tep_bao_cao"]
    assert value["path"] == stored_file.relative_to(bot.media).as_posix()
    assert value["size"] == len(PDF) and value["name"] == "Báo cáo đã ký.pdf"


async def test_a_lying_size_is_caught_while_downloading(
    tg: FakeTelegram, bot: Bot, clock: FakeClock
) -> None:
    phone = await at_file_question(tg, bot, clock)
    # The update and getFile claim 900 bytes, 1.2 MB arrive (over the 1 MB per-file limit).
    lie = tg.document_update(OFFICER, b"%" * 1_200_000, "bien-ban.pdf", size=900)
    replies = await phone._send(lie)
    assert texts(replies) == (
        "Tệp anh/chị gửi quá lớn. Vui lòng gửi tệp không quá 1 MB.\n"
        "The file is too large. Please send a file of at most 1 MB."
    )
    assert len(tg.calls_of("download")) == 1
    assert on_disk(bot.media) == [], "neither the file nor its partial download is left"
    assert "tep_bao_cao" not in await stored_answers("hoiphunu")


async def test_the_quota_refuses_in_vietnamese_and_keeps_nothing(
    tg: FakeTelegram, bot: Bot, clock: FakeClock
) -> None:
    phone = await at_file_question(tg, bot, clock)
    folder = await person_folder(bot)
    folder.mkdir(parents=True)
    (folder / "earlier.jpg").write_bytes(b"e" * (QUOTA - 1000))  # 1,000 bytes left
    replies = await phone.upload(PDF, "bao-cao.pdf")  # 2,027 bytes
    text = texts(replies)
    assert text.startswith("Tệp này vượt quá dung lượng lưu trữ dành cho anh/chị (3 MB, đã dùng")
    assert "Please send a smaller file" in text
    assert on_disk(bot.media) == [folder / "earlier.jpg"]
    assert "tep_bao_cao" not in await stored_answers("hoiphunu")
    assert not tg.calls_of("download"), "the declared 2,027 bytes already pass what is left"


async def test_the_file_of_a_refused_answer_is_deleted(
    tg: FakeTelegram, bot: Bot, clock: FakeClock
) -> None:
    phone = await at_file_question(tg, bot, clock)
    update = tg.document_update(OFFICER, PDF, "bao-cao.pdf")
    update["message"]["caption"] = "/huy"  # the caption is a command: the file is no answer
    replies = await phone._send(update)
    assert replies
    assert len(tg.calls_of("download")) == 1, "fetched: a file was expected"
    assert on_disk(bot.media) == [], "and deleted: the step did not keep it"
    assert "tep_bao_cao" not in await stored_answers("hoiphunu")


# ------------------------------------------------------------------------- settings, retention


def test_media_settings_read_and_refused() -> None:
    assert media_settings({}) == MediaSettings(quota_bytes=200 * 1024 * 1024, retention_days=0)
    read = media_settings(
        {"REPORTBOT_MEDIA_QUOTA_MB": "50", "REPORTBOT_MEDIA_RETENTION_DAYS": "90"}
    )
    assert read == MediaSettings(quota_bytes=50 * 1024 * 1024, retention_days=90)
    for name, value in (("QUOTA_MB", "0"), ("QUOTA_MB", "nhieu"), ("RETENTION_DAYS", "-1")):
        with pytest.raises(ConfigError, match=f"REPORTBOT_MEDIA_{name}"):
            media_settings({f"REPORTBOT_MEDIA_{name}": value})


async def test_retention_job_deletes_old_files_and_logs_the_count(
    db: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    media = tmp_path / "media"
    env = {"REPORTBOT_MEDIA_RETENTION_DAYS": "30"}
    app = Application(Settings(database_url=db, media_dir=media, env=env))
    job = app.jobs.jobs["media-retention"]
    old = [media / "people" / "1" / "a.jpg", media / "people" / "2" / "b.pdf"]
    new = media / "people" / "1" / "c.jpg"
    report = media / "reports" / "tong-hop.xlsx"  # not a person's file: never swept
    for path in (*old, new, report):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    month_ago = time.time() - 31 * 86_400
    for path in (*old, report):
        os.utime(path, (month_ago, month_ago))
    with caplog.at_level(logging.INFO, logger="reportbot.media"):
        assert await job.run() == 2
    assert on_disk(media) == [new, report]
    assert "media retention: 2 file(s) older than 30 days deleted" in caplog.text
    kept = Application(Settings(database_url=db, media_dir=media, env={}))
    assert "media-retention" not in kept.jobs.jobs, "retention is off unless set"


async def test_an_album_with_one_page_too_large_keeps_no_page(
    tg: FakeTelegram, bot: Bot, clock: FakeClock
) -> None:
    await at_file_question(tg, bot, clock)
    updates = tg.load_corpus("album_three_pages", OFFICER)
    updates[2]["message"]["photo"][-1]["file_size"] = 2 * 1024 * 1024  # the last page
    before = len(tg.bot_messages(OFFICER))
    tg.enqueue(*updates)
    await tg.wait_for(lambda: tg.confirmed_offset > updates[-1]["update_id"], what="the album")
    assert bot.connector is not None and await bot.connector.settle(5.0)
    assert texts(tg.bot_messages(OFFICER)[before:]) == (
        "Tệp anh/chị gửi quá lớn (2 MB). Vui lòng gửi tệp không quá 1 MB.\n"
        "The file is too large (2 MB). Please send a file of at most 1 MB."
    )
    assert len(tg.calls_of("download")) == 2, "the first two pages were fetched..."
    assert on_disk(bot.media) == [], "...and deleted with the refusal"
    assert "tep_bao_cao" not in await stored_answers("hoiphunu")
