"""Exactly once under trouble: restarts mid fan-out, a bot that was down, two processes, flaky
platforms, rate limits. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

from connectors.base import Address, Capabilities, DeliveryError, Outgoing, RateLimit
from reportbot.reminders.fanout import FanOut
from reportbot.store.lease import Lease
from reportbot.store.models import Identity, Person, ReminderDelivery, Unit
from tests.conftest import FakeClock
from tests.support import load_shipped_forms
from tests.test_reminders_support import (
    DIGEST_AFTER,
    DIGEST_BEFORE,
    Delivered,
    RecordingConnector,
    TooManyRequests,
    commune,
    local,
    officer,
    rows_by_user,
    sections,
    worker_for,
)


async def wait_for(condition, timeout: float = 5.0) -> None:
    """Wait until `condition()` holds, failing after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.005)


def once_each(*connectors: RecordingConnector) -> Counter:
    """(user, text) -> deliveries, across connectors (each reminder's text is distinct)."""
    return Counter((d.user_id, d.text) for c in connectors for d in c.delivered)


class StallingConnector(RecordingConnector):
    """Delivers, then hangs forever after `limit` deliveries: a process killed between the
    platform accepting a message and the bot recording it."""

    limit: int = 10
    stalled: int = 0

    async def send(self, address: Address, messages: Sequence[Outgoing]) -> None:
        await super().send(address, messages)
        if len(self.delivered) > self.limit:
            self.stalled += 1
            await asyncio.Event().wait()


async def test_restart_mid_fan_out_sends_nothing_twice(db: str) -> None:
    await load_shipped_forms()
    people = await commune(30)
    clock = FakeClock(local(2026, 6, 17, 8, 0))  # d-3 is due
    first = StallingConnector("fake", clock)
    crashing = worker_for([first], clock, holder="first", fanout=FanOut(clock, concurrency=4))
    run = asyncio.create_task(crashing.run_once())
    await wait_for(lambda: first.stalled == 4)  # every sender is stuck after delivering
    run.cancel()  # the process dies
    await asyncio.gather(run, return_exceptions=True)
    assert len(first.delivered) == 14

    clock.advance(minutes=1)
    second = RecordingConnector("fake", clock)
    restarted = worker_for([second], clock, holder="second")
    report = await restarted.run_once()
    assert report.sent == 16
    assert (await restarted.run_once()).sent == 0  # nothing left to do

    counts = once_each(first, second)
    assert len(counts) == len(people) and set(counts.values()) == {1}
    rows = await rows_by_user()
    in_doubt = {user for (user, kind), status in rows.items() if status == "sending"}
    # The four messages that left just before the crash stay 'sending' and are never resent.
    assert len(in_doubt) == 4
    assert in_doubt <= {d.user_id for d in first.delivered}
    assert not in_doubt & {d.user_id for d in second.delivered}
    assert Counter(s for (_, kind), s in rows.items() if kind == "d-3") == {
        "sent": 26,
        "sending": 4,
    }


async def test_a_bot_down_for_three_days_catches_up(db: str) -> None:
    await load_shipped_forms()
    await commune(3)
    boss = await Unit.create(code="vhxh", name="Phòng Văn hóa - Xã hội", type="phong")
    await officer("boss", boss, role="coordinator")
    clock = FakeClock(local(2026, 6, 13, 9, 0))
    fake = RecordingConnector("fake", clock)
    assert (await worker_for([fake], clock).run_once()).sent == 3  # d-7

    clock.now = local(2026, 6, 19, 10, 0)  # down from 13/06 to 19/06 (d-3 was due on 17/06)
    report = await worker_for([fake], clock, holder="restarted").run_once()
    assert report.sent == 3 + 1  # d-1 to the officers, the digest to the coordinator
    assert report.skipped == 3  # d-3 is no longer useful: recorded, never sent
    rows = await rows_by_user()
    assert {rows[(f"u-p{n:03d}", "d-3")] for n in range(3)} == {"skipped"}
    assert {rows[(f"u-p{n:03d}", "d-1")] for n in range(3)} == {"sent"}
    assert rows[("u-boss", DIGEST_BEFORE)] == "sent"

    clock.now = local(2026, 6, 23, 10, 0)  # down again from 19/06 to 23/06, over the deadline
    report = await worker_for([fake], clock, holder="again").run_once()
    assert report.sent == 3 + 1  # late-1 (due 22/06) and the digest after the deadline
    rows = await rows_by_user()
    assert {rows[(f"u-p{n:03d}", "d-0")] for n in range(3)} == {"skipped"}
    assert {rows[(f"u-p{n:03d}", "late-1")] for n in range(3)} == {"sent"}
    assert rows[("u-boss", DIGEST_AFTER)] == "sent"
    texts = [d.text for d in fake.delivered if d.user_id == "u-p000"]
    assert len(texts) == 3
    assert "còn 7 ngày" in texts[0] and "còn 1 ngày" in texts[1] and "Quá hạn 3 ngày" in texts[2]

    # Running on to the end of the window sends the rest once and nothing that was skipped.
    worker = worker_for([fake], clock)
    while clock() < local(2026, 7, 10):
        clock.advance(minutes=167)
        await worker.run_once()
    kinds = Counter(kind for (user, kind), s in (await rows_by_user()).items() if s == "sent")
    assert kinds == {
        "d-7": 3,
        "d-1": 3,
        "late-1": 3,
        "late-2": 3,
        "late-3": 3,
        "late-4": 3,
        "late-5": 3,
        DIGEST_BEFORE: 1,
        DIGEST_AFTER: 1,
    }
    assert len(fake.delivered) == sum(kinds.values())


