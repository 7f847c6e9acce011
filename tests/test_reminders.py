"""A whole half-year of reminders on SQLite and PostgreSQL, with a clock the test moves."""

from __future__ import annotations

from collections import Counter
from datetime import time

from reportbot.conversation import navigation as nav
from reportbot.forms.schema import FormTemplate
from reportbot.service import ConversationService
from reportbot.store.forms import template_by_record
from reportbot.store.models import Answer, ReminderDelivery, Unit
from tests.conftest import FakeClock
from tests.support import Chat, load_shipped_forms, seed_commune
from tests.test_reminders_support import (
    DIGEST_AFTER,
    DIGEST_BEFORE,
    EXPECTED_DAY,
    LATE,
    PERIOD,
    PRE,
    TZ,
    Delivered,
    RecordingConnector,
    file_report,
    local,
    officer,
    rows_by_user,
    sections,
    worker_for,
)

# ---------------------------------------------------------------------------------------------
# A whole half-year


async def test_half_year_every_reminder_once_to_the_right_people(db: str) -> None:
    await load_shipped_forms()
    clock = FakeClock(local(2026, 1, 10, 0, 5))
    fake = RecordingConnector("fake", clock)
    units = {}
    for code, unit_type, active in (
        ("u1", "doan_the", True),  # never files
        ("u2", "truong_hoc", True),  # files early: nothing
        ("u3", "to_cns", True),  # files between d-3 and d-1
        ("u4", "phong", True),  # has a draft, files the day after the deadline
        ("u5", "phong", True),  # its officer blocked the bot
        ("u6", "thon", True),  # does not file this form
        ("u7", "doan_the", False),  # inactive unit
        ("u8", "doan_the", True),  # only an inactive officer
        ("u9", "co_quan", True),  # officer with no messaging account
        ("u10", "doan_the", True),  # files late, after the second overdue reminder
    ):
        units[code] = await Unit.create(
            code=code, name=f"Đơn vị {code.upper()}", type=unit_type, active=active
        )
    a = await officer("a", units["u1"])
    await officer("b1", units["u2"])
    await officer("b2", units["u2"])
    await officer("c", units["u3"])
    await officer("d", units["u4"])
    await officer("e", units["u5"])
    await officer("f", units["u6"])
    await officer("g", units["u7"])
    await officer("h", units["u8"], active=False)
    await officer("i", units["u9"], platform="")
    await officer("j", units["u10"])
    await officer("k", units["u4"], role="coordinator")
    fake.refuse.add("u-e")
    draft = await file_report(units["u4"], local(2026, 5, 2, 9, 0), status="draft")
    await Answer.create(
        submission=draft, question_id="co_ke_hoach", value='"yes"', updated_at=clock()
    )
    await Answer.create(
        submission=draft, question_id="so_ke_hoach", value='"KH-7"', updated_at=clock()
    )
    template: FormTemplate = await template_by_record(draft.template_id)  # type: ignore[attr-defined]
    facts = {"unit_type": "phong", "unit_code": "u4", "period": PERIOD}
    left = nav.answered_count(template, {"co_ke_hoach": "yes", "so_ke_hoach": "KH-7"}, facts).left
    events = [
        (local(2026, 6, 1, 9, 0), units["u2"]),
        (local(2026, 6, 18, 12, 0), units["u3"]),
        (local(2026, 6, 21, 10, 0), units["u4"]),
        (local(2026, 6, 25, 10, 0), units["u10"]),
    ]
    worker = worker_for([fake], clock)
    runs = 0
    while clock() < local(2026, 7, 12):
        while events and events[0][0] <= clock():
            await file_report(events.pop(0)[1], clock())
        report = await worker.run_once()
        runs += 1
        assert not report.lease_busy
        # A day at a time while nothing can be due, then every 50 minutes (a step that does
        # not divide the hour, so ticks fall at every minute of the clock).
        busy = local(2026, 6, 12) <= clock() <= local(2026, 7, 12)
        clock.advance(minutes=50) if busy else clock.advance(hours=23)
    assert runs > 400

    rows = await rows_by_user()
    by_user: dict[str, list[Delivered]] = {}
    for d in fake.delivered:
        by_user.setdefault(d.user_id, []).append(d)
    expected = {
        "u-a": [*PRE, *LATE],
        "u-c": ["d-7", "d-3"],
        "u-d": [*PRE],
        "u-j": [*PRE, "late-1", "late-2"],
        "u-k": [DIGEST_BEFORE, DIGEST_AFTER],
    }
    assert set(by_user) == set(expected)  # nobody else got anything
    for user, kinds in expected.items():
        got = by_user[user]
        assert len(got) == len(kinds), (user, [g.text for g in got])
        for kind, message in zip(kinds, got, strict=True):
            moment = message.at.astimezone(TZ)
            assert moment.strftime("%d/%m") == EXPECTED_DAY[kind], (user, kind, moment)
            assert time(7, 30) <= moment.time() < time(8, 20), (user, kind, moment)
            assert moment.weekday() != 6
            assert rows[(user, kind)] == "sent"
    # Every reminder row is settled: sent, refused for good, or dropped; nothing in flight.
    assert set(rows.values()) <= {"sent", "undeliverable", "skipped"}
    assert {k for (u, k), s in rows.items() if u == "u-e"} == {*PRE, *LATE}
    assert {s for (u, _), s in rows.items() if u == "u-e"} == {"undeliverable"}
    assert Counter(fake.refused)["u-e"] == len(PRE) + len(LATE)
    assert not [key for key in rows if key[0] in ("u-b1", "u-b2", "u-f", "u-g", "u-h", "#")]
    # Nobody can reach the officer without an account: each reminder expires unsent.
    unreachable = await ReminderDelivery.filter(person__name="Cán bộ i").values_list("status")
    assert unreachable and {status for (status,) in unreachable} == {"skipped"}
    assert a.id

    # The officer of a unit with a draft is told how far it got and offered to continue.
    for message in by_user["u-d"]:
        assert f"đã trả lời 2 câu, còn {left} câu chưa trả lời" in message.text
        assert message.payloads == ("/tieptuc",)
    # The button opens the reminded report itself, not the menu of every open report.
    assert by_user["u-a"][0].payloads == ("/baocao nq57_bao_cao_6_thang 2026-H1",)
    assert "còn 7 ngày" in by_user["u-a"][0].text
    assert "Hôm nay (20/06/2026) là hạn cuối" in by_user["u-a"][3].text
    assert "Quá hạn 2 ngày" in by_user["u-a"][4].text

    before, after = (sections(m.text) for m in by_user["u-k"])
    assert "Đã nộp: 2/8 đơn vị." in by_user["u-k"][0].text
    assert sorted(before["Đã nộp đúng hạn"]) == ["Đơn vị U2", "Đơn vị U3"]
    assert sorted(before["Chưa nộp"]) == [
        "Đơn vị U1",
        "Đơn vị U10",
        "Đơn vị U4",
        "Đơn vị U5",
        "Đơn vị U8",
        "Đơn vị U9",
    ]
    assert "Đã nộp: 3/8 đơn vị." in by_user["u-k"][1].text
    assert sorted(after["Quá hạn, chưa nộp"]) == [
        "Đơn vị U1",
        "Đơn vị U10",
        "Đơn vị U5",
        "Đơn vị U8",
        "Đơn vị U9",
    ]
    assert after["Nộp muộn"] == ["Đơn vị U4"]
    assert sorted(after["Không liên lạc được"]) == [
        "Đơn vị U5 – Cán bộ e: không gửi được tin nhắn",
        "Đơn vị U8 – chưa có cán bộ",
        "Đơn vị U9 – Cán bộ i: chưa đăng ký tài khoản nhắn tin",
    ]


