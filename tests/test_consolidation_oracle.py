"""The consolidation oracle: 13 units, one known set of reports, every figure written by hand.

Five units filed (four on time, one of them reopened for changes, one late), one has a draft,
seven have nothing. The form has a percentage question, yes/no, select_one and
select_multiple questions, and one indicator of each kind. Every output a coordinator sees —
the /tonghop and /tinhhinh chat text, the .xlsx cells, the .docx text and the sheet's status
tab — is checked against the tables below, which were computed by hand, not by the code.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from reportbot.app import Application
from reportbot.config import Settings
from reportbot.forms.loader import parse_yaml_template
from reportbot.mirror.records import STATUS_SHEET_TITLE
from reportbot.mirror.source import StoreMirrorSource
from reportbot.mirror.status import status_rows
from reportbot.store.forms import store_template
from reportbot.store.models import FormTemplateRecord, Identity, Person, Unit
from tests.conftest import TZ, FakeClock
from tests.support import Chat, store_submission

FORM = """
key: so_lieu_thu
version: "1"
title: {vi: Báo cáo thử số liệu, en: Test figures report}
unit_types: []
period: {kind: six_monthly, deadlines: ["20/06", "20/12"]}
indicators:
  - {key: quan_triet, kind: ratio_of_sums, numerator: so_quan_triet, denominator: so_can_bo,
     target: 100, due: 2025, label: Cán bộ được quán triệt}
  - {key: co_ke_hoach, kind: share_of_units_with_value, question: co_ke_hoach, value: "yes",
     target: 100, due: 2025, label: Đơn vị đã ban hành kế hoạch}
  - {key: ngay_cds, kind: count, question: su_kien, value: ngay_10_10, target: 3, due: 2026,
     label: Đơn vị tổ chức Ngày Chuyển đổi số}
  - {key: dvc_binh_quan, kind: average, question: ty_le_dvc, target: 50, due: 2030,
     label: Tỷ lệ dịch vụ công trực tuyến bình quân}
questions:
  - {id: co_ke_hoach, type: yes_no, label: "Đơn vị đã ban hành kế hoạch chưa?"}
  - {id: ty_le_dvc, type: decimal, min: 0, max: 100,
     label: "Tỷ lệ hộ dùng dịch vụ công trực tuyến (%)"}
  - {id: so_can_bo, type: integer, label: Tổng số cán bộ}
  - {id: so_quan_triet, type: integer, label: Số cán bộ đã được quán triệt}
  - id: kenh
    type: select_one
    label: Kênh truyền thông chính
    choices:
      - {value: web, label: Trang thông tin điện tử}
      - {value: zalo, label: Zalo}
      - {value: facebook, label: Facebook}
  - id: su_kien
    type: select_multiple
    label: Sự kiện đã tổ chức
    choices:
      - {value: ngay_18_5, label: Ngày 18/5}
      - {value: ngay_1_10, label: Ngày 1/10}
      - {value: ngay_10_10, label: Ngày 10/10}
      - {value: chua_to_chuc, label: Chưa tổ chức}
  - {id: kinh_phi, type: integer, label: "Kinh phí đã chi (đồng)"}
  - {id: kho_khan, type: long_text, label: "Khó khăn, vướng mắc"}
