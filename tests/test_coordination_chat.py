"""Coordinator and admin commands through the conversation service, as on the console.

The application is built as the bot builds it (the composition root routes the commands); people
chat through `tests.support.Chat`; a reopened report is announced through the real console
connector.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from pyxform.xls2json_backends import md_table_to_workbook

from connectors.base import Attachment, ConnectorContext
from connectors.console import create as create_console
from reportbot.app import Application
from reportbot.config import Settings
from reportbot.coordination.reporting.choosing import forms_named
from reportbot.forms.loader import template_from_definition
from reportbot.store.models import (
    Answer,
    AuditLog,
    ConnectorState,
    FormTemplateRecord,
    Identity,
    Invite,
    OutboxEntry,
    Person,
    Submission,
    Unit,
)
from tests.conftest import FORMS_DIR, NQ57, TZ, FakeClock
from tests.support import NQ57_SCRIPT, Chat, load_shipped_forms, seed_commune, store_submission

NQ57_KEY = "nq57_bao_cao_6_thang"
XLSFORMS = Path(__file__).parent / "fixtures" / "xlsform"
BOT_USERNAME = "dakpxi_baocao_bot"
EXTRA_UNITS = (
    ("kinhte", "Phòng Kinh tế", "phong"),
    ("doanthanhnien", "Đoàn Thanh niên xã", "doan_the"),
    ("tramyte", "Trạm Y tế xã", "co_quan"),
)


def local(*args: int) -> datetime:
    """A moment on the Vietnamese wall clock."""
    return datetime(*args, tzinfo=TZ)


async def seed_people() -> None:
    """The test commune: seven units, an officer each for four, a coordinator, an admin."""
    await seed_commune()
    for code, name, unit_type in EXTRA_UNITS:
        await Unit.create(code=code, name=name, type=unit_type)
    vhxh = await Unit.get(code="vhxh")
    for user_id, name, role in (
        ("u-coord", "Trần Văn Minh", "coordinator"),
        ("u-admin", "Lê Quản Trị", "admin"),
    ):
        person = await Person.create(name=name, unit=vhxh, role=role)
        await Identity.create(
            platform="console", external_id=user_id, chat_id=user_id, person=person
        )


async def file_report(
    unit_code: str,
    answers: dict[str, Any],
    *,
    status: str = "submitted",
    submitted_at: datetime | None = None,
    period_key: str = "2026-H2",
    form_key: str = NQ57_KEY,
) -> Submission:
    """Store a unit's report as the bot would have stored it."""
    record = await FormTemplateRecord.filter(key=form_key).order_by("-version").first()
    assert record is not None
    moment = submitted_at or local(2026, 12, 1, 9, 0)
    return await store_submission(
        record,
        unit_code,
        answers,
        status=status,
        period_key=period_key,
        moment=moment,
        submitted_at=None if status == "draft" else moment,
    )


async def seed_reports() -> None:
    """A known set of reports for 2026-H2 (deadline 20/12/2026)."""
    await file_report(
        "hoiphunu",
        {
            "co_ke_hoach": "yes",
            "chuyen_muc_web": "co",
            "so_tin_bai_web": 12,
            "so_tin_bai_zalo": 1000,
            "tong_so_can_bo": 30,
            "so_can_bo_quan_triet": 30,
            "tong_can_bo_truyen_thong": 10,
            "so_can_bo_tt_dao_tao": 7,
            "kinh_phi": 15_000_000,
            "mo_hinh_hay": "Tổ chức “Ngày chủ nhật số” hằng tháng",
            "de_xuat": "Xin thêm kinh phí tập huấn",
        },
        submitted_at=local(2026, 12, 18, 10, 0),
    )
    await file_report(
        "th_dakpxi",
        {
            "co_ke_hoach": "no",
            "chuyen_muc_web": "chua_co",
            "so_tin_bai_web": 3,
            "so_tin_bai_zalo": 0,
            "tong_so_can_bo": 40,
            "so_can_bo_quan_triet": 25,
            "tong_can_bo_truyen_thong": 4,
            "so_can_bo_tt_dao_tao": 1,
            "kinh_phi": 2_500_000,
            "kho_khan": "Thiếu máy tính cho học sinh",
        },
        submitted_at=local(2026, 12, 20, 22, 0),  # the deadline day: on time
    )
    await file_report(
        "cns_thon1",
        {
            "co_ke_hoach": "yes",
            "chuyen_muc_web": "chua_co_trang_ttdt",
            "so_tin_bai_zalo": 5,
            "tong_so_can_bo": 10,
            "so_can_bo_quan_triet": 5,
            "tong_can_bo_truyen_thong": 0,
            "so_nguoi_dan_tap_huan": 80,
            "kinh_phi": 0,
            "kho_khan": "Sóng điện thoại yếu ở các thôn xa",
        },
        submitted_at=local(2026, 12, 21, 8, 0),  # late
    )
    await file_report("vhxh", {"tong_so_can_bo": 99}, status="draft")
    await file_report(
        "kinhte",
        {
            "co_ke_hoach": "yes",
            "chuyen_muc_web": "co",
            "so_tin_bai_web": 5,
            "tong_so_can_bo": 20,
            "so_can_bo_quan_triet": 20,
            "tong_can_bo_truyen_thong": 6,
            "so_can_bo_tt_dao_tao": 6,
            "kinh_phi": 500_000,
        },
        status="reopened",
        submitted_at=local(2026, 12, 19, 15, 0),
    )


