"""Helpers shared by the reminder tests: a recording connector, a commune, the 2026-H1 facts.

`RecordingConnector` is a real implementation of the Connector protocol that keeps what it
delivers (and refuses whom it is told to): a connector, not a mock of our code.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from connectors.base import Address, Capabilities, Outgoing, RecipientRefused
from reportbot.reminders.fanout import FanOut
from reportbot.reminders.schedule import DIGEST_AFTER, DIGEST_BEFORE
from reportbot.reminders.worker import ReminderWorker
from reportbot.store.models import (
    FormTemplateRecord,
    Identity,
    Person,
    ReminderDelivery,
    Submission,
    Unit,
)
from tests.conftest import FakeClock

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FORM = "nq57_bao_cao_6_thang"
PERIOD = "2026-H1"
PRE = ("d-7", "d-3", "d-1", "d-0")
LATE = tuple(f"late-{n}" for n in range(1, 6))
# When each reminder of 2026-H1 (deadline Saturday 20/06/2026) must go, in local time.
EXPECTED_DAY = {
    "d-7": "13/06",
    "d-3": "17/06",
    "d-1": "19/06",
    "d-0": "20/06",
    "late-1": "22/06",
    "late-2": "24/06",
    "late-3": "26/06",
    "late-4": "29/06",  # 28/06 is a Sunday
    "late-5": "30/06",
    DIGEST_BEFORE: "19/06",
    DIGEST_AFTER: "22/06",  # 21/06 is a Sunday
}


def local(*args: int) -> datetime:
    """A Vietnam wall-clock moment, aware, in UTC."""
    return datetime(*args, tzinfo=TZ).astimezone(UTC)


@dataclass
class Delivered:
    """One message a connector delivered."""

    user_id: str
    text: str
    payloads: tuple[str, ...]
    at: datetime  # on the test's clock
    monotonic: float  # on the event loop's clock, for rates
    via: str  # the connector's name


@dataclass
class RecordingConnector:
    """A connector that delivers into a list; refuses some users; may fail or stall on cue."""

    name: str
    clock: Callable[[], datetime]
    refuse: set[str] = field(default_factory=set)
    capabilities: Capabilities = field(default_factory=lambda: Capabilities(buttons=True))
    delay: float = 0.0
    delivered: list[Delivered] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    on_send: Callable[[Address], Awaitable[None]] | None = None

    async def start(self) -> None:
        """Nothing to start."""

    async def stop(self) -> None:
        """Nothing to stop."""

    async def send(self, address: Address, messages: Sequence[Outgoing]) -> None:
        """Deliver, refuse, or do what `on_send` says first."""
        if self.on_send is not None:
            await self.on_send(address)
        if self.delay:
            await asyncio.sleep(self.delay)
        if address.user_id in self.refuse:
            self.refused.append(address.user_id)
            raise RecipientRefused("Forbidden: bot was blocked by the user")
        for message in messages:
            payloads = tuple(choice.payload for choice in message.choices)
            self.delivered.append(
                Delivered(
                    address.user_id,
                    message.text,
                    payloads,
                    self.clock(),
                    asyncio.get_running_loop().time(),
                    self.name,
                )
            )


class TooManyRequests(Exception):
    """What a platform client raises on HTTP 429 (it carries the wait asked for)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"429 Too Many Requests: retry after {retry_after}")
        self.retry_after = retry_after


def worker_for(
    connectors: Sequence[RecordingConnector], clock: FakeClock, holder: str = "test", **kw
) -> ReminderWorker:
    """A worker over the test connectors, with short retry pauses."""
    fanout = kw.pop("fanout", None) or FanOut(clock, backoff=0.01, max_attempts=3)
    return ReminderWorker(
        lambda: list(connectors), tz=TZ, clock=clock, holder=holder, fanout=fanout, **kw
    )


async def template_record() -> FormTemplateRecord:
    return await FormTemplateRecord.filter(key=FORM).order_by("-version").first()


async def file_report(
    unit: Unit, at: datetime, *, status: str = "submitted", period: str = PERIOD
) -> Submission:
    """A unit's report (of 2026-H1 by default), as the conversation service would store it."""
    record = await template_record()
    submission, _ = await Submission.get_or_create(
        form_key=FORM,
        unit=unit,
        period_key=period,
        defaults={"template": record, "created_at": at, "updated_at": at, "status": "draft"},
    )
    submission.status = status
    submission.updated_at = at
    if status == "submitted":
        submission.submitted_at = at
        submission.revision = 1
    await submission.save()
    return submission


async def officer(
    code: str, unit: Unit, *, platform: str = "fake", active: bool = True, role: str = "officer"
) -> Person:
    """A person with one identity on `platform` (none when platform is empty)."""
    person = await Person.create(name=f"Cán bộ {code}", unit=unit, role=role, active=active)
    if platform:
        await Identity.create(
            platform=platform, external_id=f"u-{code}", chat_id=f"c-{code}", person=person
        )
    return person


async def commune(count: int, unit_type: str = "doan_the") -> list[Person]:
    """`count` units of one type with one reachable officer each."""
    people = []
    for n in range(count):
        unit = await Unit.create(code=f"unit{n:03d}", name=f"Đơn vị {n:03d}", type=unit_type)
        people.append(await officer(f"p{n:03d}", unit))
    return people


async def rows_by_user() -> dict[tuple[str, str], str]:
    """(external user id, kind) -> status of every reminder row."""
    rows = await ReminderDelivery.all().prefetch_related("person__identities")
    found = {}
    for row in rows:
        identities = list(row.person.identities)
        user = identities[0].external_id if identities else f"#{row.person_id}"
        found[(user, row.kind)] = row.status
    return found


def sections(text: str) -> dict[str, list[str]]:
    """A digest's sections: header (without the count) -> its bullet lines."""
    found: dict[str, list[str]] = {}
    for block in text.split("\n\n"):
        head, *lines = block.split("\n")
        found[re.sub(r"\s*\(\d+\):$", "", head)] = [line.removeprefix("• ") for line in lines]
    return found
