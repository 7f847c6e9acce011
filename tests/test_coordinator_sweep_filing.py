"""A coordinator's sweep: ten units of five types file two periods through the chat, and every
output the coordinator reads is checked against figures written by hand.

tests/test_consolidation_oracle.py seeds its reports straight into the store; here every report
goes through the conversation service as officers type it: a unit that files late, one reopened
and sent again with a changed figure, a draft never sent, a unit answering only zeros (a
percentage indicator over a denominator of 0), optional answers skipped, a select_multiple
question, a unit whose type changed after it filed, a unit removed, two officers of one school
editing the same report. Then: /tonghop of each period (text, .xlsx, .docx, .png), /tinhhinh,
the web page, the mirror workbook's status tab and the coordinators' digest must tell the
same story.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from docx import Document
from openpyxl import load_workbook
from PIL import Image

from drills.ports import free_port
from reportbot.app import Application
from reportbot.config import Settings
from reportbot.forms.loader import parse_yaml_template
from reportbot.mirror.extension import build_worker
from reportbot.mirror.google import GoogleSheetsBackend
from reportbot.mirror.records import STATUS_SHEET_TITLE
from reportbot.mirror.source import StoreMirrorSource
from reportbot.mirror.worker import MirrorWorker
from reportbot.store.forms import store_template
from reportbot.store.models import Identity, Person, Unit
from tests.conftest import TZ, FakeClock
from tests.digest_support import digest_after_deadline
from tests.fakes.sheets import FakeSheets
from tests.support import Chat

FORM = """
key: nq57_thu
version: "1"
title: {vi: Báo cáo Nghị quyết 57 thử, en: Resolution 57 trial}
unit_types: [phong, doan_the, truong_hoc, to_cns]
period: {kind: six_monthly, deadlines: ["20/06", "20/12"]}
indicators:
  - {key: quan_triet, kind: ratio_of_sums, numerator: so_quan_triet, denominator: tong_can_bo,
     target: 100, due: 2025, label: Cán bộ được quán triệt}
  - {key: dao_tao, kind: ratio_of_sums, numerator: so_dao_tao, denominator: tong_truyen_thong,
     target: 70, due: 2030, label: Người làm truyền thông được đào tạo}
  - {key: ke_hoach, kind: share_of_units_with_value, question: co_ke_hoach, value: "yes",
     target: 100, due: 2025, label: Đơn vị có kế hoạch}
questions:
  - {id: co_ke_hoach, type: yes_no, required: true, label: "Đơn vị đã ban hành kế hoạch chưa?"}
  - {id: tong_can_bo, type: integer, required: true, min: 0, label: Tổng số cán bộ}
  - {id: so_quan_triet, type: integer, required: true, min: 0, label: Số cán bộ được quán triệt}
  - {id: tong_truyen_thong, type: integer, required: true, min: 0,
     label: Số người làm truyền thông}
  - {id: so_dao_tao, type: integer, required: true, min: 0,
     label: Số người làm truyền thông được đào tạo}
  - id: su_kien
    type: select_multiple
    required: true
    label: Sự kiện đã tổ chức
    choices:
      - {value: ngay_18_5, label: Ngày 18/5}
      - {value: ngay_1_10, label: Ngày 1/10}
      - {value: ngay_10_10, label: Ngày 10/10}
      - {value: chua, label: Chưa tổ chức}
  - {id: ty_le_dan, type: decimal, min: 0, max: 100, label: "Tỷ lệ người dân được tiếp cận (%)"}
  - {id: kinh_phi, type: integer, min: 0, label: "Kinh phí đã chi (đồng)"}
  - {id: kho_khan, type: long_text, label: "Khó khăn, vướng mắc"}
