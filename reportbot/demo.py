"""The demo commune seeded on a fresh database, so `make run` has someone to talk to."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from reportbot.store.models import Identity, Person, Unit

DEMO_UNITS = (
    ("vhxh", "Phòng Văn hóa - Xã hội", "phong"),
    ("kinhte", "Phòng Kinh tế", "phong"),
    ("hoiphunu", "Hội Liên hiệp Phụ nữ xã", "doan_the"),
    ("doanthanhnien", "Đoàn Thanh niên xã", "doan_the"),
    ("th_dakpxi", "Trường Tiểu học Đăk Pxi", "truong_hoc"),
    ("cns_thon1", "Tổ công nghệ số cộng đồng thôn 1", "to_cns"),
    ("tramyte", "Trạm Y tế xã", "co_quan"),
)
DEMO_OFFICER = ("Nguyễn Thị Lan", "hoiphunu", "officer", "0905000001")
DEMO_COORDINATOR = ("Trần Văn Minh", "vhxh", "coordinator", "0905000002")
CONSOLE = "console"


async def seed_demo() -> bool:
    """Create the demo commune if the database has no unit yet; return whether it did."""
    if await Unit.exists():
        return False
    async with in_transaction():
        units = {}
        for code, name, unit_type in DEMO_UNITS:
            units[code] = await Unit.create(code=code, name=name, type=unit_type)
        for name, unit_code, role, phone in (DEMO_OFFICER, DEMO_COORDINATOR):
            person = await Person.create(name=name, unit=units[unit_code], role=role, phone=phone)
            await Identity.create(
                platform=CONSOLE,
                external_id=console_user_id(person.id),
                chat_id=console_user_id(person.id),
                display_name=name,
                person=person,
            )
    return True


def console_user_id(person_id: int) -> str:
    """The console identity of a person."""
    return f"person-{person_id}"


async def find_person(selector: str | None) -> Person | None:
    """A person by id, phone or part of the name; the demo officer when no selector is given."""
    if not selector:
        return (
            await Person.filter(phone=DEMO_OFFICER[3]).first()
            or await Person.filter(role="officer").order_by("id").first()
        )
    if selector.isdigit():
        person = await Person.get_or_none(id=int(selector))
        if person is not None:
            return person
    person = await Person.filter(phone=selector).first()
    if person is not None:
        return person
    return await Person.filter(name__icontains=selector).order_by("id").first()


async def console_identity(person: Person) -> str:
    """Make sure a person can talk through the console; return the console user id."""
    user_id = console_user_id(person.id)
    await Identity.get_or_create(
        platform=CONSOLE,
        external_id=user_id,
        defaults={"chat_id": user_id, "display_name": person.name, "person": person},
    )
    return user_id