async def test_two_processes_racing_send_each_reminder_once(db: str) -> None:
    await load_shipped_forms()
    people = await commune(40)
    clock = FakeClock(local(2026, 6, 12, 7, 0))
    one, two = RecordingConnector("fake", clock), RecordingConnector("fake", clock)
    first = worker_for([one], clock, holder="process-1")
    second = worker_for([two], clock, holder="process-2")
    busy = 0
    while clock() < local(2026, 7, 3):
        reports = await asyncio.gather(first.run_once(), second.run_once())
        assert not all(r.sent for r in reports)  # never both in one tick
        busy += sum(r.lease_busy for r in reports)
        clock.advance(minutes=173)
    assert busy > 0  # they did collide on the lease
    counts = once_each(one, two)
    # d-7, d-3, d-1, d-0 and five overdue reminders to each officer, once each.
    assert Counter(d.user_id for c in (one, two) for d in c.delivered) == {
        f"u-p{n:03d}": 9 for n in range(len(people))
    }
    assert set(counts.values()) == {1}


async def test_a_process_whose_lease_ran_out_stops_and_the_next_one_finishes(db: str) -> None:
    await load_shipped_forms()
    people = await commune(24)
    clock = FakeClock(local(2026, 6, 17, 8, 0))
    slow = RecordingConnector("fake", clock, delay=0.02)
    stuck = worker_for(
        [slow],
        clock,
        holder="slow",
        lease_ttl=timedelta(minutes=2),
        fanout=FanOut(clock, concurrency=2),
    )
    run = asyncio.create_task(stuck.run_once())
    await wait_for(lambda: len(slow.delivered) >= 4)
    clock.advance(minutes=3)  # the slow process stalled past its lease
    fast = RecordingConnector("fake", clock)
    report = await worker_for([fast], clock, holder="fast").run_once()
    assert not report.lease_busy
    stuck_report = await run
    assert stuck_report.stopped  # it noticed it lost the lease and claimed nothing more
    counts = once_each(slow, fast)
    assert len(counts) == len(people) and set(counts.values()) == {1}
    assert len(slow.delivered) < len(people)


async def test_the_lease_is_taken_by_one_holder_at_a_time(db: str) -> None:
    clock = FakeClock(local(2026, 6, 17, 8, 0))
    ttl = timedelta(minutes=5)
    a = Lease("job", "a", ttl=ttl, clock=clock)
    b = Lease("job", "b", ttl=ttl, clock=clock)
    results = await asyncio.gather(a.acquire(), b.acquire())
    assert sorted(results) == [False, True]
    holder, other = (a, b) if results[0] else (b, a)
    assert await holder.renew()
    assert not await other.acquire()
    clock.advance(minutes=6)
    assert await other.acquire()  # expired: taken over
    assert not await holder.renew()  # the old holder learns it lost the lease
    assert not await holder.acquire()
    await holder.release()  # releasing a lease one no longer holds changes nothing
    assert not await holder.acquire()
    await other.release()
    assert await holder.acquire()  # released: free at once


async def test_rate_limits_and_429s_are_respected(db: str) -> None:
    await load_shipped_forms()
    await commune(12)
    clock = FakeClock(local(2026, 6, 17, 8, 0))
    limited = RecordingConnector(
        "fake", clock, capabilities=Capabilities(global_rate=RateLimit(40.0))
    )
    throttled: set[str] = set()
    attempts: list[float] = []

    async def too_many_once(address: Address) -> None:
        attempts.append(asyncio.get_running_loop().time())
        if address.user_id not in throttled:
            throttled.add(address.user_id)
            raise TooManyRequests(0.05)

    limited.on_send = too_many_once
    report = await worker_for([limited], clock).run_once()
    assert report.sent == 12 and report.failed == 0
    stamps = sorted(attempts)
    # 24 attempts (each officer is throttled once) at 40 per second: over half a second.
    assert len(stamps) == 24 and stamps[-1] - stamps[0] >= 0.75 * 23 / 40
    # The pacing may catch up after a late wake-up (a busy machine), but no quarter of a
    # second ever holds more than its share of the 40/s limit (plus the one at its start).
    for start in stamps:
        in_window = sum(1 for stamp in stamps if start <= stamp < start + 0.25)
        assert in_window <= 0.25 * 40 + 1
    assert set(once_each(limited).values()) == {1}