"""
TITLE = "Báo cáo Nghị quyết 57 thử"
UNITS = {  # code: (name, type); ubnd's type does not file this form
    "vhxh": ("Phòng Văn hóa - Xã hội", "phong"),
    "pkt": ("Phòng Kinh tế", "phong"),
    "mttq": ("Ủy ban MTTQ xã", "doan_the"),
    "hpn": ("Hội Phụ nữ xã", "doan_the"),
    "doan": ("Đoàn Thanh niên xã", "doan_the"),
    "th1": ("Trường Tiểu học Đăk Pxi", "truong_hoc"),
    "mn1": ("Trường Mầm non Hoa Sen", "truong_hoc"),
    "cns1": ("Tổ công nghệ số thôn 1", "to_cns"),
    "cns2": ("Tổ công nghệ số thôn 2", "to_cns"),
    "ubnd": ("Văn phòng UBND xã", "co_quan"),
}
ZEROS = ["không", "0", "0", "0", "0", "4", "0", "0", "/boqua", "/gui", "có"]
# (moment, chat user, typed lines); "1"/"2" after /baocao picks the period in the chooser,
# the overdue 2026-H1 listed first on 10/12 ("2": 2026-H2).
FILINGS: list[tuple[datetime, str, list[str]]] = [
    (datetime(2026, 6, 10, 9, 0), "pkt", ["/baocao", *ZEROS]),  # 2026-H1: pkt alone, all zeros
    (
        datetime(2026, 12, 10, 9, 0),
        "mttq",
        [
            "/baocao",
            "2",
            "có",
            "20",
            "18",
            "4",
            "2",
            "1, 3",
            "60",
            "2tr",
            "Thiếu máy",
            "/gui",
            "có",
        ],
    ),
    (
        datetime(2026, 12, 10, 9, 0),
        "vhxh",
        [
            "/baocao",
            "2",
            "có",
            "10",
            "10",
            "3",
            "3",
            "1,2,3",
            "80,5",
            "5.000.000",
            "/boqua",
            "/gui",
            "có",
        ],
    ),
    (datetime(2026, 12, 10, 9, 0), "pkt", ["/baocao", *ZEROS]),
    (datetime(2026, 12, 10, 9, 0), "th1", ["/baocao", "2", "có", "40", "35"]),
    # a colleague of the school corrects answer 2 while the first officer is at question 4
    (datetime(2026, 12, 10, 9, 0), "th1b", ["/baocao", "2", "/sua 2", "45"]),
    (
        datetime(2026, 12, 10, 9, 0),
        "th1",
        ["30", "5", "3", "/boqua", "1000000", "/boqua", "/gui", "có"],
    ),
    (
        datetime(2026, 12, 10, 9, 0),
        "cns1",
        ["/baocao", "2", "có", "6", "6", "6", "5", "3", "90", "0", "Sóng yếu", "/gui", "có"],
    ),
    (
        datetime(2026, 12, 10, 9, 0),
        "mn1",
        ["/baocao", "2", "có", "25", "20", "2", "2", "2", "70", "/boqua", "/boqua", "/gui", "có"],
    ),
    (datetime(2026, 12, 10, 9, 0), "doan", ["/baocao", "2", "có", "12"]),  # a draft, never sent
    # the day after the deadline: the chooser offers the overdue 2026-H2 first, then 2027-H1
    (
        datetime(2026, 12, 21, 8, 0),
        "hpn",
        ["/baocao", "1", "có", "15", "15", "2", "1", "4", "50", "500000", "/boqua", "/gui", "có"],
    ),
]
AFTER = datetime(2026, 12, 22, 10, 0)  # two days after the annual deadline, everything done


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


async def seed() -> None:
    template, issues = parse_yaml_template(FORM, "nq57_thu.yaml")
    assert issues == [] and template is not None
    await store_template(template, now=local(2026, 1, 5, 8, 0))  # both 2026 periods are owed
    people = [(code, code) for code in UNITS] + [("th1b", "th1")]
    for code, (name, kind) in UNITS.items():
        await Unit.create(code=code, name=name, type=kind)
    for chat_id, code in people:
        unit = await Unit.get(code=code)
        person = await Person.create(name=f"Cán bộ {chat_id}", unit=unit, role="officer")
        await Identity.create(
            platform="console", external_id=f"u-{chat_id}", chat_id=f"u-{chat_id}", person=person
        )
    coordinator = await Person.create(
        name="Trần Văn Minh", unit=await Unit.get(code="vhxh"), role="coordinator"
    )
    await Identity.create(
        platform="console", external_id="u-coord", chat_id="u-coord", person=coordinator
    )


@dataclass
class Sweep:
    app: Application
    clock: FakeClock
    coordinator: Chat
    settings: Settings
    base: str
    h1_replies: list


async def file_everything(app: Application, clock: FakeClock, coordinator: Chat) -> list:
    """Every filing of FILINGS; /tonghop of 2026-H1 on 22/06 (returned); the reopening of
    mttq and its second sending with 25 instead of 20; then cns2 removed, mn1's type changed."""
    h1: list = []
    for moment, who, lines in FILINGS:
        if moment > datetime(2026, 6, 22, 9, 0) and not h1:
            clock.set_local(datetime(2026, 6, 22, 9, 0))
            h1 = await coordinator.send("/tonghop")
        clock.set_local(moment)
        chat = Chat(app.service, f"u-{who}")
        for line in lines:
            await chat.send(line)
    clock.set_local(datetime(2026, 12, 22, 9, 0))
    reopened = await coordinator.say("/mo mttq")
    assert reopened.startswith("🔓"), reopened
    mttq = Chat(app.service, "u-mttq")
    for line in ["/baocao", "2", "/sua 2", "25", "/gui", "có"]:
        await mttq.send(line)
    assert "lần 2" in mttq.transcript[-1][1], mttq.transcript[-1][1]
    await Unit.filter(code="cns2").update(active=False)  # removed: it never filed
    await Unit.filter(code="mn1").update(type="co_quan")  # moved out of the form's types
    clock.set_local(AFTER)
    return h1


