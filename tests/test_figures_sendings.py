"""What coordinators read of sendings, revisions and lateness, against a table written by hand.

Eight units of one form, 2026-H2 due at the end of 20/12/2026 (Asia/Ho_Chi_Minh). Every
report goes through the chat as an officer types it: one sent at 23:30 on the deadline day,
one at 00:10 the day after (still 20/12 in UTC), one sent three times before the deadline
with a changed figure each time, one sent late then reopened and sent again, one on time and
one late reopened and not sent again, a draft, and a unit that never started. /xem (in
Vietnamese and English), /tonghop, /tinhhinh, the digest and the sheet's status tab must read
as the table below says.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from openpyxl import load_workbook

from drills.ports import free_port
from reportbot.app import Application
from reportbot.config import Settings
from reportbot.forms.loader import parse_yaml_template
from reportbot.mirror.extension import build_worker
from reportbot.mirror.records import STATUS_SHEET_TITLE
from reportbot.store.forms import store_template
from reportbot.store.models import Identity, Person, Unit
from tests.conftest import TZ, FakeClock
from tests.digest_support import digest_after_deadline
from tests.support import Chat
from tests.test_coordinator_sweep_filing import page_text

FORM = """
key: so_lieu
version: "1"
title: {vi: Báo cáo số liệu, en: Figures report}
unit_types: [doan_the]
period: {kind: six_monthly, deadlines: ["20/06", "20/12"]}
questions:
  - {id: tong, type: integer, required: true, min: 0, label: {vi: Tổng số cán bộ, en: Staff}}
  - {id: ghi_chu, type: text, label: {vi: Ghi chú, en: Notes}}
