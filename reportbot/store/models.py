"""Tortoise models: the durable truth of units, people, forms, reports and pending work.

Timestamps are stored in UTC. Platform ids are strings (Telegram ids are 64-bit and may be
negative; Zalo ids are strings already). Schema changes go through `migrations/`.

Model docstrings become SQL table comments, and tortoise 1.1's SQLite migration splits
statements on semicolons and chokes on backticks: keep both out of model docstrings.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

ROLES = ("officer", "coordinator", "admin")
SUBMISSION_STATUSES = ("draft", "submitted", "reopened")


ORGANISATION_KINDS = ("province", "commune")
DEFAULT_COMMUNE_CODE = "mac-dinh"
DEFAULT_COMMUNE_NAME = "Xã (mặc định)"


class Organisation(Model):
    """A level above units, province then commune, a unit belongs to one commune.

    A unit without an organisation belongs to the default commune (code DEFAULT_COMMUNE_CODE),
    which migration 0007 creates, so a single-commune deployment needs no change.
    """

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=255)
    kind = fields.CharField(max_length=16, default="commune")
    parent = fields.ForeignKeyField(
        "models.Organisation", related_name="children", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    # A commune's own spreadsheet (migration 0008): a Google spreadsheet id, and for the local
    # mirror a workbook path (None: derived from REPORTBOT_MIRROR_XLSX). Neither: the
    # deployment's spreadsheet, as before communes had their own.
    sheet_id = fields.CharField(max_length=128, null=True)
    workbook = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "organisations"


class Unit(Model):
    """An office, association, school or village team that files reports."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=255)
    type = fields.CharField(max_length=32, db_index=True)
    parent = fields.ForeignKeyField(
        "models.Unit", related_name="children", null=True, on_delete=fields.SET_NULL
    )
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # The commune the unit belongs to (None: the default commune).
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="units", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "units"


class Person(Model):
    """An officer, coordinator or admin, who may have several platform identities."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=255)
    phone = fields.CharField(max_length=32, null=True, db_index=True)
    role = fields.CharField(max_length=16, default="officer")
    unit = fields.ForeignKeyField(
        "models.Unit", related_name="people", null=True, on_delete=fields.SET_NULL
    )
    locale = fields.CharField(max_length=8, default="vi")
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Whose units a coordinator sees: a commune, a province (every commune below), or None
    # (the whole deployment, as before organisations existed). Officers go by their unit.
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="people", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "people"


class Identity(Model):
    """A person's account on one platform, found by platform and external user id."""

    id = fields.IntField(primary_key=True)
    platform = fields.CharField(max_length=32)
    external_id = fields.CharField(max_length=128)
    chat_id = fields.CharField(max_length=128)
    display_name = fields.CharField(max_length=255, null=True)
    person = fields.ForeignKeyField("models.Person", related_name="identities")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "identities"
        unique_together = (("platform", "external_id"),)