"""
TITLE = "Báo cáo thử số liệu"
CODES = [f"u{n:02d}" for n in range(1, 14)]


def local(*args: int) -> datetime:
    """A moment on the Vietnamese wall clock."""
    return datetime(*args, tzinfo=TZ)


# code: (status, first submitted at, answers). u07..u13 have no report at all.
REPORTS: dict[str, tuple[str, datetime | None, dict[str, Any]]] = {
    "u01": (
        "submitted",
        local(2026, 12, 10, 9, 0),
        {
            "co_ke_hoach": "yes",
            "ty_le_dvc": Decimal("80.5"),
            "so_can_bo": 20,
            "so_quan_triet": 20,
            "kenh": "web",
            "su_kien": ["ngay_18_5", "ngay_10_10"],
            "kinh_phi": 1_000_000,
            "kho_khan": "Thiếu máy tính",
        },
    ),
    "u02": (
        "submitted",
        local(2026, 12, 12, 9, 0),
        {
            "co_ke_hoach": "no",
            "ty_le_dvc": Decimal("40"),
            "so_can_bo": 10,
            "so_quan_triet": 5,
            "kenh": "zalo",
            "su_kien": ["chua_to_chuc"],
            "kinh_phi": 0,
        },
    ),
    "u03": (  # the deadline day, late evening: on time
        "submitted",
        local(2026, 12, 20, 22, 0),
        {
            "co_ke_hoach": "yes",
            "ty_le_dvc": Decimal("65.7"),
            "so_can_bo": 30,
            "so_quan_triet": 24,
            "kenh": "zalo",
            "su_kien": ["ngay_1_10", "ngay_10_10"],
            "kinh_phi": 2_500_000,
        },
    ),
    "u04": (  # late; the percentage skipped
        "submitted",
        local(2026, 12, 21, 8, 0),
        {
            "co_ke_hoach": "yes",
            "so_can_bo": 15,
            "so_quan_triet": 15,
            "kenh": "facebook",
            "su_kien": ["ngay_10_10"],
            "kinh_phi": 500_000,
            "kho_khan": "Sóng điện thoại yếu",
        },
    ),
    "u05": (  # filed on time, then reopened: counts with what it last submitted
        "reopened",
        local(2026, 12, 15, 9, 0),
        {
            "co_ke_hoach": "no",
            "ty_le_dvc": Decimal("10"),
            "so_can_bo": 25,
            "so_quan_triet": 10,
            "kenh": "web",
            "su_kien": ["ngay_18_5"],
            "kinh_phi": 300_000,
        },
    ),
    "u06": (  # a draft: none of it may count
        "draft",
        None,
        {"co_ke_hoach": "yes", "ty_le_dvc": Decimal("99"), "so_can_bo": 100, "so_quan_triet": 100},
    ),
}

# ----- The expected figures, by hand -----------------------------------------------------------
# Filed: u01, u02, u03, u05 on time (u05 reopened), u04 late: 5 of 13. Draft: u06. Missing: 7.
FILED, TOTAL = 5, 13
BUCKETS = {"on_time": 4, "late": 1, "drafting": 1, "not_started": 7}
# question: (total, average, units answering); the rate has no meaningful total.
NUMBERS = {
    "ty_le_dvc": (None, "49.05", 4),  # (80.5 + 40 + 65.7 + 10) / 4 = 196.2 / 4
    "so_can_bo": (100, "20.00", 5),  # 20 + 10 + 30 + 15 + 25
    "so_quan_triet": (74, "14.80", 5),  # 20 + 5 + 24 + 15 + 10
    "kinh_phi": (
        4_300_000,
        "860000",
        5,
    ),  # whole đồng; 1.000.000 + 0 + 2.500.000 + 500.000 + 300.000
}
# question: (units answering, {option: (units, share %)})
CHOICES = {
    "co_ke_hoach": (5, {"yes": (3, "60.0"), "no": (2, "40.0")}),  # yes: u01 u03 u04
    "kenh": (5, {"web": (2, "40.0"), "zalo": (2, "40.0"), "facebook": (1, "20.0")}),
    "su_kien": (
        5,
        {
            "ngay_18_5": (2, "40.0"),  # u01 u05
            "ngay_1_10": (1, "20.0"),  # u03
            "ngay_10_10": (3, "60.0"),  # u01 u03 u04
            "chua_to_chuc": (1, "20.0"),  # u02
        },
    ),
}
# indicator: (numerator, denominator, value compared with the target, met, units over)
INDICATORS = {
    "quan_triet": ("74", "100", "74.0", False, 5),
    "co_ke_hoach": ("3", "5", "60.0", False, 5),
    "ngay_cds": ("3", "5", "3", True, 5),
    "dvc_binh_quan": ("196.2", "4", "49.05", False, 4),
}
LATE_OR_MISSING = ["u04", "u06", "u07", "u08", "u09", "u10", "u11", "u12", "u13"]
SUMMARY_TEXT = """📑 Tổng hợp: Báo cáo thử số liệu – năm 2026
Đã nộp 5/13 đơn vị (đúng hạn 4, muộn 1); chưa nộp 8.
Trong đó 1 đơn vị đang được mở lại để sửa, tính theo lần nộp gần nhất.
Mọi số liệu dưới đây tính trên 5/13 đơn vị đã nộp.

