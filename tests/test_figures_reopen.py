"""/mo reopens only what is locked; a reopened report stays counted as last submitted."""

from __future__ import annotations

from datetime import datetime

from reportbot.app import Application
from reportbot.coordination.reporting.choosing import pick_form, pick_period
from reportbot.coordination.reporting.consolidate import consolidate
from reportbot.store.models import AuditLog, Submission
from tests.conftest import TZ, FakeClock
from tests.support import Chat
from tests.test_coordination_chat import app, file_report, local  # noqa: F401  (fixture)


async def test_before_the_deadline_mo_changes_nothing_and_says_why(
    app: Application,  # noqa: F811
    clock: FakeClock,
) -> None:
    await file_report(
        "hoiphunu",
        {"tong_so_can_bo": 30, "so_can_bo_quan_triet": 30},
        submitted_at=local(2026, 12, 1, 9, 0),
    )
    clock.set_local(datetime(2026, 12, 20, 23, 0))  # the deadline day: still open
    reply = await Chat(app.service, "u-coord").say("/mo hoiphunu")
    assert reply == (
        "“Báo cáo kết quả thực hiện Nghị quyết 57” – năm 2026 của Hội Liên hiệp Phụ nữ xã vẫn "
        "còn trong hạn (đến hết ngày 20/12/2026): cán bộ của đơn vị tự sửa được, không cần mở "
        "lại. Báo cáo vẫn được tính là đã nộp."
    )
    submission = await Submission.get(unit__code="hoiphunu")
    assert (submission.status, submission.revision) == ("submitted", 1)
    assert await AuditLog.filter(action="submission.reopen").count() == 0


async def test_after_the_deadline_the_reopened_report_stays_counted(
    app: Application,  # noqa: F811
    clock: FakeClock,
) -> None:
    await file_report(
        "hoiphunu",
        {"tong_so_can_bo": 30, "so_can_bo_quan_triet": 25},
        submitted_at=local(2026, 12, 1, 9, 0),
    )
    clock.set_local(datetime(2026, 12, 22, 8, 0))
    reply = await Chat(app.service, "u-coord").say("/mo hoiphunu")
    assert reply.startswith("🔓 Đã mở lại")
    assert (await Submission.get(unit__code="hoiphunu")).status == "reopened"
    now = datetime(2026, 12, 22, 8, 0, tzinfo=TZ)
    key, template = await pick_form(None)
    period = await pick_period(key, template, None, now, TZ)
    data = await consolidate(key, template, period, now=now, tz=TZ)
    assert (data.filed, data.total) == (1, 7)
    assert [report.status.code for report in data.reports] == ["hoiphunu"]
    informed = next(n for n in data.numbers if n.question.id == "so_can_bo_quan_triet")
    assert (informed.total, informed.count) == (25, 1)
    summary = await Chat(app.service, "u-coord").say("/tonghop")
    assert "Đã nộp 1/7 đơn vị (đúng hạn 1, muộn 0); chưa nộp 6." in summary
    assert "Trong đó 1 đơn vị đang được mở lại để sửa, tính theo lần nộp gần nhất." in summary
