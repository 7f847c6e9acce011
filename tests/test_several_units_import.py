"""One phone on two lines of a people CSV: one person in two units (kiêm nhiệm, issue 13)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from reportbot.coordination.people.people_import import import_people, import_units
from reportbot.store.models import Person, PersonUnit
from reportbot.store.repository import extra_units, person_info

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
UNITS = "code,name,type\nhoiphunu,Hội Liên hiệp Phụ nữ xã,doan_the\nvhxh,Phòng Văn hóa,phong\n"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_the_same_phone_in_two_units_is_one_person_with_both(db: str, tmp_path: Path) -> None:
    await import_units(_write(tmp_path, "don_vi.csv", UNITS), now=NOW)
    people = (
        "name,phone,unit,role\n"
        "Nguyễn Thị Lan,0905000001,hoiphunu,officer\n"
        "Nguyễn Thị Lan,0905 000 001,vhxh,officer\n"
        "Trần Văn Minh,0905000002,vhxh,officer\n"
    )
    path = _write(tmp_path, "can_bo.csv", people)
    result = await import_people(path, now=NOW)
    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 2, 1, 0)
    assert await Person.all().count() == 2
    lan = await Person.get(phone="0905000001").select_related("unit")
    info = person_info(lan, await extra_units(lan.id))
    assert [u.code for u in info.units] == ["hoiphunu", "vhxh"]
    assert info.unit is not None and info.unit.code == "hoiphunu"
    minh = await Person.get(phone="0905000002").select_related("unit")
    assert [u.code for u in person_info(minh, await extra_units(minh.id)).units] == ["vhxh"]

    again = await import_people(path, now=NOW)  # the same file again changes nothing
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert await PersonUnit.all().count() == 1


async def test_the_same_phone_twice_in_one_unit_is_still_a_duplicate(
    db: str, tmp_path: Path
) -> None:
    await import_units(_write(tmp_path, "don_vi.csv", UNITS), now=NOW)
    people = (
        "name,phone,unit,role\n"
        "Nguyễn Thị Lan,0905000001,hoiphunu,officer\n"
        "Nguyễn Thị Lan,0905000001,HOIPHUNU,officer\n"
    )
    path = _write(tmp_path, "can_bo.csv", people)
    result = await import_people(path, now=NOW)
    assert [p.render("en") for p in result.problems] == [
        f"{path}:3: phone: '0905000001' is already on line 2"
    ]
    assert not await Person.exists()
