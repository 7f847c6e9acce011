"""Storing form templates: a changed template becomes a new version, an unchanged one is a no-op."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.functions import Min
from tortoise.transactions import in_transaction

from reportbot.forms.loader import content_hash, template_from_definition, template_to_definition
from reportbot.forms.schema import FormTemplate
from reportbot.store.models import FormTemplateRecord, Submission

# How many times this process stored a template (`store_template` is the only writer of
# templates): the service loads the forms when it starts, and drops that set if a template was
# stored before its first use (`Repository.forms`), as if it had been loaded on first use.
_changes = 0


def changes() -> int:
    """How many times this process has changed the stored form set so far."""
    return _changes


def _changed() -> None:
    global _changes
    _changes += 1


@dataclass(frozen=True, slots=True)
class StoredTemplate:
    """The outcome of storing a template."""

    key: str
    version: int
    record_id: int
    created: bool


async def store_template(
    template: FormTemplate,
    source_name: str | None = None,
    *,
    publish_again: bool = False,
    now: datetime | None = None,
    scope_id: int | None = None,
) -> StoredTemplate:
    """Store a template unless its content is already stored.

    Content equal to the latest version is a no-op. Content equal to an older version is a
    no-op too (so the forms folder, loaded at every start, never undoes a newer version an
    admin published from chat) unless `publish_again` says an admin wants it live again.
    `now` is the application's clock: a new version's publication time, which decides the
    periods units owe (`reportbot.owed`); None (a command-line load) takes the wall clock.
    `scope_id` publishes the form for one commune or for every commune below a province;
    None keeps the scope the form has (a new form: everything), so the forms folder loaded at
    every start never undoes a scope an admin chose.
    """
    stored = await _store(template, source_name, publish_again, now, scope_id)
    _changed()  # after the commit: a load from now on sees it (a no-op counts: rare)
    return stored


async def _store(
    template: FormTemplate,
    source_name: str | None,
    publish_again: bool,
    now: datetime | None,
    scope_id: int | None,
) -> StoredTemplate:
    digest = content_hash(template)
    async with in_transaction():
        latest = (
            await FormTemplateRecord.filter(key=template.key)
            .order_by("-version")
            .select_for_update()
            .first()
        )
        if latest is not None and latest.content_hash == digest:
            scope = latest.scope_id if scope_id is None else scope_id  # type: ignore[attr-defined]
            if not latest.active or scope != latest.scope_id:  # type: ignore[attr-defined]
                latest.active = True
                latest.scope_id = scope  # type: ignore[attr-defined]
                await latest.save(update_fields=["active", "scope_id"])
            return StoredTemplate(template.key, latest.version, latest.id, created=False)
        if latest is not None and not publish_again:
            older = await FormTemplateRecord.filter(key=template.key, content_hash=digest).first()
            if older is not None:
                return StoredTemplate(template.key, older.version, older.id, created=False)
        version = latest.version + 1 if latest else 1
        # A missing time is left to the field's auto_now_add (the wall clock).
        when = {} if now is None else {"created_at": now}
        record = await FormTemplateRecord.create(
            key=template.key,
            version=version,
            declared_version=template.version,
            content_hash=digest,
            definition=template_to_definition(template),
            source_name=source_name,
            active=True,
            scope_id=scope_id if scope_id is not None or latest is None else latest.scope_id,  # type: ignore[attr-defined]
            **when,
        )
        return StoredTemplate(template.key, version, record.id, created=True)


async def latest_templates() -> dict[str, tuple[int, FormTemplate]]:
    """The latest active version of every form: key -> (record id, template)."""
    records = await FormTemplateRecord.filter(active=True).order_by("key", "-version")
    latest: dict[str, tuple[int, FormTemplate]] = {}
    for record in records:
        if record.key not in latest:
            latest[record.key] = (record.id, template_from_definition(record.definition))
    return latest


async def template_by_record(record_id: int) -> FormTemplate:
    """A stored template version by its record id."""
    record = await FormTemplateRecord.get(id=record_id)
    return template_from_definition(record.definition)


async def list_templates() -> list[FormTemplateRecord]:
    """Every stored version, newest first per key."""
    return await FormTemplateRecord.all().order_by("key", "-version")


async def first_publications(keys: list[str] | None = None) -> dict[str, datetime]:
    """Since when each form has been in use: its first version's publication, or its first
    report if that is earlier (a database restored or a form imported again keeps the history
    its reports prove). A form never published is absent. Feeds `reportbot.owed.is_owed`
    everywhere: the officer's menu, /tinhhinh, reminders and the report files."""
    found: dict[str, datetime] = {}
    templates = FormTemplateRecord.all()
    reports = Submission.all()
    if keys is not None:
        templates = templates.filter(key__in=keys)
        reports = reports.filter(form_key__in=keys)
    rows = [
        *await templates.annotate(first=Min("created_at")).group_by("key").values("key", "first"),
        *await reports.annotate(first=Min("created_at"))
        .group_by("form_key")
        .values("form_key", "first"),
    ]
    for row in rows:
        key, first = row.get("key") or row["form_key"], row["first"]
        if first is not None and (key not in found or first < found[key]):
            found[key] = first
    return found


async def first_published(form_key: str) -> datetime | None:
    """Since when one form has been in use (see `first_publications`); None: never published."""
    return (await first_publications([form_key])).get(form_key)