@pytest.fixture
async def app(db: str, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Application]:
    """The bot application with the coordination extension installed, on a seeded commune."""
    await seed_people()
    await load_shipped_forms()
    settings = Settings(
        database_url=db,
        media_dir=tmp_path / "media",
        env={"REPORTBOT_TELEGRAM_BOT_USERNAME": f"@{BOT_USERNAME}"},
    )
    application = Application(settings, clock=clock)
    await application.service.start()
    yield application
    await application.service.close()


def console_for(app: Application, user_id: str) -> io.StringIO:
    """Attach a console connector for one person; return what it prints."""
    out = io.StringIO()
    context = ConnectorContext(
        handler=app.service,
        env={},
        config={"user_id": user_id, "stdin": io.StringIO(), "stdout": out},
    )
    connector = create_console(context)
    assert connector is not None
    app.connectors.append(connector)
    return out


def attachment(path: Path, name: str | None = None) -> Attachment:
    return Attachment(kind="file", path=str(path), name=name or path.name, size=path.stat().st_size)


def xlsform(name: str, folder: Path) -> Path:
    path = folder / f"{Path(name).stem}.xlsx"
    md_table_to_workbook((XLSFORMS / name).read_text(encoding="utf-8")).save(path)
    return path


COORDINATOR_REFUSAL = "chỉ dành cho chuyên viên tổng hợp và quản trị viên"
ADMIN_REFUSAL = "chỉ dành cho quản trị viên"


# -- roles ---------------------------------------------------------------------------------


async def test_every_command_checks_the_role(app: Application, tmp_path: Path) -> None:
    officer = Chat(app.service, "u-hoiphunu")
    for command in ("/tinhhinh", "/mo hoiphunu", "/tonghop", "tinh hinh", "tong hop"):
        reply = await officer.say(command)
        assert COORDINATOR_REFUSAL in reply, (command, reply)
    assert ADMIN_REFUSAL in await officer.say("/moi hoiphunu")
    other = await officer.say("/xem vhxh")
    assert "chỉ xem được báo cáo của đơn vị mình (Hội Liên hiệp Phụ nữ xã)" in other
    assert "chưa có báo cáo nào" in await officer.say("/xem")
    assert "chưa có báo cáo nào" in await officer.say("/xem hoi phu nu")  # their own, by name
    # An officer's words are never searched among other units: no names, no codes, no
    # "not found" telling which codes exist.
    for probe in ("/xem Phòng", "/xem khongco", "/xem tramyte"):
        reply = await officer.say(probe)
        assert reply == other, probe
    template_reply = await officer.send(attachment=attachment(NQ57))
    assert "Chỉ quản trị viên mới đăng được mẫu báo cáo" in template_reply[0].text

    coordinator = Chat(app.service, "u-coord")
    assert ADMIN_REFUSAL in await coordinator.say("/moi hoiphunu")
    coordinator_file = await coordinator.send(attachment=attachment(NQ57))
    assert "Chỉ quản trị viên" in coordinator_file[0].text
    assert "Tình hình nộp báo cáo" in await coordinator.say("/tinhhinh")

    assert not await AuditLog.exists()
    assert not await Invite.exists()
    assert await FormTemplateRecord.all().count() == 1
    assert not await ConnectorState.filter(connector="coordination").exists()


async def test_commands_in_the_middle_of_a_report_leave_it_intact(app: Application) -> None:
    officer = Chat(app.service, "u-hoiphunu")
    await officer.say("/baocao")
    await officer.say("2")  # the current period (the overdue one is listed first)
    await officer.say("có")  # plan issued
    # Zalo style, no slash: words of several parts are commands wherever they are typed;
    # a single short word ("xem") needs the slash, since alone it may well be an answer.
    assert COORDINATOR_REFUSAL in await officer.say("tinh hinh")
    view = await officer.say("/xem")
    assert view.startswith("📄 Hội Liên hiệp Phụ nữ xã (hoiphunu)")
    assert "Tình trạng: đang soạn" in view and "1. Đơn vị đã ban hành kế hoạch" in view
    # The report goes on where it was: the next answer is the plan number.
    await officer.say("KH-12/HPN")
    submission = await Submission.get(unit__code="hoiphunu")
    answer = await Answer.get(submission=submission, question_id="so_ke_hoach")
    assert json.loads(answer.value) == "KH-12/HPN"


