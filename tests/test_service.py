"""The conversation service end to end over a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta

import pytest

from connectors.base import Attachment
from reportbot.forms.loader import load_yaml_template
from reportbot.registration import create_invite
from reportbot.service import ConversationService
from reportbot.store.models import (
    Answer,
    ConversationState,
    Identity,
    InboxEntry,
    Invite,
    OutboxEntry,
    Submission,
    Unit,
)
from tests.conftest import NQ57, TZ, FakeClock
from tests.support import NQ57_SCRIPT, Chat, stored_answers

NQ57_TEMPLATE = load_yaml_template(NQ57)[0]


async def open_current_report(chat: Chat) -> str:
    """/baocao, then pick the current period (the overdue previous one is listed first)."""
    text = await chat.say("/baocao")
    assert "Chọn báo cáo" in text and "2. năm 2026" in text
    return await chat.say("2")


async def test_whole_report_is_stored_and_submitted(service: ConversationService) -> None:
    chat = Chat(service, "u-hoiphunu")
    first = await open_current_report(chat)
    assert "Câu 1/" in first and "Đơn vị đã ban hành kế hoạch" in first
    for qid, typed, _expected in NQ57_SCRIPT:
        state = json.loads((await ConversationState.get(person__unit__code="hoiphunu")).data)
        assert state["q"] == qid, f"expected to be asked {qid}, transcript: {chat.transcript[-1]}"
        await chat.say(typed)
    review = chat.transcript[-1][1]
    assert "Xem lại" in review and "15.000.000" in review
    confirm = await chat.say("/gui")
    assert "cho UBND xã?" in confirm
    done = await chat.say("có")
    assert "✅ Đã gửi" in done and "lần 1" in done

    expected = {qid: value for qid, _typed, value in NQ57_SCRIPT if value is not None}
    assert await stored_answers() == expected
    submission = await Submission.get(unit__code="hoiphunu")
    assert (submission.status, submission.revision, submission.period_key) == (
        "submitted",
        1,
        "2026-H2",
    )
    assert await OutboxEntry.filter(topic="sheet", key=str(submission.id)).count() == 1


async def test_invalid_answer_stores_nothing_and_explains(service: ConversationService) -> None:
    chat = Chat(service, "u-hoiphunu")
    await open_current_report(chat)
    await chat.say("có")
    await chat.say("KH-1")
    reply = await chat.say("31/02/2026")
    assert "không hợp lệ" in reply
    assert "ngay_ke_hoach" not in await stored_answers()
    state = json.loads((await ConversationState.get(person__unit__code="hoiphunu")).data)
    assert state["q"] == "ngay_ke_hoach"


async def test_constraint_informed_not_above_total(service: ConversationService) -> None:
    chat = Chat(service, "u-hoiphunu")
    await open_current_report(chat)
    for qid, typed, _ in NQ57_SCRIPT:
        if qid == "so_can_bo_quan_triet":
            break
        await chat.say(typed)
    reply = await chat.say("31")  # 30 officials in total
    assert "31" not in str((await stored_answers()).get("so_can_bo_quan_triet"))
    assert "không" in reply.lower()  # the form's own constraint message, in Vietnamese
    assert "Câu" not in reply  # still on the same question, no new question asked


async def test_changing_an_answer_clears_questions_that_no_longer_apply(
    service: ConversationService,
) -> None:
    chat = Chat(service, "u-hoiphunu")
    await open_current_report(chat)
    for _, typed, _ in NQ57_SCRIPT[:4]:
        await chat.say(typed)
    assert {"so_ke_hoach", "ngay_ke_hoach"} <= (await stored_answers()).keys()
    review = await chat.say("/xemlai")
    assert "1. Đơn vị đã ban hành kế hoạch" in review
    await chat.say("/sua 1")
    asked = await chat.say("không")
    assert "2 câu sau không còn áp dụng và sẽ bị xoá" in asked  # asked first (issue 11)
    assert (await stored_answers())["co_ke_hoach"] == "yes"
    back_in_review = await chat.say("có")
    answers = await stored_answers()
    assert answers["co_ke_hoach"] == "no"
    assert "so_ke_hoach" not in answers and "ngay_ke_hoach" not in answers
    assert "Số hiệu kế hoạch" not in back_in_review


async def test_back_skip_and_required(service: ConversationService) -> None:
    chat = Chat(service, "u-hoiphunu")
    await open_current_report(chat)
    assert "bắt buộc" in await chat.say("/boqua")
    await chat.say("có")
    previous = await chat.say("/quaylai")
    assert "Đang ghi: Có" in previous and "Câu 1/" in previous
    assert "Đây là câu đầu tiên" in await chat.say("back")


async def test_edit_after_submit_grows_revision_and_locks_after_deadline(
    service: ConversationService, clock: FakeClock
) -> None:
    chat = Chat(service, "u-hoiphunu")
    await open_current_report(chat)
    for _, typed, _ in NQ57_SCRIPT:
        await chat.say(typed)
    await chat.say("/gui")
    await chat.say("có")

    reopened = await chat.say("/baocao")
    assert "Chọn báo cáo" in reopened
    edit_screen = await chat.say("2")
    assert "đã gửi (lần 1)" in edit_screen and "Xem lại" in edit_screen
    await chat.say("/sua 5")
    await chat.say("20")
    assert (await stored_answers())["so_tin_bai_web"] == 12  # unsent edit: report unchanged
    await chat.say("/gui")
    assert "lần 2" in await chat.say("có")
    assert (await stored_answers())["so_tin_bai_web"] == 20
    assert (await Submission.get(unit__code="hoiphunu")).revision == 2

    clock.set_local(datetime(2026, 12, 21, 8, 0))
    # After the deadline the 2026-H2 report is locked: it is no longer offered for editing.
    text = await chat.say("/baocao")
    assert "năm 2026" not in text or "hết hạn sửa" in text


async def test_cancel_keeps_draft_and_continue_resumes(service: ConversationService) -> None:
    chat = Chat(service, "u-hoiphunu")
    await open_current_report(chat)
    await chat.say("có")
    assert "đã được lưu" in await chat.say("/huy")
    resumed = await chat.say("tiep tuc")
    assert "đã trả lời 1 câu, còn " in resumed and "Số hiệu kế hoạch" in resumed


async def test_restart_resumes_where_the_officer_was(
    service: ConversationService, clock: FakeClock
) -> None:
    chat = Chat(service, "u-hoiphunu")
    await open_current_report(chat)
    for _, typed, _ in NQ57_SCRIPT[:6]:
        await chat.say(typed)
    await service.close()

    restarted = ConversationService(TZ, clock=clock)
    await restarted.start()
    later = Chat(restarted, "u-hoiphunu")
    text = await later.say("/tieptuc")
    assert "Số video, clip đã đăng trên trang" in text  # the 7th question is next
    await later.say("3")
    assert (await stored_answers())["so_video_web"] == 3
    await restarted.close()


async def test_duplicate_updates_are_processed_once(
    service: ConversationService, clock: FakeClock
) -> None:
    chat = Chat(service, "u-hoiphunu")
    await chat.send("/baocao", update_id="1")
    await chat.send("1", update_id="2")
    first = await chat.send("có", update_id="3")
    again = await chat.send("có", update_id="3")
    assert first and again == []
    assert await InboxEntry.filter(status="done", platform="console").count() == 3

    restarted = ConversationService(TZ, clock=clock)
    await restarted.start()
    assert await Chat(restarted, "u-hoiphunu").send("không", update_id="3") == []
    assert (await stored_answers())["co_ke_hoach"] == "yes"
    await restarted.close()


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ({"text": "x" * 20_001}, "dài quá"),
        ({"text": "   "}, "trống"),
        ({"text": None, "unsupported": "sticker"}, "chưa đọc được"),
        ({"text": "/lenhla"}, "không hiểu lệnh"),
    ],
)
async def test_bad_messages_get_a_sentence_and_change_nothing(
    service: ConversationService, message: dict, expected: str
) -> None:
    chat = Chat(service, "u-hoiphunu")
    await open_current_report(chat)
    before = (await ConversationState.get(person__unit__code="hoiphunu")).data
    extra = dict(message)  # parametrised dicts are shared between the two databases
    text = extra.pop("text")
    replies = await chat.send(text, **extra)
    assert expected in replies[0].text
    assert (await ConversationState.get(person__unit__code="hoiphunu")).data == before
    assert await Answer.all().count() == 0


async def test_unit_type_decides_which_questions_apply(service: ConversationService) -> None:
    school = Chat(service, "u-th_dakpxi")
    await open_current_report(school)
    typed = {qid: text for qid, text, _ in NQ57_SCRIPT}
    asked = []
    for _ in range(40):
        state = json.loads((await ConversationState.get(person__unit__code="th_dakpxi")).data)
        if state.get("mode") != "answering":
            break
        asked.append(state["q"])
        await school.say(typed.get(state["q"], "1"))
    assert "hoat_dong_truong_hoc" in asked and "so_nguoi_dan_tap_huan" not in asked
    assert "so_buoi_doanh_nghiep" not in asked


async def test_photo_answer_is_stored_as_attachment(service: ConversationService) -> None:
    chat = Chat(service, "u-hoiphunu")
    await open_current_report(chat)
    for qid, typed, _ in NQ57_SCRIPT:
        if qid == "tep_bao_cao":
            break
        await chat.say(typed)
    assert "gửi ảnh hoặc tệp" in (await chat.say("để sau")).lower()  # "không có" skips
    attachment = Attachment(kind="file", path="/tmp/bao-cao.pdf", name="bao-cao.pdf", size=10)
    await chat.send(None, attachment=attachment)
    assert (await stored_answers())["tep_bao_cao"]["name"] == "bao-cao.pdf"


async def test_registration_by_invite(service: ConversationService, clock: FakeClock) -> None:
    unit = await Unit.get(code="cns_thon1")
    invite = await create_invite(unit=unit, role="officer", now=clock())
    stranger = Chat(service, "tg-42", platform="telegram")
    assert "mã mời" in await stranger.say("xin chào")
    unknown = await stranger.say("/start ZZZZ9999")
    assert "không dùng được" in unknown
    welcome = await stranger.say(f"/start {invite.code}")
    assert "Đăng ký thành công" in welcome and "Tổ công nghệ số" in welcome
    identity = await Identity.get(platform="telegram", external_id="tg-42").select_related("person")
    assert identity.person.unit_id == unit.id  # type: ignore[attr-defined]

    other = Chat(service, "tg-43", platform="telegram")
    used = await other.say(invite.code)
    expired = await create_invite(unit=unit, role="officer", now=clock() - timedelta(days=30))
    late = await other.say(expired.code)
    # One neutral reply: the three refusals differ only by the code they quote.
    assert {
        unknown.replace("ZZZZ9999", "#"),
        used.replace(invite.code, "#"),
        late.replace(expired.code, "#"),
    } == {unknown.replace("ZZZZ9999", "#")}
    assert await Invite.filter(used_at__isnull=False).count() == 1


async def test_group_chat_is_told_once(service: ConversationService) -> None:
    group = Chat(service, "u-hoiphunu")
    first = await group.send("/baocao", is_private=False)
    second = await group.send("/baocao", is_private=False)
    assert "tin nhắn riêng" in first[0].text and second == []


async def test_many_officers_at_once_commit_in_groups(
    service: ConversationService, clock: FakeClock
) -> None:
    units = [await Unit.create(code=f"u{n}", name=f"Đơn vị {n}", type="co_quan") for n in range(40)]
    from reportbot.store.models import Person

    for unit in units:
        person = await Person.create(name=unit.name, unit=unit)
        await Identity.create(platform="load", external_id=unit.code, chat_id="c", person=person)

    async def officer(code: str) -> None:
        chat = Chat(service, code, platform="load")
        await chat.say("/baocao")
        await chat.say("1")
        for _, typed, _ in NQ57_SCRIPT:
            await chat.say(typed)

    await asyncio.gather(*(officer(unit.code) for unit in units))
    per_unit = len([v for _, _, v in NQ57_SCRIPT if v is not None])
    assert await Answer.all().count() == per_unit * len(units)
    committer = service.committer
    assert committer.steps > committer.batches  # concurrent steps shared transactions
