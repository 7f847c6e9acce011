"""A province coordinator tells two same-named units of two communes apart on every screen.

Every commune has its "Hội Nông dân xã" and its "Đoàn Thanh niên". A provincial coordinator
acts through the commune (it is the commune's coordinator they call), so wherever a list spans
several communes each unit is followed by its commune, "Hội Nông dân xã (Xã An Bình)", unique
name or not: a line keeps its shape when another commune adds a unit of the same name. A
commune's own coordinator sees one commune and reads the bare names, as before.

Seeded by hand: a1 "Hội Nông dân xã" (Xã An Bình) files "có", 12, "Thiếu máy tính";
b1 "Hội Nông dân xã" (Xã Bình Minh) files "không", 8, "Thiếu kinh phí"; a2 and b2, both
"Đoàn Thanh niên", file nothing. Every expected text below is typed by hand.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from reportbot.forms.loader import parse_yaml_template
from reportbot.periods import period_by_key
from reportbot.reminders.compose import digest_sections
from reportbot.reminders.messages import digest
from reportbot.reminders.schedule import COORDINATORS, DIGEST_AFTER, Slot
from reportbot.reminders.store import digest_facts
from reportbot.store.forms import store_template
from reportbot.store.models import Identity, Person, Unit
from reportbot.store.queries.organisations import add_organisation, scope_of
from tests.conftest import TZ, FakeClock
from tests.support import Chat
from tests.test_web_page import Served, client, serving

FORM = """
key: nq57_xa
version: "1"
title: {vi: Báo cáo Nghị quyết 57 của xã, en: Commune Resolution 57 report}
unit_types: []
period: {kind: six_monthly, deadlines: ["20/06", "20/12"]}
questions:
  - {id: co_ke_hoach, type: yes_no, required: true, label: "Đã ban hành kế hoạch chưa?"}
  - {id: so_can_bo, type: integer, required: true, min: 0, label: Tổng số cán bộ}
  - {id: kho_khan, type: long_text, required: true, label: Khó khăn}
"""
UNITS = {  # code: (commune, name, typed answers)
    "a1": ("xa-a", "Hội Nông dân xã", ["có", "12", "Thiếu máy tính"]),
    "a2": ("xa-a", "Đoàn Thanh niên", None),
    "b1": ("xa-b", "Hội Nông dân xã", ["không", "8", "Thiếu kinh phí"]),
    "b2": ("xa-b", "Đoàn Thanh niên", None),
}
HND_A, HND_B = "Hội Nông dân xã (Xã An Bình)", "Hội Nông dân xã (Xã Bình Minh)"
DTN_A, DTN_B = "Đoàn Thanh niên (Xã An Bình)", "Đoàn Thanh niên (Xã Bình Minh)"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


async def seed() -> dict[str, int]:
    """The form, the province, its two communes, four units and their officers, and the
    province's and commune An Bình's coordinators; the organisations' ids by code."""
    template, issues = parse_yaml_template(FORM, "nq57_xa.yaml")
    assert issues == [] and template is not None
    await store_template(template, now=local(2026, 7, 1, 8, 0))
    organisations = {"tinh": await add_organisation("hoa-binh", "Tỉnh Hòa Bình", "province")}
    organisations["xa-a"] = await add_organisation("xa-a", "Xã An Bình", parent="hoa-binh")
    organisations["xa-b"] = await add_organisation("xa-b", "Xã Bình Minh", parent="hoa-binh")
    for code, (commune, name, _typed) in UNITS.items():
        unit = await Unit.create(
            code=code, name=name, type="doan_the", organisation_id=organisations[commune].id
        )
        officer = await Person.create(name=f"Cán bộ {code}", unit=unit, role="officer")
        await Identity.create(
            platform="console", external_id=f"u-{code}", chat_id=f"u-{code}", person=officer
        )
    for who in ("tinh", "xa-a"):
        person = await Person.create(
            name=f"Điều phối {who}", role="coordinator", organisation_id=organisations[who].id
        )
        await Identity.create(
            platform="console", external_id=f"c-{who}", chat_id=f"c-{who}", person=person
        )
    return {code: record.id for code, record in organisations.items()}


@pytest.fixture
async def served(db: str, tmp_path: Path) -> AsyncIterator[tuple[Served, dict[str, int]]]:
    organisations = await seed()
    clock = FakeClock(local(2026, 12, 10, 9, 0))
    async with serving(db, clock, tmp_path) as found:
        for code, (_commune, _name, typed) in UNITS.items():
            chat = Chat(found.app.service, f"u-{code}")
            for line in ["/baocao", *typed, "/gui", "có"] if typed else []:
                await chat.send(line)
        clock.set_local(datetime(2026, 12, 22, 9, 0))
        yield found, organisations