"""
UNITS = {
    "hpn": "Hội Phụ nữ xã",
    "doan": "Đoàn Thanh niên xã",
    "mttq": "Ủy ban MTTQ xã",
    "ccb": "Hội Cựu chiến binh xã",
    "hnd": "Hội Nông dân xã",
    "ldld": "Liên đoàn Lao động xã",
    "ctd": "Chi hội Chữ thập đỏ xã",
    "nct": "Hội Người cao tuổi xã",
}
FIRST = ["/boqua", "/gui", "có"]  # after the staff figure: skip the note, send, confirm
# (local wall clock, unit, typed lines). After the deadline /baocao offers the overdue
# 2026-H2 first ("1"), then 2027-H1; once reopened, 2026-H2 keeps its place after 2027-H1 ("2").
FILINGS: list[tuple[datetime, str, list[str]]] = [
    (datetime(2026, 12, 10, 9, 0), "mttq", ["/baocao", "20", *FIRST]),
    (datetime(2026, 12, 12, 14, 0), "mttq", ["/baocao", "/sua 1", "21", "/gui", "có"]),
    (datetime(2026, 12, 15, 9, 0), "hnd", ["/baocao", "10", *FIRST]),
    (datetime(2026, 12, 16, 8, 0), "ctd", ["/baocao", "3"]),  # a draft, never sent
    (datetime(2026, 12, 18, 16, 30), "mttq", ["/baocao", "/sua 1", "22", "/gui", "có"]),
    (datetime(2026, 12, 20, 23, 30), "hpn", ["/baocao", "5", *FIRST]),
    (datetime(2026, 12, 21, 0, 10), "doan", ["/baocao", "1", "6", *FIRST]),
    (datetime(2026, 12, 21, 15, 0), "ldld", ["/baocao", "1", "4", *FIRST]),
    (datetime(2026, 12, 22, 8, 0), "ccb", ["/baocao", "1", "8", *FIRST]),
]
REOPENED = ["ccb", "hnd", "ldld"]  # by the coordinator on 23/12 at 09:00
RESENT = (datetime(2026, 12, 23, 10, 0), "ccb", ["/baocao", "2", "/sua 1", "9", "/gui", "có"])
AFTER = datetime(2026, 12, 24, 10, 0)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


@dataclass
class Scenario:
    app: Application
    clock: FakeClock
    settings: Settings
    coordinator: Chat
    coordinator_en: Chat
    confirmations: dict[str, list[str]]
    base: str  # the web page's address


async def seed() -> None:
    template, issues = parse_yaml_template(FORM, "so_lieu.yaml")
    assert issues == [] and template is not None
    await store_template(template, now=local(2026, 7, 1, 8, 0))  # 2026-H2 is the first owed
    for code, name in UNITS.items():
        unit = await Unit.create(code=code, name=name, type="doan_the")
        person = await Person.create(name=f"Cán bộ {code}", unit=unit, role="officer")
        await Identity.create(
            platform="console", external_id=f"u-{code}", chat_id=f"u-{code}", person=person
        )
    home = await Unit.get(code="hpn")
    for chat_id, locale in (("u-coord", "vi"), ("u-coord-en", "en")):
        person = await Person.create(
            name=f"Điều phối {locale}", unit=home, role="coordinator", locale=locale
        )
        await Identity.create(
            platform="console", external_id=chat_id, chat_id=chat_id, person=person
        )


async def play(app: Application, clock: FakeClock, coordinator: Chat) -> dict[str, list[str]]:
    """Every filing, the reopenings and ccb's second sending; each unit's ✅ lines."""
    confirmations: dict[str, list[str]] = {code: [] for code in UNITS}

    async def file(moment: datetime, code: str, lines: list[str]) -> None:
        clock.set_local(moment)
        chat = Chat(app.service, f"u-{code}")
        for line in lines:
            reply = await chat.say(line)
        if lines[-1] == "có":
            confirmations[code].append(reply.splitlines()[0])

    for moment, code, lines in FILINGS:
        await file(moment, code, lines)
    clock.set_local(datetime(2026, 12, 23, 9, 0))
    for code in REOPENED:
        assert (await coordinator.say(f"/mo {code}")).startswith("🔓")
    await file(*RESENT)
    clock.set_local(AFTER)
    return confirmations


@pytest.fixture
async def scenario(db: str, tmp_path: Path) -> AsyncIterator[Scenario]:
    await seed()
    clock = FakeClock(local(2026, 12, 1, 9, 0))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(
        database_url=db,
        media_dir=tmp_path / "media",
        mirror_xlsx=tmp_path / "mirror.xlsx",
        http_port=port,
        env={"REPORTBOT_WEB_PUBLIC_URL": base},
    )
    app = Application(settings, clock=clock)
    await app.service.start()
    runner = web.AppRunner(app.web_app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    coordinator = Chat(app.service, "u-coord")
    try:
        confirmations = await play(app, clock, coordinator)
        english = Chat(app.service, "u-coord-en")
        yield Scenario(app, clock, settings, coordinator, english, confirmations, base)
    finally:
        await runner.cleanup()
        await app.service.close()


# ----- What each reader must read, by hand ----------------------------------------------------
# Deadline: the end of 20/12/2026 in Vietnam, 16:59:59 UTC. doan's 00:10 on 21/12 is 17:10 UTC
# on 20/12: late. The first sending decides on time or late; "lần N" is the number of sendings.
#   unit  sendings (local)                       standing  revision  staff counted
#   hpn   20/12 23:30                            on time   1         5
#   doan  21/12 00:10                            late      1         6
#   mttq  10/12 09:00, 12/12 14:00, 18/12 16:30  on time   3         22 (20 -> 21 -> 22)
#   ccb   22/12 08:00, reopened, 23/12 10:00     late      2         9 (8 -> 9)
#   hnd   15/12 09:00, reopened                  on time   1         10
#   ldld  21/12 15:00, reopened                  late      1         4
#   ctd   a draft (3), never sent                draft     -         -
#   nct   nothing                                missing   -         -
# Filed 6/8: on time 3, late 3; staff 5 + 6 + 22 + 9 + 10 + 4 = 56, 56 / 6 = 9,33 per unit.
CONFIRMED = {
    "hpn": ["lúc 23:30 20/12/2026 (lần 1)"],
    "doan": ["lúc 00:10 21/12/2026 (nộp muộn, hạn là 20/12/2026)"],
    "mttq": [
        "lúc 09:00 10/12/2026 (lần 1)",
        "lúc 14:00 12/12/2026 (lần 2)",
        "lúc 16:30 18/12/2026 (lần 3)",
    ],
    "ccb": ["lúc 08:00 22/12/2026 (nộp muộn, hạn là 20/12/2026)", "lúc 10:00 23/12/2026 (lần 2)"],
    "hnd": ["lúc 09:00 15/12/2026 (lần 1)"],
    "ldld": ["lúc 15:00 21/12/2026 (nộp muộn, hạn là 20/12/2026)"],
    "ctd": [],
    "nct": [],
}
XEM_VI = {
    "hpn": ("đã nộp lúc 23:30 20/12/2026 (lần 1)", 5),
    "doan": ("nộp muộn lúc 00:10 21/12/2026 (lần 1)", 6),
    "mttq": ("nộp lần đầu lúc 09:00 10/12/2026; đã gửi lại, bản đang tính là lần 3", 22),
    "ccb": ("nộp muộn lần đầu lúc 08:00 22/12/2026; đã gửi lại, bản đang tính là lần 2", 9),
    "hnd": ("được mở lại để sửa (nộp lần đầu lúc 09:00 15/12/2026; đang tính bản gửi lần 1)", 10),
    "ldld": (
        "được mở lại để sửa (nộp muộn lần đầu lúc 15:00 21/12/2026; đang tính bản gửi lần 1)",
        4,
    ),
    "ctd": ("đang soạn", 3),
}
XEM_EN = {
    "hpn": "submitted at 23:30 20/12/2026 (revision 1)",
    "doan": "submitted late at 00:10 21/12/2026 (revision 1)",
    "mttq": "first submitted at 09:00 10/12/2026; sent again, revision 3 counts",
    "ccb": "first submitted late at 08:00 22/12/2026; sent again, revision 2 counts",
    "hnd": "reopened for changes (first submitted at 09:00 15/12/2026; revision 1 counts)",
    "ldld": "reopened for changes (first submitted late at 15:00 21/12/2026; revision 1 counts)",
    "ctd": "draft",
}
ON_TIME = ["Hội Nông dân xã", "Hội Phụ nữ xã", "Ủy ban MTTQ xã"]
LATE = ["Đoàn Thanh niên xã", "Hội Cựu chiến binh xã", "Liên đoàn Lao động xã"]
MISSING = ["Chi hội Chữ thập đỏ xã", "Hội Người cao tuổi xã"]


async def test_each_sending_is_confirmed_with_its_number(scenario: Scenario) -> None:
    """The officer's ✅ line names the local time and which sending it is (or that it is
    late): mttq's third sending says "lần 3", ccb's second after a reopening "lần 2"."""
    prefix = (
        "✅ Đã gửi “Báo cáo số liệu” – năm 2026 ",
        "✅ Đã gửi lại “Báo cáo số liệu” – năm 2026 ",
    )
    for code, expected in CONFIRMED.items():
        got = scenario.confirmations[code]
        assert len(got) == len(expected), (code, got)
        for number, (line, tail) in enumerate(zip(got, expected, strict=True)):
            assert line == f"{prefix[number > 0]}{tail}. Cảm ơn anh/chị!", code


async def test_xem_names_the_first_sending_and_the_sending_counted(scenario: Scenario) -> None:
    for code, (status, staff) in XEM_VI.items():
        lines = (await scenario.coordinator.say(f"/xem {code}")).splitlines()
        assert lines == [
            f"📄 {UNITS[code]} ({code})",
            "Báo cáo số liệu – năm 2026",
            f"Tình trạng: {status}",
            f"1. Tổng số cán bộ: {staff}",
        ], code
    for code, status in XEM_EN.items():
        lines = (await scenario.coordinator_en.say(f"/xem {code}")).splitlines()
        assert lines[1:3] == ["Figures report – year 2026", f"Status: {status}"], code
    assert (
        await scenario.coordinator.say("/xem nct") == "Hội Người cao tuổi xã chưa có báo cáo nào."
    )


async def test_tonghop_tinhhinh_and_the_digest_count_as_the_table(scenario: Scenario) -> None:
    # Nobody filed 2027-H1 yet: /tonghop goes straight to 2026.
    summary = (await scenario.coordinator.send("/tonghop"))[0].text.splitlines()
    assert summary[:3] == [
        "📑 Tổng hợp: Báo cáo số liệu – năm 2026",
        "Đã nộp 6/8 đơn vị (đúng hạn 3, muộn 3); chưa nộp 2.",
        "Trong đó 2 đơn vị đang được mở lại để sửa, tính theo lần nộp gần nhất.",
    ]
    assert "• Tổng số cán bộ: 56 · 9,33 · 6/6 đơn vị" in summary

    status = (await scenario.coordinator.say("/tinhhinh")).splitlines()
    assert status[-2:] == [
        "Tổng: 8 đơn vị phải nộp; đã nộp 0/8.",  # 2027-H1, just begun
        f"Kỳ trước (năm 2026): còn 2 đơn vị chưa nộp: {', '.join(MISSING)}.",
    ]
    status = (await scenario.coordinator_en.say("/tinhhinh")).splitlines()
    assert status[-2:] == [
        "Total: units that must file: 8; filed: 0/8.",
        f"Previous period (year 2026): not filed yet (2): {', '.join(MISSING)}.",
    ]

    digest = await digest_after_deadline(
        scenario.app.reminders, "so_lieu", "2026-H2", "Điều phối vi", scenario.clock()
    )
    assert digest.text.split("\n\n") == [
        "📊 Tình hình nộp báo cáo: Báo cáo số liệu – năm 2026 (hạn 20/12/2026)\n"
        "Đã nộp: 6/8 đơn vị.",
        "Quá hạn, chưa nộp (2):\n" + "\n".join(f"• {name}" for name in MISSING),
        "Nộp muộn (3):\n" + "\n".join(f"• {name}" for name in LATE),
        "Đã nộp đúng hạn (3):\n" + "\n".join(f"• {name}" for name in ON_TIME),
    ]


async def test_the_status_tab_counts_and_rates_as_the_table(scenario: Scenario) -> None:
    """Must file 8; on time 3, late 3, draft 1, missing 1; filed 6/8 = 0.75, on time 3/8 =
    0.375; each unit's time is its first sending."""
    worker = build_worker(scenario.settings, scenario.clock)
    await worker.run_once()
    tab = load_workbook(scenario.settings.mirror_xlsx)[STATUS_SHEET_TITLE]
    rows = list(tab.iter_rows(values_only=True))
    [summary] = [row for row in rows if row[:2] == ("Báo cáo số liệu", "năm 2026")]
    assert summary[3:] == (8, 3, 3, 1, 1, 0.75, 0.375)
    start = rows.index(("Báo cáo số liệu — năm 2026",) + (None,) * 9)
    units = {row[0]: row[3:5] for row in rows[start + 2 : start + 10]}
    assert units == {
        "hpn": ("Đã nộp", datetime(2026, 12, 20, 23, 30)),
        "doan": ("Nộp muộn", datetime(2026, 12, 21, 0, 10)),
        "mttq": ("Đã nộp", datetime(2026, 12, 10, 9, 0)),
        "ccb": ("Nộp muộn", datetime(2026, 12, 22, 8, 0)),
        "hnd": ("Đã nộp", datetime(2026, 12, 15, 9, 0)),
        "ldld": ("Nộp muộn", datetime(2026, 12, 21, 15, 0)),
        "ctd": ("Đang soạn", None),
        "nct": ("Chưa nộp", None),
    }