# -- status, view, reopen --------------------------------------------------------------------


async def test_status_shows_each_bucket_with_counts(app: Application, clock: FakeClock) -> None:
    await seed_reports()
    clock.set_local(datetime(2026, 12, 20, 23, 30))  # the last half hour of the deadline day
    text = await Chat(app.service, "u-coord").say("/tinhhinh")
    assert "Báo cáo kết quả thực hiện Nghị quyết 57 – năm 2026 (hạn 20/12/2026)" in text
    assert "đã quá hạn" not in text
    lines = text.splitlines()
    # The reopened report stays filed (on time, as first sent) until it is sent again.
    assert "• Đã nộp đúng hạn: 3" in lines  # names are not listed for those
    assert "• Nộp muộn: 1 – Tổ công nghệ số cộng đồng thôn 1" in lines
    assert "• Đang soạn: 1 – Phòng Văn hóa - Xã hội" in lines
    assert "• Chưa bắt đầu: 2 – Đoàn Thanh niên xã, Trạm Y tế xã" in lines
    assert "Tổng: 7 đơn vị phải nộp; đã nộp 4/7." in lines


async def test_status_after_the_deadline_counts_late_filing(
    app: Application, clock: FakeClock
) -> None:
    await seed_reports()
    clock.set_local(datetime(2027, 1, 5, 9, 0))  # 2027-H1 is current; 2026-H2 is behind
    text = await Chat(app.service, "u-admin").say("tinh hinh")  # Zalo style, no slash
    assert "6 tháng đầu năm 2027 (hạn 20/06/2027)" in text
    assert "• Chưa bắt đầu: 7" in text
    previous = next(line for line in text.splitlines() if line.startswith("Kỳ trước"))
    # The reopened report is filed with its last submitted answers: it is not missing.
    assert previous == (
        "Kỳ trước (năm 2026): còn 3 đơn vị chưa nộp: "
        "Đoàn Thanh niên xã, Phòng Văn hóa - Xã hội, Trạm Y tế xã."
    )


async def test_view_shows_a_units_answers(app: Application) -> None:
    await seed_reports()
    text = await Chat(app.service, "u-coord").say("/xem hoi phu nu")  # words of the name
    assert text.startswith("📄 Hội Liên hiệp Phụ nữ xã (hoiphunu)")
    assert "Tình trạng: đã nộp lúc 10:00 18/12/2026 (lần 1)" in text
    assert "Số tin, bài đã đăng trên kênh Zalo chuyển đổi số của xã: 1.000" in text
    assert "Kinh phí đã chi" in text and "15.000.000" in text
    late = await Chat(app.service, "u-coord").say("/xem cns_thon1 2026-H2")
    assert "nộp muộn lúc 08:00 21/12/2026" in late
    officer = await Chat(app.service, "u-th_dakpxi").say("/xem")
    assert officer.startswith("📄 Trường Tiểu học Đăk Pxi")
    unknown = await Chat(app.service, "u-coord").say("/xem khongco")
    assert unknown == "Không tìm thấy đơn vị “khongco”. Xin kiểm tra lại mã đơn vị."
    ambiguous = await Chat(app.service, "u-coord").say("/xem Phòng")
    assert "Có nhiều đơn vị khớp với “Phòng”" in ambiguous


async def test_reopen_lets_the_officer_edit_again_and_tells_them(
    app: Application, clock: FakeClock
) -> None:
    officer_console = console_for(app, "u-hoiphunu")
    officer = Chat(app.service, "u-hoiphunu")
    await officer.say("/baocao")
    await officer.say("2")  # the current period, after the overdue one
    for _qid, typed, _value in NQ57_SCRIPT:
        await officer.say(typed)
    await officer.say("/gui")
    assert "✅ Đã gửi" in await officer.say("có")

    clock.set_local(datetime(2026, 12, 22, 8, 0))  # past the deadline: the report is locked

    filed = await Submission.get(unit__code="hoiphunu", period_key="2026-H2")
    row = await OutboxEntry.get(topic="sheet", key=str(filed.id))
    coordinator = Chat(app.service, "u-coord")
    reply = await coordinator.say("/mo hoiphunu")
    assert "🔓 Đã mở lại báo cáo “Báo cáo kết quả thực hiện Nghị quyết 57” – năm 2026" in reply
    assert "Đã báo cho: Cán bộ hoiphunu (console)." in reply
    notice = officer_console.getvalue()
    assert "đã được Trần Văn Minh mở lại để anh/chị chỉnh sửa" in notice
    submission = await Submission.get(unit__code="hoiphunu", period_key="2026-H2")
    assert submission.status == "reopened"
    # The sheet row is queued again so the coordinators' sheet shows the new status.
    assert (await OutboxEntry.get(id=row.id)).seq == row.seq + 1
    entry = await AuditLog.get(action="submission.reopen")
    assert json.loads(entry.detail)["unit"] == "hoiphunu"
    assert (await entry.person).name == "Trần Văn Minh"

    # The officer's cached view of the unit was dropped: the reopened report is offered.
    menu = await officer.say("/baocao")
    assert "năm 2026 · mở lại để sửa" in menu  # the button: period first
    again = await coordinator.say("/mo hoiphunu")
    assert "đã được mở lại từ trước" in again

    # A unit whose officer cannot be reached: the coordinator is told to call them.
    await file_report("th_dakpxi", {"co_ke_hoach": "no"}, submitted_at=local(2026, 12, 19, 8, 0))
    unreachable = await coordinator.say("/mo th_dakpxi")
    assert "Chưa liên lạc được cán bộ nào của đơn vị" in unreachable
    draft_only = await file_report("vhxh", {}, status="draft")
    assert draft_only.status == "draft"
    assert "chưa được nộp nên không cần mở lại" in await coordinator.say("/mo vhxh")
    assert "chưa có báo cáo nào đã nộp" in await coordinator.say("/mo tramyte")


