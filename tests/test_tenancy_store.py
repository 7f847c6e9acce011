"""Organisations in the store: the default commune, scopes of communes and provinces, and
migration 0007 on a database that already holds units and coordinators."""

from __future__ import annotations

from pathlib import Path

import pytest
from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.migrations.api import migrate

from reportbot.store.database import tortoise_config
from reportbot.store.models import DEFAULT_COMMUNE_CODE, Person, Unit
from reportbot.store.queries.coordination import active_units_by_name
from reportbot.store.queries.organisations import (
    OrganisationProblem,
    add_organisation,
    communes_in,
    list_organisations,
    organisation_by_ref,
    person_scope,
    set_person_organisation,
)
from reportbot.store.queries.reports import all_units


async def _province() -> dict[str, int]:
    """A province with communes A and B, a unit in each plus one left in the default commune."""
    province = await add_organisation("kontum", "Tỉnh Kon Tum", "province")
    a = await add_organisation("xa-a", "Xã Đăk Pxi", parent="kontum")
    b = await add_organisation("xa-b", "Xã Ngọc Réo", parent="Tỉnh Kon Tum")
    await Unit.create(code="a1", name="Hội Phụ nữ Đăk Pxi", type="doan_the", organisation_id=a.id)
    await Unit.create(code="b1", name="Đoàn Ngọc Réo", type="doan_the", organisation_id=b.id)
    await Unit.create(code="old", name="Đơn vị cũ", type="phong")  # no organisation: default
    return {"province": province.id, "a": a.id, "b": b.id}


async def _coordinator(name: str, organisation_id: int | None) -> int:
    person = await Person.create(name=name, role="coordinator")
    await set_person_organisation(person.id, organisation_id)
    return person.id


async def test_each_coordinator_sees_only_the_units_of_their_organisation(db: str) -> None:
    ids = await _province()
    seen = {}
    for who, organisation_id in [
        ("a", ids["a"]),
        ("b", ids["b"]),
        ("province", ids["province"]),
        ("everything", None),
    ]:
        scope = await person_scope(await _coordinator(who, organisation_id))
        seen[who] = sorted(unit.code for unit in await all_units(scope))
        assert sorted(u.code for u in await active_units_by_name(scope)) == seen[who]
    assert seen == {
        "a": ["a1"],
        "b": ["b1"],
        "province": ["a1", "b1"],
        "everything": ["a1", "b1", "old"],
    }
    province = await person_scope(await _coordinator("p2", ids["province"]))
    assert [c.code for c in await communes_in(province)] == ["xa-a", "xa-b"]


async def test_the_default_commune_owns_units_without_an_organisation(db: str) -> None:
    await _province()
    default = await organisation_by_ref(DEFAULT_COMMUNE_CODE)
    assert default is not None and default.is_default
    scope = await person_scope(await _coordinator("d", default.id))
    assert [unit.code for unit in await all_units(scope)] == ["old"]
    listed = {o.code: (o.kind, o.units) for o in await list_organisations()}
    assert listed == {
        "kontum": ("province", 0),
        "xa-a": ("commune", 1),
        "xa-b": ("commune", 1),
        DEFAULT_COMMUNE_CODE: ("commune", 1),
    }


async def test_adding_organisations_refuses_what_cannot_be(db: str) -> None:
    await _province()
    for args, reason in [
        (("xa-a", "Trùng"), "org_code_taken"),
        (("xa-c", "Xã C", "commune", "khong-co"), "org_parent_unknown"),
        (("xa-c", "Xã C", "commune", "xa-a"), "org_parent_not_province"),
        (("xa-c", "Xã C", "huyen"), "org_bad_kind"),
    ]:
        with pytest.raises(OrganisationProblem) as caught:
            await add_organisation(*args)
        assert caught.value.reason == reason


async def test_an_existing_database_upgrades_into_the_default_commune(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'old.db'}"
    config = tortoise_config(url)
    EXECUTOR_CACHE.clear()
    await migrate(config=config, target="models.0006_person_units")
    try:
        await connections.get("default").execute_script(
            "INSERT INTO units (id, code, name, type, active, created_at) VALUES "
            "(1, 'hoi', 'Hội Phụ nữ', 'doan_the', 1, '2026-01-01 00:00:00+00:00'), "
            "(2, 'doan', 'Đoàn Thanh niên', 'doan_the', 1, '2026-01-01 00:00:00+00:00');"
            "INSERT INTO people (id, name, role, unit_id, locale, active, created_at) VALUES "
            "(1, 'Hà', 'coordinator', NULL, 'vi', 1, '2026-01-01 00:00:00+00:00');"
        )
    finally:
        await Tortoise.close_connections()
    await migrate(config=config)
    await Tortoise.close_connections()
    await Tortoise.init(config=config)
    try:
        default = await organisation_by_ref(DEFAULT_COMMUNE_CODE)
        assert default is not None
        organisations = await Unit.all().order_by("id").values_list("organisation_id", flat=True)
        assert organisations == [default.id, default.id]
        scope = await person_scope(1)  # the coordinator kept no organisation: sees everything
        assert scope.everything and len(await all_units(scope)) == 2
    finally:
        await Tortoise.close_connections()