async def test_failures_are_retried_while_useful_then_given_up(db: str) -> None:
    await load_shipped_forms()
    (flaky_person, _) = await commune(2)
    clock = FakeClock(local(2026, 6, 17, 8, 0))
    fake = RecordingConnector("fake", clock)
    tries: Counter[str] = Counter()

    async def time_out(address: Address) -> None:
        if address.user_id == "u-p000":
            tries[address.user_id] += 1
            raise TimeoutError("the platform did not answer")

    fake.on_send = time_out
    worker = worker_for([fake], clock)
    statuses = []
    for _ in range(4):
        await worker.run_once()
        row = await ReminderDelivery.get(person=flaky_person, kind="d-3")
        statuses.append((row.status, row.attempts))
        clock.advance(minutes=1)
    assert statuses == [("failed", 1), ("failed", 2), ("undeliverable", 3), ("undeliverable", 3)]
    assert tries["u-p000"] == 3 * 3  # three tries in each of three runs
    assert [d.user_id for d in fake.delivered] == ["u-p001"]


async def test_another_identity_is_tried_and_unconnected_platforms_wait(db: str) -> None:
    await load_shipped_forms()
    unit = await Unit.create(code="hoi", name="Hội Nông dân xã", type="doan_the")
    both = await officer("both", unit, platform="fake_b")
    # The newest identity is tried first; its platform refuses, so the older one is used.
    await Identity.create(platform="fake_a", external_id="a-both", chat_id="a-both", person=both)
    elsewhere = await officer("zalo", unit, platform="zalo_oa")
    clock = FakeClock(local(2026, 6, 17, 8, 0))
    a = RecordingConnector("fake_a", clock, refuse={"a-both"})
    b = RecordingConnector("fake_b", clock)
    report = await worker_for([a, b], clock).run_once()
    assert report.sent == 1 and report.unreachable == 1
    assert [d.user_id for d in b.delivered] == ["u-both"] and a.refused == ["a-both"]
    assert (await ReminderDelivery.get(person=both, kind="d-3")).status == "sent"
    # No connector for zalo_oa in this process: nothing is claimed, so a process that has
    # one sends it while it is still useful.
    assert not await ReminderDelivery.filter(person=elsewhere, kind="d-3").exists()
    clock.advance(minutes=5)
    zalo = RecordingConnector("zalo_oa", clock)
    assert (await worker_for([zalo], clock, holder="other").run_once()).sent == 1
    assert [d.user_id for d in zalo.delivered] == ["u-zalo"]


async def test_the_digest_names_officers_on_unconnected_platforms(db: str) -> None:
    await load_shipped_forms()
    unit = await Unit.create(code="hoi", name="Hội Nông dân xã", type="doan_the")
    await officer("zalo", unit, platform="zalo_oa")
    chief = await Unit.create(code="vhxh", name="Phòng Văn hóa - Xã hội", type="phong")
    leader = await Person.create(name="Lãnh đạo", unit=chief, role="coordinator", locale="en")
    await Identity.create(platform="fake", external_id="u-chief", chat_id="u-chief", person=leader)
    clock = FakeClock(local(2026, 6, 19, 9, 0))
    fake = RecordingConnector("fake", clock)
    await worker_for([fake], clock).run_once()
    (digest,) = [d for d in fake.delivered if d.user_id == "u-chief"]
    assert digest.text.startswith("📊 Filing status:")  # in the coordinator's language
    parts = sections(digest.text)
    assert parts["Could not be reached"] == [
        "Hội Nông dân xã – Cán bộ zalo: zalo_oa account not connected",
        "Phòng Văn hóa - Xã hội – no officer",
    ]
    assert isinstance(digest, Delivered)


async def test_a_queue_stopped_by_a_restart_is_tried_again_not_called_unreachable(db: str) -> None:
    """A DeliveryError that is not the person's (the connector's queue stopped by a restart,
    as connectors/sending.py words it) leaves the reminder to the next run; only a refusal
    tied to the person (RecipientRefused) marks it undeliverable at once."""
    await load_shipped_forms()
    (person, _) = await commune(2)
    clock = FakeClock(local(2026, 6, 17, 8, 0))
    fake = RecordingConnector("fake", clock)
    stopping = {"on": True}

    async def restarting(address: Address) -> None:
        if address.user_id == "u-p000" and stopping["on"]:
            raise DeliveryError("the fake send queue is stopped")

    fake.on_send = restarting
    worker = worker_for([fake], clock)
    await worker.run_once()
    row = await ReminderDelivery.get(person=person, kind="d-3")
    assert (row.status, row.attempts) == ("failed", 1)
    stopping["on"] = False  # the bot is back
    clock.advance(minutes=1)
    await worker.run_once()
    row = await ReminderDelivery.get(person=person, kind="d-3")
    assert row.status == "sent"
    assert sorted(d.user_id for d in fake.delivered) == ["u-p000", "u-p001"]
