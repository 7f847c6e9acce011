"""Communes in the CSV imports, invites and `reportbot org add|list`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from reportbot.coordination.people.invites import issue_invite, render_card
from reportbot.coordination.people.people_import import import_people, import_units
from reportbot.coordination.texts import Problem
from reportbot.store.models import DEFAULT_COMMUNE_CODE, Person, Unit
from reportbot.store.queries.organisations import add_organisation, person_scope
from reportbot.store.queries.people import redeem_invite
from reportbot.store.queries.reports import all_units
from tests.conftest import TZ
from tests.test_cli import run_cli

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


async def _province() -> None:
    await add_organisation("tinh", "Tỉnh Hòa Bình", "province")
    await add_organisation("xa-a", "Xã An Bình", parent="tinh")
    await add_organisation("xa-b", "Xã Bình Minh", parent="tinh")


async def test_units_and_people_name_their_commune_by_code_or_name(db: str, tmp_path: Path) -> None:
    await _province()
    units = write(
        tmp_path / "units.csv",
        "mã,tên,loại,xã\n"
        "a1,Hội Phụ nữ An Bình,doan_the,xa-a\n"
        "b1,Hội Nông dân Bình Minh,doan_the,Xã Bình Minh\n"
        "c1,Phòng Văn hóa,phong,\n",
    )
    result = await import_units(units, now=NOW)
    assert result.ok and result.created == 3, [p.render() for p in result.problems]
    people = write(
        tmp_path / "people.csv",
        "họ tên,số điện thoại,đơn vị,vai trò,xã\n"
        "Lan,0905000001,a1,cán bộ,\n"
        "Hà,0905000002,,chuyên viên,xa-b\n"
        "Minh,0905000003,,chuyên viên,tinh\n",
    )
    result = await import_people(people, now=NOW)
    assert result.ok and result.created == 3, [p.render() for p in result.problems]
    seen = {}
    for name in ("Hà", "Minh"):
        person = await Person.get(name=name)
        seen[name] = sorted(u.code for u in await all_units(await person_scope(person.id)))
    assert seen == {"Hà": ["b1"], "Minh": ["a1", "b1"]}
    c1 = await Unit.get(code="c1")
    assert c1.organisation_id is None  # type: ignore[attr-defined]  # the default commune
    # the same file again changes nothing; moving a unit to another commune is an update
    assert (await import_units(units, now=NOW)).unchanged == 3
    moved = write(
        tmp_path / "moved.csv", "code,name,type,commune\na1,Hội Phụ nữ An Bình,doan_the,xa-b\n"
    )
    assert (await import_units(moved, now=NOW)).updated == 1
    assert sorted(
        u.code for u in await all_units(await person_scope((await Person.get(name="Hà")).id))
    ) == ["a1", "b1"]


async def test_an_unknown_commune_is_a_row_problem_and_nothing_is_written(
    db: str, tmp_path: Path
) -> None:
    await _province()
    units = write(
        tmp_path / "units.csv",
        "code,name,type,commune\n"
        "a1,Hội A,doan_the,xa-a\n"
        "z1,Hội Z,doan_the,Xã Không Có\n"
        "z2,Hội Y,doan_the,tinh\n",  # a province is no unit's commune
    )
    result = await import_units(units, now=NOW)
    rendered = [p.render() for p in result.problems]
    advice = "(mã hoặc tên): hãy thêm bằng `reportbot org add` trước"
    assert rendered == [
        f"{units}:3: xã: không có xã 'Xã Không Có' {advice}",
        f"{units}:4: xã: không có xã 'tinh' {advice}",
    ]
    assert not await Unit.exists()


async def test_invites_name_the_commune_and_carry_it_to_the_coordinator(db: str) -> None:
    await _province()
    b = await add_organisation("xa-c", "Xã Cao Sơn", parent="tinh")
    await Unit.create(code="c1", name="Hội Phụ nữ Cao Sơn", type="doan_the", organisation_id=b.id)
    await Unit.create(code="d1", name="Đơn vị cũ", type="doan_the")
    officer = await issue_invite(unit_code="c1", role="officer", now=NOW, env={}, created_by=None)
    assert officer.unit_name == "Hội Phụ nữ Cao Sơn – Xã Cao Sơn"
    assert "Hội Phụ nữ Cao Sơn – Xã Cao Sơn" in render_card(officer, "vi", TZ)
    old = await issue_invite(unit_code="d1", role="officer", now=NOW, env={}, created_by=None)
    assert old.unit_name == "Đơn vị cũ"  # the default commune is not named, as before
    card = await issue_invite(
        unit_code=None, role="coordinator", now=NOW, env={}, created_by=None, commune="xa-c"
    )
    assert card.unit_name == "Xã Cao Sơn"
    outcome, person = await redeem_invite(
        card.code,
        platform="console",
        external_id="u-new",
        chat_id="u-new",
        display_name="Mới",
        locale="vi",
        now=NOW,
    )
    assert outcome == "registered" and person is not None
    assert [u.code for u in await all_units(await person_scope(person.id))] == ["c1"]
    # that coordinator's own invite for another coordinator stays in their commune
    second = await issue_invite(
        unit_code=None, role="coordinator", now=NOW, env={}, created_by=person.id
    )
    assert second.unit_name == "Xã Cao Sơn"
    with pytest.raises(Problem) as caught:
        await issue_invite(
            unit_code=None, role="coordinator", now=NOW, env={}, created_by=None, commune="khong"
        )
    assert caught.value.key == "commune_unknown"


def test_org_add_and_list_speak_vietnamese(tmp_path: Path) -> None:
    env = {"REPORTBOT_DATABASE_URL": f"sqlite://{tmp_path / 'bot.db'}"}
    steps = [
        (["org", "add", "tinh", "Tỉnh Hòa Bình", "--kind", "province"], 0),
        (["org", "add", "xa-a", "Xã An Bình", "--parent", "tinh"], 0),
        (["org", "add", "xa-a", "Trùng"], 1),
        (["org", "add", "xa-b", "Xã B", "--parent", "khong-co"], 1),
    ]
    outputs = []
    for args, code in steps:
        done = run_cli(args, env=env, cwd=tmp_path)
        assert done.returncode == code, done.stderr
        outputs.append((done.stdout + done.stderr).strip())
    assert outputs == [
        "Đã thêm Tỉnh Hòa Bình (mã tinh).",  # not "tỉnh Tỉnh Hòa Bình" (walk)
        "Đã thêm Xã An Bình (mã xa-a), thuộc tinh.",
        "reportbot: Mã “xa-a” đã có.",
        "reportbot: Không tìm thấy tỉnh “khong-co” (mã hoặc tên).",
    ]
    listing = run_cli(["org", "list"], env=env, cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.splitlines() == [
        "Mã · Tên · Cấp · Số đơn vị",
        "tinh · Tỉnh Hòa Bình · tỉnh · 0",
        "  xa-a · Xã An Bình · xã · 0",
        f"{DEFAULT_COMMUNE_CODE} · Xã (mặc định) · xã · 0",
    ]