Chỉ tiêu:
• Cán bộ được quán triệt: 74/100 = 74% (mục tiêu 100%, năm 2025) – chưa đạt; trên 5/5 đơn vị
• Đơn vị đã ban hành kế hoạch: 3/5 = 60% (mục tiêu 100%, năm 2025) – chưa đạt; trên 5/5 đơn vị
• Đơn vị tổ chức Ngày Chuyển đổi số: 3 đơn vị (mục tiêu 3, năm 2026) – đạt; trên 5/5 đơn vị
• Tỷ lệ dịch vụ công trực tuyến bình quân: trung bình 49,05 (mục tiêu 50, năm 2030) – chưa đạt; \
trên 4/5 đơn vị

Số liệu (tổng · trung bình mỗi đơn vị · số đơn vị có số liệu):
• Tỷ lệ hộ dùng dịch vụ công trực tuyến (%): trung bình 49,05 (tỷ lệ: lấy trung bình, không \
cộng) · 4/5 đơn vị
• Tổng số cán bộ: 100 · 20 · 5/5 đơn vị
• Số cán bộ đã được quán triệt: 74 · 14,8 · 5/5 đơn vị
• Kinh phí đã chi (đồng): 4.300.000 · 860.000 · 5/5 đơn vị

Các câu chọn (số đơn vị chọn · tỷ lệ trên số đơn vị trả lời):
• Đơn vị đã ban hành kế hoạch chưa? (5/5 đơn vị trả lời):
  – Có: 3 (60%)
  – Không: 2 (40%)
• Kênh truyền thông chính (5/5 đơn vị trả lời):
  – Trang thông tin điện tử: 2 (40%)
  – Zalo: 2 (40%)
  – Facebook: 1 (20%)
• Sự kiện đã tổ chức (5/5 đơn vị trả lời):
  – Ngày 18/5: 2 (40%)
  – Ngày 1/10: 1 (20%)
  – Ngày 10/10: 3 (60%)
  – Chưa tổ chức: 1 (20%)

Ý kiến của các đơn vị:
▪ Đơn vị 01:
  – Khó khăn, vướng mắc: Thiếu máy tính
▪ Đơn vị 04:
  – Khó khăn, vướng mắc: Sóng điện thoại yếu

Kèm theo: bảng tính (.xlsx), báo cáo (.docx) và biểu đồ."""


async def seed_oracle() -> None:
    """The 13 units, a coordinator, the form and the reports, through the real store."""
    template, issues = parse_yaml_template(FORM, "so_lieu_thu.yaml")
    assert issues == [] and template is not None
    await store_template(template, now=local(2026, 7, 1, 8, 0))  # after 2026-H1's deadline
    record = await FormTemplateRecord.get(key="so_lieu_thu")
    for number, code in enumerate(CODES, start=1):
        await Unit.create(code=code, name=f"Đơn vị {number:02d}", type="doan_the")
    office = await Unit.get(code="u13")
    coordinator = await Person.create(name="Trần Văn Minh", unit=office, role="coordinator")
    await Identity.create(
        platform="console", external_id="u-coord", chat_id="u-coord", person=coordinator
    )
    for code, (status, submitted_at, answers) in REPORTS.items():
        moment = submitted_at or local(2026, 12, 5, 9, 0)
        await store_submission(
            record,
            code,
            answers,
            status=status,
            period_key="2026-H2",
            moment=moment,
            submitted_at=submitted_at,
        )


@pytest.fixture
async def oracle_app(db: str, tmp_path: Path) -> AsyncIterator[tuple[Application, FakeClock]]:
    """The bot with the coordination commands, on the oracle's database, after the deadline."""
    await seed_oracle()
    clock = FakeClock(local(2026, 12, 22, 9, 0))
    application = Application(Settings(database_url=db, media_dir=tmp_path / "media"), clock=clock)
    await application.service.start()
    yield application, clock
    await application.service.close()