# -- invites -------------------------------------------------------------------------------


async def test_admin_invites_by_chat_and_the_code_registers_once(
    app: Application, clock: FakeClock
) -> None:
    admin = Chat(app.service, "u-admin")
    text = await admin.say("/moi hoiphunu")
    match = re.search(r"Mã mời: ([A-Z0-9]{8})", text)
    assert match, text
    code = match.group(1)
    assert f"https://t.me/{BOT_USERNAME}?start={code}" in text
    assert "Tin nhắn gửi qua Zalo:" in text and f"mã: {code}" in text
    assert "Hết hạn: 10/12/2026 (dùng một lần)" in text
    invite = await Invite.get(code=code).select_related("unit")
    assert (invite.role, invite.unit.code) == ("officer", "hoiphunu")

    newcomer = Chat(app.service, "zalo-new", platform="zalo_bot")
    welcome = await newcomer.say(code)
    assert "Đăng ký thành công" in welcome and "Hội Liên hiệp Phụ nữ xã" in welcome
    assert "không dùng được" in await Chat(app.service, "zalo-other", platform="zalo_bot").say(code)

    coordinator_invite = await admin.say("/moi vhxh chuyên viên")
    assert "Dành cho: chuyên viên tổng hợp của Phòng Văn hóa - Xã hội" in coordinator_invite
    assert "Cách dùng: /moi" in await admin.say("/moi")
    actions = await AuditLog.all().values_list("action", flat=True)
    assert actions == ["invite.create", "invite.create"]


# -- publishing templates --------------------------------------------------------------------


async def test_admin_publishes_a_yaml_template_from_the_chat(
    app: Application, tmp_path: Path
) -> None:
    admin = Chat(app.service, "u-admin")
    bad = tmp_path / "mau_loi.yaml"
    bad.write_text(
        "key: Mau Loi\ntitle: Mẫu lỗi\nperiod: {kind: yearly}\nquestions:\n"
        "  - {id: so, type: integr, label: Số}\n",
        encoding="utf-8",
    )
    errors = (await admin.send(attachment=attachment(bad)))[0].text
    assert errors.startswith("❌ Mẫu “mau_loi.yaml” chưa dùng được, có 3 lỗi cần sửa:")
    assert "• mau_loi.yaml, dòng 1, key: mã biểu mẫu 'Mau Loi': bắt buộc" in errors
    assert "• mau_loi.yaml, dòng 5, so: type: loại câu hỏi 'integr' không có" in errors
    assert "→ Cách sửa: Chọn một loại trong danh sách" in errors
    assert await FormTemplateRecord.all().count() == 1

    text = NQ57.read_text(encoding="utf-8").replace('version: "2025.1"', 'version: "2026.1"')
    text += "  - id: so_zalo_moi\n    type: integer\n    label: Số tài khoản Zalo mới\n"
    good = tmp_path / "nq57_v2.yaml"
    good.write_text(text, encoding="utf-8")
    reply = await admin.send(attachment=attachment(good))
    preview = reply[0].text
    assert "📝 Xem trước mẫu “Báo cáo kết quả thực hiện Nghị quyết 57”" in preview
    assert "• Số câu hỏi: 28" in preview
    assert "• Đơn vị phải nộp: phòng chuyên môn, đoàn thể, trường học, tổ công nghệ số" in preview
    assert "• Kỳ báo cáo: 6 tháng một lần, hạn 20/06, 20/12" in preview
    assert "• Hạn gần nhất: năm 2026 – hết ngày 20/12/2026" in preview
    assert "Phiên bản mới 2 của mẫu đang dùng (hiện là phiên bản 1)" in preview
    assert "Câu mới: so_zalo_moi" in preview
    assert [c.payload for c in reply[0].choices] == ["yes", "no"]

    assert "Xin trả lời “có”" in await admin.say("để tôi xem đã")
    published = await admin.say("có")
    assert published.startswith("✅ Đã đăng “Báo cáo kết quả thực hiện Nghị quyết 57”")
    assert "phiên bản 2" in published
    versions = await FormTemplateRecord.filter(key=NQ57_KEY).values_list("version", flat=True)
    assert sorted(versions) == [1, 2]
    entry = await AuditLog.get(action="template.publish")
    assert json.loads(entry.detail) == {
        "created": True,
        "file": "nq57_v2.yaml",
        "key": NQ57_KEY,
        "version": 2,
    }
    assert not await ConnectorState.filter(connector="coordination").exists()
    # A "có" with nothing pending goes to the engine as usual.
    assert "Đã đăng" not in await admin.say("có")


