"""The tenancy oracle: a province with two communes, hand-written reports, figures by hand.

Each commune's coordinator consolidates only their commune's units and their figures equal the
hand table's commune rows; the provincial coordinator's figures equal its totals, with the
communes' rows as the breakdown. Commune A's coordinator never meets a unit name of commune B:
not in /tinhhinh, /tonghop and its files, xem, the digest, or the web page.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from docx import Document
from openpyxl import load_workbook

from reportbot.app import Application
from reportbot.coordination.reporting.province import ScopeConsolidation, consolidate_scope
from reportbot.forms.loader import parse_yaml_template
from reportbot.periods import period_by_key
from reportbot.store.forms import store_template
from reportbot.store.models import FormTemplateRecord, Identity, Person, Unit
from reportbot.store.queries.organisations import add_organisation, person_scope, scope_of
from reportbot.store.queries.reports import any_filed
from tests.conftest import TZ, FakeClock
from tests.support import Chat, store_submission
from tests.test_cli import run_cli
from tests.test_reminders_support import RecordingConnector, worker_for
from tests.test_web_page import LINK, serving

FORM = """
key: so_lieu_xa
version: "1"
title: {vi: Báo cáo số liệu xã, en: Commune figures}
unit_types: []
period: {kind: six_monthly, deadlines: ["20/06", "20/12"]}
questions:
  - {id: co_ke_hoach, type: yes_no, label: "Đã ban hành kế hoạch chưa?"}
  - {id: so_can_bo, type: integer, label: Tổng số cán bộ}
  - {id: kinh_phi, type: integer, label: "Kinh phí đã chi (đồng)"}
"""
COMMUNES = {"xa-a": "Xã An Bình", "xa-b": "Xã Bình Minh"}
# code: (commune, name)
UNITS = {
    "a1": ("xa-a", "Hội Phụ nữ An Bình"),
    "a2": ("xa-a", "Đoàn Thanh niên An Bình"),
    "a3": ("xa-a", "Trường Tiểu học An Bình"),
    "b1": ("xa-b", "Hội Nông dân Bình Minh"),
    "b2": ("xa-b", "Trạm Y tế Bình Minh"),
}
B_NAMES = [name for commune, name in UNITS.values() if commune == "xa-b"]
# code: (status, answers); a3 has nothing, b2's draft must not count anywhere.
REPORTS: dict[str, tuple[str, dict[str, Any]]] = {
    "a1": ("submitted", {"co_ke_hoach": "yes", "so_can_bo": 10, "kinh_phi": 1_000_000}),
    "a2": ("submitted", {"co_ke_hoach": "no", "so_can_bo": 6, "kinh_phi": 500_000}),
    "b1": ("submitted", {"co_ke_hoach": "yes", "so_can_bo": 20, "kinh_phi": 2_000_000}),
    "b2": ("draft", {"co_ke_hoach": "no", "so_can_bo": 99, "kinh_phi": 9}),
}

# ----- By hand: (filed, total, {number: (total, average)}, {yes/no option: (units, share)}) -----
# (kinh_phi is in đồng: its average in whole đồng, half up: 3.500.000 / 3 = 1.166.667)
HAND = {
    "xa-a": (
        2,
        3,
        {"so_can_bo": (16, "8.00"), "kinh_phi": (1_500_000, "750000")},
        {"yes": (1, "50.0"), "no": (1, "50.0")},
    ),
    "xa-b": (
        1,
        2,
        {"so_can_bo": (20, "20.00"), "kinh_phi": (2_000_000, "2000000")},
        {"yes": (1, "100.0"), "no": (0, "0.0")},
    ),
    # the province: every unit of both communes (totals of the rows above; averages over 3)
    "tinh": (
        3,
        5,
        {"so_can_bo": (36, "12.00"), "kinh_phi": (3_500_000, "1166667")},
        {"yes": (2, "66.7"), "no": (1, "33.3")},
    ),
}


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


async def seed() -> None:
    """The province, its two communes, their units, three coordinators and the reports."""
    template, issues = parse_yaml_template(FORM, "so_lieu_xa.yaml")
    assert issues == [] and template is not None
    await store_template(template, now=local(2026, 7, 1, 8, 0))
    record = await FormTemplateRecord.get(key="so_lieu_xa")
    organisations = {"tinh": await add_organisation("tinh", "Tỉnh Hòa Bình", "province")}
    for code, name in COMMUNES.items():
        organisations[code] = await add_organisation(code, name, parent="tinh")
    for code, (commune, name) in UNITS.items():
        await Unit.create(
            code=code, name=name, type="doan_the", organisation_id=organisations[commune].id
        )
    for who in ("xa-a", "xa-b", "tinh"):
        person = await Person.create(
            name=f"Điều phối {who}", role="coordinator", organisation_id=organisations[who].id
        )
        for platform in ("console", "fake"):
            await Identity.create(
                platform=platform, external_id=f"c-{who}", chat_id=f"c-{who}", person=person
            )
    for code, (status, answers) in REPORTS.items():
        moment = local(2026, 12, 10, 9, 0)
        await store_submission(
            record,
            code,
            answers,
            status=status,
            period_key="2026-H2",
            moment=moment,
            submitted_at=moment if status == "submitted" else None,
        )


def figures(data: Any) -> tuple[int, int, dict[str, tuple[int, str]], dict[str, Any]]:
    """A consolidation in the hand table's shape."""
    numbers = {n.question.id: (int(n.total), str(n.average)) for n in data.numbers}
    (yes_no,) = [c for c in data.choices if c.question.id == "co_ke_hoach"]
    options = {o.value: (o.units, str(o.share)) for o in yes_no.options}
    return data.filed, data.total, numbers, options