def number(value: Any) -> Any:
    """A workbook cell's number as the hand table writes it (ints stay ints)."""
    return value if value is None or isinstance(value, int) else Decimal(str(value))


async def test_the_consolidation_object_matches_the_hand_table(oracle_app) -> None:
    from reportbot.coordination.reporting.choosing import pick_form, pick_period
    from reportbot.coordination.reporting.consolidate import consolidate

    key, template = await pick_form(None)
    period = await pick_period(key, template, None, local(2026, 12, 22, 9, 0), TZ)
    data = await consolidate(key, template, period, now=local(2026, 12, 22, 9, 0), tz=TZ)
    assert (data.filed, data.total, data.status.filed) == (FILED, TOTAL, FILED)
    assert data.status.counts() == BUCKETS
    assert sorted(report.status.code for report in data.reports) == [
        "u01",
        "u02",
        "u03",
        "u04",
        "u05",
    ]
    numbers = {
        n.question.id: (None if n.averaged else int(n.total), str(n.average), n.count)
        for n in data.numbers
    }
    assert numbers == NUMBERS
    choices = {
        c.question.id: (c.answered, {o.value: (o.units, str(o.share)) for o in c.options})
        for c in data.choices
    }
    assert choices == CHOICES
    indicators = {
        r.indicator.key: (str(r.numerator), str(r.denominator), str(r.value), r.met, r.units)
        for r in data.indicators
    }
    assert indicators == INDICATORS
    assert [unit.code for unit in data.late] == LATE_OR_MISSING


async def test_tonghop_text_and_files_match_the_hand_table(oracle_app) -> None:
    app, _clock = oracle_app
    replies = await Chat(app.service, "u-coord").send("/tonghop")
    assert replies[0].text == SUMMARY_TEXT
    paths = {Path(r.attachment_path).suffix: Path(r.attachment_path) for r in replies[1:]}
    assert set(paths) == {".xlsx", ".docx", ".png"}
    check_workbook(paths[".xlsx"])
    check_document(paths[".docx"])


