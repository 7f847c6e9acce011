"""One `web` and two `worker` processes on a throwaway PostgreSQL database, over real HTTP.

Officers file the whole report through the fake Telegram's webhook calls, each sending their
next message without waiting for the bot's answer (so a worker that took a person's messages
out of order would store answers under the wrong questions). Then every update must be done
once, every report submitted once with exactly the typed answers, and every reply delivered.
A second run kills one worker with kill -9 in the middle: nothing may be lost or doubled.
There the officers read the screen before answering, as people do: an answer that met a
question whose delivery was never confirmed (the worker died between sending it and recording
the receipt) is not stored and the question is shown again (issue 12), so a script typing
ahead blindly would shift every later answer, which no person does.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from reportbot.store.models import (
    ConversationState,
    InboxEntry,
    OutboxEntry,
    Person,
    Submission,
)
from reportbot.store.replies import REPLY_TOPIC
from tests.fakes.telegram import FakeTelegram
from tests.support import NQ57_SCRIPT, stored_answers
from tests.workers_harness import LINES, SECRET, Cluster, seed_officers, wait_until

OFFICERS = 6
EXPECTED = {qid: value for qid, _typed, value in NQ57_SCRIPT if value is not None}
TYPED = {qid: typed for qid, typed, _value in NQ57_SCRIPT}


async def _file(telegram: FakeTelegram, cluster: Cluster, user: int, sent: list[int]) -> None:
    """One officer types the whole report; each webhook call must be acknowledged with 200."""
    for line in LINES:
        status = await telegram.post_webhook(
            cluster.webhook, telegram.text_update(user, line), SECRET
        )
        assert status == 200
        sent.append(user)


async def _screen(user: int) -> tuple[str, str | None]:
    """What the officer's chat shows now: the conversation's mode and the question asked."""
    row = await ConversationState.get_or_none(person__identities__external_id=str(user))
    data = json.loads(row.data) if row is not None else {}
    return data.get("mode", "idle"), data.get("q")


async def _file_reading(
    telegram: FakeTelegram, cluster: Cluster, user: int, sent: list[int]
) -> None:
    """One officer files the report answering what the screen shows, one message at a time
    (each handled before the next is typed); stops once the report is sent."""
    for _turn in range(3 * len(LINES)):
        mode, question = await _screen(user)
        if mode == "answering" and question is not None:
            line = TYPED.get(question, "/boqua")
        else:
            line = {"review": "/gui", "confirm": "có", "choosing": "1"}.get(mode, "/baocao")
        status = await telegram.post_webhook(
            cluster.webhook, telegram.text_update(user, line), SECRET
        )
        assert status == 200
        sent.append(user)
        mine = sent.count(user)

        async def handled(mine: int = mine) -> bool:
            done = InboxEntry.filter(user_id=str(user), status="done")
            return await done.count() >= mine

        await wait_until(handled, f"officer {user}'s message {mine} handled", timeout=90)
        if line == "có":  # the answer to it is read before going on (sent after the commit)
            await wait_until(lambda: _nothing_owed(user), f"officer {user}'s replies", 90)
            if "✅ Đã gửi" in "".join(telegram.sent_texts(user)[-3:]):
                return
    raise AssertionError("\n---\n".join(telegram.sent_texts(user)))


async def _nothing_owed(user: int) -> bool:
    """Whether every reply of the officer's handled messages reached the chat: its row is
    deleted once Telegram took it (a killed worker's are sent again by another one)."""
    person = await Person.get(identities__external_id=str(user))
    owed = OutboxEntry.filter(topic=REPLY_TOPIC, key__startswith=f"{person.id}.")
    return not await owed.exists()


async def _all_done(expected: int) -> bool:
    return await InboxEntry.filter(status="done").count() == expected


async def _check_outcome(telegram: FakeTelegram, users: list[int], updates: int) -> None:
    """Every update done once, every report submitted once with the typed answers, every
    reply delivered (none left owed) and each officer thanked."""
    assert await InboxEntry.filter(status="done").count() == updates
    assert await InboxEntry.exclude(status="done").count() == 0
    for number, user in enumerate(users):
        submission = await Submission.get(unit__code=f"doan{number}")
        transcript = "\n---\n".join(telegram.sent_texts(user))
        assert (submission.status, submission.revision) == ("submitted", 1), transcript
        assert await stored_answers(f"doan{number}") == EXPECTED, f"officer {number}"
        thanked = [t for t in telegram.sent_texts(user) if "✅ Đã gửi" in t]
        assert len(thanked) == 1, telegram.sent_texts(user)[-3:]
        assert not [t for t in telegram.sent_texts(user) if "Xin lỗi" in t]

    async def replies_confirmed() -> bool:
        return await OutboxEntry.filter(topic=REPLY_TOPIC).count() == 0

    await wait_until(replies_confirmed, "every reply to be confirmed", timeout=60)


async def _run_cluster(pg: str, tmp_path: Path, *, kill_after: int | None) -> None:
    users = await seed_officers(OFFICERS)
    async with FakeTelegram() as telegram:
        cluster = Cluster(telegram, pg, tmp_path)
        try:
            await cluster.start_all({"web": "web", "worker-1": "worker", "worker-2": "worker"})
            sent: list[int] = []
            officer = _file if kill_after is None else _file_reading
            filing = asyncio.gather(*(officer(telegram, cluster, u, sent) for u in users))
            if kill_after is not None:

                async def handled_enough() -> bool:
                    return await InboxEntry.filter(status="done").count() >= kill_after

                await wait_until(handled_enough, f"{kill_after} updates handled")
                cluster.kill("worker-1")
            await filing
            updates = len(sent)
            await wait_until(lambda: _all_done(updates), "every update handled", timeout=120)
            await _check_outcome(telegram, users, updates)
        finally:
            codes = await cluster.stop()
        logs = {name: cluster.log(name) for name in cluster.processes}
        for name, code in codes.items():
            if name == "worker-1" and kill_after is not None:
                assert code == -9
                continue
            assert code == 0, logs[name]
            assert "Traceback" not in logs[name], logs[name]


async def test_one_web_two_workers_keep_order_and_deliver(pg: str, tmp_path: Path) -> None:
    await _run_cluster(pg, tmp_path, kill_after=None)


async def test_kill_9_of_a_worker_loses_and_doubles_nothing(pg: str, tmp_path: Path) -> None:
    await _run_cluster(pg, tmp_path, kill_after=OFFICERS * len(LINES) // 3)
