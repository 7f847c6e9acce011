"""Property: for random sendings around the deadline (Asia/Ho_Chi_Minh, minutes either side of
local midnight, which is 17:00 UTC the day before) with later sendings after an edit or a
reopening, what the coordinator reads adds up.

- /tonghop's "đúng hạn a, muộn b": a + b = the units that sent, a = those whose first
  sending was on or before 23:59 on 20/12 local;
- a unit's /xem says "lần N" with N its number of sendings, "nộp muộn" when its first
  sending was late, and the first sending's local time;
- each ✅ the officer read names its sending's number ("lần k"), or that the first was late;
- a report the coordinator reopens at the end stays counted as first sent, and /xem says so.

The expected figures come from the generated plan (plain data), never from the code under test.
"""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from reportbot.app import Application
from reportbot.config import Settings
from reportbot.periods import period_by_key
from reportbot.reminders.schedule import COORDINATORS, DIGEST_AFTER, Due, Recipient, Slot
from reportbot.store.database import tortoise_config
from reportbot.store.models import Person
from tests.conftest import TZ, FakeClock
from tests.support import Chat
from tests.test_figures_sendings import seed

MIDNIGHT = datetime(2026, 12, 21, 0, 0)  # local: the first late minute of 2026-H2
CODES = ["hpn", "doan", "mttq", "ccb"]  # four of the seeded units

# Minutes from local midnight after the deadline day: near it, or anywhere in five days.
OFFSETS = st.one_of(st.integers(-90, 90), st.integers(-3 * 1440, 2 * 1440))
SENDINGS = st.lists(OFFSETS, unique=True, max_size=3).map(sorted)
PLANS = st.fixed_dictionaries({code: SENDINGS for code in CODES})
REOPENED = st.sets(st.sampled_from(CODES))  # reopened at the end, if they sent


@dataclass(frozen=True)
class Sending:
    moment: datetime  # local wall clock
    code: str
    number: int  # 1 for the first sending of the unit

    @property
    def late(self) -> bool:
        return self.moment >= MIDNIGHT


def timeline(plan: dict[str, list[int]]) -> list[Sending]:
    events = [
        Sending(MIDNIGHT + timedelta(minutes=offset), code, number)
        for code, offsets in plan.items()
        for number, offset in enumerate(offsets, start=1)
    ]
    return sorted(events, key=lambda s: (s.moment, s.code))


def lines(sending: Sending) -> list[str]:
    """What the officer types for this sending (the staff figure is the sending's number, so
    every sending changes the report)."""
    # After the deadline an unsent 2026-H2 is overdue and offered first; once sent (or
    # reopened) it keeps its place after 2027-H1.
    pick = [] if not sending.late else ["1"] if sending.number == 1 else ["2"]
    figure = str(sending.number)
    if sending.number == 1:
        return ["/baocao", *pick, figure, "/boqua", "/gui", "có"]
    return ["/baocao", *pick, "/sua 1", figure, "/gui", "có"]


async def play(
    plan: dict[str, list[int]], reopened: set[str], app: Application, clock: FakeClock
) -> None:
    coordinator = Chat(app.service, "u-coord")
    for sending in timeline(plan):
        clock.set_local(sending.moment)
        if sending.number > 1 and sending.late:  # locked after the deadline: reopened first
            assert (await coordinator.say(f"/mo {sending.code}")).startswith("🔓")
        chat = Chat(app.service, f"u-{sending.code}")
        for line in lines(sending):
            reply = await chat.say(line)
        first = reply.splitlines()[0]
        if sending.number == 1 and sending.late:
            assert "(nộp muộn, hạn là 20/12/2026)" in first, first
        else:
            assert f"(lần {sending.number})." in first, (sending, first)
    clock.set_local(MIDNIGHT + timedelta(days=3))
    sent = {code: offsets for code, offsets in plan.items() if offsets}
    for code in sorted(reopened & set(sent)):
        assert (await coordinator.say(f"/mo {code}")).startswith("🔓")
    on_time = sum(1 for offsets in sent.values() if offsets[0] < 0)
    summary = (await coordinator.send("/tonghop"))[0].text.splitlines()
    assert summary[1].startswith(
        f"Đã nộp {len(sent)}/8 đơn vị (đúng hạn {on_time}, muộn {len(sent) - on_time});"
    ), summary
    # The digest sorts the same units: its "late" and "on time" sections hold the same counts.
    reminders = app.reminders
    templates = await reminders.templates()
    period = period_by_key(templates["so_lieu"].period, "2026-H2", TZ)
    now = clock()
    slot = Slot("so_lieu", period, DIGEST_AFTER, COORDINATORS, now, now + timedelta(days=1))
    person = await Person.get(name="Điều phối vi")
    [digest] = await reminders.digest_messages(
        [Due(slot, Recipient(person.id, None))], templates, {"console"}
    )
    heads = [part.splitlines()[0] for part in digest.text.split("\n\n")]
    assert heads[0].startswith("📊") and f"Đã nộp: {len(sent)}/8 đơn vị." in digest.text
    assert (f"Nộp muộn ({len(sent) - on_time}):" in heads) == (len(sent) > on_time)
    assert (f"Đã nộp đúng hạn ({on_time}):" in heads) == (on_time > 0)
    for code, offsets in sent.items():
        first = MIDNIGHT + timedelta(minutes=offsets[0])
        when = first.strftime("%H:%M %d/%m/%Y")
        late = "muộn " if offsets[0] >= 0 else ""
        if code in reopened:
            expected = (
                f"được mở lại để sửa (nộp {late}lần đầu lúc {when}; đang tính bản gửi lần "
                f"{len(offsets)})"
            )
        elif len(offsets) == 1:
            expected = f"{'nộp muộn' if late else 'đã nộp'} lúc {when} (lần 1)"
        else:
            expected = (
                f"nộp {late}lần đầu lúc {when}; đã gửi lại, bản đang tính là lần {len(offsets)}"
            )
        view = (await coordinator.say(f"/xem {code}")).splitlines()
        assert view[2] == f"Tình trạng: {expected}", (code, offsets)
        assert view[3] == f"1. Tổng số cán bộ: {len(offsets)}"


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=PLANS, reopened=REOPENED)
# 23:59 and 00:00 on either side; on time then late; late, reopened and sent again
@example(plan={"hpn": [-1], "doan": [0], "mttq": [-2000, -1, 5], "ccb": [3, 60]}, reopened={"doan"})
def test_random_sendings_add_up(
    plan: dict[str, list[int]], reopened: set[str], sqlite_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "sendings.db"
    shutil.copy(sqlite_template, path)

    async def run() -> None:
        EXECUTOR_CACHE.clear()
        url = f"sqlite://{path}"
        await Tortoise.init(config=tortoise_config(url))
        try:
            await seed()
            clock = FakeClock(MIDNIGHT.replace(tzinfo=TZ) - timedelta(days=5))
            app = Application(Settings(database_url=url, media_dir=tmp_path / "m"), clock=clock)
            await app.service.start()
            try:
                await play(plan, reopened, app, clock)
            finally:
                await app.service.close()
        finally:
            await Tortoise.close_connections()

    asyncio.run(run())