@pytest.fixture
async def sweep(db: str, tmp_path: Path) -> AsyncIterator[Sweep]:
    await seed()
    clock = FakeClock(local(2026, 6, 10, 9, 0))
    port = free_port()
    settings = Settings(
        database_url=db,
        media_dir=tmp_path / "media",
        mirror_xlsx=tmp_path / "mirror.xlsx",
        http_port=port,
        env={"REPORTBOT_WEB_PUBLIC_URL": f"http://127.0.0.1:{port}"},
    )
    app = Application(settings, clock=clock)
    await app.service.start()
    runner = web.AppRunner(app.web_app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    coordinator = Chat(app.service, "u-coord")
    try:
        h1 = await file_everything(app, clock, coordinator)
        yield Sweep(app, clock, coordinator, settings, f"http://127.0.0.1:{port}", h1)
    finally:
        await runner.cleanup()
        await app.service.close()


# ----- The expected figures, by hand ---------------------------------------------------------
# 2026-H2 at AFTER. Must file: the 7 active units of the form's types, and mn1, which filed
# before its type changed (8). cns2 was removed before filing: not listed. ubnd: not its type.
# Filed 7: vhxh pkt mttq th1 cns1 mn1 on time (mttq reopened and sent again: still on time, with
# 25 as sent the second time), hpn late. doan: a draft, so missing.
#   tong_can_bo      10 + 0 + 25 + 45 + 6 + 25 + 15 = 126 (th1's 45 is the colleague's fix)
#   so_quan_triet    10 + 0 + 18 + 35 + 6 + 20 + 15 = 104      104/126 = 82.54 %
#   tong_truyen_thong 3 + 0 +  4 + 30 + 6 +  2 +  2 = 47
#   so_dao_tao        3 + 0 +  2 +  5 + 5 +  2 +  1 = 18       18/47 = 38.30 %
#   ty_le_dan (th1 skipped) 80.5 + 0 + 60 + 90 + 70 + 50 = 350.5 / 6 = 58.42 (averaged)
#   kinh_phi (mn1 skipped) 5.000.000 + 0 + 2.000.000 + 1.000.000 + 0 + 500.000 = 8.500.000 / 6
#   co_ke_hoach yes: all but pkt, 6/7 = 85.7 %
#   su_kien: 18/5 vhxh mttq (2), 1/10 vhxh mn1 (2), 10/10 vhxh mttq th1 cns1 (4), none pkt hpn (2)
H2_SUMMARY = f"""📑 Tổng hợp: {TITLE} – năm 2026
Đã nộp 7/8 đơn vị (đúng hạn 6, muộn 1); chưa nộp 1.
Mọi số liệu dưới đây tính trên 7/8 đơn vị đã nộp.

Chỉ tiêu:
• Cán bộ được quán triệt: 104/126 = 82,5% (mục tiêu 100%, năm 2025) – chưa đạt; trên 7/7 đơn vị
• Người làm truyền thông được đào tạo: 18/47 = 38,3% (mục tiêu 70%, năm 2030) – chưa đạt; \
trên 7/7 đơn vị
• Đơn vị có kế hoạch: 6/7 = 85,7% (mục tiêu 100%, năm 2025) – chưa đạt; trên 7/7 đơn vị

Số liệu (tổng · trung bình mỗi đơn vị · số đơn vị có số liệu):
• Tổng số cán bộ: 126 · 18 · 7/7 đơn vị
• Số cán bộ được quán triệt: 104 · 14,86 · 7/7 đơn vị
• Số người làm truyền thông: 47 · 6,71 · 7/7 đơn vị
• Số người làm truyền thông được đào tạo: 18 · 2,57 · 7/7 đơn vị
• Tỷ lệ người dân được tiếp cận (%): trung bình 58,42 (tỷ lệ: lấy trung bình, không cộng) \
· 6/7 đơn vị
• Kinh phí đã chi (đồng): 8.500.000 · 1.416.667 · 6/7 đơn vị

Các câu chọn (số đơn vị chọn · tỷ lệ trên số đơn vị trả lời):
• Đơn vị đã ban hành kế hoạch chưa? (7/7 đơn vị trả lời):
  – Có: 6 (85,7%)
  – Không: 1 (14,3%)
• Sự kiện đã tổ chức (7/7 đơn vị trả lời):
  – Ngày 18/5: 2 (28,6%)
  – Ngày 1/10: 2 (28,6%)
  – Ngày 10/10: 4 (57,1%)
  – Chưa tổ chức: 2 (28,6%)

Ý kiến của các đơn vị:
▪ Tổ công nghệ số thôn 1:
  – Khó khăn, vướng mắc: Sóng yếu
▪ Ủy ban MTTQ xã:
  – Khó khăn, vướng mắc: Thiếu máy

Kèm theo: bảng tính (.xlsx), báo cáo (.docx) và biểu đồ."""
ON_TIME = [
    "Phòng Kinh tế",
    "Phòng Văn hóa - Xã hội",
    "Tổ công nghệ số thôn 1",
    "Trường Mầm non Hoa Sen",
    "Trường Tiểu học Đăk Pxi",
    "Ủy ban MTTQ xã",
]
# 2027-H1 at AFTER: the 7 active units of the form's types, nobody has filed.
NEXT_MISSING = [
    "Đoàn Thanh niên xã",
    "Hội Phụ nữ xã",
    "Phòng Kinh tế",
    "Phòng Văn hóa - Xã hội",
    "Tổ công nghệ số thôn 1",
    "Trường Tiểu học Đăk Pxi",
    "Ủy ban MTTQ xã",
]


def attachments(replies: list) -> dict[str, Path]:
    return {
        Path(r.attachment_path).suffix: Path(r.attachment_path)
        for r in replies
        if r.attachment_path
    }


async def test_h1_with_a_zero_denominator_then_h2_match_the_hand_table(sweep: Sweep) -> None:
    # 2026-H1 on 22/06/2026: 9 units owed it (cns2 and mn1 as they were), pkt alone filed,
    # all zeros: both ratio indicators have a denominator of 0 and show no percentage.
    h1 = sweep.h1_replies[0].text.splitlines()
    assert h1[:3] == [
        f"📑 Tổng hợp: {TITLE} – 6 tháng đầu năm 2026",
        "Đã nộp 1/9 đơn vị (đúng hạn 1, muộn 0); chưa nộp 8.",
        "Mọi số liệu dưới đây tính trên 1/9 đơn vị đã nộp.",
    ]
    assert (
        "• Đơn vị có kế hoạch: 0/1 = 0% (mục tiêu 100%, năm 2025) – chưa đạt; trên 1/1 đơn vị" in h1
    )
    assert "• Kinh phí đã chi (đồng): 0 · 0 · 1/1 đơn vị" in h1
    # pkt answered 0 staff: the unit counts ("trên 1/1 đơn vị") and the rate cannot be
    # computed; "chưa có số liệu" (no data) would deny that pkt reported.
    assert (
        "• Cán bộ được quán triệt: 0/0 = — (mục tiêu 100%, năm 2025) – không tính được: "
        "mẫu số bằng 0; trên 1/1 đơn vị"
    ) in h1
    assert (
        "• Người làm truyền thông được đào tạo: 0/0 = — (mục tiêu 70%, năm 2030) – không tính "
        "được: mẫu số bằng 0; trên 1/1 đơn vị"
    ) in h1
    h1_files = attachments(sweep.h1_replies)
    h1_book = load_workbook(h1_files[".xlsx"])["Tổng hợp"]
    by_label = {row[0]: row[1:] for row in h1_book.iter_rows(values_only=True) if row[0]}
    assert by_label["Cán bộ được quán triệt"][:7] == (  # no percentage, not 0 %
        0,
        0,
        None,
        1,
        "2025",
        "không tính được: mẫu số bằng 0",
        1,
    )
    h1_table = Document(str(h1_files[".docx"])).tables[1]
    assert [c.text for c in h1_table.rows[1].cells] == [
        "Cán bộ được quán triệt (trên 1/1 đơn vị)",
        "0/0",
        "—",
        "100% (2025)",
        "không tính được: mẫu số bằng 0",
    ]

    # 2026-H2, newest first in the period chooser, with each period's filed count.
    chooser = await sweep.coordinator.say("/tonghop")
    assert "1. năm 2026 · 7/8 đã nộp" in chooser
    replies = await sweep.coordinator.send("1")
    assert replies[0].text == H2_SUMMARY
    files = attachments(replies)
    assert set(files) == {".xlsx", ".docx", ".png"}
    check_h2_workbook(files[".xlsx"])
    check_h2_document(files[".docx"])
    with Image.open(files[".png"]) as chart:
        assert chart.width > 600 and chart.height > 300

    # mttq was first sent on 10/12, reopened on 22/12 and sent again with 25: /xem must not
    # read as if revision 2 had been sent on 10/12.
    view = (await sweep.coordinator.say("/xem mttq")).splitlines()
    assert view[2] == (
        "Tình trạng: nộp lần đầu lúc 09:00 10/12/2026; đã gửi lại, bản đang tính là lần 2"
    )
    assert "2. Tổng số cán bộ: 25" in view


def check_h2_workbook(path: Path) -> None:
    book = load_workbook(path)
    rows = [row for row in book["Tổng hợp"].iter_rows(values_only=True) if row[0]]
    by_label = {row[0]: row[1:] for row in rows}
    assert rows[1][0].startswith("Hạn nộp: 20/12/2026.")
    # After the deadline, the digest's words: never "Chưa bắt đầu" for a unit that owes it.
    filing = ("Phải nộp", "Đã nộp", "Đã nộp đúng hạn", "Nộp muộn")
    filing += ("Quá hạn, đang soạn", "Quá hạn, chưa bắt đầu soạn")
    assert [by_label[label][0] for label in filing] == [8, 7, 6, 1, 1, 0]
    assert "Chưa bắt đầu" not in by_label and "Đang soạn" not in by_label
    assert by_label["Cán bộ được quán triệt"][:7] == (104, 126, 0.825, 1, "2025", "chưa đạt", 7)
    assert by_label["Người làm truyền thông được đào tạo"][:3] == (18, 47, 0.383)
    assert by_label["Đơn vị có kế hoạch"][:3] == (6, 7, 0.857)
    assert by_label["Tổng số cán bộ"][:4] == (126, 18, 7, 7)
    assert by_label["Tỷ lệ người dân được tiếp cận (%)"][:4] == (None, 58.42, 6, 7)
    # 8.500.000 / 6 = 1.416.666,67 đồng: money in đồng is shown in whole đồng, half up
    assert by_label["Kinh phí đã chi (đồng)"][:4] == (8_500_000, 1416667, 6, 7)
    assert (
        by_label["Kinh phí đã chi (đồng)"][4] == "tổng và trung bình (trung bình làm tròn đến đồng)"
    )
    per_unit = {row[0]: row for row in book["Theo đơn vị"].iter_rows(min_row=2, values_only=True)}
    assert set(per_unit) == {"vhxh", "pkt", "mttq", "hpn", "doan", "th1", "mn1", "cns1"}
    # mttq's figures are those it sent again on 22/12 (its 2nd sending): that time and that
    # number beside them, the first sending (on time) kept; pkt sent once.
    header = next(book["Theo đơn vị"].iter_rows(max_row=1, values_only=True))
    assert header[3:7] == (
        "Tình trạng",
        "Gửi lần đầu lúc",
        "Lần gửi (bản đang tính)",
        "Bản đang tính gửi lúc",
    )
    assert per_unit["mttq"][3:9] == (
        "Đã nộp đúng hạn",
        datetime(2026, 12, 10, 9, 0),
        2,
        datetime(2026, 12, 22, 9, 0),
        "Có",
        25,
    )
    assert per_unit["pkt"][5] == 1 and per_unit["pkt"][4] == per_unit["pkt"][6]
    assert per_unit["doan"][4:7] == (None, None, None)  # a draft: nothing sent
    assert per_unit["th1"][8] == 45 and per_unit["th1"][13] is None  # the fix; skipped rate
    assert per_unit["hpn"][3] == "Nộp muộn" and per_unit["doan"][3] == "Quá hạn, đang soạn"
    late = [row[:4] for row in book["Nộp muộn, chưa nộp"].iter_rows(min_row=2, values_only=True)]
    assert late == [
        ("doan", "Đoàn Thanh niên xã", "đoàn thể", "Quá hạn, đang soạn"),
        ("hpn", "Hội Phụ nữ xã", "đoàn thể", "Nộp muộn"),
    ]


def check_h2_document(path: Path) -> None:
    body = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert (
        "Tổng số đơn vị phải báo cáo: 8. Đã gửi 7/8 đơn vị (đúng hạn 6, muộn 1); quá hạn, "
        "đang soạn 1; quá hạn, chưa bắt đầu soạn 0. Hạn nộp: hết ngày 20/12/2026." in body
    )
    assert "III. ĐƠN VỊ NỘP MUỘN, CHƯA NỘP" in body
    section = body[body.index("III. ") : body.index("IV. ")].splitlines()[1:]
    assert section == [
        "Nộp muộn (1 đơn vị):",
        "- Hội Phụ nữ xã;",
        "Quá hạn, chưa nộp (1 đơn vị):",
        "- Đoàn Thanh niên xã;",
    ]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in Document(str(path)).tables]
    assert tables[1][1] == [
        "Cán bộ được quán triệt (trên 7/7 đơn vị)",
        "104/126",
        "82,5%",
        "100% (2025)",
        "chưa đạt",
    ]
    assert tables[2][-1] == ["Kinh phí đã chi (đồng)", "8.500.000", "1.416.667", "6/7"]


