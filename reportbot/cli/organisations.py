"""`reportbot org add|list`: the province and its communes (issue 17).

    reportbot org add CODE NAME [--kind commune|province] [--parent PROVINCE]
                                [--sheet SPREADSHEET_ID] [--xlsx PATH]
    reportbot org set-sheet CODE [SPREADSHEET_ID] [--xlsx PATH] [--clear]
    reportbot org list

A commune with a spreadsheet of its own gets its units' rows there (the sheet mirror);
every other commune's rows stay in the deployment's spreadsheet.

A unit belongs to one commune (`units import` with a `commune` column); a coordinator sees
the commune (or the province) given to them in `people import` or on their invite.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from reportbot.config import Settings
from reportbot.conversation.parsing import fold
from reportbot.coordination.people.people_import import UNIT_CODE
from reportbot.store.database import with_database
from reportbot.store.queries.organisations import (
    OrganisationProblem,
    OrganisationRecord,
    add_organisation,
    list_organisations,
    set_sheet,
)
from reportbot.vocabulary.catalogue import register as register_catalogue

EXIT_FAILURE = 1
KINDS = ("commune", "province")

MESSAGES: dict[str, dict[str, str]] = {
    "added": {
        "vi": "Đã thêm {kind}{name} (mã {code}){under}.",
        "en": "Added {kind}{name} (code {code}){under}.",
    },
    "org_bad_code": {
        "vi": "Mã “{code}”: chỉ dùng chữ không dấu, chữ số, '_', '.' hoặc '-' (tối đa 64 ký tự), "
        "ví dụ xa-dak-pxi.",
        "en": "The code “{code}”: letters without diacritics, digits, '_', '.' or '-' only "
        "(at most 64), e.g. xa-dak-pxi.",
    },
    "under": {"vi": ", thuộc {parent}", "en": ", under {parent}"},
    "head": {
        "vi": "Mã · Tên · Cấp · Số đơn vị",
        "en": "Code · Name · Level · Units",
    },
    "row": {
        "vi": "{indent}{code} · {name} · {kind} · {units}{sheet}",
        "en": "{indent}{code} · {name} · {kind} · {units}{sheet}",
    },
    "row_sheet": {"vi": " · bảng tính riêng: {where}", "en": " · own spreadsheet: {where}"},
    "sheet_set": {
        "vi": "Từ nay báo cáo của {name} ({code}) được ghi vào bảng tính riêng: {where}.",
        "en": "From now on the reports of {name} ({code}) go to its own spreadsheet: {where}.",
    },
    "sheet_cleared": {
        "vi": "Từ nay báo cáo của {name} ({code}) được ghi vào bảng tính chung.",
        "en": "From now on the reports of {name} ({code}) go to the deployment's spreadsheet.",
    },
    "sheet_resync": {
        "vi": "Các dòng đã ghi trước đây không tự chuyển: chạy `reportbot sheets resync`.",
        "en": "Rows written before do not move by themselves: run `reportbot sheets resync`.",
    },
    "sheet_missing": {
        "vi": "Cần mã bảng tính Google, --xlsx ĐƯỜNG_DẪN hoặc --clear.",
        "en": "Give a Google spreadsheet id, --xlsx PATH or --clear.",
    },
    "workbook_derived": {
        "vi": "tệp Excel riêng cạnh tệp chung",
        "en": "its own workbook beside the deployment's",
    },
    "org_unknown": {
        "vi": "Không tìm thấy xã “{ref}” (mã hoặc tên).",
        "en": "No commune “{ref}” (code or name).",
    },
    "org_sheet_not_commune": {
        "vi": "Chỉ xã mới có bảng tính riêng; “{name}” không phải xã.",
        "en": "Only a commune has a spreadsheet of its own; “{name}” is not a commune.",
    },
    "org_sheet_default": {
        "vi": "“{name}” là xã mặc định: báo cáo của nó luôn ở bảng tính chung "
        "(REPORTBOT_SPREADSHEET_ID hoặc REPORTBOT_MIRROR_XLSX).",
        "en": "“{name}” is the default commune: its reports stay in the deployment's "
        "spreadsheet (REPORTBOT_SPREADSHEET_ID or REPORTBOT_MIRROR_XLSX).",
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
    _sheet_options(add)
    add.set_defaults(func=_add)
    sheet = tasks.add_parser("set-sheet", help="give a commune its own spreadsheet")
    sheet.add_argument("code", help="the commune (code or name)")
    sheet.add_argument(
        "sheet", nargs="?", metavar="SPREADSHEET_ID", help="the Google spreadsheet id"
    )
    sheet.add_argument("--xlsx", metavar="PATH", help=XLSX_HELP)
    sheet.add_argument("--clear", action="store_true", help="back to the deployment's spreadsheet")
    sheet.set_defaults(func=_set_sheet)
    listing = tasks.add_parser("list", help="every province and commune, with its units")
    listing.set_defaults(func=_list)


XLSX_HELP = "the local workbook (default: beside REPORTBOT_MIRROR_XLSX, named after the code)"


def _sheet_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sheet", metavar="SPREADSHEET_ID", help="the commune's own Google spreadsheet"
    )
    parser.add_argument("--xlsx", metavar="PATH", help=XLSX_HELP)


def _where(org: OrganisationRecord, locale: str) -> str:
    """Where a commune's rows go: its spreadsheet id and/or its workbook."""
    parts = [org.sheet_id] if org.sheet_id else []
    parts.append(org.workbook or ORGANISATIONS.say("workbook_derived", locale))
    return " · ".join(parts)


