"""A console chat never touches other people's reminders.

`reportbot chat` runs the reminder worker so a demo shows reminders arriving, but it can only
reach the person chatting: every other officer's reminders would be marked undeliverable (or,
with `--at`, "sent" at a time still to come), and the real ones would never go out. So the
chat's worker delivers to the person chatting and nobody else, and `--at` (a pretended clock)
is refused on a database where people have real accounts (any platform but the console).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportbot.store.models import Identity

if TYPE_CHECKING:
    from reportbot.app import Application

CONSOLE = "console"
AT_REFUSED = (
    "reportbot: --at không dùng được trên cơ sở dữ liệu có {count} tài khoản thật "
    "(Telegram, Zalo...): nhắc nhở của họ sẽ bị ghi với giờ giả. Hãy dùng một cơ sở dữ liệu "
    "thử (REPORTBOT_DATABASE_URL). / --at is refused on a database with {count} real "
    "accounts: their reminders would be written with a pretended time; use a test database."
)


async def real_accounts() -> int:
    """How many identities are on a real platform (anything but the console)."""
    return await Identity.exclude(platform=CONSOLE).count()


async def at_refusal() -> str | None:
    """The message refusing `--at` on this database, or None when it is a console-only one."""
    count = await real_accounts()
    return AT_REFUSED.format(count=count) if count else None


def deliver_only_to(app: Application, person_id: int) -> None:
    """Make the application's reminder worker deliver to this person and nobody else."""
    for worker in app.workers:
        if hasattr(worker, "only_person"):
            worker.only_person = person_id
