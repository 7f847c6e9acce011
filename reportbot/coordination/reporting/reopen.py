"""Reopening a submitted report for changes after its deadline, and telling the unit.

Only a locked report is reopened: before the deadline the officers can still change a
submitted report themselves, so /mo says so and changes nothing. The report's status becomes
'reopened' (the engine then offers it for editing and its next submission counts as a new
revision); it stays filed, with its last submitted answers, until it is sent again. The sheet
row is queued again, the action is written to the audit log, and each officer of the unit is
told through the first of their platform accounts that a running connector can reach.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from connectors.base import DeliveryError, Outgoing
from reportbot.conversation.session import PersonInfo
from reportbot.coordination import audit
from reportbot.coordination.texts import Problem, t
from reportbot.forms.schema import FormTemplate, pick
from reportbot.owed import is_overdue
from reportbot.periods import Period, period_by_key
from reportbot.store.forms import template_by_record
from reportbot.store.queries.reports import reopen_submission, reports_to_reopen, unit_officers
from reportbot.vocabulary.catalogue import register
from reportbot.vocabulary.format import date_text

if TYPE_CHECKING:
    from reportbot.host import Host
    from reportbot.store.models import Submission, Unit

log = logging.getLogger(__name__)
MESSAGES: dict[str, dict[str, str]] = {
    "not_locked": {
        "vi": "“{title}” – {period} của {unit} vẫn còn trong hạn (đến hết ngày {deadline}): "
        "cán bộ của đơn vị tự sửa được, không cần mở lại. Báo cáo vẫn được tính là đã nộp.",
        "en": "“{title}” – {period} of {unit} is still open until the end of {deadline}: "
        "the unit's officers can change it themselves, no need to reopen it. It still counts "
        "as filed.",
    },
}
REOPEN = register("reopen", MESSAGES)


def describe(form: str | None, period: str | None) -> str:
    """' “form” period' for messages about what was asked for ('' when nothing was named)."""
    return (f" “{form}”" if form else "") + (f" {period}" if period else "")


async def reopen_report(
    host: Host, person: PersonInfo, unit: Unit, form: str | None, period: str | None
) -> list[Outgoing]:
    """Reopen the unit's latest submitted report (of `form`, for `period` if given)."""
    _submitted, submission = await reports_to_reopen(unit.id, form, period)
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
    if not is_overdue(when, host.clock()):
        deadline = date_text(when.deadline, host.settings.timezone)
        return [Outgoing(REOPEN.say("not_locked", locale, deadline=deadline, **params))]
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
    if await reopen_submission(submission.id, now):
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
    for identities in await unit_officers(unit.id):
        for officer in identities:
            text = t(
                "reopen_notice",
                officer.locale,
                title=pick(template.title, officer.locale),
                period=period.label(officer.locale),
                unit=unit.name,
                who=person.name,
            )
            connector = connectors.get(officer.address.platform)
            if connector is None:
                continue
            try:
                await connector.send(officer.address, [Outgoing(text)])
            except DeliveryError as exc:
                # Not reachable there (blocked the bot; on the console, not the person at
                # this terminal): no fault to fix, and the coordinator is told in the chat.
                log.info(
                    "reopen notice to person %s on %s not delivered: %s",
                    officer.person_id,
                    officer.address.platform,
                    exc,
                )
                continue
            except Exception as exc:  # one unreachable account must not stop the others
                log.warning(
                    "reopen notice to person %s on %s failed: %s",
                    officer.person_id,
                    officer.address.platform,
                    exc,
                )
                continue
            told.append(f"{officer.name} ({officer.address.platform})")
            break
    return told