async def test_replying_to_a_reminder_goes_straight_into_the_report(db: str) -> None:
    """The reminder's choice, sent back as a button press, continues the draft it mentions."""
    await load_shipped_forms()
    people = await seed_commune()
    clock = FakeClock(local(2026, 6, 10, 9, 0))
    service = ConversationService(TZ, clock=clock)
    await service.start()
    try:
        draft_owner = Chat(service, "u-hoiphunu")
        await draft_owner.say("/baocao")
        await draft_owner.say("2")  # this half-year, not the overdue one (listed first)
        await draft_owner.say("có")
        await draft_owner.say("KH-12/HPN")
        await draft_owner.say("/huy")
        await file_report(await Unit.get(code="vhxh"), clock(), period="2025-H2")
        clock.now = local(2026, 6, 17, 8, 0)  # d-3
        console = RecordingConnector("console", clock)
        report = await worker_for([console], clock).run_once()
        assert report.sent == len(people)
        reminders = {d.user_id: d for d in console.delivered}
        to_draft, to_new = reminders["u-hoiphunu"], reminders["u-vhxh"]
        assert "đã trả lời 2 câu, còn " in to_draft.text and to_draft.payloads == ("/tieptuc",)
        assert to_new.payloads == ("/baocao nq57_bao_cao_6_thang 2026-H1",)

        replies = await draft_owner.send(choice=to_draft.payloads[0])
        text = "\n".join(r.text for r in replies)
        assert "Tiếp tục “" in text and "đã trả lời 2 câu, còn " in text
        assert "Câu 3/" in text  # the next unanswered question
        # The button opens the reminded report at its first question, even though the unit
        # may also owe the previous period (typing /baocao would ask which one).
        fresh = Chat(service, "u-vhxh")
        replies = await fresh.send(choice=to_new.payloads[0])
        assert "Câu 1/" in "\n".join(r.text for r in replies)
    finally:
        await service.close()