def check_workbook(path: Path) -> None:
    book = load_workbook(path)
    rows = [row for row in book["Tổng hợp"].iter_rows(values_only=True) if row[0]]
    assert rows[2] == ("Số liệu tính trên 5/13 đơn vị đã nộp.",) + (None,) * (len(rows[2]) - 1)
    by_label = {row[0]: row[1:] for row in rows}
    filing = {
        label: by_label[label][0]
        for label in ("Phải nộp", "Đã nộp", "Đã nộp đúng hạn", "Nộp muộn", "Quá hạn, đang soạn")
    }
    assert filing == {
        "Phải nộp": 13,
        "Đã nộp": 5,
        "Đã nộp đúng hạn": 4,
        "Nộp muộn": 1,
        "Quá hạn, đang soạn": 1,
    }
    assert by_label["Quá hạn, chưa bắt đầu soạn"][0] == 7 and by_label["Đang mở lại để sửa"][0] == 1
    # percentages are % cells: 74% is stored as 0.74
    assert by_label["Cán bộ được quán triệt"][:7] == (74, 100, 0.74, 1, "2025", "chưa đạt", 5)
    assert by_label["Đơn vị đã ban hành kế hoạch"][:7] == (3, 5, 0.6, 1, "2025", "chưa đạt", 5)
    assert by_label["Đơn vị tổ chức Ngày Chuyển đổi số"][:7] == (
        3,
        None,
        3,
        3,
        "2026",
        "đạt",
        5,
    )
    average = by_label["Tỷ lệ dịch vụ công trực tuyến bình quân"]
    assert tuple(number(v) for v in average[:4]) == (
        Decimal("196.2"),
        4,
        Decimal("49.05"),
        50,
    )
    assert average[4:7] == ("2030", "chưa đạt", 4)
    rate = by_label["Tỷ lệ hộ dùng dịch vụ công trực tuyến (%)"]
    assert (rate[0], number(rate[1]), rate[2], rate[3]) == (None, Decimal("49.05"), 4, 5)
    assert rate[4] == "trung bình (tỷ lệ, không cộng)"
    assert by_label["Tổng số cán bộ"][:4] == (100, 20, 5, 5)
    assert tuple(number(v) for v in by_label["Số cán bộ đã được quán triệt"][:4]) == (
        74,
        Decimal("14.8"),
        5,
        5,
    )
    assert by_label["Kinh phí đã chi (đồng)"][:4] == (4_300_000, 860_000, 5, 5)
    options = {
        (row[0], row[1]): (row[2], number(row[3]), row[4], row[5])
        for row in rows
        if row[0] in ("Đơn vị đã ban hành kế hoạch chưa?", "Sự kiện đã tổ chức")
    }
    assert options == {
        ("Đơn vị đã ban hành kế hoạch chưa?", "Có"): (3, Decimal("0.6"), 5, 5),
        ("Đơn vị đã ban hành kế hoạch chưa?", "Không"): (2, Decimal("0.4"), 5, 5),
        ("Sự kiện đã tổ chức", "Ngày 18/5"): (2, Decimal("0.4"), 5, 5),
        ("Sự kiện đã tổ chức", "Ngày 1/10"): (1, Decimal("0.2"), 5, 5),
        ("Sự kiện đã tổ chức", "Ngày 10/10"): (3, Decimal("0.6"), 5, 5),
        ("Sự kiện đã tổ chức", "Chưa tổ chức"): (1, Decimal("0.2"), 5, 5),
    }
    units = list(book["Theo đơn vị"].iter_rows(values_only=True))
    state = {row[0]: row[3] for row in units[1:]}
    assert state == {
        **dict.fromkeys(["u01", "u02", "u03"], "Đã nộp đúng hạn"),
        "u04": "Nộp muộn",
        "u05": "Đã nộp đúng hạn (mở lại)",
        "u06": "Quá hạn, đang soạn",
        **dict.fromkeys(
            ["u07", "u08", "u09", "u10", "u11", "u12", "u13"], "Quá hạn, chưa bắt đầu soạn"
        ),
    }
    late = [row[0] for row in book["Nộp muộn, chưa nộp"].iter_rows(min_row=2, values_only=True)]
    assert late == LATE_OR_MISSING