async def web_get(scenario: Scenario, path: str) -> bytes:
    """A page or file of the web page, signed in by the coordinator's /web link."""
    link = await scenario.coordinator.say("/web")
    found = re.search(r"dang-nhap\?t=([A-Za-z0-9_-]+)", link)
    assert found, link
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.post(f"{scenario.base}/web/dang-nhap", data={"t": found.group(1)}) as r:
            assert r.status == 200
        async with http.get(scenario.base + path) as response:
            assert response.status == 200
            return await response.read()


async def test_the_web_page_and_its_download_count_as_the_table(scenario: Scenario) -> None:
    page = page_text((await web_get(scenario, "/web/?form=so_lieu&period=2026-H2")).decode())
    rows = {line.split(" | ")[0]: line for line in page if " | " in line}
    assert [rows[UNITS[code]] for code in ("hpn", "doan", "mttq", "ccb", "hnd", "ldld")] == [
        "Hội Phụ nữ xã | Đã nộp đúng hạn | 23:30 20/12/2026 |",
        "Đoàn Thanh niên xã | Nộp muộn | 00:10 21/12/2026 |",
        "Ủy ban MTTQ xã | Đã nộp đúng hạn | 09:00 10/12/2026 |",
        "Hội Cựu chiến binh xã | Nộp muộn | 08:00 22/12/2026 |",
        "Hội Nông dân xã | Đã nộp đúng hạn (mở lại) | 09:00 15/12/2026 |",
        "Liên đoàn Lao động xã | Nộp muộn (mở lại) | 15:00 21/12/2026 |",
    ]
    book = load_workbook(BytesIO(await web_get(scenario, "/web/bao-cao/so_lieu/2026-H2.xlsx")))
    by_label = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(values_only=True) if row[0]}
    filing = ("Phải nộp", "Đã nộp", "Đã nộp đúng hạn", "Nộp muộn")
    filing += (
        "Quá hạn, đang soạn",
        "Quá hạn, chưa bắt đầu soạn",
    )  # the digest's words, past the deadline
    assert [by_label[label] for label in filing] == [8, 6, 3, 3, 1, 1]
    assert by_label["Tổng số cán bộ"] == 56
    units = {
        row[0]: row[3:5] + row[7:9]
        for row in book["Theo đơn vị"].iter_rows(min_row=2, values_only=True)
    }
    assert units == {
        "hpn": ("Đã nộp đúng hạn", datetime(2026, 12, 20, 23, 30), 5, None),
        "doan": ("Nộp muộn", datetime(2026, 12, 21, 0, 10), 6, None),
        "mttq": ("Đã nộp đúng hạn", datetime(2026, 12, 10, 9, 0), 22, None),
        "ccb": ("Nộp muộn", datetime(2026, 12, 22, 8, 0), 9, None),
        "hnd": ("Đã nộp đúng hạn (mở lại)", datetime(2026, 12, 15, 9, 0), 10, None),
        "ldld": ("Nộp muộn (mở lại)", datetime(2026, 12, 21, 15, 0), 4, None),
        "ctd": ("Quá hạn, đang soạn", None, None, None),
        "nct": ("Quá hạn, chưa bắt đầu soạn", None, None, None),
    }
