"""Admin and coordinator subcommands of `reportbot`.

    reportbot units import FILE.csv
    reportbot people import FILE.csv
    reportbot invite create --unit CODE [--role officer|coordinator|admin] [--phone PHONE]
    reportbot forms import FILE.xlsx|FILE.yaml [--yes]
    reportbot report --form KEY --period KEY --format xlsx|docx|png [--output PATH]

Problems an admin can fix are printed one per line (``FILE:LINE: column: problem``) and the
command exits with status 1; nothing is half-done.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from reportbot.config import Settings
from reportbot.coordination.people.fields import normalize_phone
from reportbot.coordination.people.invites import issue_invite, render_card
from reportbot.coordination.people.people_import import (
    ImportResult,
    import_people,
    import_units,
)
from reportbot.coordination.publishing.publish import (
    check_template_file,
    notes,
    preview,
    publish,
)
from reportbot.coordination.reporting.choosing import pick_form, pick_period
from reportbot.coordination.reporting.province import add_commune_sheet, consolidate_scope
from reportbot.coordination.reporting.reports import (
    FORMATS,
    ReportHeader,
    default_name,
    header_for,
    write_report,
)
from reportbot.coordination.texts import Problem
from reportbot.language import say
from reportbot.store.database import with_database
from reportbot.store.queries.organisations import Scope, organisation_by_ref, scope_by_ref
from reportbot.vocabulary.kinds import ROLE_CODES

EXIT_FAILURE = 1
EXIT_USAGE = 2


def register(commands: Any) -> None:
    """Add the subcommands to the `reportbot` parser's subcommand set."""
    units = commands.add_parser("units", help="units of the commune").add_subparsers(metavar="TASK")
    imp = units.add_parser("import", help="create or update units from a CSV file")
    imp.add_argument(
        "path", type=Path, metavar="FILE.csv", help="columns: code, name, type, parent"
    )
    imp.set_defaults(func=_units_import)

    people = commands.add_parser("people", help="people").add_subparsers(metavar="TASK")
    imp = people.add_parser("import", help="create or update people from a CSV file")
    imp.add_argument("path", type=Path, metavar="FILE.csv", help="columns: name, phone, unit, role")
    imp.set_defaults(func=_people_import)

    invite = commands.add_parser("invite", help="invite codes").add_subparsers(metavar="TASK")
    create = invite.add_parser("create", help="create a single-use invite")
    create.add_argument("--unit", metavar="CODE", help="the unit's code")
    create.add_argument("--role", choices=ROLE_CODES, default="officer")
    create.add_argument("--phone", help="invite a person already imported, by phone")
    create.add_argument("--days", type=int, default=14, help="days before it expires (14)")
    create.add_argument(
        "--commune", metavar="CODE", help="the commune or province a coordinator will see"
    )
    create.set_defaults(func=_invite_create)

    forms = _forms_tasks(commands)
    form_import = forms.add_parser("import", help="check a YAML or XLSForm template and publish it")
    form_import.add_argument("path", type=Path, metavar="FILE")
    form_import.add_argument("--yes", action="store_true", help="publish without asking")
    form_import.add_argument(
        "--scope", metavar="CODE", help="publish for one commune or a province (default: all)"
    )
    form_import.set_defaults(func=_forms_import)

    report = commands.add_parser("report", help="the consolidated report of a form and period")
    report.add_argument(
        "--form", metavar="KEY", help="form key or words of its title (default: the only form)"
    )
    report.add_argument("--period", metavar="KEY", help="e.g. 2026-H2 (default: latest filed)")
    report.add_argument("--format", choices=FORMATS, default="xlsx", dest="fmt")
    report.add_argument("--output", type=Path, metavar="PATH", help="file to write")
    report.add_argument(
        "--scope",
        metavar="CODE",
        help="a commune, or a province and its communes (default: all)",
    )
    report.set_defaults(func=_report)


def _forms_tasks(commands: Any) -> Any:
    """The subcommand set of `reportbot forms` (created by the core), to add `import` to it."""
    forms = commands.choices.get("forms")
    if forms is None:
        forms = commands.add_parser("forms", help="form templates")
    for action in forms._actions:  # argparse offers no public accessor for sub-actions
        if isinstance(action, argparse._SubParsersAction):
            return action
    return forms.add_subparsers(metavar="TASK")


def _problems(count: int) -> str:
    """'1 problem' / '3 problems' (Vietnamese has no plural, only English needs this)."""
    return f"{count} problem" + ("" if count == 1 else "s")


def _now() -> datetime:
    return datetime.now(UTC)


def _print_import(result: ImportResult, what: str, locale: str = "vi") -> int:
    if not result.ok:
        for problem in result.problems:
            print(problem.render(locale))
        count = len(result.problems)
        print(
            "reportbot: "
            + say(locale, f"{count} lỗi, chưa nhập gì", f"{_problems(count)}, nothing imported"),
            file=sys.stderr,
        )
        return EXIT_FAILURE
    created, updated, unchanged = result.created, result.updated, result.unchanged
    print(
        say(
            locale,
            f"{what}: {created} mới, {updated} cập nhật, {unchanged} không đổi",
            f"{what}: {created} new, {updated} updated, {unchanged} unchanged",
        )
    )
    return 0


