"""The one send queue, through the same tests for Telegram, Zalo Bot and Zalo OA.

Each platform runs its real connector against its fake over real HTTP; a small driver per
platform says how to make the fake fail and how to read what it accepted. The scenarios are
the ones issue 14 found broken in the old Zalo queue: a burst after an idle period, a caller
that stops waiting while the platform fails and then recovers, and one retry classification.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from connectors.base import Address, ConnectorContext, DeliveryError, Outgoing
from connectors.sending import DeliveryUncertain
from tests.fakes._server import AppServer, ScriptedHandler
from tests.fakes.telegram import FakeTelegram, Script, bot_env
from tests.fakes.zalo_bot import FakeZaloBot
from tests.fakes.zalo_oa import FakeZaloOa

CHAT = "7301"


@dataclass
class Rates:
    """Per-chat rate and burst, retry timing and request timeout of a test."""

    chat_rate: float = 1000.0
    burst: int = 50
    retry_base: float = 0.01
    retry_max: float = 0.05
    timeout: float = 5.0


class Driver:
    """One platform under test: its connector, and its fake's faults and records."""

    name: str
    connector: Any

    async def start(self, stack: AsyncExitStack, tmp: Path, rates: Rates) -> None:
        """Start the fake and the connector (closed by `stack`)."""
        raise NotImplementedError

    def fail_passing(self, times: int) -> None:
        """The next `times` sends get an error that may pass (a 5xx)."""
        raise NotImplementedError

    def stall(self, seconds: float) -> None:
        """The next send is answered too late, but carried out."""
        raise NotImplementedError

    def texts(self) -> list[str]:
        """Texts the platform accepted for CHAT, in order."""
        raise NotImplementedError

    def accepted_at(self) -> list[float]:
        """When each accepted message to CHAT arrived (time.monotonic)."""
        raise NotImplementedError

    def attempts(self, text: str) -> int:
        """How many send calls carried this text, accepted or not."""
        raise NotImplementedError

    async def send(self, *texts: str) -> None:
        """Send texts to CHAT as a reminder would (waiting for the outcome)."""
        await self.connector.send(Address(self.name, CHAT, CHAT), [Outgoing(t) for t in texts])

    @property
    def queue(self) -> Any:
        return getattr(self.connector, "queue", None) or self.connector._queue


class TelegramDriver(Driver):
    name = "telegram"

    async def start(self, stack: AsyncExitStack, tmp: Path, rates: Rates) -> None:
        from connectors.telegram import create

        self.fake = await stack.enter_async_context(FakeTelegram())
        env = bot_env(
            self.fake,
            SET_COMMANDS="0",
            JOIN_MESSAGES="0",
            CHAT_RATE=str(rates.chat_rate),
            CHAT_BURST=str(rates.burst),
            RETRY_DELAY=str(rates.retry_base),
            RETRY_MAX_DELAY=str(rates.retry_max),
            REQUEST_TIMEOUT=str(rates.timeout),
        )
        self.connector = create(ConnectorContext(handler=Script(), env=env, media_dir=tmp))
        await self.connector.start()
        stack.push_async_callback(self.connector.stop)

    def fail_passing(self, times: int) -> None:
        self.fake.fail_next("sendMessage", times, status=502)

    def stall(self, seconds: float) -> None:
        self.fake.fail_next("sendMessage", 1, status=200, delay=seconds)

    def _calls(self) -> list[Any]:
        return [c for c in self.fake.calls_of("sendMessage") if str(c.params["chat_id"]) == CHAT]

    def texts(self) -> list[str]:
        return self.fake.sent_texts(CHAT)

    def accepted_at(self) -> list[float]:
        return [c.at for c in self._calls()]  # only successes in tests that use it

    def attempts(self, text: str) -> int:
        return sum(1 for c in self._calls() if c.params["text"] == text)


class ZaloBotDriver(Driver):
    name = "zalo_bot"

    async def start(self, stack: AsyncExitStack, tmp: Path, rates: Rates) -> None:
        from connectors.zalo_bot import create

        self.fake = await stack.enter_async_context(FakeZaloBot(max_poll=1))
        config = {
            "poll_timeout": 0.5,
            "rate": f"1000,{rates.chat_rate}",
            "burst": rates.burst,
            "retry_base": rates.retry_base,
            "retry_max": rates.retry_max,
            "request_timeout": rates.timeout,
        }
        context = ConnectorContext(
            handler=ScriptedHandler(), env=self.fake.env(), config=config, media_dir=tmp
        )
        self.connector = create(context)
        await self.connector.start()
        stack.push_async_callback(self.connector.stop, 5)

    def fail_passing(self, times: int) -> None:
        self.fake.fail("sendMessage", times, error_code=502, description="Bad Gateway")

    def stall(self, seconds: float) -> None:
        self.fake.stall("sendMessage", 1, seconds=seconds, act=True)

    def _calls(self) -> list[Any]:
        return [
            c
            for c in self.fake.calls
            if c.method == "sendMessage" and str(c.payload.get("chat_id")) == CHAT
        ]

    def texts(self) -> list[str]:
        return self.fake.texts(CHAT)

    def accepted_at(self) -> list[float]:
        return [c.at for c in self._calls()]

    def attempts(self, text: str) -> int:
        return sum(1 for c in self._calls() if c.payload.get("text") == text)


