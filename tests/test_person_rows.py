"""The person behind an identity, read with plain SQL on every first message: the same view
the ORM gave (units in order, extra units scoped, inactive units and people left out)."""

from __future__ import annotations

from datetime import UTC, datetime

from reportbot.store.models import ConversationState, Identity, Person, PersonUnit, Unit
from reportbot.store.person_rows import person_and_state
from reportbot.store.repository import extra_units, person_info


async def test_a_person_of_several_units_reads_as_the_orm_read_them(db: str) -> None:
    first = await Unit.create(code="hoiphunu", name="Hội Phụ nữ", type="doan_the")
    second = await Unit.create(code="doanthanhnien", name="Đoàn Thanh niên", type="doan_the")
    closed = await Unit.create(code="cu", name="Đơn vị cũ", type="phong", active=False)
    person = await Person.create(name="Lan", unit=first, role="officer", locale="en")
    for unit in (closed, second):
        await PersonUnit.create(person=person, unit=unit)
    await Identity.create(platform="zalo_bot", external_id="z1", chat_id="z1", person=person)

    found, _ = await person_and_state("zalo_bot", "z1")
    assert found is not None
    assert (found.id, found.name, found.role, found.locale) == (person.id, "Lan", "officer", "en")
    assert [(u.code, u.scoped) for u in found.units] == [
        ("hoiphunu", True),
        ("doanthanhnien", True),
    ]  # the closed unit is left out; with two units each is scoped
    assert found.unit is not None and found.unit.code == "hoiphunu"
    await person.fetch_related("unit")
    assert found == person_info(person, await extra_units(person.id))  # as the ORM built it


async def test_unknown_or_inactive_people_are_not_found(db: str) -> None:
    unit = await Unit.create(code="vhxh", name="Phòng Văn hóa", type="phong")
    person = await Person.create(name="Minh", unit=unit, role="coordinator", active=False)
    await Identity.create(platform="telegram", external_id="7", chat_id="7", person=person)
    assert await person_and_state("telegram", "7") == (None, None)  # deactivated
    assert await person_and_state("telegram", "8") == (None, None)  # never registered
    nobody = await Person.create(name="Quản trị", role="admin")  # an admin of no unit
    await Identity.create(platform="telegram", external_id="9", chat_id="9", person=nobody)
    found, _ = await person_and_state("telegram", "9")
    assert found is not None and found.unit is None and found.units == ()


async def test_the_state_comes_with_the_person_unless_left_out(db: str) -> None:
    unit = await Unit.create(code="vhxh", name="Phòng Văn hóa", type="phong")
    person = await Person.create(name="Minh", unit=unit, role="officer")
    await Identity.create(platform="telegram", external_id="5", chat_id="5", person=person)
    assert await person_and_state("telegram", "5") == (person_info(person), None)  # never talked
    data = '{"mode": "idle", "unit": 1}'
    await ConversationState.create(person=person, data=data, updated_at=datetime.now(UTC))
    found, state = await person_and_state("telegram", "5")
    assert found == person_info(person) and state == data
    # several workers read the state on every step: their statement leaves it out
    assert await person_and_state("telegram", "5", with_state=False) == (found, None)
