"""Consolidated figures over a known set of reports, the three report files, and the CLI."""

from __future__ import annotations

import asyncio
import os
import re
import warnings
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from PIL import Image
from pyxform.xls2json_backends import md_table_to_workbook
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from reportbot import cli as core_cli
from reportbot.coordination.reporting.choosing import pick_form, pick_period
from reportbot.coordination.reporting.consolidate import (
    Consolidation,
    consolidate,
)
from reportbot.coordination.reporting.reports import ReportHeader, write_report
from reportbot.coordination.reporting.reports.chart import COLORS
from reportbot.coordination.reporting.summary_text import render_summary
from reportbot.store.database import tortoise_config
from reportbot.store.models import AuditLog, FormTemplateRecord, Invite, Person, Unit
from tests.conftest import FORMS_DIR, NQ57, TZ
from tests.support import load_shipped_forms
from tests.test_coordination_chat import NQ57_KEY, XLSFORMS, seed_people, seed_reports

AFTER_DEADLINE = datetime(2026, 12, 22, 9, 0, tzinfo=TZ)


async def known_consolidation() -> Consolidation:
    await seed_people()
    await load_shipped_forms()
    await seed_reports()
    key, template = await pick_form(None)
    period = await pick_period(key, template, None, AFTER_DEADLINE, TZ)
    return await consolidate(key, template, period, now=AFTER_DEADLINE, tz=TZ)


async def test_figures_match_the_known_reports(db: str) -> None:
    data = await known_consolidation()
    assert (data.form_key, data.period.key) == (NQ57_KEY, "2026-H2")  # the default: last filed
    counts = data.status.counts()
    # The reopened report stays filed (on time, as first sent) with its last submitted answers.
    assert counts == {"on_time": 3, "late": 1, "drafting": 1, "not_started": 2}
    assert (data.filed, data.total, data.status.filed) == (4, 7, 4)
    # Reports counted: the three submitted and the one reopened (as last submitted).
    assert sorted(r.status.code for r in data.reports) == [
        "cns_thon1",
        "hoiphunu",
        "kinhte",
        "th_dakpxi",
    ]
    numbers = {n.question.id: (n.total, n.average, n.count) for n in data.numbers}
    assert numbers["tong_so_can_bo"] == (Decimal(100), Decimal("25.00"), 4)  # the draft's 99 is out
    assert numbers["so_can_bo_quan_triet"] == (Decimal(80), Decimal("20.00"), 4)
    assert numbers["so_tin_bai_web"] == (Decimal(20), Decimal("6.67"), 3)
    assert numbers["so_tin_bai_zalo"] == (Decimal(1005), Decimal("335.00"), 3)
    assert numbers["kinh_phi"] == (Decimal(18_000_000), Decimal("4500000.00"), 4)
    assert numbers["so_nguoi_dan_tap_huan"] == (Decimal(80), Decimal("80.00"), 1)
    assert numbers["so_buoi_doanh_nghiep"] == (Decimal(0), None, 0)
    # A question asked of one unit type is over the units it was asked of: the one Tổ CNS
    # of the four filed, never "1/4" (read as three units not answering).
    asked = {n.question.id: n.asked for n in data.numbers}
    assert asked["so_nguoi_dan_tap_huan"] == 1 and asked["tong_so_can_bo"] == 4
    text = render_summary(data, "vi").splitlines()
    assert (
        "• Số người dân được Tổ công nghệ số cộng đồng hướng dẫn, tập huấn kỹ năng số: "
        "80 · 80 · 1/1 đơn vị được hỏi (câu không hỏi 3 đơn vị đã nộp)" in text
    )
    school = next(c for c in data.choices if c.question.id == "hoat_dong_truong_hoc")
    # asked of the one school of the four filed (its seeded report leaves it unanswered)
    assert (school.answered, school.asked) == (0, 1)
    assert (
        "• Tổng số cán bộ, công chức, viên chức của đơn vị (kể cả lãnh đạo): 100 · 25 · 4/4 đơn vị"
        in text
    )
    indicators = {
        r.indicator.key: (r.numerator, r.denominator, r.percent, r.met) for r in data.indicators
    }
    assert indicators == {
        "can_bo_quan_triet": (Decimal(80), Decimal(100), Decimal("80.0"), False),
        "can_bo_tt_dao_tao": (Decimal(14), Decimal(20), Decimal("70.0"), True),
        "don_vi_co_ke_hoach": (Decimal(3), Decimal(4), Decimal("75.0"), False),
        # The unit without a web page is left out of the web column indicator.
        "don_vi_co_chuyen_muc": (Decimal(2), Decimal(3), Decimal("66.7"), False),
    }
    grouped = [
        (unit.code, [(e.question.id, e.text) for e in entries])
        for unit, entries in data.texts_by_unit()
    ]
    assert grouped == [
        (
            "hoiphunu",
            [
                ("mo_hinh_hay", "Tổ chức “Ngày chủ nhật số” hằng tháng"),
                ("de_xuat", "Xin thêm kinh phí tập huấn"),
            ],
        ),
        ("cns_thon1", [("kho_khan", "Sóng điện thoại yếu ở các thôn xa")]),
        ("th_dakpxi", [("kho_khan", "Thiếu máy tính cho học sinh")]),
    ]  # units in name order, diacritics aside: Tổ before Trường
    # After the deadline: late filers and every unit without a report; not the reopened one.
    assert [(u.code, u.bucket) for u in data.late] == [
        ("doanthanhnien", "not_started"),
        ("vhxh", "drafting"),
        ("cns_thon1", "late"),
        ("tramyte", "not_started"),
    ]


