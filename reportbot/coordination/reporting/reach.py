"""Whether the bot can reach a unit's officers, for /xem: one line naming who it cannot.

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
    # /tinhhinh, under a period's counts: the units not filed the reminders do not reach
    "status_unreachable": {
        "vi": "⚠️ Bot không liên lạc được cán bộ của {count} đơn vị chưa nộp: {names}. "
        "Gõ /xem <đơn vị> để biết lý do.",
        # The count in brackets, as the digest's heads: "of 1 units" otherwise.
        "en": "⚠️ The bot cannot reach officers of units not filed ({count}): {names}. "
        "Type /view <unit> to see why.",
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
    officers = await officer_accounts(unit_ids)
    people = [officer.person_id for found in officers.values() for officer in found]
    outcomes = await last_outcomes(people, SENT, UNDELIVERABLE) if people else {}
    result: dict[int, list[str]] = {}
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
            if reason:
                result.setdefault(unit_id, []).append(f"{officer.name}: {reason}")
    return result