class ZaloOaDriver(Driver):
    name = "zalo_oa"

    async def start(self, stack: AsyncExitStack, tmp: Path, rates: Rates) -> None:
        from connectors.zalo_oa import create

        self.fake = await stack.enter_async_context(FakeZaloOa())
        access, refresh = self.fake.issue_tokens()
        server = AppServer()
        config = {
            "token_store": "memory",
            "rate": f"1000,{rates.chat_rate}",
            "burst": rates.burst,
            "retry_base": rates.retry_base,
            "retry_max": rates.retry_max,
            "request_timeout": rates.timeout,
        }
        context = ConnectorContext(
            handler=ScriptedHandler(),
            env=self.fake.env(refresh, access),
            config=config,
            web_app=server.app,
            media_dir=tmp,
        )
        self.connector = create(context)
        await server.start()
        stack.push_async_callback(server.stop)
        await self.connector.start()
        stack.push_async_callback(self.connector.stop, 5)

    def fail_passing(self, times: int) -> None:
        self.fake.fail("cs", times, status=502)

    def stall(self, seconds: float) -> None:
        self.fake.stall("cs", 1, seconds=seconds, act=True)

    def texts(self) -> list[str]:
        return self.fake.texts(CHAT)

    def accepted_at(self) -> list[float]:
        return [s.at for s in self.fake.sent if s.user_id == CHAT]

    def attempts(self, text: str) -> int:
        return self.fake.cs_texts.count(text)


DRIVERS: dict[str, Callable[[], Driver]] = {
    "telegram": TelegramDriver,
    "zalo_bot": ZaloBotDriver,
    "zalo_oa": ZaloOaDriver,
}


@pytest.fixture(params=sorted(DRIVERS))
async def platform(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Any]:
    """Start a platform's fake and connector with the given rates: `await platform(rates)`."""
    async with AsyncExitStack() as stack:

        async def start(rates: Rates | None = None) -> Driver:
            driver = DRIVERS[request.param]()
            await driver.start(stack, tmp_path, rates or Rates())
            return driver

        yield start


async def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until `condition()` holds, failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_a_burst_after_an_idle_chat_is_still_paced(platform: Any) -> None:
    driver = await platform(Rates(chat_rate=10, burst=3))
    await driver.send("Tin 1", "Tin 2", "Tin 3")  # the whole burst: the bucket is now empty
    assert driver.queue.pending == 0  # the chat's queue emptied: it went idle
    await driver.send(*(f"Tin {n}" for n in range(4, 10)))
    assert driver.texts() == [f"Tin {n}" for n in range(1, 10)]
    stamps = driver.accepted_at()
    # 10 per second with bursts of 3: the 6 after the burst take at least 0.6 s (a limiter
    # forgotten when the chat went idle sends 3 more at once and spans 0.3 s).
    assert stamps[-1] - stamps[0] >= 0.75 * 6 / 10, stamps


async def test_a_caller_that_stops_waiting_never_blocks_the_chat(platform: Any) -> None:
    driver = await platform(Rates(retry_base=0.5, retry_max=0.5))
    driver.fail_passing(3)
    waiting = asyncio.create_task(driver.send("Nhắc hạn nộp"))
    await wait_until(lambda: driver.attempts("Nhắc hạn nộp") >= 1)
    waiting.cancel()  # e.g. the reminder job's own timeout
    with pytest.raises(asyncio.CancelledError):
        await waiting
    # The platform fails twice more, then recovers: later messages get through, in order,
    # and the abandoned one is not sent again and again at the head of the chat.
    await driver.send("Tin 1", "Tin 2")
    assert driver.texts() == ["Tin 1", "Tin 2"]
    assert driver.attempts("Nhắc hạn nộp") == 1
    assert driver.queue.pending == 0


async def test_a_caller_that_stops_waiting_during_a_slow_send(platform: Any) -> None:
    driver = await platform(Rates(timeout=5.0))
    driver.stall(0.5)  # answered late but carried out
    waiting = asyncio.create_task(driver.send("Nhắc hạn nộp"))
    await wait_until(lambda: driver.attempts("Nhắc hạn nộp") >= 1)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await driver.send("Tin sau")
    # The send in flight finished and its result was dropped without harm; nothing is resent.
    assert driver.texts() == ["Nhắc hạn nộp", "Tin sau"]
    assert driver.attempts("Nhắc hạn nộp") == 1
    assert driver.queue.pending == 0


async def test_errors_that_may_pass_are_retried_in_order(platform: Any) -> None:
    driver = await platform()
    driver.fail_passing(3)
    await driver.send("Tin 1", "Tin 2", "Tin 3")
    assert driver.texts() == ["Tin 1", "Tin 2", "Tin 3"]
    assert driver.attempts("Tin 1") == 4


async def test_a_timed_out_reminder_is_uncertain_and_not_resent(platform: Any) -> None:
    driver = await platform(Rates(timeout=0.3))
    driver.stall(1.0)
    with pytest.raises(DeliveryUncertain):
        await driver.send("Nhắc hạn nộp", "Tin sau")
    await wait_until(lambda: "Nhắc hạn nộp" in driver.texts())  # the slow call was carried out
    assert driver.attempts("Nhắc hạn nộp") == 1
    assert sorted(driver.texts()) == ["Nhắc hạn nộp", "Tin sau"]
    assert not issubclass(DeliveryUncertain, DeliveryError)  # not "try another route"


async def test_a_timed_out_reply_is_retried(platform: Any) -> None:
    driver = await platform(Rates(timeout=0.3))
    driver.stall(1.0)
    queue = driver.queue
    if driver.name == "telegram":
        futures = driver.connector._queue_messages(CHAT, [Outgoing("Đã gửi")])
    else:
        items = driver.connector._items(CHAT, [Outgoing("Đã gửi")])
        futures = [queue.submit(CHAT, driver.connector._call(item)) for item in items]
    await asyncio.gather(*futures)
    await wait_until(lambda: driver.texts().count("Đã gửi") == 2)
    # A reply's answer that never came is sent again: a duplicate beats a lost answer.
    assert driver.attempts("Đã gửi") == 2