class Invite(Model):
    """A single-use code that binds a platform account to a person and unit."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    role = fields.CharField(max_length=16, default="officer")
    unit = fields.ForeignKeyField(
        "models.Unit", related_name="invites", null=True, on_delete=fields.CASCADE
    )
    person = fields.ForeignKeyField(
        "models.Person", related_name="invites", null=True, on_delete=fields.CASCADE
    )
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    used_by = fields.ForeignKeyField(
        "models.Identity", related_name="invites_used", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    # The commune or province the invited coordinator will see (None: the whole deployment).
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="invites", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "invites"


class FormTemplateRecord(Model):
    """One stored version of a form template, with its normalised definition."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=64)
    version = fields.IntField()
    declared_version = fields.CharField(max_length=64)
    content_hash = fields.CharField(max_length=64)
    definition = fields.JSONField()
    source_name = fields.CharField(max_length=255, null=True)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Who the publication is for: one commune, a province (every commune below) or None
    # (everything, as before organisations existed).
    scope = fields.ForeignKeyField(
        "models.Organisation", related_name="publications", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "form_templates"
        unique_together = (("key", "version"),)


class Submission(Model):
    """A unit's report for one form and period, one row per (form, unit, period)."""

    id = fields.IntField(primary_key=True)
    form_key = fields.CharField(max_length=64)
    template = fields.ForeignKeyField("models.FormTemplateRecord", related_name="submissions")
    unit = fields.ForeignKeyField("models.Unit", related_name="submissions")
    period_key = fields.CharField(max_length=32)
    status = fields.CharField(max_length=16, default="draft")
    revision = fields.IntField(default=0)
    # Bumped by every write of the row (the group writer): a writer that read an older version
    # lost a race with another worker or officer and must re-read (optimistic concurrency).
    version = fields.IntField(default=0)
    created_by = fields.ForeignKeyField(
        "models.Person", related_name="submissions_created", null=True, on_delete=fields.SET_NULL
    )
    submitted_by = fields.ForeignKeyField(
        "models.Person", related_name="submissions_sent", null=True, on_delete=fields.SET_NULL
    )
    submitted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "submissions"
        unique_together = (("form_key", "unit", "period_key"),)


class Answer(Model):
    """One answer to one question of a submission, its value as JSON text."""

    id = fields.IntField(primary_key=True)
    submission = fields.ForeignKeyField(
        "models.Submission", related_name="answers", on_delete=fields.CASCADE
    )
    question_id = fields.CharField(max_length=64)
    value = fields.TextField()
    answered_by = fields.ForeignKeyField(
        "models.Person", related_name="answers", null=True, on_delete=fields.SET_NULL
    )
    updated_at = fields.DatetimeField()

    class Meta:
        table = "answers"
        unique_together = (("submission", "question_id"),)


class ConversationState(Model):
    """Where a person is in a conversation: JSON written by the engine, read back on resume."""

    id = fields.IntField(primary_key=True)
    person = fields.OneToOneField(
        "models.Person", related_name="conversation", on_delete=fields.CASCADE
    )
    data = fields.TextField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "conversation_states"


class InboxEntry(Model):
    """A verified platform update, stored before it is acknowledged, processed exactly once.

    'pending' until its step commits (then 'done', in the same transaction); a crash leaves it
    pending and the next start processes it. Done rows let a redelivery be recognised, and are
    pruned after some days.
    """

    id = fields.IntField(primary_key=True)
    platform = fields.CharField(max_length=32)
    update_id = fields.CharField(max_length=128)
    user_id = fields.CharField(max_length=128, default="")
    chat_id = fields.CharField(max_length=128, default="")
    payload = fields.TextField(default="")
    status = fields.CharField(max_length=12, default="pending", db_index=True)
    attempts = fields.IntField(default=0)
    received_at = fields.DatetimeField()
    processed_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(null=True)
    # Which worker process has the update in hand, and until when (`--role worker`): a worker
    # that dies stops renewing, and the update is claimable again once `claimed_until` passes.
    claimed_by = fields.CharField(max_length=64, null=True)
    claimed_until = fields.DatetimeField(null=True)

    class Meta:
        table = "inbox"
        unique_together = (("platform", "update_id"),)
        indexes = (("platform", "user_id", "status"),)


class OutboxEntry(Model):
    """Work that leaves the process later (sheet rows, notifications), coalesced per key.

    One pending row per (topic, key): a new change bumps the sequence number, so a worker
    that delivered an older one deletes the row only if nothing changed meanwhile.
    """

    id = fields.IntField(primary_key=True)
    topic = fields.CharField(max_length=32)
    key = fields.CharField(max_length=128)
    payload = fields.TextField(default="{}")
    seq = fields.IntField(default=1)
    attempts = fields.IntField(default=0)
    due_at = fields.DatetimeField()
    last_error = fields.TextField(null=True)
    created_at = fields.DatetimeField()
    # A step's replies: the holder id of the worker that wrote them, while it held its
    # advisory lock (`store.replies`); they are due at once when that lock is free.
    writer = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "outbox"
        unique_together = (("topic", "key"),)


class ConnectorState(Model):
    """Small durable values a connector keeps (e.g. rotating OAuth tokens)."""

    id = fields.IntField(primary_key=True)
    connector = fields.CharField(max_length=32)
    key = fields.CharField(max_length=64)
    value = fields.TextField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "connector_state"
        unique_together = (("connector", "key"),)


class ReminderDelivery(Model):
    """One reminder to one person, identified by (person, form, period, kind), sent once.

    The row is claimed before the message leaves and marked sent after, so a restart in the
    middle of a fan-out never sends it twice.
    """

    id = fields.IntField(primary_key=True)
    person = fields.ForeignKeyField(
        "models.Person", related_name="reminders", on_delete=fields.CASCADE
    )
    form_key = fields.CharField(max_length=64)
    period_key = fields.CharField(max_length=32)
    kind = fields.CharField(max_length=32)
    status = fields.CharField(max_length=16, default="pending")
    due_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "reminder_deliveries"
        unique_together = (("person", "form_key", "period_key", "kind"),)
        indexes = (("form_key", "period_key"),)  # the worker reads one period's rows at a time


class JobLease(Model):
    """A lease that lets one process at a time run a scheduled job (works on SQLite too)."""

    name = fields.CharField(max_length=64, primary_key=True)
    holder = fields.CharField(max_length=128)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "job_leases"


class AuditLog(Model):
    """An admin or coordinator action, kept for accountability."""

    id = fields.IntField(primary_key=True)
    person = fields.ForeignKeyField(
        "models.Person", related_name="audit_entries", null=True, on_delete=fields.SET_NULL
    )
    action = fields.CharField(max_length=64)
    detail = fields.TextField(default="{}")
    created_at = fields.DatetimeField()

    class Meta:
        table = "audit_log"


# -- several units per person (issue 13, kiem nhiem) ------------------------------------------


class PersonUnit(Model):
    """A unit a person reports for besides the first one, which stays in people.unit_id.

    Old rows keep working unchanged: a person's units are people.unit_id plus these links.
    """

    id = fields.IntField(primary_key=True)
    person = fields.ForeignKeyField(
        "models.Person", related_name="unit_links", on_delete=fields.CASCADE
    )
    unit = fields.ForeignKeyField(
        "models.Unit", related_name="person_links", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "person_units"
        unique_together = (("person", "unit"),)