async def test_the_workbook_has_the_four_sheets(db: str, tmp_path: Path) -> None:
    data = await known_consolidation()
    path = write_report(data, "xlsx", tmp_path / "tong_hop.xlsx", tz=TZ)
    book = load_workbook(path)
    assert book.sheetnames == ["Tổng hợp", "Theo đơn vị", "Nộp muộn, chưa nộp", "Ý kiến"]
    summary = {row[0]: row[1:] for row in book["Tổng hợp"].iter_rows(values_only=True) if row[0]}
    assert summary["Phải nộp"][0] == 7
    assert summary["Nộp muộn"][0] == 1
    informed = summary["Cán bộ, công chức, viên chức được quán triệt Nghị quyết 57"]
    assert informed[:6] == (80, 100, 0.8, 1, "2025", "chưa đạt")  # 80% and 100% as % cells
    trained = summary["Người làm công tác truyền thông được đào tạo kỹ năng truyền thông số"]
    assert trained[:6] == (14, 20, 0.7, 0.7, "2030", "đạt")
    assert summary["Số tin, bài đã đăng trên trang thông tin điện tử"][:3] == (20, 6.67, 3)
    # total, average, units with a figure, units asked (the one Tổ CNS, not the 4 filed)
    residents = "Số người dân được Tổ công nghệ số cộng đồng hướng dẫn, tập huấn kỹ năng số"
    assert summary[residents][:4] == (80, 80, 1, 1)
    budget = next(v for k, v in summary.items() if str(k).startswith("Kinh phí đã chi"))
    assert budget[:3] == (18_000_000, 4_500_000, 4)

    units = list(book["Theo đơn vị"].iter_rows(values_only=True))
    header = units[0]
    assert header[:5] == ("Mã đơn vị", "Đơn vị", "Loại đơn vị", "Tình trạng", "Gửi lần đầu lúc")
    assert header[5:7] == ("Lần gửi (bản đang tính)", "Bản đang tính gửi lúc")
    by_code = {row[0]: dict(zip(header, row, strict=False)) for row in units[1:]}
    assert len(by_code) == 7
    women = by_code["hoiphunu"]
    assert women["Tình trạng"] == "Đã nộp đúng hạn"
    assert women["Gửi lần đầu lúc"] == datetime(2026, 12, 18, 10, 0)  # a date cell, local time
    assert women["Lần gửi (bản đang tính)"] == 1  # sent once: its figures are of that time
    assert women["Bản đang tính gửi lúc"] == datetime(2026, 12, 18, 10, 0)
    assert women["Tổng số cán bộ, công chức, viên chức của đơn vị (kể cả lãnh đạo)"] == 30
    assert women["Đơn vị đã ban hành kế hoạch thực hiện Nghị quyết 57 chưa?"] == "Có"
    assert by_code["kinhte"]["Tình trạng"] == "Đã nộp đúng hạn (mở lại)"
    assert (
        by_code["tramyte"]["Tổng số cán bộ, công chức, viên chức của đơn vị (kể cả lãnh đạo)"]
        is None
    )

    late = [row for row in book["Nộp muộn, chưa nộp"].iter_rows(min_row=2, values_only=True)]
    assert [(row[0], row[3]) for row in late] == [
        ("doanthanhnien", "Quá hạn, chưa bắt đầu soạn"),
        ("vhxh", "Quá hạn, đang soạn"),
        ("cns_thon1", "Nộp muộn"),
        ("tramyte", "Quá hạn, chưa bắt đầu soạn"),
    ]
    texts = list(book["Ý kiến"].iter_rows(min_row=2, values_only=True))
    assert texts[0] == (
        "hoiphunu",
        "Hội Liên hiệp Phụ nữ xã",
        "Mô hình hay, cách làm hiệu quả",
        "Tổ chức “Ngày chủ nhật số” hằng tháng",
    )
    assert len(texts) == 4


