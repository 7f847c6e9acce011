"""`reportbot org add|list`: the province and its communes (issue 17).

    reportbot org add CODE NAME [--kind commune|province] [--parent PROVINCE]
    reportbot org list

A unit belongs to one commune (`units import` with a `commune` column); a coordinator sees
the commune (or the province) given to them in `people import` or on their invite.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from reportbot.config import Settings
from reportbot.store.database import close_database, open_database
from reportbot.store.queries.organisations import (
    OrganisationProblem,
    add_organisation,
    list_organisations,
)
from reportbot.vocabulary.catalogue import register as register_catalogue

EXIT_FAILURE = 1
KINDS = ("commune", "province")

MESSAGES: dict[str, dict[str, str]] = {
    "added": {
        "vi": "Đã thêm {kind} {name} (mã {code}){under}.",
        "en": "Added {kind} {name} (code {code}){under}.",
    },
    "under": {"vi": ", thuộc {parent}", "en": ", under {parent}"},
    "head": {
        "vi": "Mã · Tên · Cấp · Số đơn vị",
        "en": "Code · Name · Level · Units",
    },
    "row": {
        "vi": "{indent}{code} · {name} · {kind} · {units}",
        "en": "{indent}{code} · {name} · {kind} · {units}",
    },
    "kind_province": {"vi": "tỉnh", "en": "province"},
    "kind_commune": {"vi": "xã", "en": "commune"},
    "org_bad_kind": {
        "vi": "Cấp “{kind}” không có: dùng commune (xã) hoặc province (tỉnh).",
        "en": "No level “{kind}”: use commune or province.",
    },
    "org_code_taken": {
        "vi": "Mã “{code}” đã có.",
        "en": "The code “{code}” is taken.",
    },
    "org_parent_unknown": {
        "vi": "Không tìm thấy tỉnh “{parent}” (mã hoặc tên).",
        "en": "No province “{parent}” (code or name).",
    },
    "org_parent_not_province": {
        "vi": "Chỉ xã mới được đặt dưới một tỉnh; “{parent}” không phải tỉnh.",
        "en": "Only a commune goes under a province; “{parent}” is not a province.",
    },
}
ORGANISATIONS = register_catalogue("organisations", MESSAGES)


def register(commands: Any) -> None:
    """Add `org add` and `org list`."""
    org = commands.add_parser("org", help="the province and its communes")
    tasks = org.add_subparsers(metavar="TASK")
    add = tasks.add_parser("add", help="add a commune or a province")
    add.add_argument("code", help="a short code, e.g. xa-dak-pxi")
    add.add_argument("name", help="the name shown to people")
    add.add_argument("--kind", choices=KINDS, default="commune")
    add.add_argument("--parent", metavar="PROVINCE", help="the province (code or name)")
    add.set_defaults(func=_add)
    listing = tasks.add_parser("list", help="every province and commune, with its units")
    listing.set_defaults(func=_list)


def _kind(kind: str, locale: str) -> str:
    return ORGANISATIONS.say(f"kind_{kind}", locale)


async def _add(args: argparse.Namespace, settings: Settings) -> int:
    locale = settings.locale
    await open_database(settings.database_url)
    try:
        try:
            added = await add_organisation(args.code, args.name, args.kind, args.parent)
        except OrganisationProblem as problem:
            print(
                "reportbot: " + ORGANISATIONS.say(problem.reason, locale, **problem.params),
                file=sys.stderr,
            )
            return EXIT_FAILURE
        under = ORGANISATIONS.say("under", locale, parent=args.parent) if args.parent else ""
        kind = _kind(added.kind, locale)
        print(
            ORGANISATIONS.say(
                "added", locale, kind=kind, name=added.name, code=added.code, under=under
            )
        )
        return 0
    finally:
        await close_database()


async def _list(_args: argparse.Namespace, settings: Settings) -> int:
    locale = settings.locale
    await open_database(settings.database_url)
    try:
        print(ORGANISATIONS.say("head", locale))
        for org in await list_organisations():
            print(
                ORGANISATIONS.say(
                    "row",
                    locale,
                    indent="  " if org.parent_id else "",
                    code=org.code,
                    name=org.name,
                    kind=_kind(org.kind, locale),
                    units=org.units,
                )
            )
        return 0
    finally:
        await close_database()