async def _units_import(args: argparse.Namespace, settings: Settings) -> int:
    async def work() -> int:
        result = await import_units(args.path, now=_now())
        return _print_import(result, say(settings.locale, "Đơn vị", "Units"), settings.locale)

    return await with_database(settings.database_url, work)


async def _people_import(args: argparse.Namespace, settings: Settings) -> int:
    async def work() -> int:
        result = await import_people(args.path, now=_now())
        return _print_import(result, say(settings.locale, "Người dùng", "People"), settings.locale)

    return await with_database(settings.database_url, work)


async def _invite_create(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.locale
    phone = None
    if args.phone:
        phone = normalize_phone(args.phone)
        if phone is None:
            what = say(lang, "không phải số điện thoại", "is not a phone number")
            print(f"reportbot: {args.phone!r} {what}", file=sys.stderr)
            return EXIT_USAGE
    if not args.unit and not phone and args.role == "officer":
        needed = say(lang, "cần --unit MÃ_ĐƠN_VỊ", "--unit CODE is required")
        print(f"reportbot: {needed}", file=sys.stderr)
        return EXIT_USAGE
    if not 1 <= args.days <= 365:
        print("reportbot: --days " + say(lang, "từ 1 đến 365", "from 1 to 365"), file=sys.stderr)
        return EXIT_USAGE

    async def work() -> int:
        try:
            card = await issue_invite(
                unit_code=args.unit,
                role=args.role,
                now=_now(),
                env=settings.env,
                created_by=None,
                phone=phone,
                validity=timedelta(days=args.days),
                commune=args.commune,
            )
        except Problem as problem:
            print(f"reportbot: {problem.message(lang)}", file=sys.stderr)
            return EXIT_FAILURE
        print(render_card(card, settings.locale, settings.timezone))
        return 0

    return await with_database(settings.database_url, work)


async def _forms_import(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.locale
    check = check_template_file(args.path, str(args.path), lang)
    if check.template is None:
        if check.warnings:  # first: an ignored column may be the cause of every error
            print(notes(check.warnings, lang))
        for error in check.errors:
            print(error)
        count = len(check.errors)
        print(
            "reportbot: "
            + say(lang, f"{count} lỗi; chưa đăng", f"{_problems(count)}; not published"),
            file=sys.stderr,
        )
        return EXIT_FAILURE
    template = check.template

    async def work() -> int:
        now = _now()
        scope = await organisation_by_ref(args.scope) if args.scope else None
        if args.scope and scope is None:
            problem = Problem("commune_unknown", commune=args.scope)
            print(f"reportbot: {problem.message(lang)}", file=sys.stderr)
            return EXIT_FAILURE
        shown = await preview(
            template,
            now=now,
            tz=settings.timezone,
            locale=lang,
            warnings=check.warnings,
            scope_id=scope.id if scope else None,
        )
        print(shown)
        if not args.yes:
            if not sys.stdin.isatty():
                hint = say(lang, "thêm --yes để đăng", "add --yes to publish")
                print(f"reportbot: {hint}", file=sys.stderr)
                return EXIT_USAGE
            answer = input(say(lang, "Đăng mẫu này? (có/không) ", "Publish it? (yes/no) "))
            if answer.strip().lower() not in ("c", "co", "có", "y", "yes"):
                print(say(lang, "Đã hủy", "Cancelled"))
                return 0
        scope_id = scope.id if scope else None
        stored = await publish(template, args.path.name, now=now, person_id=None, scope_id=scope_id)
        state = say(lang, "phiên bản mới", "new version")
        if not stored.created:
            state = say(lang, "không đổi", "unchanged")
        print(f"{stored.key}: v{stored.version} – {state}")
        return 0

    return await with_database(settings.database_url, work)


async def _scope(ref: str | None) -> Scope:
    """The scope a --scope option names (none: everything). Raises Problem."""
    scope = await scope_by_ref(ref)
    if scope is None:
        raise Problem("commune_unknown", commune=ref or "")
    return scope


async def _report(args: argparse.Namespace, settings: Settings) -> int:
    async def work() -> int:
        now = _now()
        try:
            scope = await _scope(args.scope)
            key, template = await pick_form(args.form, scope)
            period = await pick_period(key, template, args.period, now, settings.timezone, scope)
        except Problem as problem:
            if problem.key == "form_needed":  # on a command line: name the option
                problem = Problem("form_option_needed", **problem.params)
            print(f"reportbot: {problem.message(settings.locale)}", file=sys.stderr)
            return EXIT_FAILURE
        scoped = await consolidate_scope(
            key, template, period, now=now, tz=settings.timezone, scope=scope
        )
        data = scoped.total
        output = args.output or Path(default_name(data, args.fmt))
        header = await header_for(ReportHeader.from_env(settings.env), scope)
        write_report(data, args.fmt, output, tz=settings.timezone, header=header)
        if args.fmt == "xlsx":
            add_commune_sheet(scoped, output)
        print(f"{output} ({key}, {period.key}: {data.status.filed}/{len(data.status.units)})")
        return 0

    return await with_database(settings.database_url, work)
