"""A province on one bot: each coordinator's consolidated report is headed by their own
commune (or province), the way a coordinator there signs it, not by the demo commune.

Two communes of one province; officers file through the chat; the commune's coordinator, the
province's and the deployment's (no organisation) each ask /tonghop. Figures by hand.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document

from reportbot.app import Application
from reportbot.config import Settings
from reportbot.forms.loader import parse_yaml_template
from reportbot.store.forms import store_template
from reportbot.store.models import Identity, Person, Unit
from reportbot.store.queries.organisations import add_organisation
from tests.conftest import TZ, FakeClock
from tests.support import Chat

FORM = """
key: nq57_xa
version: "1"
title: {vi: Báo cáo Nghị quyết 57 của xã, en: Commune Resolution 57 report}
unit_types: []
period: {kind: six_monthly, deadlines: ["20/06", "20/12"]}
questions:
  - {id: co_ke_hoach, type: yes_no, required: true, label: "Đã ban hành kế hoạch chưa?"}
  - {id: so_can_bo, type: integer, required: true, min: 0, label: Tổng số cán bộ}
"""
UNITS = {  # code: (commune, name, typed answers)
    "a1": ("xa-a", "Hội Phụ nữ An Bình", ["có", "12"]),
    "a2": ("xa-a", "Đoàn Thanh niên An Bình", None),  # files nothing
    "b1": ("xa-b", "Hội Nông dân Bình Minh", ["không", "8"]),
}


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


async def seed() -> None:
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
    for who in ("xa-a", "tinh", None):
        person = await Person.create(
            name=f"Điều phối {who}",
            role="coordinator",
            organisation_id=organisations[who].id if who else None,
        )
        await Identity.create(
            platform="console", external_id=f"c-{who}", chat_id=f"c-{who}", person=person
        )


@pytest.fixture
async def app(db: str, tmp_path: Path) -> AsyncIterator[Application]:
    await seed()
    clock = FakeClock(local(2026, 12, 10, 9, 0))
    application = Application(
        Settings(database_url=db, media_dir=tmp_path / "media", mirror_xlsx=tmp_path / "m.xlsx"),
        clock=clock,
    )
    await application.service.start()
    try:
        for code, (_commune, _name, typed) in UNITS.items():
            chat = Chat(application.service, f"u-{code}")
            for line in ["/baocao", *typed, "/gui", "có"] if typed else []:
                await chat.send(line)
        clock.set_local(datetime(2026, 12, 22, 9, 0))
        yield application
    finally:
        await application.service.close()


async def consolidated(application: Application, who: str | None) -> tuple[str, list[str]]:
    """The /tonghop text and the .docx's header cells of one coordinator."""
    replies = await Chat(application.service, f"c-{who}").send("/tonghop")
    (docx,) = [r.attachment_path for r in replies if str(r.attachment_path).endswith(".docx")]
    document = Document(str(docx))
    header = [cell.text for cell in document.tables[0].rows[0].cells]
    return replies[0].text, header


async def test_each_coordinator_signs_under_their_own_authority(app: Application) -> None:
    text, (issuer, motto) = await consolidated(app, "xa-a")
    assert "Đã nộp 1/2 đơn vị (đúng hạn 1, muộn 0); chưa nộp 1." in text  # a1 of a1, a2
    assert issuer.splitlines()[:2] == ["UBND XÃ AN BÌNH", "PHÒNG VĂN HÓA - XÃ HỘI"]
    assert motto.splitlines()[-1] == "An Bình, ngày 22 tháng 12 năm 2026"

    text, (issuer, motto) = await consolidated(app, "tinh")
    assert "Đã nộp 2/3 đơn vị (đúng hạn 2, muộn 0); chưa nộp 1." in text
    assert "• Tổng số cán bộ: 20 · 10 · 2/2 đơn vị" in text  # 12 + 8, over a1 and b1
    assert issuer.splitlines()[0] == "UBND TỈNH HÒA BÌNH"
    assert motto.splitlines()[-1] == "Hòa Bình, ngày 22 tháng 12 năm 2026"

    # The deployment's coordinator (no commune) keeps the configured header: the defaults.
    text, (issuer, motto) = await consolidated(app, None)
    assert "Đã nộp 2/3 đơn vị" in text
    assert issuer.splitlines()[0] == "UBND XÃ ĐĂK PXI"
    assert motto.splitlines()[-1] == "Đăk Pxi, ngày 22 tháng 12 năm 2026"
