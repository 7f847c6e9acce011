"""Sending a sent report again without changing anything stores no new revision.

Found filing the Resolution 57 report: an officer who sent it, opened it again (/tieptuc,
/baocao) to look, and pressed "Gửi" without changing an answer got "Đã gửi lại … (lần 2)";
the coordinator's /xem then said "đã gửi lại, bản đang tính là lần 2" and the sheet got a
row rewritten, for a sending that changed nothing. Now /gui says, Vietnamese first, that no
answer differs from the revision sent (its number and time) and sends nothing. A real change
still makes a new revision; an answer retyped as it was is no change.

A report a coordinator reopened is still sent when nothing changed: the coordinator is waiting
on it, and the officer sending it as it is answers "the figures were right".
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from reportbot.app import Application
from reportbot.config import Settings
from reportbot.store.models import Identity, OutboxEntry, Person, Submission, Unit
from tests.conftest import TZ, FakeClock
from tests.support import Chat, load_shipped_forms, nq57_lines, seed_commune
from tests.test_engine import NQ57_T, Harness

# The current period's report, opened as a reminder's button opens it (the menu's order aside).
CURRENT = "/baocao nq57_bao_cao_6_thang 2026-H2"


@pytest.fixture
async def app(db: str, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Application]:
    """The bot with its coordinator commands, a commune and a coordinator (u-coord)."""
    await seed_commune()
    coordinator = await Person.create(
        name="Trần Văn Minh", unit=await Unit.get(code="vhxh"), role="coordinator"
    )
    await Identity.create(
        platform="console", external_id="u-coord", chat_id="u-coord", person=coordinator
    )
    await load_shipped_forms()
    application = Application(Settings(database_url=db, media_dir=tmp_path), clock=clock)
    await application.service.start()
    yield application
    await application.service.close()


async def file_whole_report(chat: Chat) -> None:
    lines = nq57_lines()
    await chat.say(CURRENT)
    for line in lines[1:]:
        await chat.say(line)
    assert "✅ Đã gửi" in chat.transcript[-1][1]


async def stored() -> tuple[int, int, int]:
    """(revision, row version, outbox rows): what a sending would move."""
    submission = await Submission.get(unit__code="hoiphunu")
    return submission.revision, submission.version, await OutboxEntry.all().count()


async def test_sending_again_unchanged_sends_nothing(app: Application, clock: FakeClock) -> None:
    officer = Chat(app.service, "u-hoiphunu")
    await file_whole_report(officer)  # 10:00 26/11/2026
    before = await stored()
    clock.advance(hours=3)
    assert "Xem lại" in await officer.say("/tieptuc")
    reply = await officer.say("/gui")
    assert "không câu trả lời nào khác với bản đã gửi lần 1 lúc 10:00 26/11/2026" in reply, reply
    assert "không gửi lại" in reply and "Gửi “" not in reply  # no "send now?" question
    assert "đã gửi lại" not in (await officer.say("có")).casefold()  # a tap on a late "Có"
    # An answer retyped as it was is no change either.
    await officer.say("/sua 2")
    assert "Xem lại" in await officer.say("KH-12/HPN")
    assert "bản đã gửi lần 1" in await officer.say("/gui")
    assert await stored() == before  # no revision, no write, nothing queued for the sheet
    seen = await Chat(app.service, "u-coord").say("/xem hoiphunu")
    assert "đã nộp lúc 10:00 26/11/2026 (lần 1)" in seen, seen
    assert "gửi lại" not in seen


async def test_a_real_change_is_still_sent_and_named_next_time(
    app: Application, clock: FakeClock
) -> None:
    officer = Chat(app.service, "u-hoiphunu")
    await file_whole_report(officer)
    clock.advance(hours=3)  # 13:00
    await officer.say("/tieptuc")
    await officer.say("/sua 2")
    await officer.say("KH-99/HPN")
    assert "Gửi “" in await officer.say("/gui")
    assert "(lần 2)" in await officer.say("có")
    assert (await stored())[0] == 2
    seen = await Chat(app.service, "u-coord").say("/xem hoiphunu")
    assert "nộp lần đầu lúc 10:00 26/11/2026; đã gửi lại, bản đang tính là lần 2" in seen, seen
    clock.advance(hours=1)
    await officer.say("/tieptuc")
    reply = await officer.say("/gui")  # the time of the second sending, not the first
    assert "bản đã gửi lần 2 lúc 13:00 26/11/2026" in reply, reply
    assert (await stored())[0] == 2


async def test_in_english_too(app: Application) -> None:
    officer = Chat(app.service, "u-hoiphunu")
    await file_whole_report(officer)
    await officer.say("/tieptuc")
    replies = await officer.send("/submit", language_code="en")
    text = replies[0].text
    assert "no answer differs from revision 1, sent at 10:00 26/11/2026" in text, text


async def test_a_reopened_report_is_sent_as_it_is(app: Application, clock: FakeClock) -> None:
    officer = Chat(app.service, "u-hoiphunu")
    await file_whole_report(officer)
    clock.set_local(datetime(2026, 12, 22, 8, 0))  # past the deadline: reopened by a coordinator
    assert "Đã mở lại" in await Chat(app.service, "u-coord").say("/mo hoiphunu")
    assert "Xem lại" in await officer.say(CURRENT)
    assert "Gửi “" in await officer.say("/gui")
    assert "(lần 2)" in await officer.say("có")
    assert (await stored())[0] == 2


def test_a_colleague_sending_the_same_change_first_leaves_nothing_to_send() -> None:
    bot = Harness()
    bot.file_whole_report()
    bot.say("/gui")
    bot.say("có")
    bot.say("/baocao")
    bot.say("2")  # the sent report, to change
    bot.say("/sua 5")
    bot.say("99")
    assert "Gửi “" in bot.say("/gui")  # "send now?" asked
    view = bot.reports[(NQ57_T.key, "2026-H2")]
    # Meanwhile a colleague of the unit sent the very same change (revision 2).
    view.answers["so_tin_bai_web"], view.revision = 99, 2
    view.updated_at = datetime(2026, 11, 26, 10, 5, tzinfo=TZ)
    reply = bot.say("có")
    assert "không câu trả lời nào khác với bản đã gửi lần 2 lúc 10:05 26/11/2026" in reply
    assert view.revision == 2 and bot.state.mode == "review"


async def test_after_an_unchanged_send_the_next_message_is_not_an_answer(
    app: Application,
) -> None:
    # Review finding: /sua 2 then /gui on an unchanged sent report said "không gửi lại" but
    # left the officer at question 2, not shown; the "ok" that followed became answer 2
    # ("2. Số hiệu kế hoạch: ok"), and a later /gui would have sent it.
    officer = Chat(app.service, "u-hoiphunu")
    await file_whole_report(officer)
    before = await stored()
    await officer.say("/tieptuc")
    assert "Câu 2/" in await officer.say("/sua 2")
    reply = await officer.say("/gui")
    assert "không gửi lại" in reply, reply
    assert "Xem lại" in reply and "2. Số hiệu kế hoạch: KH-12/HPN" in reply, reply
    reply = await officer.say("ok")
    assert "Số hiệu kế hoạch: ok" not in reply, reply
    reply = await officer.say("/xemlai")
    assert "2. Số hiệu kế hoạch: KH-12/HPN" in reply, reply
    assert "bản đã gửi lần 1" in await officer.say("/gui")
    assert await stored() == before


async def test_an_unchanged_send_from_a_question_is_said_once(app: Application) -> None:
    # Left-over: /sua 2 then /gui said "… lần 1 lúc 10:00 26/11/2026, nên không gửi lại. Muốn
    # sửa, gõ /sua …" and then the review said "Đã gửi lần 1 lúc 10:00 26/11/2026; chưa sửa
    # câu nào." and "Gõ /sua <số> …" again: the officer read the same thing twice.
    officer = Chat(app.service, "u-hoiphunu")
    await file_whole_report(officer)
    await officer.say("/tieptuc")
    assert "Câu 2/" in await officer.say("/sua 2")
    replies = await officer.send("/gui")
    assert len(replies) == 1, [reply.text for reply in replies]
    text = replies[0].text
    assert text.count("10:00 26/11/2026") == 1, text
    assert text.count("/sua") == 1, text
    assert "không gửi lại" in text.casefold() and "Xem lại" in text, text
    assert "2. Số hiệu kế hoạch: KH-12/HPN" in text, text
    assert "Gửi “" not in text  # no "send now?" question