async def test_admin_publishes_an_xlsform_after_a_bad_one(app: Application, tmp_path: Path) -> None:
    admin = Chat(app.service, "u-admin")
    errors = (await admin.send(attachment=attachment(xlsform("many_errors.md", tmp_path))))[0].text
    assert "có 10 lỗi cần sửa" in errors
    assert (
        "• many_errors.xlsx: trang survey, dòng 2, cột type: loại câu hỏi “integr” không có"
        in errors
    )
    assert (
        "• many_errors.xlsx: trang survey, dòng 8, cột choice_filter: ${chua_co} không phải"
        in errors
    )
    repeat = (await admin.send(attachment=attachment(xlsform("loop.md", tmp_path))))[0].text
    assert "không hỗ trợ nhóm lặp lồng trong nhóm lặp" in repeat  # (calculate, repeats are)

    # Telegram keeps files under their own id; the admin's file name is what counts.
    saved = tmp_path / "AgADBAADr6kx.xlsx"
    xlsform("nq57_rut_gon.md", tmp_path).rename(saved)
    sent = attachment(saved, name="bao_cao_nhanh.xlsx")
    preview = (await admin.send(attachment=sent))[0].text
    assert "📝 Xem trước mẫu “Báo cáo nhanh Nghị quyết 57”" in preview
    assert "• Mã mẫu: nq57_rut_gon; phiên bản khai báo: 2026.1" in preview
    assert "• Số câu hỏi: 9" in preview
    assert "• Đơn vị phải nộp: phòng chuyên môn, đoàn thể, trường học" in preview
    assert "Mẫu mới, sẽ là phiên bản 1." in preview
    assert await admin.say("không") == "Đã hủy, mẫu chưa được đăng."
    assert not await FormTemplateRecord.filter(key="nq57_rut_gon").exists()

    await admin.send(attachment=sent)
    assert (
        "✅ Đã đăng “Báo cáo nhanh Nghị quyết 57” (mã nq57_rut_gon), phiên bản 1"
        in (await admin.send(choice="yes"))[0].text
    )
    # The form is live at once: a doan_the officer now has two reports to choose from.
    menu = await Chat(app.service, "u-hoiphunu").say("/baocao")
    assert "Báo cáo nhanh Nghị quyết 57" in menu and "Báo cáo kết quả thực hiện" in menu
    # ... and units it does not apply to do not see it.
    to_cns = await Chat(app.service, "u-cns_thon1").say("/baocao")
    assert "Báo cáo nhanh" not in to_cns


async def test_a_confirmation_waits_one_hour_at_most(
    app: Application, clock: FakeClock, tmp_path: Path
) -> None:
    admin = Chat(app.service, "u-admin")
    await admin.send(attachment=attachment(xlsform("group.md", tmp_path)))
    assert await ConnectorState.filter(connector="coordination").exists()
    clock.advance(hours=1, minutes=1)
    reply = await admin.say("có")
    assert "Đã đăng" not in reply
    assert not await FormTemplateRecord.filter(key="nhom_cau_hoi").exists()
    assert not await ConnectorState.filter(connector="coordination").exists()
    # Another command drops the pending form too; /huy says so.
    await admin.send(attachment=attachment(xlsform("group.md", tmp_path)))
    assert await admin.say("/huy") == "Đã hủy, mẫu chưa được đăng."
    await admin.send(attachment=attachment(xlsform("group.md", tmp_path)))
    assert "Đã hủy" not in await admin.say("/baocao")
    assert not await ConnectorState.filter(connector="coordination").exists()


