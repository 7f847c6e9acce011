"""`reportbot forms validate|load|list` (`forms import` comes with coordination)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from reportbot.cli.language import say
from reportbot.config import Settings
from reportbot.forms.diagnostics import shown
from reportbot.forms.loader import load_template_checked
from reportbot.forms_folder import form_files, load_forms

EXIT_FAILURE = 1


def register(commands: Any) -> None:
    """Add the `forms` group (coordination adds `forms import` to it)."""
    forms = commands.add_parser("forms", help="form templates").add_subparsers(metavar="TASK")
    validate = forms.add_parser("validate", help="check template files")
    validate.add_argument("paths", nargs="+", type=Path)
    validate.set_defaults(func=_forms_validate, needs_settings=False)
    load = forms.add_parser("load", help="store templates (a changed file: new version)")
    load.add_argument("paths", nargs="*", type=Path, help="files (default: the forms folder)")
    load.set_defaults(func=_forms_load)
    forms.add_parser("list", help="list stored templates").set_defaults(func=_forms_list)


async def _forms_validate(args: argparse.Namespace, settings: Settings) -> int:
    problems = 0
    locale = settings.locale
    for path in args.paths:
        template, issues, warnings = load_template_checked(path)
        for issue in issues:
            print(issue.render(locale))
        note = say(locale, "lưu ý", "note")
        for warning in warnings:
            print(f"{path}: {note}: {shown(warning, locale)}")
        problems += len(issues)
        if template is not None:
            questions = say(settings.locale, "câu hỏi", "questions")
            # answerable ones, as the publish preview and the chat's "Câu N/M" count them
            count = sum(1 for question in template.questions if question.answerable)
            print(f"{path}: OK ({template.key}, {count} {questions})")
    return EXIT_FAILURE if problems else 0


async def _forms_load(args: argparse.Namespace, settings: Settings) -> int:
    from reportbot.store.database import with_database

    paths = args.paths or form_files(settings.forms_dir)
    result = await with_database(settings.database_url, lambda: load_forms(paths))
    for issue in result.issues:
        print(issue.render(settings.locale))
    note = say(settings.locale, "lưu ý", "note")
    for path, warning in result.warnings:
        print(f"{path}: {note}: {shown(warning, settings.locale)}")
    for stored in result.stored:
        lang = settings.locale
        state = say(lang, "phiên bản mới", "new version") if stored.created else None
        state = state or say(lang, "không đổi", "unchanged")
        print(f"{stored.key}: {say(lang, 'phiên bản', 'version')} {stored.version} ({state})")
    return EXIT_FAILURE if result.issues else 0


async def _forms_list(_args: argparse.Namespace, settings: Settings) -> int:
    from reportbot.store.database import with_database
    from reportbot.store.forms import list_templates

    records = await with_database(settings.database_url, list_templates)
    if not records:
        print(say(settings.locale, "(chưa có mẫu báo cáo nào)", "(no templates stored)"))
    for record in records:
        lang = settings.locale
        active = "active" if record.active else "inactive"  # a column scripts read: not translated
        titles = record.definition.get("title", {})
        title = (titles.get(lang) or titles.get("vi", "")) if isinstance(titles, dict) else titles
        print(f"{record.key}\tv{record.version}\t{record.declared_version}\t{active}\t{title}")
    return 0
