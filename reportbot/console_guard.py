"""A console chat never touches other people's reminders.

`reportbot chat` runs the reminder worker so a demo shows reminders arriving, but it can only
reach the person chatting: every other officer's reminders would be marked undeliverable (or,
with `--at`, "sent" at a time still to come), and the real ones would never go out. So the
chat's worker delivers to the person chatting and nobody else, and `--at` (a pretended clock)
is refused on a database where people have real accounts (any platform but the console).
The reminder worker's `only_person` is set by `reportbot chat` (reportbot/cli/chat_run.py).
"""

from __future__ import annotations

from reportbot.store.queries.people import real_accounts

AT_REFUSED = (
    "reportbot: --at không dùng được trên cơ sở dữ liệu có {count} tài khoản thật "
    "(Telegram, Zalo...): nhắc nhở của họ sẽ bị ghi với giờ giả. Hãy dùng một cơ sở dữ liệu "
    "thử (REPORTBOT_DATABASE_URL). / --at is refused on a database with {count} real "
    "accounts: their reminders would be written with a pretended time; use a test database."
)


async def at_refusal() -> str | None:
    """The message refusing `--at` on this database, or None when it is a console-only one."""
    count = await real_accounts()
    return AT_REFUSED.format(count=count) if count else None