async def test_drafts_keep_their_version_when_a_new_one_is_published(
    app: Application, tmp_path: Path
) -> None:
    officer = Chat(app.service, "u-hoiphunu")
    await officer.say("/baocao")
    await officer.say("2")  # the current period
    await officer.say("có")
    first = await Submission.get(unit__code="hoiphunu")
    v1 = first.template_id  # type: ignore[attr-defined]

    text = NQ57.read_text(encoding="utf-8").replace('version: "2025.1"', 'version: "2026.2"')
    changed = tmp_path / "nq57.yaml"
    changed.write_text(text + "  - {id: cau_moi, type: text, label: Câu mới}\n", encoding="utf-8")
    admin = Chat(app.service, "u-admin")
    await admin.send(attachment=attachment(changed))
    assert "phiên bản 2" in await admin.say("có")

    await officer.say("KH-01")
    await officer.say("01/03/2026")
    draft = await Submission.get(unit__code="hoiphunu")
    assert draft.template_id == v1  # type: ignore[attr-defined]
    await Chat(app.service, "u-th_dakpxi").say("/baocao")
    await Chat(app.service, "u-th_dakpxi").say("2")
    new_draft = await Submission.get(unit__code="th_dakpxi")
    assert new_draft.template_id != v1  # type: ignore[attr-defined]


# -- consolidation in the chat --------------------------------------------------------------


async def test_summary_gives_the_figures_and_three_files(
    app: Application, clock: FakeClock
) -> None:
    await seed_reports()
    clock.set_local(datetime(2026, 12, 22, 9, 0))
    replies = await Chat(app.service, "u-coord").send("/tonghop")
    text = replies[0].text
    assert text.startswith("📑 Tổng hợp: Báo cáo kết quả thực hiện Nghị quyết 57 – năm 2026")
    assert "Đã nộp 4/7 đơn vị (đúng hạn 3, muộn 1); chưa nộp 3." in text
    assert (
        "• Cán bộ, công chức, viên chức được quán triệt Nghị quyết 57: 80/100 = 80% "
        "(mục tiêu 100%, năm 2025) – chưa đạt" in text
    )
    assert (
        "• Người làm công tác truyền thông được đào tạo kỹ năng truyền thông số: 14/20 = 70% "
        "(mục tiêu 70%, năm 2030) – đạt" in text
    )
    assert "• Đơn vị đã ban hành kế hoạch thực hiện: 3/4 = 75%" in text
    assert "• Trang thông tin điện tử có chuyên mục về Nghị quyết 57: 2/3 = 66,7%" in text
    assert "• Số tin, bài đã đăng trên trang thông tin điện tử: 20 · 6,67 · 3" in text
    assert "• Kinh phí đã chi cho khoa học" in text and ": 18.000.000 · 4.500.000 · 4" in text
    assert "▪ Hội Liên hiệp Phụ nữ xã:\n  – Mô hình hay, cách làm hiệu quả: Tổ chức" in text
    assert "▪ Trường Tiểu học Đăk Pxi:\n  – Khó khăn, vướng mắc: Thiếu máy tính" in text
    files = [Path(reply.attachment_path) for reply in replies[1:] if reply.attachment_path]
    assert [path.suffix for path in files] == [".xlsx", ".docx", ".png"]
    assert all(path.is_file() and path.stat().st_size > 1000 for path in files)
    assert files[0].parent == Path(app.settings.media_dir) / "reports"

    named = await Chat(app.service, "u-admin").say(f"/tonghop {NQ57_KEY} 2026-H1")
    assert "6 tháng đầu năm 2026" in named and "Chưa có đơn vị nào nộp báo cáo kỳ này." in named
    wrong = await Chat(app.service, "u-admin").say("/tonghop khong_co_mau")
    assert "Không có mẫu báo cáo “khong_co_mau”" in wrong
    bad_period = await Chat(app.service, "u-admin").say(f"/tonghop {NQ57_KEY} 2026-13")
    assert "Kỳ “2026-13” không đúng với mẫu này" in bad_period
    # A half-year that does not exist is the period's mistake, not an unknown form's.
    no_such_half = await Chat(app.service, "u-admin").say(f"/tonghop {NQ57_KEY} 2026-H9")
    assert "Kỳ “2026-H9” không đúng với mẫu này (ví dụ: 20" in no_such_half


# -- Zalo style and help ----------------------------------------------------------------------


async def test_commands_with_an_argument_work_without_the_slash(
    app: Application, clock: FakeClock
) -> None:
    await seed_reports()
    clock.set_local(datetime(2027, 1, 5, 9, 0))  # the 2026-H2 reports are locked now
    coordinator = Chat(app.service, "u-coord")
    reopened = await coordinator.say("mo lai hoi phu nu")  # as typed on Zalo
    assert "Đã mở lại" in reopened and "Hội Liên hiệp Phụ nữ xã" in reopened
    summary = await coordinator.say("tong hop nq57_bao_cao_6_thang")
    assert summary.startswith("📑 Tổng hợp")
    # An officer's answer that starts with the same words stays an answer.
    officer = Chat(app.service, "u-th_dakpxi")
    await officer.say("/baocao")
    assert COORDINATOR_REFUSAL not in await officer.say("tong hop cac hoat dong")


