"""A console chat never touches other people's reminders.

`reportbot chat` runs the reminder worker so a demo shows reminders arriving, but it can only
reach the person chatting: every other officer's reminders would be marked undeliverable (or,
with `--at`, "sent" at a time still to come), and the real ones would never go out. So the
chat's worker delivers to the person chatting and nobody else, and `--at` (a pretended clock)
is refused on a database where people have real accounts (any platform but the console).
The reminder worker's `only_person` is set by `reportbot chat` (reportbot/cli/chat_run.py).
"""

from __future__ import annotations

from reportbot.startup_texts import STARTUP
from reportbot.store.queries.people import real_accounts


async def at_refusal(locale: str = "vi") -> str | None:
    """The line refusing `--at` on this database (in `locale`), or None when it is a
    console-only one."""
    count = await real_accounts()
    return "reportbot: " + STARTUP.say("at_refused", locale, count=count) if count else None
