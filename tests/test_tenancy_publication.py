"""A form published for one commune (or the communes below a province): only their units owe
it, in the officer's menu, in the status and in the reminders; the forms folder loaded again
at a start keeps the scope an admin chose."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from reportbot.conversation.session import UnitInfo
from reportbot.coordination.reporting.status import period_status
from reportbot.forms.loader import parse_yaml_template
from reportbot.periods import period_by_key
from reportbot.reminders.store import outstanding_officers
from reportbot.store.forms import store_template
from reportbot.store.models import Person, Unit
from reportbot.store.queries.organisations import add_organisation
from reportbot.store.repository import Repository
from tests.conftest import TZ
from tests.test_cli import run_cli

FORM = """
key: chi_xa_a
version: "1"
title: {vi: Báo cáo riêng của xã, en: One commune's report}
unit_types: []
period: {kind: six_monthly, deadlines: ["20/06", "20/12"]}
questions:
  - {id: so_can_bo, type: integer, label: Tổng số cán bộ}
"""
PUBLISHED = datetime(2026, 1, 5, 8, 0, tzinfo=TZ)


async def _seed() -> dict[str, int]:
    await add_organisation("tinh", "Tỉnh Hòa Bình", "province")
    a = await add_organisation("xa-a", "Xã An Bình", parent="tinh")
    b = await add_organisation("xa-b", "Xã Bình Minh", parent="tinh")
    units = {}
    for code, commune in (("a1", a.id), ("a2", a.id), ("b1", b.id)):
        unit = await Unit.create(code=code, name=f"Đơn vị {code}", type="doan_the")
        unit.organisation_id = commune  # type: ignore[attr-defined]
        await unit.save()
        await Person.create(name=f"Cán bộ {code}", unit=unit, role="officer")
        units[code] = unit.id
    return {**units, "xa-a": a.id}


async def test_only_the_units_of_the_scope_owe_the_form(db: str) -> None:
    ids = await _seed()
    template, issues = parse_yaml_template(FORM, "chi_xa_a.yaml")
    assert template is not None and not issues
    await store_template(template, "chi_xa_a.yaml", now=PUBLISHED, scope_id=ids["xa-a"])
    # the forms folder at the next start: the same content, no scope given
    again = await store_template(template, "chi_xa_a.yaml", now=PUBLISHED)
    assert not again.created
    period = period_by_key(template.period, "2026-H2", TZ)
    status = await period_status("chi_xa_a", template, period, PUBLISHED)
    assert sorted(unit.code for unit in status.units) == ["a1", "a2"]
    repository = Repository()
    offered = {
        code: sorted(await repository.forms_for(UnitInfo(ids[code], code, code, "doan_the")))
        for code in ("a1", "b1")
    }
    assert offered == {"a1": ["chi_xa_a"], "b1": []}
    due = await outstanding_officers(template, "2026-H2")
    assert sorted(recipient.unit_id for recipient in due) == [ids["a1"], ids["a2"]]


async def test_a_form_without_a_scope_is_for_every_unit_as_before(db: str) -> None:
    ids = await _seed()
    template, _ = parse_yaml_template(FORM, "chi_xa_a.yaml")
    assert template is not None
    await store_template(template, "chi_xa_a.yaml", now=PUBLISHED)
    period = period_by_key(template.period, "2026-H2", TZ)
    status = await period_status("chi_xa_a", template, period, PUBLISHED)
    assert sorted(unit.code for unit in status.units) == ["a1", "a2", "b1"]
    due = await outstanding_officers(template, "2026-H2")
    assert sorted(recipient.unit_id for recipient in due) == sorted(
        ids[code] for code in ("a1", "a2", "b1")
    )


def test_forms_import_publishes_for_the_commune_given(tmp_path: Path) -> None:
    env = {"REPORTBOT_DATABASE_URL": f"sqlite://{tmp_path / 'bot.db'}"}
    form = tmp_path / "chi_xa_a.yaml"
    form.write_text(FORM, encoding="utf-8")
    added = run_cli(["org", "add", "xa-a", "Xã An Bình"], env=env, cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    unknown = run_cli(
        ["forms", "import", str(form), "--scope", "khong", "--yes"], env=env, cwd=tmp_path
    )
    assert unknown.returncode == 1
    assert "Không tìm thấy xã “khong”" in unknown.stderr
    done = run_cli(
        ["forms", "import", str(form), "--scope", "Xã An Bình", "--yes"], env=env, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "bot.db") as connection:
        rows = connection.execute(
            "SELECT o.code FROM form_templates f JOIN organisations o ON o.id = f.scope_id"
        ).fetchall()
    assert rows == [("xa-a",)]
