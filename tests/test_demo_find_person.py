"""`reportbot chat --as` finds a person the way one types on a terminal."""

from __future__ import annotations

from reportbot.demo import DEMO_COORDINATOR, DEMO_OFFICER, find_person, seed_demo


async def test_a_person_is_found_without_diacritics_or_by_part_of_the_phone(db: str) -> None:
    assert await seed_demo()
    officer, coordinator = DEMO_OFFICER[0], DEMO_COORDINATOR[0]  # Nguyễn Thị Lan, Trần Văn Minh
    assert (await find_person("Thị Lan")).name == officer  # as before: part of the name
    assert (await find_person("nguyen thi lan")).name == officer
    assert (await find_person("TRAN VAN")).name == coordinator
    assert (await find_person("0905000002")).name == coordinator  # the whole phone
    # Part of it ("5000002": all digits, but no person has that id, so it is not read as one).
    assert (await find_person("5000002")).name == coordinator
    assert await find_person("0912") is None
    assert await find_person("Lê Văn Tám") is None
    assert await find_person("12") is None  # too short to be part of a phone, no such id
