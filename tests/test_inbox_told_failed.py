"""An answer the officer was told had failed is never applied later.

Found by a tester filling the disk under a running bot: the answer "0" at question 5 was
stored (the platform saw 200), its step failed ("database or disk is full"), and the officer
read "Xin lỗi, hệ thống đang gặp sự cố … Xin thử lại sau ít phút". They typed the answer again
once space was freed, and it was saved for question 5. At the next start the failed update,
still pending, was replayed and saved "0" under question 6, which the officer never answered.
A failure here is a real one: a trigger makes the database refuse the step's write.
"""

from __future__ import annotations

from datetime import timedelta

from tortoise import Tortoise

from connectors.base import Address, Outgoing
from reportbot.service import ConversationService
from reportbot.store import inbox
from reportbot.store.models import InboxEntry
from tests.conftest import TZ, FakeClock
from tests.support import Chat, stored_answers
from tests.test_inbox import message

SQLITE_REFUSE = (
    "CREATE TRIGGER drill_refuse BEFORE UPDATE ON conversation_states "
    "BEGIN SELECT RAISE(ABORT, 'database or disk is full (drill)'); END",
)
POSTGRES_REFUSE = (
    "CREATE OR REPLACE FUNCTION drill_refuse() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'database or disk is full (drill)'; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER drill_refuse BEFORE UPDATE ON conversation_states "
    "FOR EACH ROW EXECUTE FUNCTION drill_refuse()",
)


SQLITE_REFUSE_GIVE_UP = (
    "CREATE TRIGGER drill_refuse_give_up BEFORE UPDATE ON inbox WHEN NEW.status = 'failed' "
    "BEGIN SELECT RAISE(ABORT, 'database or disk is full (drill)'); END",
)
POSTGRES_REFUSE_GIVE_UP = (
    "CREATE TRIGGER drill_refuse_give_up BEFORE UPDATE ON inbox FOR EACH ROW "
    "WHEN (NEW.status = 'failed') EXECUTE FUNCTION drill_refuse()",
)


TRIGGERS = (("drill_refuse", "conversation_states"), ("drill_refuse_give_up", "inbox"))


async def refuse_steps(database_url: str, *, give_ups_too: bool = False) -> None:
    """Make the database refuse every step's write (and the set-aside), as a full disk does."""
    sqlite = database_url.startswith("sqlite://")
    statements = SQLITE_REFUSE if sqlite else POSTGRES_REFUSE
    if give_ups_too:
        statements += SQLITE_REFUSE_GIVE_UP if sqlite else POSTGRES_REFUSE_GIVE_UP
    for statement in statements:
        await Tortoise.get_connection("default").execute_script(statement)


async def take_steps_again(database_url: str) -> None:
    """Space freed: the database takes every write again."""
    sqlite = database_url.startswith("sqlite://")
    for trigger, table in (
        ("drill_refuse", "conversation_states"),
        ("drill_refuse_give_up", "inbox"),
    ):
        on = "" if sqlite else f" ON {table}"
        await Tortoise.get_connection("default").execute_script(
            f"DROP TRIGGER IF EXISTS {trigger}{on}"
        )


async def test_a_failed_answer_retyped_by_the_officer_is_not_replayed_at_the_next_start(
    service: ConversationService, clock: FakeClock, database_url: str
) -> None:
    chat = Chat(service, "u-hoiphunu", platform="console")
    await chat.send("/baocao", update_id="1")
    await chat.send("1", update_id="2")
    await refuse_steps(database_url)
    told = await chat.send("có", update_id="3")
    assert "Xin thử lại sau ít phút" in told[-1].text, told
    await take_steps_again(database_url)
    await chat.send("có", update_id="4")  # as told: again, a few minutes later
    assert (await stored_answers())["co_ke_hoach"] == "yes"
    assert (await InboxEntry.get(update_id="3")).status == inbox.FAILED

    await service.close()
    restarted = ConversationService(TZ, clock=clock)
    await restarted.start()
    sent: list[tuple[Address, list[Outgoing]]] = []

    async def deliver(address: Address, replies: list[Outgoing]) -> None:
        sent.append((address, replies))

    assert await restarted.recover(deliver) == 0
    assert sent == []
    assert "so_ke_hoach" not in await stored_answers()  # the next question: still unanswered
    await restarted.close()


async def test_an_older_update_is_never_applied_after_a_newer_one_of_the_same_person(
    service: ConversationService, clock: FakeClock
) -> None:
    """When even the give-up could not be written (the disk still full), the update stays
    pending; a later message of the same person, handled since, makes it stale for good."""
    chat = Chat(service, "u-hoiphunu", platform="console")
    await chat.send("/baocao", update_id="1")
    await chat.send("1", update_id="2")
    # "có" stored and acknowledged, its step and its give-up both lost; then "có" again.
    assert await service.committer.accept(message("có", "3"), clock()) == "new"
    await chat.send("có", update_id="4")
    assert [e.message.update_id for e in await inbox.pending_entries()] == []
    row = await InboxEntry.get(update_id="3")
    assert (row.status, row.last_error) == (inbox.FAILED, "superseded")
    assert "so_ke_hoach" not in await stored_answers()


async def test_a_failed_update_whose_set_aside_failed_too_is_not_handled_by_this_process(
    service: ConversationService, database_url: str
) -> None:
    """Review finding: the set-aside is a write too, and a full disk refuses it as well; the
    update stayed pending, and the next recovery (or a worker's claim) applied it."""
    chat = Chat(service, "u-hoiphunu", platform="console")
    await chat.send("/baocao", update_id="1")
    await chat.send("1", update_id="2")
    await refuse_steps(database_url, give_ups_too=True)
    told = await chat.send("có", update_id="3")
    assert "Xin thử lại sau ít phút" in told[-1].text, told
    assert (await InboxEntry.get(update_id="3")).status == inbox.PENDING
    sent: list[tuple[Address, list[Outgoing]]] = []

    async def deliver(address: Address, replies: list[Outgoing]) -> None:
        sent.append((address, replies))

    await service.recover(deliver)  # it comes back while the disk is still full
    assert sent == [] and (await InboxEntry.get(update_id="3")).status == inbox.PENDING
    await take_steps_again(database_url)
    await chat.send("có", update_id="4")  # retyped, as told
    answers = await stored_answers()
    assert answers["co_ke_hoach"] == "yes" and "so_ke_hoach" not in answers
    await service.recover(deliver)
    assert sent == [] and (await InboxEntry.get(update_id="3")).status == inbox.FAILED


async def test_the_overtaken_update_is_set_aside_before_its_evidence_is_pruned(
    service: ConversationService, clock: FakeClock
) -> None:
    """Review finding: `prune` deleted the later update's row a week on, and the next start
    handled the old one."""
    chat = Chat(service, "u-hoiphunu", platform="console")
    await chat.send("/baocao", update_id="1")
    await chat.send("1", update_id="2")
    assert await service.committer.accept(message("có", "3"), clock()) == "new"
    await chat.send("có", update_id="4")
    await inbox.prune(clock() + timedelta(days=8))
    assert await inbox.pending_entries() == []
    assert (await InboxEntry.get(update_id="3")).last_error == "superseded"
