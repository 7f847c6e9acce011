"""Publishing a form template from a file: check it, show a preview, store the new version.

The same steps serve the chat (an admin sends the file) and `reportbot forms import`.
Storing goes through `store_template`: a changed template becomes a new version and reports
already started keep the version they began with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from reportbot.coordination import audit
from reportbot.coordination.publishing.xlsform import XLSFORM_SUFFIXES, load_xlsform
from reportbot.coordination.texts import period_kind_name, t, unit_type_name
from reportbot.forms.diagnostics import said, shown
from reportbot.forms.issues import TemplateIssue
from reportbot.forms.loader import content_hash, parse_yaml_template, template_from_definition
from reportbot.forms.schema import FormTemplate, pick
from reportbot.periods import current_period, periods_between
from reportbot.store.forms import StoredTemplate, store_template
from reportbot.store.queries.coordination import TemplateVersion, latest_template_version
from reportbot.store.queries.organisations import organisation_by_id, publication_scopes
from reportbot.vocabulary.format import date_text
from reportbot.vocabulary.os_errors import os_reason

YAML_SUFFIXES = frozenset({".yaml", ".yml"})
TEMPLATE_SUFFIXES = YAML_SUFFIXES | XLSFORM_SUFFIXES
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024


@dataclass(slots=True)
class TemplateCheck:
    """A template file checked: the template if valid, else every error; and warnings."""

    source_name: str
    template: FormTemplate | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def is_template_name(name: str) -> bool:
    """Whether a file name looks like a form template (.yaml, .yml, .xlsx, .xls)."""
    return Path(name).suffix.lower() in TEMPLATE_SUFFIXES


def check_template_file(path: Path, name: str | None = None, locale: str = "vi") -> TemplateCheck:
    """Read and validate a YAML or XLSForm template; errors name the file as `name` and are
    written in `locale` (Vietnamese unless 'en'), each with the line that says how to fix it."""
    source = name or path.name
    check = TemplateCheck(source)

    def refuse(problem: str) -> TemplateCheck:
        check.errors.append(TemplateIssue(source, None, "file", problem).render(locale))
        return check

    suffix = Path(source).suffix.lower() or path.suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        return refuse(said("formcheck:cannot_open", detail=os_reason(exc)))
    if size > MAX_TEMPLATE_BYTES:
        return refuse(said("formcheck:too_large", size=MAX_TEMPLATE_BYTES // 1024 // 1024))
    if suffix in YAML_SUFFIXES:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            return refuse(said("formcheck:cannot_open", detail=os_reason(exc)))
        except UnicodeDecodeError as exc:
            return refuse(said("formcheck:cannot_read", detail=str(exc)))
        template, issues = parse_yaml_template(text, source)
        check.template = template
        check.errors.extend(issue.render(locale) for issue in issues)
    elif suffix in XLSFORM_SUFFIXES:
        result = load_xlsform(path, source)
        check.template = result.template
        check.errors.extend(issue.render(locale) for issue in result.issues)
        check.warnings.extend(shown(warning, locale) for warning in result.warnings)
    else:
        return refuse(said("formcheck:not_a_template", value=f"“{Path(source).name}”"))
    return check


async def latest_record(key: str) -> TemplateVersion | None:
    """The newest stored version of a form."""
    return await latest_template_version(key)


async def preview(
    template: FormTemplate,
    *,
    now: datetime,
    tz: tzinfo,
    locale: str = "vi",
    warnings: Sequence[str] = (),
    scope_id: int | None = None,
) -> str:
    """What an admin confirms: title, questions, unit types (of the commune or province
    `scope_id` when published for one, else of the one the form is already published for),
    period, next deadline, change."""
    spec = template.period
    unit_types = ", ".join(unit_type_name(u, locale) for u in template.unit_types)
    unit_types = unit_types or t("preview_all_units", locale)
    scope_name = await publication_place(template.key, scope_id)
    if scope_name:
        unit_types = t("preview_in_scope", locale, units=unit_types, scope=scope_name)
    text = t(
        "preview",
        locale,
        title=pick(template.title, locale),
        key=template.key,
        version=template.version,
        count=sum(1 for q in template.questions if q.answerable),
        unit_types=unit_types,
        kind=period_kind_name(spec.kind, locale),
        deadlines=", ".join(spec.deadlines),
        next_deadline=next_deadline(template, now, tz, locale),
        change=await _change(template, locale),
    )
    if warnings:
        text += "\n" + notes(warnings, locale)
    return text


async def publication_place(key: str, scope_id: int | None) -> str | None:
    """The name of the commune or province whose units a publication of form `key` asks:
    `scope_id`'s, else the one the form has now (`store_template` keeps it); None: every
    unit of the deployment."""
    if scope_id is None:
        kept = (await publication_scopes()).get(key)
        scope_id = kept.root_id if kept is not None else None
    found = await organisation_by_id(scope_id) if scope_id is not None else None
    return found.name if found is not None else None


def notes(warnings: Sequence[str], locale: str = "vi") -> str:
    """The checker's warnings as a 'Lưu ý:' block. Shown with errors too: an ignored column
    ("lable" for "label") is often why every row is refused."""
    return t("preview_warnings", locale) + "\n" + "\n".join(f"– {w}" for w in warnings)


def next_deadline(template: FormTemplate, now: datetime, tz: tzinfo, locale: str = "vi") -> str:
    """The period whose deadline comes next, as 'label – hết ngày dd/mm/yyyy'."""
    period = current_period(template.period, now, tz)
    if period is None:  # a one-off form outside its window
        upcoming = periods_between(template.period, now, now + timedelta(days=3650), tz)
        period = upcoming[0] if upcoming else None
    if period is None:
        return t("preview_no_next", locale)
    deadline = date_text(period.deadline, tz)
    return t("preview_next", locale, period=period.label(locale), deadline=deadline)


async def _change(template: FormTemplate, locale: str) -> str:
    latest = await latest_record(template.key)
    if latest is None:
        return t("preview_new_form", locale)
    if latest.content_hash == content_hash(template):
        return t("preview_same", locale, current=latest.version)
    lines = [t("preview_new_version", locale, version=latest.version + 1, current=latest.version)]
    old = {q.id: q for q in template_from_definition(latest.definition).questions}
    new_ids = [q.id for q in template.questions]
    added = [qid for qid in new_ids if qid not in old]
    removed = [qid for qid in old if qid not in new_ids]
    # the label, choices, rules or any other part of a question kept under its id
    changed = [q.id for q in template.questions if q.id in old and old[q.id] != q]
    for key, ids in (("added", added), ("removed", removed), ("changed", changed)):
        if ids:
            lines.append("  " + t(f"preview_{key}", locale, ids=", ".join(ids)))
    return "\n".join(lines)


async def publish(
    template: FormTemplate,
    source_name: str,
    *,
    now: datetime,
    person_id: int | None,
    scope_id: int | None = None,
) -> StoredTemplate:
    """Store the template as a new version (a no-op when unchanged) and log the action.

    `scope_id`: published for one commune, or every commune below a province (None: the
    scope the form has; a new form: everything)."""
    stored = await store_template(
        template, source_name, publish_again=True, now=now, scope_id=scope_id
    )
    detail: dict[str, Any] = {
        "key": stored.key,
        "version": stored.version,
        "created": stored.created,
        "file": source_name,
    }
    if scope_id is not None:  # published for some communes only
        detail["scope"] = scope_id
    await audit.record(
        "template.publish",
        detail,
        now=now,
        person_id=person_id,
    )
    return stored