async def test_chat_lists_name_the_commune_at_province_level_only(
    served: tuple[Served, dict[str, int]],
) -> None:
    app = served[0].app
    status = await Chat(app.service, "c-tinh").say("/tinhhinh")
    assert f"• Chưa bắt đầu: 4 – {DTN_A}, {DTN_B}, {HND_A}, {HND_B}" in status
    assert f"Kỳ trước (năm 2026): còn 2 đơn vị chưa nộp: {DTN_A}, {DTN_B}." in status
    status = await Chat(app.service, "c-xa-a").say("/tinhhinh")
    assert "• Chưa bắt đầu: 2 – Đoàn Thanh niên, Hội Nông dân xã" in status
    assert "Kỳ trước (năm 2026): còn 1 đơn vị chưa nộp: Đoàn Thanh niên." in status

    summary = (await Chat(app.service, "c-tinh").send("/tonghop"))[0].text or ""
    assert (
        f"▪ {HND_A}:\n  – Khó khăn: Thiếu máy tính\n▪ {HND_B}:\n  – Khó khăn: Thiếu kinh phí"
    ) in summary
    summary = (await Chat(app.service, "c-xa-a").send("/tonghop"))[0].text or ""
    assert "▪ Hội Nông dân xã:\n  – Khó khăn: Thiếu máy tính" in summary


async def test_report_files_name_the_commune(served: tuple[Served, dict[str, int]]) -> None:
    replies = await Chat(served[0].app.service, "c-tinh").send("/tonghop")
    files = {Path(str(r.attachment_path)).suffix: r.attachment_path for r in replies}
    book = load_workbook(files[".xlsx"])
    units = [row[:4] for row in book["Theo đơn vị"].iter_rows(min_row=2, values_only=True)]
    assert units == [
        ("a2", DTN_A, "đoàn thể", "Quá hạn, chưa bắt đầu soạn"),
        ("b2", DTN_B, "đoàn thể", "Quá hạn, chưa bắt đầu soạn"),
        ("a1", HND_A, "đoàn thể", "Đã nộp đúng hạn"),
        ("b1", HND_B, "đoàn thể", "Đã nộp đúng hạn"),
    ]
    late = [row[:2] for row in book["Nộp muộn, chưa nộp"].iter_rows(min_row=2, values_only=True)]
    assert late == [("a2", DTN_A), ("b2", DTN_B)]
    texts = [row for row in book["Ý kiến"].iter_rows(min_row=2, values_only=True)]
    assert texts == [
        ("a1", HND_A, "Khó khăn", "Thiếu máy tính"),
        ("b1", HND_B, "Khó khăn", "Thiếu kinh phí"),
    ]
    paragraphs = [p.text for p in Document(str(files[".docx"])).paragraphs]
    start = paragraphs.index("Quá hạn, chưa nộp (2 đơn vị):")
    assert paragraphs[start + 1 : start + 3] == [f"- {DTN_A};", f"- {DTN_B};"]
    start = paragraphs.index("IV. KHÓ KHĂN")
    assert paragraphs[start + 1 : start + 3] == [
        f"- {HND_A}: Thiếu máy tính",
        f"- {HND_B}: Thiếu kinh phí",
    ]


async def test_web_pages_name_the_commune(served: tuple[Served, dict[str, int]]) -> None:
    site = served[0]
    unit_id = (await Unit.get(code="b1")).id
    async with client() as http:
        cookies = await site.cookies(http, "c-tinh")
        query = "?form=nq57_xa&period=2026-H2"
        async with http.get(f"{site.base}/web/{query}", cookies=cookies) as response:
            page = await response.text()
        names = re.findall(r'<tr><td><a href="[^"]*">([^<]*)</a>', page)
        assert names == [DTN_A, DTN_B, HND_A, HND_B]
        link = f"{site.base}/web/don-vi/{unit_id}{query}"
        async with http.get(link, cookies=cookies) as response:
            assert f"<h2>{HND_B} (b1)</h2>" in await response.text()
        cookies = await site.cookies(http, "c-xa-a")
        async with http.get(f"{site.base}/web/{query}", cookies=cookies) as response:
            page = await response.text()
        names = re.findall(r'<tr><td><a href="[^"]*">([^<]*)</a>', page)
        assert names == ["Đoàn Thanh niên", "Hội Nông dân xã"]


async def test_digest_names_the_commune_at_province_level_only(
    served: tuple[Served, dict[str, int]],
) -> None:
    organisations = served[1]
    template, _issues = parse_yaml_template(FORM, "nq57_xa.yaml")
    assert template is not None
    period = period_by_key(template.period, "2026-H2", TZ)
    now = period.deadline + timedelta(days=1)
    slot = Slot(template.key, period, DIGEST_AFTER, COORDINATORS, now, now + timedelta(days=1))
    province = await digest_facts(template, period.key, await scope_of(organisations["tinh"]))
    commune = await digest_facts(template, period.key, await scope_of(organisations["xa-a"]))
    for facts, missing, on_time in (
        (province, [DTN_A, DTN_B], [HND_A, HND_B]),
        (commune, ["Đoàn Thanh niên"], ["Hội Nông dân xã"]),
        # one digest read for every coordinator, then cut to a commune's units
        (
            province.within({u.id for u in commune.units}, name_communes=False),
            ["Đoàn Thanh niên"],
            ["Hội Nông dân xã"],
        ),
    ):
        sections = digest_sections(facts, slot, {"console"}, "vi")
        text = digest(template, period, sections, locale="vi", now=now, tz=TZ).text
        parts = text.split("\n\n")
        head = f"Quá hạn, chưa nộp ({len(missing)}):"
        assert "\n".join([head, *(f"• {name}" for name in missing)]) in parts
        head = f"Đã nộp đúng hạn ({len(on_time)}):"
        assert "\n".join([head, *(f"• {name}" for name in on_time)]) in parts
