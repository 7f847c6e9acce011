"""Migration 0006 on a database that already holds people: nothing is copied, the old
column keeps every person's unit, and a second unit can be added afterwards."""

from __future__ import annotations

from pathlib import Path

from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.migrations.api import migrate

from reportbot.store.database import tortoise_config
from reportbot.store.models import Person, PersonUnit, Unit
from reportbot.store.repository import extra_units, person_info


async def test_an_existing_database_upgrades_and_keeps_each_persons_unit(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'old.db'}"
    config = tortoise_config(url)
    EXECUTOR_CACHE.clear()
    await migrate(config=config, target="models.0004_inbox")  # the schema before this change
    try:
        db = connections.get("default")
        await db.execute_script(
            "INSERT INTO units (id, code, name, type, active, created_at) VALUES "
            "(1, 'hoi', 'Hội Phụ nữ', 'doan_the', 1, '2026-01-01 00:00:00+00:00'), "
            "(2, 'doan', 'Đoàn Thanh niên', 'doan_the', 1, '2026-01-01 00:00:00+00:00');"
            "INSERT INTO people (id, name, role, unit_id, locale, active, created_at) VALUES "
            "(1, 'Lan', 'officer', 1, 'vi', 1, '2026-01-01 00:00:00+00:00');"
        )
        tables = await db.execute_query_dict(
            "SELECT name FROM sqlite_master WHERE name = 'person_units'"
        )
        assert tables == []
    finally:
        await Tortoise.close_connections()

    await migrate(config=config)
    await Tortoise.close_connections()
    await Tortoise.init(config=config)
    try:
        lan = await Person.get(id=1).select_related("unit")
        info = person_info(lan, await extra_units(lan.id))
        assert [u.code for u in info.units] == ["hoi"] and not info.several_units
        assert not await PersonUnit.exists()
        await PersonUnit.create(person=lan, unit=await Unit.get(code="doan"))
        info = person_info(lan, await extra_units(lan.id))
        assert [u.code for u in info.units] == ["hoi", "doan"] and info.several_units
    finally:
        await Tortoise.close_connections()
