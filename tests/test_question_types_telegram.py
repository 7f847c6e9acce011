"""A shared location and a voice note answering questions through the whole stack: the real
connector and aiogram over HTTP against the fake Bot API, the real service and database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from reportbot.conversation.values import decode_value
from reportbot.forms.loader import load_yaml_template
from reportbot.service import ConversationService
from reportbot.store.models import Answer, Submission
from tests.conftest import TZ, FakeClock
from tests.fakes.telegram import FakeTelegram
from tests.support import load_shipped_forms, seed_commune
from tests.test_telegram_e2e import (  # noqa: F401  (the `bot` fixture; `tg` is a plugin's)
    Bot,
    bot,
    register,
    texts,
)

OFFICER = 700_100_515
FORM = """
key: kiem_tra_hien_truong
title: Kiểm tra hiện trường
unit_types: []
period: {kind: monthly, deadlines: ["20"]}
questions:
  - {id: vi_tri, type: geopoint, label: Vị trí điểm kiểm tra, required: true}
  - {id: ghi_am, type: audio, label: Ghi âm nhận xét, required: true}
  - {id: gio, type: time, label: Giờ kiểm tra, required: true}
"""


@pytest.fixture
async def service(db: str, clock: FakeClock, tmp_path: Path) -> AsyncIterator[ConversationService]:
    """The service over the seeded commune with only the field-check form stored."""
    path = tmp_path / "kiem_tra_hien_truong.yaml"
    path.write_text(FORM, encoding="utf-8")
    await seed_commune()
    await load_shipped_forms(path)
    conversation = ConversationService(TZ, clock=clock)
    await conversation.start()
    yield conversation
    await conversation.close()


async def stored(tmp_path: Path) -> dict[str, object]:
    template = load_yaml_template(tmp_path / "kiem_tra_hien_truong.yaml")[0]
    submission = await Submission.get(unit__code="hoiphunu")
    rows = await Answer.filter(submission=submission)
    return {
        row.question_id: decode_value(template.question(row.question_id), row.value) for row in rows
    }


async def test_a_shared_location_and_a_voice_note_answer_their_questions(
    tg: FakeTelegram,
    bot: Bot,  # noqa: F811
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    phone = await register(tg, bot, clock, OFFICER)
    await phone.say("/baocao")
    opened = texts(await phone.press("tháng 11/2026"))  # the menu button: period · status
    assert "Vị trí điểm kiểm tra" in opened and "📎 → Vị trí" in opened

    # a voice note where a position is asked: refused, nothing stored
    refused = texts(await phone._send(tg.voice_update(OFFICER)))
    assert "Câu này không cần tệp đính kèm" in refused
    assert await stored(tmp_path) == {}

    shared = tg.location_update(OFFICER, 14.3545, 108.0076, 8.5)
    asked = texts(await phone._send(shared))
    assert "Ghi âm nhận xét" in asked and "tin nhắn thoại" in asked
    assert (await stored(tmp_path))["vi_tri"] == "14.3545 108.0076 0 8.5"
    # shared as a live location, it moves: the edits are neither answers nor corrections
    moved = tg.live_location_move(OFFICER, shared["message"]["message_id"], 14.36, 108.01)
    assert await phone._send(moved) == []
    assert (await stored(tmp_path))["vi_tri"] == "14.3545 108.0076 0 8.5"

    # a location where a voice note is asked: told what is needed, nothing stored
    told = texts(await phone._send(tg.location_update(OFFICER, 14.0, 108.0)))
    assert "tin nhắn thoại" in told
    asked = texts(await phone._send(tg.voice_update(OFFICER, b"OggS\x00nhan xet tot")))
    assert "Giờ kiểm tra" in asked
    voice = (await stored(tmp_path))["ghi_am"]
    assert isinstance(voice, dict) and voice["kind"] == "audio"
    assert voice["mime_type"] == "audio/ogg" and voice["size"] == len(b"OggS\x00nhan xet tot")
    assert (bot.media / voice["path"]).read_bytes() == b"OggS\x00nhan xet tot"  # downloaded, whole
    assert voice["path"].endswith(".oga")

    review = texts(await phone.say("8h15"))
    assert "1. Vị trí điểm kiểm tra: 14.3545, 108.0076 (± 8.5 m)" in review
    assert "3. Giờ kiểm tra: 08:15" in review
    assert (await stored(tmp_path))["gio"] == "08:15"
