"""A small province for the coordinator tests: Tỉnh Hòa Bình with two communes, a unit or two
in each, an officer per unit and a coordinator and an admin per commune, province and the
whole deployment, each chatting on the console by an id named after them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from reportbot.app import Application
from reportbot.config import Settings
from reportbot.forms.loader import parse_yaml_template
from reportbot.store.forms import store_template
from reportbot.store.models import Identity, Person, Unit
from reportbot.store.queries.organisations import OrganisationRecord, add_organisation
from tests.conftest import TZ, FakeClock

PROVINCE = ("hoa-binh", "Tỉnh Hòa Bình")
COMMUNES = {"xa-a": "Xã An Bình", "xa-b": "Xã Bình Minh"}
UNITS = {  # code: (commune, name, type)
    "a1": ("xa-a", "Hội Phụ nữ An Bình", "doan_the"),
    "nongdan": ("xa-a", "Hội Nông dân An Bình", "doan_the"),
    "b1": ("xa-b", "Hội Phụ nữ Bình Minh", "doan_the"),
}
PLACES = ("xa-a", "xa-b", "hoa-binh", None)  # None: the whole deployment


def local(*args: int) -> datetime:
    """A moment on the Vietnamese wall clock."""
    return datetime(*args, tzinfo=TZ)


def form_yaml(key: str, title: str, unit_types: str = "[]") -> str:
    """A two-question six-monthly form."""
    return f"""
key: {key}
version: "1"
title: {{vi: "{title}", en: "{title}"}}
unit_types: {unit_types}
period: {{kind: six_monthly, deadlines: ["20/06", "20/12"]}}
questions:
  - {{id: co_ke_hoach, type: yes_no, required: true, label: "Đã ban hành kế hoạch chưa?"}}
  - {{id: so_can_bo, type: integer, required: true, min: 0, label: Tổng số cán bộ}}
"""


async def publish(
    key: str, title: str, scope: OrganisationRecord | None = None, unit_types: str = "[]"
) -> None:
    """Store a form, for one organisation's units when `scope` is given."""
    template, issues = parse_yaml_template(form_yaml(key, title, unit_types), f"{key}.yaml")
    assert issues == [] and template is not None
    await store_template(
        template, now=local(2026, 7, 1, 8, 0), scope_id=scope.id if scope else None
    )


async def seed_province() -> dict[str | None, OrganisationRecord]:
    """The organisations, units, officers (`u-CODE`), coordinators (`c-PLACE`) and admins
    (`a-PLACE`); returns the organisations by code."""
    found: dict[str | None, OrganisationRecord] = {}
    found[PROVINCE[0]] = await add_organisation(*PROVINCE, "province")
    for code, name in COMMUNES.items():
        found[code] = await add_organisation(code, name, parent=PROVINCE[0])
    for code, (commune, name, kind) in UNITS.items():
        unit = await Unit.create(code=code, name=name, type=kind, organisation_id=found[commune].id)
        officer = await Person.create(name=f"Cán bộ {code}", unit=unit, role="officer")
        await _identity(f"u-{code}", officer)
    for place in PLACES:
        for role, prefix in (("coordinator", "c"), ("admin", "a")):
            person = await Person.create(
                name=f"{role} {place}",
                role=role,
                organisation_id=found[place].id if place else None,
            )
            await _identity(f"{prefix}-{place}", person)
    return found


async def _identity(external_id: str, person: Person) -> None:
    await Identity.create(
        platform="console", external_id=external_id, chat_id=external_id, person=person
    )


@asynccontextmanager
async def running(db: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[Application]:
    """The whole bot on `db`, started and closed."""
    application = Application(
        Settings(database_url=db, media_dir=tmp_path / "media", mirror_xlsx=tmp_path / "m.xlsx"),
        clock=clock,
    )
    await application.service.start()
    try:
        yield application
    finally:
        await application.service.close()
