"""Reopening a submitted report for changes after its deadline, and telling the unit.

The report's status becomes 'reopened' (the engine then offers it for editing and its next
submission counts as a new revision), the sheet row is queued again, the action is written to
the audit log, and each officer of the unit is told through the first of their platform
accounts that a running connector can reach.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from tortoise import connections
from tortoise.transactions import in_transaction

from connectors.base import Address, Outgoing
from reportbot.conversation.session import PersonInfo
from reportbot.coordination import audit
from reportbot.coordination.texts import Problem, t
from reportbot.forms.schema import FormTemplate, pick
from reportbot.periods import Period, period_by_key
from reportbot.store.forms import template_by_record
from reportbot.store.models import Person, Submission, Unit
from reportbot.store.writer import SHEET_TOPIC, UPSERT_OUTBOX, SqlDialect

if TYPE_CHECKING:
    from reportbot.host import Host

log = logging.getLogger(__name__)


def describe(form: str | None, period: str | None) -> str:
    """' “form” period' for messages about what was asked for ('' when nothing was named)."""
    return (f" “{form}”" if form else "") + (f" {period}" if period else "")


async def reopen_report(
    host: Host, person: PersonInfo, unit: Unit, form: str | None, period: str | None
) -> list[Outgoing]:
    """Reopen the unit's latest submitted report (of `form`, for `period` if given)."""
    query = Submission.filter(unit_id=unit.id)
    if form:
        query = query.filter(form_key=form)
    if period:
        query = query.filter(period_key=period)
    submission = await query.filter(status="submitted").order_by("-submitted_at").first()
    if submission is None:
        submission = await query.order_by("-updated_at").first()
        if submission is None:
            raise Problem("no_submitted_report", unit=unit.name, what=describe(form, period))
    template = await template_by_record(submission.template_id)  # type: ignore[attr-defined]
    when = period_by_key(template.period, submission.period_key, host.settings.timezone)
    locale = person.locale
    params = {
        "title": pick(template.title, locale),
        "period": when.label(locale),
        "unit": unit.name,
    }
    if submission.status == "draft":
        return [Outgoing(t("reopen_not_submitted", locale, **params))]
    if submission.status == "reopened":
        return [Outgoing(t("reopen_already", locale, **params))]
    await _mark_reopened(host, submission, person, unit)
    lines = [t("reopen_done", locale, **params)]
    told = await _tell_officers(host, unit, template, when, person)
    if told:
        lines.append(t("reopen_told", locale, people=", ".join(told)))
    else:
        lines.append(t("reopen_nobody", locale))
    return [Outgoing("\n".join(lines))]


async def _mark_reopened(
    host: Host, submission: Submission, person: PersonInfo, unit: Unit
) -> None:
    now = host.clock()
    async with in_transaction() as tx:
        await Submission.filter(id=submission.id, status="submitted").update(
            status="reopened", updated_at=now
        )
        dialect = SqlDialect(connections.get("default").capabilities.dialect)
        await tx.execute_query(
            dialect.sql(UPSERT_OUTBOX), [SHEET_TOPIC, str(submission.id), now, now]
        )
        await audit.record(
            "submission.reopen",
            {
                "submission": submission.id,
                "unit": unit.code,
                "form": submission.form_key,
                "period": submission.period_key,
            },
            now=now,
            person_id=person.id,
        )
    # The unit's cached reports still say 'submitted': drop them so the officers' next
    # message reads the reopened status.
    host.repository.forget_unit(unit.id)


async def _tell_officers(
    host: Host, unit: Unit, template: FormTemplate, period: Period, person: PersonInfo
) -> list[str]:
    """Send the notice to each officer of the unit; return who was reached, and where."""
    connectors = {connector.name: connector for connector in host.connectors()}
    told: list[str] = []
    officers = await Person.filter(unit_id=unit.id, role="officer", active=True).prefetch_related(
        "identities"
    )
    for officer in officers:
        text = t(
            "reopen_notice",
            officer.locale,
            title=pick(template.title, officer.locale),
            period=period.label(officer.locale),
            unit=unit.name,
            who=person.name,
        )
        for identity in officer.identities:
            connector = connectors.get(identity.platform)
            if connector is None:
                continue
            address = Address(identity.platform, identity.external_id, identity.chat_id)
            try:
                await connector.send(address, [Outgoing(text)])
            except Exception as exc:  # one unreachable account must not stop the others
                log.warning(
                    "reopen notice to person %s on %s failed: %s",
                    officer.id,
                    identity.platform,
                    exc,
                )
                continue
            told.append(f"{officer.name} ({identity.platform})")
            break
    return told
