"""Telegram's webhook answers from the durable inbox: stored, answered 200, handled after.

The handler here is the real conversation service behind a gate the test opens: the gate
stands for slow processing (a busy group writer, a long step), so the tests can see whether
the webhook's answer waited for it.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from aiohttp import web

from connectors.base import ConnectorContext, Incoming, Outgoing
from connectors.telegram import TelegramConnector, create
from reportbot.registration import create_invite
from reportbot.service import ConversationService
from reportbot.store.inbox import decode_message
from reportbot.store.models import InboxEntry, Unit
from tests.conftest import FakeClock
from tests.fakes.telegram import FakeTelegram, bot_env
from tests.test_inbox import hold_the_database

USER = 515151
SECRET = "inbox-webhook-secret_tg"


@dataclass
class Gate:
    """The application's handler, held until `open` is set."""

    service: ConversationService
    open: asyncio.Event = field(default_factory=asyncio.Event)
    started: list[Incoming] = field(default_factory=list)

    async def __call__(self, incoming: Incoming) -> Sequence[Outgoing]:
        self.started.append(incoming)
        await self.open.wait()
        return await self.service(incoming)


@dataclass
class Hook:
    connector: TelegramConnector
    url: str
    gate: Gate


@pytest.fixture
async def hook(
    tg: FakeTelegram, service: ConversationService, tmp_path: Path
) -> AsyncIterator[Hook]:
    """A Telegram connector in webhook mode that stores each update (`service.accept`)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/hooks/tg"
    app = web.Application()
    gate = Gate(service)
    env = bot_env(tg, WEBHOOK_URL=url, WEBHOOK_SECRET=SECRET, PASTE_WINDOW="0.2")
    context = ConnectorContext(
        handler=gate, env=env, web_app=app, media_dir=tmp_path, accept=service.accept
    )
    connector = create(context)
    assert isinstance(connector, TelegramConnector)
    runner = web.AppRunner(app, shutdown_timeout=0.2)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    await connector.start()
    yield Hook(connector, url, gate)
    gate.open.set()
    await connector.stop()
    await runner.cleanup()


async def answered(tg: FakeTelegram, post: Awaitable[int], what: str) -> int:
    """The webhook's status, failing (after the fake's deadline) if it never answers."""
    task = asyncio.ensure_future(post)
    try:
        await tg.wait_for(task.done, what=what)
    finally:
        if not task.done():
            task.cancel()
    return task.result()


async def rows() -> dict[str, tuple[str, str]]:
    """The Telegram inbox: update id -> (status, payload)."""
    found = await InboxEntry.filter(platform="telegram").values_list(
        "update_id", "status", "payload"
    )
    return {str(uid): (str(status), str(payload)) for uid, status, payload in found}


async def wait_rows(tg: FakeTelegram, check: Callable[[dict[str, tuple[str, str]]], bool]) -> None:
    """Wait until the inbox rows pass `check` (the database is read between waits)."""
    seen: list[dict[str, tuple[str, str]]] = [await rows()]

    async def poll() -> None:
        while not check(seen[-1]):
            await asyncio.sleep(0.02)
            seen.append(await rows())

    task = asyncio.ensure_future(poll())
    try:
        await tg.wait_for(task.done, what="the inbox rows")
    finally:
        task.cancel()


async def test_the_answer_comes_before_the_handling_of_earlier_updates_ends(
    tg: FakeTelegram, hook: Hook, clock: FakeClock
) -> None:
    invite = await create_invite(unit=await Unit.get(code="hoiphunu"), role="officer", now=clock())
    first = tg.text_update(USER, f"/start {invite.code}")
    second = tg.text_update(USER, "/baocao")

    status = await answered(tg, tg.post_webhook(hook.url, first, SECRET), "the first answer")
    assert status == 200
    await tg.wait_for(lambda: len(hook.gate.started) == 1, what="the first handling")
    # The first update's handling is held: the same chat's next update is answered anyway,
    # stored, and waits for its turn (one update of a chat at a time, in arrival order).
    status = await answered(tg, tg.post_webhook(hook.url, second, SECRET), "the second answer")
    assert status == 200
    assert not hook.gate.open.is_set() and len(hook.gate.started) == 1
    stored = await rows()
    ids = [str(first["update_id"]), str(second["update_id"])]
    assert {uid: status for uid, (status, _) in stored.items()} == dict.fromkeys(ids, "pending")

    hook.gate.open.set()
    await wait_rows(tg, lambda found: all(found.get(uid, ("",))[0] == "done" for uid in ids))
    assert [incoming.update_id for incoming in hook.gate.started] == ids
    # What was stored is what was handled: a crash after the answer replays the same message,
    # stamped with the time it arrived (the bot's clock; the service stamps a live one).
    for incoming in hook.gate.started:
        replayed = decode_message(stored[incoming.update_id or ""][1])
        assert replayed.arrived_at is not None
        assert replace(replayed, arrived_at=None) == incoming
    await tg.wait_for(lambda: len(tg.sent_texts(USER)) >= 2, what="the replies")


async def test_a_button_choice_is_stored_as_the_handler_gets_it(
    tg: FakeTelegram, hook: Hook, clock: FakeClock
) -> None:
    invite = await create_invite(unit=await Unit.get(code="hoiphunu"), role="officer", now=clock())
    hook.gate.open.set()
    for text in (f"/start {invite.code}", "/baocao"):
        assert await tg.post_webhook(hook.url, tg.text_update(USER, text), SECRET) == 200
        await hook.connector.settle()
    hook.gate.open.clear()
    press = tg.press(USER, tg.buttons(tg.last_bot_message(USER))[0][0])

    status = await answered(tg, tg.post_webhook(hook.url, press, SECRET), "the press's answer")
    assert status == 200
    (status_now, payload) = (await rows())[str(press["update_id"])]
    assert status_now == "pending"
    hook.gate.open.set()
    await hook.connector.settle()
    handled = hook.gate.started[-1]
    assert handled.choice is not None and handled.update_id == str(press["update_id"])
    # Only the arrival time differs: a press carries none, so each reading takes "now".
    replayed = decode_message(payload)
    assert replayed == replace(
        handled, received_at=replayed.received_at, arrived_at=replayed.arrived_at
    )


async def test_a_text_that_may_join_a_paste_is_handled_before_its_answer(
    tg: FakeTelegram, hook: Hook
) -> None:
    """A paste's parts become one Incoming: no single part can be stored as it is handled."""
    hook.gate.open.set()
    long_part = tg.text_update(USER, "x" * 4000)
    assert await tg.post_webhook(hook.url, long_part, SECRET) == 200
    assert await rows() == {}, "held for the paste, not stored on its own"
    await hook.connector.settle()
    (joined,) = hook.gate.started
    assert joined.update_id == str(long_part["update_id"]) and joined.text == "x" * 4000
    assert (await rows())[str(long_part["update_id"])][0] == "done"


