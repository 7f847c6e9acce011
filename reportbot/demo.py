"""The demo commune seeded on a fresh database, so `make run` has someone to talk to."""

from __future__ import annotations

from reportbot.conversation.parsing import fold
from reportbot.store.queries import people
from reportbot.store.queries.coordination import PersonRecord

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
CONSOLE_USER = "person-{id}"


async def seed_demo(locale: str = "vi") -> bool:
    """Create the demo commune if the database has no unit yet, its people speaking `locale`
    (REPORTBOT_LOCALE); return whether it did."""
    return await people.seed_units_and_people(
        DEMO_UNITS,
        (DEMO_OFFICER, DEMO_COORDINATOR),
        platform=CONSOLE,
        user_id=CONSOLE_USER,
        locale=locale,
    )


def console_user_id(person_id: int) -> str:
    """The console identity of a person."""
    return CONSOLE_USER.format(id=person_id)


async def find_person(selector: str | None) -> PersonRecord | None:
    """A person by id, phone or part of the name; the demo officer when no selector is given.

    Typed as people type on a terminal: without diacritics ("nguyen thi lan") or with part of
    the phone number ("0905"); the first such person by id."""
    found = await people.find_person(selector, default_phone=DEMO_OFFICER[3])
    if found is not None or not selector or not selector.strip():
        return found
    wanted = fold(selector)
    digits = "".join(ch for ch in selector if ch.isdigit())
    for person_id, name, phone in await people.name_and_phone_rows():
        by_phone = len(digits) >= 3 and digits == selector.strip() and digits in phone
        if by_phone or wanted in fold(name):
            return await people.find_person(str(person_id), default_phone=DEMO_OFFICER[3])
    return None


async def console_identity(person: PersonRecord) -> str:
    """Make sure a person can talk through the console; return the console user id."""
    user_id = console_user_id(person.id)
    await people.ensure_identity(person.id, CONSOLE, user_id, person.name)
    return user_id
