"""Whether the bot can reach a unit's officers: for /xem one line naming who it cannot, for
/tinhhinh the units none of whose officers it can reach.

The digest tells coordinators who could not be reached for one period; a coordinator looking
at one unit (/xem) meets the same reasons, in the digest's words: no officer, no messaging
account, an account only on a platform this bot does not run, or the last reminder refused
for good (Telegram "blocked by user", Zalo OA -213 "not following"). A later reminder that
went through means the officer can be reached again, so the latest outcome decides.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportbot.reminders import messages
from reportbot.reminders.schedule import SENT, UNDELIVERABLE
from reportbot.reminders.store import NOT_FOLLOWING_MARK
from reportbot.store.queries.reminders import last_outcomes
from reportbot.store.queries.reports import officer_accounts
from reportbot.vocabulary.catalogue import register

TEXTS: dict[str, dict[str, str]] = {
    "unreachable": {
        "vi": "⚠️ Bot không liên lạc được: {who}. Xin anh/chị báo trực tiếp cho đơn vị.",
        "en": "⚠️ The bot cannot reach: {who}. Please tell the unit directly.",
    },
    # /tinhhinh, under each period's lines: the units owing that period none of whose
    # officers the reminders reach (one officer reached is enough for the unit to hear).
    "status_unreachable": {
        "vi": "⚠️ Bot không liên lạc được cán bộ nào của {count} đơn vị chưa nộp báo cáo "
        "{period}: {names}. Gõ /xem <đơn vị> để biết lý do.",
        # The count in brackets, as the digest's heads: "of 1 units" otherwise.
        "en": "⚠️ The bot cannot reach any officer of units that have not filed {period} "
        "({count}): {names}. Type /view <unit> to see why.",
    },
}
REACH = register("reach", TEXTS)


async def unreachable_line(unit_id: int, platforms: set[str], locale: str) -> str | None:
    """'⚠️ Bot không liên lạc được: Cán bộ Nam: không gửi được tin nhắn. …' for the unit's
    officers the bot cannot reach (None when it can reach them all); `platforms` are the
    running connectors (empty: every account counts as reachable, as in the digest)."""
    found = (await unreachable_officers([unit_id], platforms, locale)).get(unit_id)
    return REACH.say("unreachable", locale, who="; ".join(found)) if found else None


async def unreachable_officers(
    unit_ids: Sequence[int], platforms: set[str], locale: str
) -> dict[int, list[str]]:
    """Of these units, those with an officer the bot cannot reach (or with no officer): unit
    id -> 'name: reason' of each (the digest's 'chưa có cán bộ' for a unit without one)."""
    found = await _reasons(unit_ids, platforms, locale)
    return {
        unit_id: [reason for reason in reasons if reason is not None]
        for unit_id, reasons in found.items()
        if any(reason is not None for reason in reasons)
    }


async def unreachable_units(unit_ids: Sequence[int], platforms: set[str]) -> set[int]:
    """Of these units, those none of whose officers the bot can reach (or with no officer):
    the units a reminder does not reach at all (/tinhhinh)."""
    found = await _reasons(unit_ids, platforms, "vi")
    return {unit_id for unit_id, reasons in found.items() if None not in reasons}


async def _reasons(
    unit_ids: Sequence[int], platforms: set[str], locale: str
) -> dict[int, list[str | None]]:
    """Each unit's officers as 'name: reason' when the bot cannot reach them, None when it
    can ('chưa có cán bộ' alone for a unit without one)."""
    officers = await officer_accounts(unit_ids)
    people = [officer.person_id for found in officers.values() for officer in found]
    outcomes = await last_outcomes(people, SENT, UNDELIVERABLE) if people else {}
    result: dict[int, list[str | None]] = {}
    for unit_id in unit_ids:
        if unit_id not in officers:
            result[unit_id] = [messages.text("reason_no_officer", locale)]
            continue
        for officer in officers[unit_id]:
            status, error = outcomes.get(officer.person_id) or (SENT, None)
            reason = messages.unreachable_reason(
                status == UNDELIVERABLE,
                NOT_FOLLOWING_MARK in (error or ""),
                officer.platforms,
                platforms,
                locale,
            )
            result.setdefault(unit_id, []).append(f"{officer.name}: {reason}" if reason else None)
    return result
