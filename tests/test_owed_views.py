"""One rule for which periods a unit owes, the same in every view.

The Resolution 57 form (2026-H1 due 20/06/2026, end of day) seen on 25/06/2026, when 2026-H2
is current and 2026-H1 is behind, with the form first published at three moments. A period is
owed only if the form existed before its deadline, so the officer's menu, the reminders
(overdue reminders and the coordinators' digest), /tinhhinh and the report files' "not filed"
list must all name the same overdue units: the table below, written by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reportbot.app import Application
from reportbot.config import Settings
from reportbot.coordination.reporting.consolidate import consolidate
from reportbot.forms.loader import load_yaml_template
from reportbot.periods import period_by_key
from reportbot.service import ConversationService
from reportbot.store.forms import (
    first_publications,
    first_published,
    latest_templates,
    store_template,
)
from reportbot.store.models import Identity, Person, ReminderDelivery, Unit
from tests.conftest import FORMS_DIR, NQ57, FakeClock
from tests.support import Chat, load_shipped_forms, seed_commune
from tests.test_reminders_support import (
    FORM,
    TZ,
    RecordingConnector,
    file_report,
    sections,
    worker_for,
)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


NOW = local(2026, 6, 25, 9, 0)  # a Thursday: the second overdue reminder of 2026-H1 is live
H1 = "6 tháng đầu năm 2026"
H2 = "năm 2026"  # the second half-year's report is the year's report
H1_BUTTON = "6 tháng đầu 2026"  # the menu's short button label
HOI = "Hội Liên hiệp Phụ nữ xã"
TRUONG = "Trường Tiểu học Đăk Pxi"
TO_CNS = "Tổ công nghệ số cộng đồng thôn 1"


@dataclass(frozen=True)
class Case:
    """One publication moment and what every view must show on 25/06/2026."""

    name: str
    published: datetime
    filed_h1: tuple[str, ...]  # unit codes that filed 2026-H1 on 10/06/2026
    menu: tuple[str, ...]  # the periods the Women's Union officer is offered, in menu order
    overdue: tuple[str, ...]  # units owing 2026-H1, in name order (diacritics aside)


CASES = [
    Case(
        "published a year ago",
        local(2025, 6, 25, 9, 0),
        ("vhxh",),
        (f"{H1_BUTTON} · quá hạn", f"{H2} · chưa làm"),  # the overdue one first
        (HOI, TO_CNS, TRUONG),
    ),
    Case(
        "published on the deadline day",  # the deadline is the end of that day: owed
        local(2026, 6, 20, 22, 0),
        (),
        (f"{H1_BUTTON} · quá hạn", f"{H2} · chưa làm"),  # the overdue one first
        (HOI, "Phòng Văn hóa - Xã hội", TO_CNS, TRUONG),
    ),
    Case(
        "published today",  # nobody owes a period that ended before the form existed
        local(2026, 6, 25, 8, 0),
        (),
        (H2,),  # the only report: opened at once
        (),
    ),
]
CODE_OF = {
    HOI: "hoiphunu",
    TRUONG: "th_dakpxi",
    TO_CNS: "cns_thon1",
    "Phòng Văn hóa - Xã hội": "vhxh",
}


async def seed(case: Case) -> None:
    """The commune, a coordinator, the form published at the case's moment, its H1 reports."""
    await seed_commune()
    await load_shipped_forms(published=case.published)
    office = await Unit.get(code="vhxh")
    chief = await Person.create(name="Trần Văn Minh", unit=office, role="coordinator")
    await Identity.create(
        platform="console", external_id="u-coord", chat_id="u-coord", person=chief
    )
    for code in case.filed_h1:
        await file_report(await Unit.get(code=code), local(2026, 6, 10, 9, 0))


async def menu_view(service: ConversationService) -> tuple[str, ...]:
    """The periods /baocao offers the Women's Union officer (a single one opens at once)."""
    text = await Chat(service, "u-hoiphunu").say("/baocao")
    if text.startswith("Chọn báo cáo"):  # the menu: "1. <period> · <status>"
        options = [line for line in text.splitlines() if re.match(r"\d+\. ", line)]
        return tuple(line.split(". ", 1)[1] for line in options)
    period = text.splitlines()[1]  # opened at once: "Kỳ: <period>. Hạn nộp: ..."
    return (period.removeprefix("Kỳ: ").split(". Hạn nộp", 1)[0],)