async def coordinator_scope(who: str) -> Any:
    person = await Person.get(name=f"Điều phối {who}")
    return await person_scope(person.id)


async def scoped(who: str) -> ScopeConsolidation:
    record = await FormTemplateRecord.get(key="so_lieu_xa")
    template = parse_yaml_template(FORM, "x.yaml")[0]
    assert template is not None and record is not None
    period = period_by_key(template.period, "2026-H2", TZ)
    now = local(2026, 12, 22, 9, 0)
    scope = await coordinator_scope(who)
    return await consolidate_scope("so_lieu_xa", template, period, now=now, tz=TZ, scope=scope)


async def test_each_level_consolidates_to_the_hand_table(db: str) -> None:
    await seed()
    for commune in COMMUNES:
        data = await scoped(commune)
        assert figures(data.total) == HAND[commune]
        assert data.communes == []  # one commune: no breakdown
    province = await scoped("tinh")
    assert figures(province.total) == HAND["tinh"]
    assert [(c.code, figures(part)) for c, part in province.communes] == [
        ("xa-a", HAND["xa-a"]),
        ("xa-b", HAND["xa-b"]),
    ]
    # the default period of /tonghop is one a unit of the coordinator's own communes filed
    empty = await add_organisation("xa-c", "Xã Cao Sơn", parent="tinh")
    assert not await any_filed("so_lieu_xa", "2026-H2", await scope_of(empty.id))
    assert await any_filed("so_lieu_xa", "2026-H2", await coordinator_scope("xa-b"))


@pytest.fixture
async def served(db: str, tmp_path: Path) -> AsyncIterator[tuple[Application, str]]:
    """The bot with its web page, after the deadline of 2026-H2."""
    await seed()
    async with serving(db, FakeClock(local(2026, 12, 22, 9, 0)), tmp_path) as found:
        yield found.app, found.base


def file_text(path: Path) -> str:
    """Every cell of a workbook or every paragraph and cell of a document, as one text."""
    if path.suffix == ".xlsx":
        book = load_workbook(path)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    if path.suffix == ".docx":
        document = Document(str(path))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    return ""


async def test_the_provincial_summary_breaks_down_by_commune(served) -> None:
    app, _base = served
    replies = await Chat(app.service, "c-tinh").send("/tonghop")
    text = replies[0].text
    assert "Đã nộp 3/5 đơn vị" in text
    assert "Tổng số cán bộ: 36 · 12 · 3/3 đơn vị" in text
    breakdown = text[text.index("Theo từng xã (2 xã):") :].split("\n")
    assert breakdown[1:7] == [
        "• Xã An Bình: đã nộp 2/3 đơn vị",
        "  – Tổng số cán bộ: 16",
        "  – Kinh phí đã chi (đồng): 1.500.000",
        "• Xã Bình Minh: đã nộp 1/2 đơn vị",
        "  – Tổng số cán bộ: 20",
        "  – Kinh phí đã chi (đồng): 2.000.000",
    ]
    (xlsx,) = [Path(r.attachment_path) for r in replies if str(r.attachment_path).endswith(".xlsx")]
    rows = list(load_workbook(xlsx)["Theo xã"].iter_rows(values_only=True))
    assert rows == [
        ("Xã", "Phải nộp", "Đã nộp", "Tổng số cán bộ", "Kinh phí đã chi (đồng)"),
        ("Xã An Bình", 3, 2, 16, 1_500_000),
        ("Xã Bình Minh", 2, 1, 20, 2_000_000),
    ]