def _kind(kind: str, locale: str) -> str:
    return ORGANISATIONS.say(f"kind_{kind}", locale)


def _refused(problem: OrganisationProblem, locale: str) -> int:
    """Say why on stderr, in one line; exit status 1."""
    print(
        "reportbot: " + ORGANISATIONS.say(problem.reason, locale, **problem.params), file=sys.stderr
    )
    return EXIT_FAILURE


async def _add(args: argparse.Namespace, settings: Settings) -> int:
    return await with_database(settings.database_url, lambda: _added(args, settings.locale))


async def _added(args: argparse.Namespace, locale: str) -> int:
    if not UNIT_CODE.match(args.code):  # typed in commands and CSV files: the units' rule
        return _refused(OrganisationProblem("org_bad_code", code=args.code), locale)
    try:
        added = await add_organisation(
            args.code,
            args.name,
            args.kind,
            args.parent,
            sheet_id=args.sheet,
            workbook=args.xlsx,
        )
    except OrganisationProblem as problem:
        return _refused(problem, locale)
    under = ORGANISATIONS.say("under", locale, parent=args.parent) if args.parent else ""
    kind = _kind(added.kind, locale)
    # "Đã thêm Tỉnh Kon Tum", not "Đã thêm tỉnh Tỉnh Kon Tum": a name that says its level
    kind = "" if fold(added.name).startswith(fold(kind) + " ") else kind + " "
    print(
        ORGANISATIONS.say("added", locale, kind=kind, name=added.name, code=added.code, under=under)
    )
    if added.own_sheet:
        where = _where(added, locale)
        print(ORGANISATIONS.say("sheet_set", locale, name=added.name, code=added.code, where=where))
    return 0


async def _set_sheet(args: argparse.Namespace, settings: Settings) -> int:
    locale = settings.locale
    if not (args.sheet or args.xlsx or args.clear):
        print("reportbot: " + ORGANISATIONS.say("sheet_missing", locale), file=sys.stderr)
        return EXIT_FAILURE
    return await with_database(settings.database_url, lambda: _sheet_set(args, locale))


async def _sheet_set(args: argparse.Namespace, locale: str) -> int:
    sheet_id, workbook = (None, None) if args.clear else (args.sheet, args.xlsx)
    try:
        org = await set_sheet(args.code, sheet_id, workbook)
    except OrganisationProblem as problem:
        return _refused(problem, locale)
    if org.own_sheet:
        where = _where(org, locale)
        print(ORGANISATIONS.say("sheet_set", locale, name=org.name, code=org.code, where=where))
    else:
        print(ORGANISATIONS.say("sheet_cleared", locale, name=org.name, code=org.code))
    print(ORGANISATIONS.say("sheet_resync", locale))
    return 0


async def _list(_args: argparse.Namespace, settings: Settings) -> int:
    return await with_database(settings.database_url, lambda: _listed(settings.locale))


async def _listed(locale: str) -> int:
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
                sheet=ORGANISATIONS.say("row_sheet", locale, where=_where(org, locale))
                if org.own_sheet
                else "",
            )
        )
    return 0