async def reminder_view(clock: FakeClock) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Who got a reminder of 2026-H1, and the units the coordinators' digest lists."""
    console = RecordingConnector("console", clock)
    await worker_for([console], clock).run_once()
    officers = sorted(
        d.user_id.removeprefix("u-")
        for d in console.delivered
        if d.user_id != "u-coord" and "2026" in d.text
    )
    digests = [sections(d.text) for d in console.delivered if d.user_id == "u-coord"]
    overdue = [name for found in digests for name in found.get("Quá hạn, chưa nộp", [])]
    return tuple(officers), tuple(overdue)


async def report_view() -> tuple[str, ...]:
    """The units the report files list as not filed for 2026-H1 (the .docx section III)."""
    _rid, template = (await latest_templates())[FORM]
    period = period_by_key(template.period, "2026-H1", TZ)
    data = await consolidate(FORM, template, period, now=NOW, tz=TZ)
    return tuple(unit.name for unit in data.late if unit.bucket != "late")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_every_view_owes_the_same_periods(db: str, tmp_path: Path, case: Case) -> None:
    await seed(case)
    clock = FakeClock(NOW)
    assert await first_published(FORM) == case.published  # the clock given, not the machine's
    app = Application(Settings(database_url=db, media_dir=tmp_path / "media"), clock=clock)
    await app.service.start()
    try:
        menu = await menu_view(app.service)
        status = await Chat(app.service, "u-coord").say("/tinhhinh")
    finally:
        await app.service.close()

    assert menu == case.menu

    officers, digest = await reminder_view(clock)
    assert officers == tuple(sorted(CODE_OF[name] for name in case.overdue))
    assert digest == case.overdue  # the digest of 2026-H1 names the same units
    rows = await ReminderDelivery.filter(period_key="2026-H1").values_list("kind", "status")
    if case.overdue:  # live now: the second overdue reminder and the digest after the deadline
        assert {kind for kind, state in rows if state == "sent"} == {"late-2", "digest-after"}
    else:
        assert rows == []  # not even a skipped row: the period has no reminders at all

    previous = [line for line in status.splitlines() if line.startswith("Kỳ trước")]
    if case.overdue:
        names = ", ".join(case.overdue)
        assert previous == [f"Kỳ trước ({H1}): còn {len(case.overdue)} đơn vị chưa nộp: {names}."]
    else:
        assert previous == [] and "quá hạn" not in status

    assert await report_view() == case.overdue


async def test_first_publication_is_the_clocks_and_an_earlier_report_wins(db: str) -> None:
    template = load_yaml_template(NQ57)[0]
    assert template is not None
    first = local(2026, 3, 1, 8, 0)
    await store_template(template, "nq57.yaml", now=first)
    assert await first_publications() == {FORM: first}
    # A new version later does not move the first publication.
    changed = replace(template, version="v-next")
    later = await store_template(changed, "chat", now=local(2026, 9, 1), publish_again=True)
    assert later.created and later.version == 2
    assert await first_published(FORM) == first
    # A report older than the stored versions (a database restored, a form imported again)
    # proves the form was in use: its start counts.
    await seed_commune()
    await file_report(await Unit.get(code="vhxh"), local(2026, 1, 15, 9, 0), period="2025-H2")
    assert await first_publications([FORM]) == {FORM: local(2026, 1, 15, 9, 0)}
    assert await first_publications(["no_such_form"]) == {}


@pytest.mark.parametrize(
    "at",
    [local(2026, 3, 1, 8, 0), local(2099, 1, 1, 8, 0)],
    ids=["clock behind the real date", "demo clock ahead (chat --at)"],
)
async def test_forms_loaded_at_start_are_published_on_the_bots_clock_never_later_than_now(
    database_url: str, tmp_path: Path, at: datetime
) -> None:
    settings = Settings(database_url=database_url, forms_dir=FORMS_DIR, media_dir=tmp_path)
    app = Application(settings, clock=FakeClock(at))
    await app.open()
    try:
        published = await first_published(FORM)
        real_now = datetime.now(UTC)
    finally:
        await app.close()
    assert published is not None
    if at.year < 2099:
        assert published == at  # the bot's clock, not the machine's
    else:
        assert real_now - timedelta(minutes=5) <= published <= real_now  # no future time