def check_document(path: Path) -> None:
    document = Document(str(path))
    body = "\n".join(p.text for p in document.paragraphs)
    assert (
        "Tổng số đơn vị phải báo cáo: 13. Đã gửi 5/13 đơn vị (đúng hạn 4, muộn 1; 1 đơn vị đang "
        "được mở lại để sửa, tính theo lần nộp gần nhất); quá hạn, đang soạn 1; quá hạn, "
        "chưa bắt đầu soạn 7." in body
    )
    assert "Các số liệu dưới đây tính trên 5/13 đơn vị đã nộp." in body
    section = body[body.index("III. ") : body.index("IV. ")].splitlines()[1:]
    missing = [f"- Đơn vị {n:02d};" for n in range(6, 14)]
    assert section == [
        "Nộp muộn (1 đơn vị):",
        "- Đơn vị 04;",
        "Quá hạn, chưa nộp (8 đơn vị):",
        *missing,
    ]
    tables = [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]
    indicators, numbers, choices = tables[1], tables[2], tables[3]
    assert indicators[1:] == [
        ["Cán bộ được quán triệt (trên 5/5 đơn vị)", "74/100", "74%", "100% (2025)", "chưa đạt"],
        ["Đơn vị đã ban hành kế hoạch (trên 5/5 đơn vị)", "3/5", "60%", "100% (2025)", "chưa đạt"],
        ["Đơn vị tổ chức Ngày Chuyển đổi số (trên 5/5 đơn vị)", "3", "", "3 (2026)", "đạt"],
        [
            "Tỷ lệ dịch vụ công trực tuyến bình quân (trên 4/5 đơn vị)",
            "49,05",
            "",
            "50 (2030)",
            "chưa đạt",
        ],
    ]
    assert numbers[1:] == [
        [
            "Tỷ lệ hộ dùng dịch vụ công trực tuyến (%) (tỷ lệ: lấy trung bình, không cộng)",
            "—",
            "49,05",
            "4/5",
        ],
        ["Tổng số cán bộ", "100", "20", "5/5"],
        ["Số cán bộ đã được quán triệt", "74", "14,8", "5/5"],
        ["Kinh phí đã chi (đồng)", "4.300.000", "860.000", "5/5"],
    ]
    assert choices[1:4] == [
        ["Đơn vị đã ban hành kế hoạch chưa? (5/5 đơn vị)", "Có", "3", "60%"],
        ["Đơn vị đã ban hành kế hoạch chưa? (5/5 đơn vị)", "Không", "2", "40%"],  # merged
        ["Kênh truyền thông chính (5/5 đơn vị)", "Trang thông tin điện tử", "2", "40%"],
    ]
    assert choices[-1] == ["Sự kiện đã tổ chức (5/5 đơn vị)", "Chưa tổ chức", "1", "20%"]


async def test_tinhhinh_and_the_status_tab_match_the_hand_table(oracle_app) -> None:
    app, clock = oracle_app
    clock.set_local(datetime(2026, 12, 20, 23, 30))  # the last half hour of the deadline day
    text = await Chat(app.service, "u-coord").say("/tinhhinh")
    missing = ", ".join(f"Đơn vị {n:02d}" for n in range(7, 14))
    assert text.splitlines()[2:] == [
        f"{TITLE} – năm 2026 (hạn 20/12/2026)",
        "• Đã nộp đúng hạn: 4",
        "• Nộp muộn: 1 – Đơn vị 04",
        "• Đang soạn: 1 – Đơn vị 06",
        f"• Chưa bắt đầu: 7 – {missing}",
        "Tổng: 13 đơn vị phải nộp; đã nộp 5/13.",
        # The 8 not filed (06 drafting, 07-13) have no officer in this commune: unreachable.
        "⚠️ Bot không liên lạc được cán bộ nào của 8 đơn vị chưa nộp báo cáo năm 2026: "
        "Đơn vị 06, "
        f"{missing}. Gõ /xem <đơn vị> để biết lý do.",
    ]  # no previous period: the form did not exist before 20/06/2026, nobody owes it
    # The sheet's status tab: the same counts, from the same rule.
    source = StoreMirrorSource(TZ, clock=clock)
    rows = status_rows(await source.status())
    assert rows[0].cells[0].value == STATUS_SHEET_TITLE
    # The shares say what they are over: 4/13 owed on time, not 4/5 filed (a bare "Tỷ lệ
    # đúng hạn" read as the on-time share of those that filed).
    headers = [cell.value for cell in rows[3].cells]
    assert headers[8:] == ["Đã nộp / phải nộp", "Đúng hạn / phải nộp"]
    summary = [cell.value for cell in rows[4].cells]
    assert summary[0] == TITLE
    assert summary[3:8] == [13, 4, 1, 1, 7]  # must file, on time, late, draft, missing
    assert summary[8:] == pytest.approx([5 / 13, 4 / 13], rel=1e-12)  # 38,46%, 30,77%: exact

    clock.set_local(datetime(2027, 1, 5, 9, 0))  # the next period: 2026-H2 is overdue
    text = await Chat(app.service, "u-coord").say("/tinhhinh")
    missing = ", ".join(f"Đơn vị {n:02d}" for n in range(6, 14))
    assert f"Kỳ trước (năm 2026): còn 8 đơn vị chưa nộp: {missing}." in text.splitlines()