def page_text(html: str) -> list[str]:
    """The visible lines of a page."""
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    text = re.sub(r"</t[dh]>", " | ", text)
    text = re.sub(r"<br\s*/?>|</(p|li|tr|h\d|div|table|section)>", "\n", text)
    text = unescape(re.sub(r"<[^>]+>", "", text))
    return [line.strip() for line in text.splitlines() if line.strip()]


async def signed_in_page(sweep: Sweep, path: str) -> list[str]:
    link = await sweep.coordinator.say("/web")
    found = re.search(r"dang-nhap\?t=([A-Za-z0-9_-]+)", link)
    assert found, link
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.post(f"{sweep.base}/web/dang-nhap", data={"t": found.group(1)}) as r:
            assert r.status == 200
        async with http.get(sweep.base + path) as response:
            assert response.status == 200
            return page_text(await response.text())


async def test_tinhhinh_the_web_page_and_the_sheet_count_the_same_units(sweep: Sweep) -> None:
    """Two days after the deadline: /tinhhinh, the web page and the sheet's status tab all
    count 7/8 for 2026-H2 (mn1 filed before its type changed; cns2 was removed), and the
    sheet keeps 2026-H2 beside 2027-H1 while a unit still owes it, as /tinhhinh does."""
    text = await sweep.coordinator.say("/tinhhinh")
    assert text.splitlines()[2:] == [
        f"{TITLE} – 6 tháng đầu năm 2027 (hạn 20/06/2027)",
        "• Đã nộp đúng hạn: 0",
        "• Nộp muộn: 0",
        "• Đang soạn: 0",
        "• Chưa bắt đầu: 7 – " + ", ".join(NEXT_MISSING),
        "Tổng: 7 đơn vị phải nộp; đã nộp 0/7.",
        "Kỳ trước (năm 2026): còn 1 đơn vị chưa nộp: Đoàn Thanh niên xã.",
    ]

    lines = await signed_in_page(sweep, "/web/?form=nq57_thu&period=2026-H2")
    start = lines.index("Kỳ năm 2026 · hạn nộp 20/12/2026 · đã quá hạn")
    assert lines[start + 1 : start + 6] == [
        "Đã nộp đúng hạn: 6",
        "Nộp muộn: 1",
        "Quá hạn, đang soạn: 1",
        "Quá hạn, chưa bắt đầu soạn: 0",
        "Tổng: 8 đơn vị, đã nộp 7",
    ]

    worker = build_worker(sweep.settings, sweep.clock)
    await worker.run_once()
    tab = load_workbook(sweep.settings.mirror_xlsx)[STATUS_SHEET_TITLE]
    summary = [row for row in tab.iter_rows(min_row=4, values_only=True) if row[0] == TITLE]
    assert [row[1:2] + row[3:] for row in summary] == [
        ("6 tháng đầu năm 2027", 7, 0, 0, 0, 7, 0, 0),
        ("năm 2026", 8, 6, 1, 1, 0, 0.875, 0.75),  # still owed by doan: kept on the sheet
    ]
    states = {
        row[0]: row[3]
        for row in tab.iter_rows(values_only=True)
        if row[0] in UNITS and row[3] != "Chưa nộp"
    }
    assert states == {
        **dict.fromkeys(["vhxh", "pkt", "mttq", "th1", "cns1", "mn1"], "Đã nộp"),
        "hpn": "Nộp muộn",
        "doan": "Đang soạn",
    }