async def test_an_update_the_database_cannot_take_is_not_acknowledged(
    tg: FakeTelegram, hook: Hook, clock: FakeClock, database_url: str
) -> None:
    hook.gate.open.set()
    update = tg.text_update(USER, "/baocao")
    async with hold_the_database(database_url):
        assert await tg.post_webhook(hook.url, update, SECRET) == 503
    await hook.connector.settle()
    assert hook.gate.started == [], "not stored: not handled either"
    # Telegram sends it again; now it is stored, answered and handled once.
    assert await tg.post_webhook(hook.url, update, SECRET) == 200
    await hook.connector.settle()
    assert [incoming.update_id for incoming in hook.gate.started] == [str(update["update_id"])]


async def test_a_stored_press_is_handled_as_stored_arrival_time_included(
    tg: FakeTelegram, hook: Hook, clock: FakeClock
) -> None:
    """The Incoming stored on arrival is the one handled: not read a second time (a press
    carries no time, so a second reading took another "now" than the one a crash replays)."""
    invite = await create_invite(unit=await Unit.get(code="hoiphunu"), role="officer", now=clock())
    hook.gate.open.set()
    for text in (f"/start {invite.code}", "/baocao"):
        assert await tg.post_webhook(hook.url, tg.text_update(USER, text), SECRET) == 200
        await hook.connector.settle()
    press = tg.press(USER, tg.buttons(tg.last_bot_message(USER))[0][0])

    assert await tg.post_webhook(hook.url, press, SECRET) == 200
    await hook.connector.settle()
    handled = hook.gate.started[-1]
    assert handled.update_id == str(press["update_id"]) and handled.received_at is not None
    replayed = decode_message((await rows())[str(press["update_id"])][1])
    assert replace(replayed, arrived_at=None) == handled  # the stamp of its arrival added


async def test_a_short_text_after_a_held_paste_part_joins_it_before_its_answer(
    tg: FakeTelegram, hook: Hook
) -> None:
    """Arrival and handling read "may be gathered" alike: a short text while a paste is held
    is its last part, not a lone message stored and handled on its own."""
    hook.gate.open.set()
    long_part = tg.text_update(USER, "x" * 4000)
    short_part = tg.text_update(USER, "yz")
    assert await tg.post_webhook(hook.url, long_part, SECRET) == 200
    assert await tg.post_webhook(hook.url, short_part, SECRET) == 200
    await hook.connector.settle()
    (joined,) = hook.gate.started
    assert joined.text == "x" * 4000 + "\nyz" and joined.parts == 2
    assert str(short_part["update_id"]) not in await rows()


async def test_a_text_after_a_held_album_is_stored_answered_and_handled_after_it(
    tg: FakeTelegram, hook: Hook
) -> None:
    """Only a paste can take a text in: with an album held (and nothing in hand), a text is
    stored and answered at once, and handled once the album has gone (the chat's order)."""
    photo = tg.photo_update(USER, b"\xff\xd8album page")
    photo["message"]["media_group_id"] = "album-1"
    text = tg.text_update(USER, "xin chào")
    assert await tg.post_webhook(hook.url, photo, SECRET) == 200  # held, not handled yet
    # The handling is held (the gate): the text's answer does not wait for it.
    status = await answered(tg, tg.post_webhook(hook.url, text, SECRET), "the text's answer")
    assert status == 200
    assert (await rows())[str(text["update_id"])][0] == "pending"
    hook.gate.open.set()
    await hook.connector.settle()
    handled = [incoming.update_id for incoming in hook.gate.started]
    assert handled == [str(photo["update_id"]), str(text["update_id"])]