async def test_a_coordinator_views_a_unit_without_the_slash(
    app: Application, clock: FakeClock
) -> None:
    await seed_reports()
    coordinator = Chat(app.service, "u-coord")
    with_slash = await coordinator.say("/xem hoi phu nu")
    assert "Hội Liên hiệp Phụ nữ xã" in with_slash
    assert await coordinator.say("xem hoi phu nu") == with_slash  # as typed on Zalo
    # an officer's "xem ..." is not a command (their /xem needs the slash), and "xem lai"
    # stays the officer's review for everyone
    officer = Chat(app.service, "u-hoiphunu")
    assert "Hội Liên hiệp Phụ nữ xã (hoiphunu)" not in await officer.say("xem hoi phu nu")


async def test_help_lists_the_commands_of_the_persons_role(app: Application) -> None:
    officer = await Chat(app.service, "u-hoiphunu").say("/trogiup")
    coordinator = await Chat(app.service, "u-coord").say("/trogiup")
    admin = await Chat(app.service, "u-admin").say("tro giup")
    assert "/baocao" in officer and "/tonghop" not in officer
    assert "/baocao" in coordinator and "/tonghop" in coordinator and "/moi" not in coordinator
    assert "/tonghop" in admin and "/moi" in admin


async def test_summary_finds_the_form_by_words_of_its_title(
    app: Application, clock: FakeClock
) -> None:
    await seed_reports()
    await load_shipped_forms(FORMS_DIR / "example_monthly.yaml")
    clock.set_local(datetime(2026, 12, 22, 9, 0))
    coordinator = Chat(app.service, "u-coord")
    for typed in ("/tonghop Nghi quyet 57", "/tonghop nghị quyết 57", "tong hop NGHI QUYET 57"):
        text = await coordinator.say(typed)
        assert text.startswith("📑 Tổng hợp: Báo cáo kết quả thực hiện Nghị quyết 57"), typed
    with_period = await coordinator.say("/tonghop nghi quyet 57 2026-H1")
    assert "6 tháng đầu năm 2026" in with_period
    # "bao cao" is in both titles: the two are offered by number, and the number picks one
    offer = await coordinator.send("/tonghop bao cao")
    assert offer[0].text.startswith("Có nhiều mẫu báo cáo. Chọn mẫu")
    assert [c.label for c in offer[0].choices] == [
        "Báo cáo kết quả thực hiện Nghị quyết 57",
        "Báo cáo nhanh chuyển đổi số hằng tháng",
    ]
    assert (await coordinator.say("1")).startswith("📑 Tổng hợp: Báo cáo kết quả thực hiện")
    unknown = await coordinator.say("/tonghop nghi quyet 99")
    assert "Không có mẫu báo cáo “nghi quyet 99”" in unknown