async def test_an_answer_that_looks_like_a_formula_stays_text(db: str, tmp_path: Path) -> None:
    from tests.test_coordination_chat import file_report

    await seed_people()
    await load_shipped_forms()
    await file_report("hoiphunu", {"mo_hinh_hay": '=HYPERLINK("http://x")', "tong_so_can_bo": 3})
    key, template = await pick_form(None)
    period = await pick_period(key, template, "2026-H2", AFTER_DEADLINE, TZ)
    data = await consolidate(key, template, period, now=AFTER_DEADLINE, tz=TZ)
    path = write_report(data, "xlsx", tmp_path / "x.xlsx", tz=TZ)
    cell = load_workbook(path)["Ý kiến"]["D2"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


async def test_the_document_has_the_administrative_layout(db: str, tmp_path: Path) -> None:
    data = await known_consolidation()
    header = ReportHeader.from_env({"REPORTBOT_REPORT_SIGNER": "KT. TRƯỞNG PHÒNG"})
    path = write_report(data, "docx", tmp_path / "bao_cao.docx", tz=TZ, header=header)
    document = Document(str(path))
    assert document.styles["Normal"].font.name == "Times New Roman"
    left, right = document.tables[0].rows[0].cells
    assert left.text.splitlines()[:2] == ["UBND XÃ ĐĂK PXI", "PHÒNG VĂN HÓA - XÃ HỘI"]
    assert "Số:      /BC-VHXH" in left.text
    assert right.text.splitlines()[:2] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert "Đăk Pxi, ngày 22 tháng 12 năm 2026" in right.text
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    assert paragraphs[0] == "BÁO CÁO"
    assert paragraphs[1] == "Tổng hợp báo cáo kết quả thực hiện Nghị quyết 57, năm 2026"
    headings = [p for p in paragraphs if re.match(r"^[IVX]+\. ", p)]
    assert headings == [
        "I. TÌNH HÌNH NỘP BÁO CÁO",
        "II. KẾT QUẢ THỰC HIỆN",
        "III. ĐƠN VỊ NỘP MUỘN, CHƯA NỘP",
        "IV. MÔ HÌNH HAY, CÁCH LÀM HIỆU QUẢ",
        "V. KHÓ KHĂN, VƯỚNG MẮC",
        "VI. ĐỀ XUẤT, KIẾN NGHỊ",
    ]
    body = "\n".join(paragraphs)
    assert "Đã gửi 4/7 đơn vị (đúng hạn 3, muộn 1; 1 đơn vị đang được mở lại" in body
    trained = next(r for t in document.tables for r in t.rows if "Tổ công nghệ" in r.cells[0].text)
    assert [cell.text for cell in trained.cells] == [
        "Số người dân được Tổ công nghệ số cộng đồng hướng dẫn, tập huấn kỹ năng số "
        "(chỉ hỏi 1/4 đơn vị đã nộp)",
        "80",
        "80",
        "1/1",
    ]
    assert "Nộp muộn (1 đơn vị):\n- Tổ công nghệ số cộng đồng thôn 1;" in body
    missing = ["Đoàn Thanh niên xã", "Phòng Văn hóa - Xã hội", "Trạm Y tế xã"]
    assert "Quá hạn, chưa nộp (3 đơn vị):\n" + "\n".join(f"- {n};" for n in missing) in body
    assert "- Phòng Kinh tế" not in body  # reopened for changes: not late
    assert "- Trường Tiểu học Đăk Pxi: Thiếu máy tính cho học sinh" in body
    assert "- Hội Liên hiệp Phụ nữ xã: Xin thêm kinh phí tập huấn" in body
    indicators = [[cell.text for cell in row.cells] for row in document.tables[1].rows]
    assert indicators[0] == ["Chỉ tiêu", "Kết quả", "Tỷ lệ", "Mục tiêu", "Đánh giá"]
    assert indicators[1] == [
        "Cán bộ, công chức, viên chức được quán triệt Nghị quyết 57 (trên 4/4 đơn vị)",
        "80/100",
        "80%",
        "100% (2025)",
        "chưa đạt",
    ]
    assert indicators[4][2] == "66,7%"
    figures = {row.cells[0].text: row.cells[1].text for row in document.tables[2].rows}
    assert figures["Số tin, bài đã đăng trên kênh Zalo chuyển đổi số của xã"] == "1.005"
    signature = document.tables[-1].rows[0].cells
    assert "Nơi nhận:" in signature[0].text and "KT. TRƯỞNG PHÒNG" in signature[1].text


async def test_the_chart_is_drawn_with_vietnamese_glyphs(db: str, tmp_path: Path) -> None:
    data = await known_consolidation()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = write_report(data, "png", tmp_path / "bieu_do.png", tz=TZ)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    image = Image.open(path).convert("RGB")
    assert image.size == (1210, 682)
    pixels = image.get_flattened_data() if hasattr(image, "get_flattened_data") else image.getdata()
    colors = set(pixels)
    assert len(colors) > 50  # text, bars and antialiasing, not a blank canvas
    non_white = sum(1 for pixel in pixels if pixel != (255, 255, 255))
    assert non_white > image.size[0] * image.size[1] * 0.05
    for bucket in ("on_time", "late", "drafting", "not_started"):
        rgb = tuple(int(COLORS[bucket][i : i + 2], 16) for i in (1, 3, 5))
        assert rgb in colors, bucket


# -- the command line ------------------------------------------------------------------------


async def _with_db(url: str, work):
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url))
    try:
        return await work()
    finally:
        await Tortoise.close_connections()


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch):
    """`reportbot` in this process, with the coordination subcommands, on a test database."""
    for name in [k for k in os.environ if k.startswith("REPORTBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("REPORTBOT_DATABASE_URL", database_url)
    return core_cli.main


def test_cli_report_writes_each_format(cli, database_url: str, tmp_path: Path, capsys) -> None:
    async def seed() -> None:
        await seed_people()
        await load_shipped_forms()
        await seed_reports()

    asyncio.run(_with_db(database_url, seed))
    for fmt in ("xlsx", "docx", "png"):
        output = tmp_path / f"tong_hop.{fmt}"
        args = ["report", "--form", NQ57_KEY, "--period", "2026-H2", "--format", fmt]
        assert cli([*args, "--output", str(output)]) == 0
        assert f"{output} ({NQ57_KEY}, 2026-H2: 4/7)" in capsys.readouterr().out
        assert output.stat().st_size > 1000
    assert load_workbook(tmp_path / "tong_hop.xlsx").sheetnames[0] == "Tổng hợp"
    assert Image.open(tmp_path / "tong_hop.png").size == (1210, 682)
    assert cli(["report", "--period", "2026-X9"]) == 1
    assert "Kỳ “2026-X9” không đúng với mẫu này" in capsys.readouterr().err


def test_cli_forms_import_checks_then_publishes(cli, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "many_errors.xlsx"
    md_table_to_workbook((XLSFORMS / "many_errors.md").read_text(encoding="utf-8")).save(bad)
    assert cli(["forms", "import", str(bad), "--yes"]) == 1
    out = capsys.readouterr()
    assert f"{bad}: trang survey, dòng 2, cột type: loại câu hỏi “integr” không có" in out.out
    # A near miss names the type meant (not the list of every type) and how to write it.
    assert "“integr” không có — có phải “integer”?" in out.out
    assert "→ Cách sửa: Sửa cột type thành “integer”." in out.out
    assert "10 lỗi" in out.err

    good = tmp_path / "nq57_rut_gon.xlsx"
    md_table_to_workbook((XLSFORMS / "nq57_rut_gon.md").read_text(encoding="utf-8")).save(good)
    assert cli(["forms", "import", str(good)]) == 2  # not a terminal and no --yes
    assert "--yes" in capsys.readouterr().err
    assert cli(["forms", "import", str(good), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "📝 Xem trước mẫu “Báo cáo nhanh Nghị quyết 57”" in out
    assert out.strip().endswith("nq57_rut_gon: v1 – phiên bản mới")
    assert cli(["forms", "import", str(good), "--yes"]) == 0
    assert "nq57_rut_gon: v1 – không đổi" in capsys.readouterr().out
    assert cli(["forms", "list"]) == 0
    assert "nq57_rut_gon\tv1\t2026.1\tactive" in capsys.readouterr().out


def test_cli_invite_create(cli, database_url: str, capsys) -> None:
    async def seed() -> None:
        unit = await Unit.create(code="hoiphunu", name="Hội Liên hiệp Phụ nữ xã", type="doan_the")
        await Person.create(name="Nguyễn Thị Lan", phone="0905000001", unit=unit)

    asyncio.run(_with_db(database_url, seed))
    assert cli(["invite", "create", "--unit", "HOIPHUNU"]) == 0
    out = capsys.readouterr().out
    code = re.search(r"Mã mời: ([A-Z0-9]{8})", out).group(1)  # type: ignore[union-attr]
    # no bot username configured: no made-up link anywhere, the card says what to set
    assert "t.me" not in out and "<" not in out
    assert "Telegram: chưa có đường dẫn: đặt REPORTBOT_TELEGRAM_BOT_USERNAME" in out
    assert f"Xin nhắn cho tài khoản trợ lý báo cáo mã: {code} ." in out
    assert cli(["invite", "create", "--phone", "0905 000 001", "--days", "3"]) == 0
    assert "Dành cho: cán bộ đầu mối của Hội Liên hiệp Phụ nữ xã" in capsys.readouterr().out
    assert cli(["invite", "create", "--unit", "khong_co"]) == 1
    assert "Không tìm thấy đơn vị “khong_co”" in capsys.readouterr().err
    assert cli(["invite", "create"]) == 2
    assert capsys.readouterr().err.strip() == "reportbot: cần --unit MÃ_ĐƠN_VỊ"

    async def check():
        invites = await Invite.all().order_by("id").select_related("unit", "person")
        entries = await AuditLog.filter(action="invite.create").count()
        return [(i.unit.code, i.person.phone if i.person else None) for i in invites], entries

    invites, entries = asyncio.run(_with_db(database_url, check))
    assert invites == [("hoiphunu", None), ("hoiphunu", "0905000001")]
    assert entries == 2


def test_cli_forms_import_of_yaml_and_versions(
    cli, database_url: str, tmp_path: Path, capsys
) -> None:
    from tests.conftest import NQ57

    assert cli(["forms", "import", str(NQ57), "--yes"]) == 0
    changed = tmp_path / "nq57.yaml"
    changed.write_text(
        NQ57.read_text(encoding="utf-8") + "  - {id: cau_moi, type: text, label: Câu mới}\n",
        encoding="utf-8",
    )
    assert cli(["forms", "import", str(changed), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Phiên bản mới 2 của mẫu đang dùng (hiện là phiên bản 1)" in out
    assert "Câu mới: cau_moi" in out

    async def versions():
        return await FormTemplateRecord.filter(key=NQ57_KEY).count()

    assert asyncio.run(_with_db(database_url, versions)) == 2


def test_cli_report_takes_words_of_the_forms_title(
    cli, database_url: str, tmp_path: Path, capsys
) -> None:
    async def seed() -> None:
        await seed_people()
        await load_shipped_forms(NQ57, FORMS_DIR / "example_monthly.yaml")
        await seed_reports()

    asyncio.run(_with_db(database_url, seed))
    output = tmp_path / "tong_hop.docx"
    args = ["report", "--period", "2026-H2", "--format", "docx", "--output", str(output)]
    assert cli([*args, "--form", "Nghi quyet 57"]) == 0
    assert f"{output} ({NQ57_KEY}, 2026-H2: 4/7)" in capsys.readouterr().out
    assert cli([*args, "--form", "bao cao"]) == 1  # both titles: the keys to choose from
    said = capsys.readouterr().err
    assert "Có nhiều mẫu báo cáo, xin ghi --form MÃ với một trong các mã mẫu:" in said
    assert NQ57_KEY in said
    lower = ["report", "--period", "2026-h2", "--format", "docx", "--output", str(output)]
    assert cli([*lower, "--form", NQ57_KEY]) == 0  # the period key in any case
    assert f"{output} ({NQ57_KEY}, 2026-H2: 4/7)" in capsys.readouterr().out
    assert cli([*args, "--form", "nghi quyet 99"]) == 1
    assert "Không có mẫu báo cáo “nghi quyet 99”" in capsys.readouterr().err
