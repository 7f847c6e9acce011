"""The coordinators' digest after the deadline: how many units filed, and who could not be
reached and why, against a table written by hand, in Vietnamese and English.

Six units must file 2026-H2: hpn filed; the other five did not. doan has no officer; hnd's
officer never registered an account; ccb's officer is on Zalo OA only, which this bot does
not run; mttq has two officers, one reachable, the other's reminder refused for good; ldld's
officer is reachable. A unit with a reachable officer is not "unreachable", one unreachable
officer of a unit with two is listed by name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from reportbot.app import Application
from reportbot.config import Settings
from reportbot.forms.loader import parse_yaml_template
from reportbot.periods import period_by_key
from reportbot.reminders.schedule import (
    COORDINATORS,
    DIGEST_AFTER,
    UNDELIVERABLE,
    Due,
    Recipient,
    Slot,
)
from reportbot.store.forms import store_template
from reportbot.store.models import (
    FormTemplateRecord,
    Identity,
    Person,
    ReminderDelivery,
    Unit,
)
from tests.conftest import TZ, FakeClock
from tests.support import store_submission
from tests.test_figures_sendings import FORM

UNITS = {
    "hpn": "Hội Phụ nữ xã",
    "doan": "Đoàn Thanh niên xã",
    "hnd": "Hội Nông dân xã",
    "ccb": "Hội Cựu chiến binh xã",
    "mttq": "Ủy ban MTTQ xã",
    "ldld": "Liên đoàn Lao động xã",
}
# officer name: (unit, platform of their one account or None)
OFFICERS = {
    "Cán bộ Hà": ("hpn", "console"),
    "Cán bộ Cúc": ("hnd", None),
    "Cán bộ Dũng": ("ccb", "zalo_oa"),
    "Cán bộ Mai": ("mttq", "console"),
    "Cán bộ Nam": ("mttq", "console"),  # his reminder was refused for good
    "Cán bộ Lan": ("ldld", "console"),
}
NOW = datetime(2026, 12, 22, 9, 0, tzinfo=TZ)
# By hand: filed 1 of 6; missing 5 (Vietnamese order: Đ after D, "Hội C…" before "Hội N…");
# unreachable 4 lines: doan (no officer), ccb, hnd, mttq's Nam; ldld and mttq's Mai reachable.
DIGEST = {
    "vi": [
        "📊 Tình hình nộp báo cáo: Báo cáo số liệu – năm 2026 (hạn 20/12/2026)\n"
        "Đã nộp: 1/6 đơn vị.",
        "Quá hạn, chưa nộp (5):\n• Đoàn Thanh niên xã\n• Hội Cựu chiến binh xã\n"
        "• Hội Nông dân xã\n• Liên đoàn Lao động xã\n• Ủy ban MTTQ xã",
        "Không liên lạc được (4):\n• Đoàn Thanh niên xã – chưa có cán bộ\n"
        "• Hội Cựu chiến binh xã – Cán bộ Dũng: tài khoản zalo_oa chưa được kết nối\n"
        "• Hội Nông dân xã – Cán bộ Cúc: chưa đăng ký tài khoản nhắn tin\n"
        "• Ủy ban MTTQ xã – Cán bộ Nam: không gửi được tin nhắn",
        "Đã nộp đúng hạn (1):\n• Hội Phụ nữ xã",
    ],
    "en": [
        "📊 Filing status: Figures report – year 2026 (due 20/12/2026)\nFiled: 1 of 6 units.",
        "Overdue, not filed (5):\n• Đoàn Thanh niên xã\n• Hội Cựu chiến binh xã\n"
        "• Hội Nông dân xã\n• Liên đoàn Lao động xã\n• Ủy ban MTTQ xã",
        "Could not be reached (4):\n• Đoàn Thanh niên xã – no officer\n"
        "• Hội Cựu chiến binh xã – Cán bộ Dũng: zalo_oa account not connected\n"
        "• Hội Nông dân xã – Cán bộ Cúc: no messaging account\n"
        "• Ủy ban MTTQ xã – Cán bộ Nam: messages not delivered",
        "Filed on time (1):\n• Hội Phụ nữ xã",
    ],
}


async def seed() -> None:
    template, issues = parse_yaml_template(FORM, "so_lieu.yaml")
    assert issues == [] and template is not None
    await store_template(template, now=datetime(2026, 7, 1, 8, 0, tzinfo=TZ))
    for code, name in UNITS.items():
        await Unit.create(code=code, name=name, type="doan_the")
    for number, (name, (code, platform)) in enumerate(OFFICERS.items()):
        person = await Person.create(name=name, unit=await Unit.get(code=code), role="officer")
        if platform is not None:
            chat = f"p{number}"
            await Identity.create(platform=platform, external_id=chat, chat_id=chat, person=person)
    await ReminderDelivery.create(
        person=await Person.get(name="Cán bộ Nam"),
        form_key="so_lieu",
        period_key="2026-H2",
        kind="late-1",
        status=UNDELIVERABLE,
        due_at=NOW - timedelta(hours=1),
        attempts=1,
        last_error="console: refused",
        created_at=NOW - timedelta(hours=1),
    )
    record = await FormTemplateRecord.get(key="so_lieu")
    sent = datetime(2026, 12, 12, 9, 0, tzinfo=TZ)
    await store_submission(
        record,
        "hpn",
        {"tong": 5},
        status="submitted",
        period_key="2026-H2",
        moment=sent,
        submitted_at=sent,
    )
    for locale in ("vi", "en"):
        await Person.create(
            name=f"Điều phối {locale}",
            unit=await Unit.get(code="hpn"),
            role="coordinator",
            locale=locale,
        )


@pytest.fixture
async def app(db: str, tmp_path: Path) -> AsyncIterator[Application]:
    await seed()
    application = Application(
        Settings(database_url=db, media_dir=tmp_path / "media"), clock=FakeClock(NOW)
    )
    await application.service.start()
    try:
        yield application
    finally:
        await application.service.close()


async def test_the_digest_names_who_could_not_be_reached(app: Application) -> None:
    reminders = app.reminders
    templates = await reminders.templates()
    period = period_by_key(templates["so_lieu"].period, "2026-H2", TZ)
    slot = Slot("so_lieu", period, DIGEST_AFTER, COORDINATORS, NOW, NOW + timedelta(days=1))
    dues = [
        Due(slot, Recipient((await Person.get(name=f"Điều phối {locale}")).id, None, locale))
        for locale in ("vi", "en")
    ]
    vi, en = await reminders.digest_messages(dues, templates, {"console"})
    assert vi.text.split("\n\n") == DIGEST["vi"]
    assert en.text.split("\n\n") == DIGEST["en"]