def readme_commands(header: str) -> list[str]:
    """The slash commands in the first column of the README table under `header`."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme.split(header + "\n\n", 1)[1].split("\n\n", 1)[0]
    return [
        found[1]
        for row in table.splitlines()[2:]
        if (found := re.match(r"\| `(/[a-z]+)", row)) is not None
    ]


async def test_help_and_readme_name_the_same_commands(app: Application) -> None:
    officer = await Chat(app.service, "u-hoiphunu").say("/trogiup")
    coordinator = await Chat(app.service, "u-coord").say("/trogiup")
    admin = await Chat(app.service, "u-admin").say("/trogiup")
    listed = {line.split()[0] for line in admin.splitlines() if line.startswith("/")}
    told = readme_commands("## Talking to the bot")
    assert "/baocao" in told and "/sua" in told
    for command in told:
        if command != "/trogiup":  # the help itself
            assert command in officer and command in listed, command
    commands = readme_commands("## For coordinators: what the sheet and the commands show")
    assert "/mo" in commands and "/tonghop" in commands and "/xem" in commands
    for command in commands:
        if command != "/web":  # listed only where the web page is configured
            assert command in listed, command
    assert "/mo ĐƠN_VỊ" in coordinator and "/molai" not in coordinator
    assert "/xem ĐƠN_VỊ" in coordinator and "/xem ĐƠN_VỊ" not in officer
    for typed in ("/mo", "/molai"):  # both spellings are the reopen command
        said = await Chat(app.service, "u-coord").say(typed)
        assert said == "Xin ghi mã đơn vị sau lệnh, ví dụ: /mo hoiphunu", typed


async def test_an_admins_document_that_is_no_template_is_named_as_such(
    app: Application, tmp_path: Path
) -> None:
    people = tmp_path / "can_bo.csv"
    people.write_text("Họ tên;Số điện thoại;Mã đơn vị;Vai trò\n", encoding="utf-8")
    forms_before = await FormTemplateRecord.all().count()
    said = await Chat(app.service, "u-admin").send(attachment=attachment(people))
    assert said[0].text.startswith("Tệp “can_bo.csv” không phải mẫu báo cáo nên chưa được dùng.")
    assert "reportbot units import / people import" in said[0].text
    assert await FormTemplateRecord.all().count() == forms_before
    # an officer's document outside a report is still the engine's "not needed now"
    officer = await Chat(app.service, "u-hoiphunu").send(attachment=attachment(people))
    assert "không phải mẫu báo cáo" not in officer[0].text


async def test_view_and_reopen_take_words_of_the_forms_title_after_the_unit(
    app: Application, clock: FakeClock
) -> None:
    await seed_reports()
    await load_shipped_forms(FORMS_DIR / "example_monthly.yaml")
    clock.set_local(datetime(2027, 1, 5, 9, 0))  # the 2026-H2 reports are locked now
    coordinator = Chat(app.service, "u-coord")
    seen = await coordinator.say("/xem hoi phu nu nghi quyet 57")
    assert "Hội Liên hiệp Phụ nữ xã (hoiphunu)" in seen
    assert "Báo cáo kết quả thực hiện Nghị quyết 57 – năm 2026" in seen
    monthly = await coordinator.say("/xem hoi phu nu chuyen doi so hang thang")
    assert "Hội Liên hiệp Phụ nữ xã" in monthly and "Nghị quyết 57" not in monthly
    assert "bao_cao_nhanh_cds_hang_thang" in monthly  # the monthly form was the one looked at
    unknown = await coordinator.say("/mo hoi phu nu nghi quyet 99")
    assert (
        unknown == "Không tìm thấy đơn vị “hoi phu nu nghi quyet 99”. Xin kiểm tra lại mã đơn vị."
    )
    assert (await Submission.get(unit__code="hoiphunu")).status == "submitted"
    reopened = await coordinator.say("/mo hoi phu nu nghi quyet 57")
    assert "Đã mở lại" in reopened and "Hội Liên hiệp Phụ nữ xã" in reopened
    assert (await Submission.get(unit__code="hoiphunu")).status == "reopened"


def test_a_title_with_punctuation_is_found_by_its_words() -> None:
    """Real titles carry numbers like "57-NQ/TW" and brackets: their words still match."""
    monthly = yaml.safe_load((FORMS_DIR / "example_monthly.yaml").read_text(encoding="utf-8"))
    resolution = dict(monthly, key="nq57", title={"vi": "Báo cáo (Nghị quyết số 57-NQ/TW), năm"})
    forms = {
        "nq57": template_from_definition(resolution),
        "monthly": template_from_definition(monthly),
    }
    assert forms_named("nghi quyet 57", forms) == ["nq57"]
    assert forms_named("57 nq tw", forms) == ["nq57"]
    assert forms_named("bao cao nghi quyet so 57-nq/tw, nam", forms) == ["nq57"]
    assert forms_named("nghi quyet 99", forms) == []
    # a key typed in capitals is that key, not every key that holds its words
    keyed = {key: template_from_definition(dict(monthly, key=key)) for key in ("bc_x", "bc_x_y")}
    assert forms_named("BC_X", keyed) == ["bc_x"]


async def test_a_typed_form_key_is_not_overridden_by_title_words(
    app: Application, clock: FakeClock
) -> None:
    await seed_reports()
    await load_shipped_forms(FORMS_DIR / "example_monthly.yaml")
    clock.set_local(datetime(2026, 12, 22, 9, 0))
    said = await Chat(app.service, "u-coord").say("/tonghop nq57_bao_cao_6_thang thang")
    assert said.startswith("📑 Tổng hợp: Báo cáo kết quả thực hiện Nghị quyết 57")


async def test_one_word_of_a_title_after_a_unit_does_not_pick_a_report(
    app: Application, clock: FakeClock
) -> None:
    """ "57" or "thang" is too often also part of a place's name: /mo needs two title words."""
    await seed_reports()
    clock.set_local(datetime(2027, 1, 5, 9, 0))
    said = await Chat(app.service, "u-coord").say("/mo hoi phu nu 57")
    assert said == "Không tìm thấy đơn vị “hoi phu nu 57”. Xin kiểm tra lại mã đơn vị."
    assert (await Submission.get(unit__code="hoiphunu")).status == "submitted"


async def test_a_unit_name_with_punctuation_is_found_by_its_words(app: Application) -> None:
    """Unit names are matched by words as form titles are (one splitter for both)."""
    unit = await Unit.get(code="hoiphunu")
    unit.name = "Hội Liên hiệp Phụ nữ (xã)"
    await unit.save()
    said = await Chat(app.service, "u-coord").say("/xem lien hiep phu nu xa")
    assert said.startswith("Hội Liên hiệp Phụ nữ (xã)")  # found (not "Không tìm thấy đơn vị")
