"""`reportbot units list` and `reportbot people list`: who is in the deployment.

    reportbot units list [--commune CODE]
    reportbot people list [--unit CODE] [--commune CODE] [--not-joined]

After a CSV import an admin sees each unit with how many of its people have joined a chat
("2/3"), and each person with their units, role, platforms and open invite: who still has to
be chased before a deadline. Read-only; one language at a time.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from reportbot.cli.parser import subcommands
from reportbot.config import Settings
from reportbot.store.database import with_database
from reportbot.store.queries.coordination import unit_by_code
from reportbot.store.queries.organisations import Scope, scope_by_ref
from reportbot.store.queries.roster import PersonLine, UnitLine, people_roster, units_roster
from reportbot.vocabulary.catalogue import register as register_catalogue
from reportbot.vocabulary.format import date_text
from reportbot.vocabulary.kinds import role_name, unit_type_name

EXIT_FAILURE = 1

MESSAGES: dict[str, dict[str, str]] = {
    "units_head": {
        "vi": "Mã · Tên · Loại · Xã · Đã kết nối/Số người",
        "en": "Code · Name · Type · Commune · Joined/People",
    },
    "unit_row": {
        "vi": "{code} · {name} · {type} · {commune} · {joined}/{people}{inactive}",
        "en": "{code} · {name} · {type} · {commune} · {joined}/{people}{inactive}",
    },
    "inactive": {"vi": " · ngừng hoạt động", "en": " · inactive"},
    "units_total": {
        "vi": "{units} đơn vị; {joined}/{people} người đã kết nối với bot.",
        "en": "Units: {units}; people who joined the bot: {joined}/{people}.",
    },
    "people_head": {
        "vi": "Tên · Điện thoại · Vai trò · Đơn vị · Kết nối",
        "en": "Name · Phone · Role · Units · Joined on",
    },
    "person_row": {
        "vi": "{name} · {phone} · {role} · {units} · {joined}",
        "en": "{name} · {phone} · {role} · {units} · {joined}",
    },
    "not_joined": {"vi": "chưa kết nối", "en": "not joined"},
    "sees": {"vi": "{role} (xem: {where})", "en": "{role} (sees: {where})"},
    "sees_everything": {"vi": "tất cả", "en": "everything"},
    "invite_open": {
        "vi": "chưa kết nối, mã mời còn hạn đến {day}",
        "en": "not joined, invite until {day}",
    },
    "people_total": {
        "vi": "{count} người.",
        "en": "People: {count}.",
    },
    "no_commune": {
        "vi": "Không tìm thấy xã hoặc tỉnh “{ref}” (mã hoặc tên); xem: reportbot org list",
        "en": "No commune or province “{ref}” (code or name); see: reportbot org list",
    },
    "no_unit": {
        "vi": "Không tìm thấy đơn vị “{ref}”; xem mã đơn vị: reportbot units list",
        "en": "No unit “{ref}”; see the unit codes: reportbot units list",
    },
    "none": {"vi": "—", "en": "—"},
}
ROSTER = register_catalogue("roster", MESSAGES)


def register(commands: Any) -> None:
    """Add `units list` and `people list` to the subcommand sets the coordination made."""
    units = subcommands(commands, "units").add_parser("list", help="every unit and who joined")
    units.add_argument("--commune", metavar="CODE", help="one commune or a province")
    units.set_defaults(func=_units_list)
    people = subcommands(commands, "people").add_parser(
        "list", help="every person, their units and chats"
    )
    people.add_argument("--unit", metavar="CODE", help="the people of one unit")
    people.add_argument("--commune", metavar="CODE", help="one commune or a province")
    people.add_argument(
        "--not-joined", action="store_true", help="only those who have not joined a chat yet"
    )
    people.set_defaults(func=_people_list)


async def _listing(
    args: argparse.Namespace, settings: Settings, show: Callable[[Scope, str], Awaitable[int]]
) -> int:
    """Open the database, resolve --commune (one line and exit 1 when unknown), then show."""
    locale = settings.locale

    async def work() -> int:
        scope = await scope_by_ref(args.commune)
        if scope is None:
            print(
                "reportbot: " + ROSTER.say("no_commune", locale, ref=args.commune), file=sys.stderr
            )
            return EXIT_FAILURE
        return await show(scope, locale)

    return await with_database(settings.database_url, work)


async def _units_list(args: argparse.Namespace, settings: Settings) -> int:
    async def show(scope: Scope, locale: str) -> int:
        lines = await units_roster(scope)
        print(ROSTER.say("units_head", locale))
        for line in lines:
            print(_unit_row(line, locale))
        people, joined = sum(u.people for u in lines), sum(u.joined for u in lines)
        print(ROSTER.say("units_total", locale, units=len(lines), joined=joined, people=people))
        return 0

    return await _listing(args, settings, show)


def _unit_row(line: UnitLine, locale: str) -> str:
    inactive = "" if line.active else ROSTER.say("inactive", locale)
    return ROSTER.say(
        "unit_row",
        locale,
        code=line.code,
        name=line.name,
        type=unit_type_name(line.type, locale),
        commune=line.commune,
        joined=line.joined,
        people=line.people,
        inactive=inactive,
    )


async def _people_list(args: argparse.Namespace, settings: Settings) -> int:
    async def show(scope: Scope, locale: str) -> int:
        code = args.unit
        if code is not None:
            # A mistyped code must not read as "nobody in this unit": say so and fail.
            unit = await unit_by_code(code, scope)
            if unit is None:
                print("reportbot: " + ROSTER.say("no_unit", locale, ref=code), file=sys.stderr)
                return EXIT_FAILURE
            code = unit.code
        lines = await people_roster(scope, code, datetime.now(UTC))
        if args.not_joined:
            lines = [line for line in lines if not line.platforms]
        print(ROSTER.say("people_head", locale))
        for line in lines:
            print(_person_row(line, locale, settings))
        print(ROSTER.say("people_total", locale, count=len(lines)))
        return 0

    return await _listing(args, settings, show)


def _person_row(line: PersonLine, locale: str, settings: Settings) -> str:
    if line.platforms:
        joined = ", ".join(line.platforms)
    elif line.invite_expires is not None:
        day = date_text(line.invite_expires, settings.timezone)
        joined = ROSTER.say("invite_open", locale, day=day)
    else:
        joined = ROSTER.say("not_joined", locale)
    none = ROSTER.say("none", locale)
    role = role_name(line.role, locale)
    if line.sees is not None:  # a coordinator's or admin's commune or province
        where = line.sees or ROSTER.say("sees_everything", locale)
        role = ROSTER.say("sees", locale, role=role, where=where)
    return ROSTER.say(
        "person_row",
        locale,
        name=line.name,
        phone=line.phone or none,
        role=role,
        units=", ".join(line.units) or none,
        joined=joined,
    )