async def test_commune_a_never_sees_commune_b(served, tmp_path: Path) -> None:
    app, base = served
    chat = Chat(app.service, "c-xa-a")
    seen: list[str] = []
    summary = await chat.send("/tonghop")
    assert "Đã nộp 2/3 đơn vị" in summary[0].text and "Theo từng xã" not in summary[0].text
    seen += [reply.text for reply in summary]
    seen += [file_text(Path(r.attachment_path)) for r in summary[1:] if r.attachment_path]
    status = await chat.say("/tinhhinh")
    assert "Hội Phụ nữ An Bình" in status or "2/3" in status
    seen.append(status)
    seen.append(await chat.say("xem b1"))
    other = await chat.say("/xem Nông dân")  # B's words: would find b1 across communes
    assert "Nông dân" in other and "Tổng số cán bộ" not in other
    seen.append(other)
    # the digest the day before the deadline of 2026-H2 (a commune's coordinator gets theirs)
    clock = FakeClock(local(2026, 12, 19, 9, 0))
    fake = RecordingConnector("fake", clock)
    await worker_for([fake], clock).run_once()
    digests = {d.user_id: d.text for d in fake.delivered if d.user_id.startswith("c-")}
    assert set(digests) == {"c-xa-a", "c-xa-b", "c-tinh"}
    assert "Trường Tiểu học An Bình" in digests["c-xa-a"]
    assert all(name in digests["c-tinh"] for name in B_NAMES)
    seen.append(digests["c-xa-a"])
    seen += await web_pages(chat, base, tmp_path)
    everything = "\n".join(seen)
    assert "An Bình" in everything  # the check below looks at real text
    for name in B_NAMES:
        assert name not in everything


async def web_pages(chat: Chat, base: str, folder: Path) -> list[str]:
    """The coordinator's web page, a unit page of the other commune, and a report file."""
    found = LINK.search(await chat.say("/web"))
    assert found, "no sign-in link"
    pages = []
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{base}/web/dang-nhap", data={"t": found.group(1)}, allow_redirects=False
        ) as response:
            assert response.status == 303
            session = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
        cookies = {"reportbot_web": session}
        async with http.get(f"{base}/web/", cookies=cookies) as response:
            assert response.status == 200
            home = await response.text()
            assert "Hội Phụ nữ An Bình" in home
            pages.append(home)
        other = await Unit.get(code="b1")
        async with http.get(
            f"{base}/web/don-vi/{other.id}",
            params={"form": "so_lieu_xa", "period": "2026-H2"},
            cookies=cookies,
        ) as response:
            assert response.status == 404
            pages.append(await response.text())
        async with http.get(
            f"{base}/web/bao-cao/so_lieu_xa/2026-H2.xlsx", cookies=cookies
        ) as response:
            assert response.status == 200
            path = folder / "web-report.xlsx"
            path.write_bytes(await response.read())
            text = file_text(path)
            assert "Hội Phụ nữ An Bình" in text
            pages.append(text)
    return pages


async def test_the_report_command_takes_a_scope(db: str, tmp_path: Path) -> None:
    await seed()
    env = {"REPORTBOT_DATABASE_URL": db}
    made = {}
    for scope in ("tinh", "xa-a"):
        out = tmp_path / f"{scope}.xlsx"
        args = ["report", "--scope", scope, "--period", "2026-H2", "--output", str(out)]
        done = await asyncio.to_thread(run_cli, args, env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        made[scope] = out
    rows = list(load_workbook(made["tinh"])["Theo xã"].iter_rows(values_only=True))
    assert rows[1:] == [("Xã An Bình", 3, 2, 16, 1_500_000), ("Xã Bình Minh", 2, 1, 20, 2_000_000)]
    commune = file_text(made["xa-a"])
    assert "Hội Phụ nữ An Bình" in commune
    assert not any(name in commune for name in B_NAMES)
    assert "Theo xã" not in load_workbook(made["xa-a"]).sheetnames