async def test_the_digest_counts_what_tinhhinh_counts(sweep: Sweep) -> None:
    """The digest after the deadline says 7/8 like /tonghop, /tinhhinh and the web page: mn1
    filed before its type changed and counts; cns2, removed before filing, is not missing."""
    digest = await digest_after_deadline(
        sweep.app.reminders, "nq57_thu", "2026-H2", "Trần Văn Minh", sweep.clock()
    )
    assert digest.text.split("\n\n") == [
        f"📊 Tình hình nộp báo cáo: {TITLE} – năm 2026 (hạn 20/12/2026)\nĐã nộp: 7/8 đơn vị.",
        "Quá hạn, chưa nộp (1):\n• Đoàn Thanh niên xã",
        "Nộp muộn (1):\n• Hội Phụ nữ xã",
        "Đã nộp đúng hạn (6):\n" + "\n".join(f"• {name}" for name in ON_TIME),
    ]


async def test_the_google_sheet_shows_the_same_reports_and_status(sweep: Sweep) -> None:
    """The same mirror through gspread to the Sheets fake: one row per report with the
    figures as sent (mttq's second sending, th1's colleague's fix, skipped answers empty) and
    the status tab of both periods."""
    async with FakeSheets() as fake:
        backend = GoogleSheetsBackend(fake.spreadsheet_id, api_url=fake.base_url)
        worker = MirrorWorker(backend, StoreMirrorSource(TZ, clock=sweep.clock))
        try:
            assert await worker.run_once() >= 1
        finally:
            await backend.close()
        status = fake.values(STATUS_SHEET_TITLE)
        rows = fake.values(TITLE)
    summary = [row[1:2] + row[3:] for row in status if row and row[0] == TITLE]
    assert summary == [
        ["6 tháng đầu năm 2027", 7, 0, 0, 0, 7, 0, 0],
        ["năm 2026", 8, 6, 1, 1, 0, 0.875, 0.75],
    ]
    header = rows[0]
    by_unit = {(row[1], row[3]): dict(zip(header, row, strict=False)) for row in rows[1:]}
    assert len(by_unit) == 9  # pkt's two periods, the eight 2026 reports (doan's draft too)
    mttq = by_unit[("Ủy ban MTTQ xã", "năm 2026")]
    assert (mttq["Lần gửi"], mttq["Thời điểm gửi"], mttq["Cập nhật lần cuối"]) == (
        2,
        "10/12/2026 09:00",
        "22/12/2026 09:00",
    )
    assert mttq["Tổng số cán bộ"] == 25 and mttq["Sự kiện đã tổ chức"] == "Ngày 18/5; Ngày 10/10"
    th1 = by_unit[("Trường Tiểu học Đăk Pxi", "năm 2026")]
    assert th1["Tổng số cán bộ"] == 45 and th1["Tỷ lệ người dân được tiếp cận (%)"] == ""
    assert by_unit[("Đoàn Thanh niên xã", "năm 2026")]["Trạng thái"] == "Đang soạn"
    figures = ["Tổng số cán bộ", "Số cán bộ được quán triệt", "Kinh phí đã chi (đồng)"]
    sent = [row for (_unit, period), row in by_unit.items() if period == "năm 2026"]
    # hpn sent after the deadline: the data sheet says so too, as the status tab does
    assert by_unit[("Hội Phụ nữ xã", "năm 2026")]["Trạng thái"] == "Nộp muộn"
    assert mttq["Trạng thái"] == "Đã nộp"  # on time, sent again after the deadline
    filed = [row for row in sent if row["Trạng thái"] in ("Đã nộp", "Nộp muộn")]
    assert [sum(row.get(name) or 0 for row in filed) for name in figures] == [
        126,
        104,
        8_500_000,
    ]  # the sheet adds up to /tonghop's totals
