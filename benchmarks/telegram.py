"""Telegram webhook benchmark: our bot, committing every answer, against a plain aiogram bot.

The same stream of updates (M officers, each registering with ``/start CODE`` and filing the
whole Resolution 57 report, one message after another) is POSTed to each bot's webhook over
HTTP, as Telegram would. Each officer waits for the bot's answer (its messages arriving at the
fake Bot API) before sending the next update, so latency is what a person would feel.

- baseline: aiogram written the usual way, a ``StatesGroup`` form with ``MemoryStorage``,
  ``SimpleRequestHandler`` for the webhook, nothing stored anywhere;
- reportbot: the real application (``reportbot.app.Application``) with the Telegram connector
  in webhook mode, on SQLite by default (``--database postgres://...`` for PostgreSQL);
- zalo_bot: the same application with the Zalo Bot Platform connector in webhook mode: the
  officers type the same lines (Zalo has no buttons; choices are answered by number), each
  event with a message id of its own, since Zalo deduplicates by event and message id;
- zalo_oa: the same application with the Zalo Official Account connector: signed events,
  answers through the customer-service API of tests/fakes/zalo_oa.py.

Besides the time until the officer has the bot's answers, the time until the webhook call
itself is answered (HTTP 200 to the platform) is measured: Zalo retries a call not answered
within 2 seconds, and the platforms judge a webhook by it.

Each bot runs in its own process, pinned to one core where possible; the fake API
(tests/fakes/telegram.py, tests/fakes/zalo_bot.py) runs in this process on the other core, and
the officers in `--driver-processes` processes of their own (`benchmarks/_officers.py`), so
the answer time they see does not count the fake API's work (0: officers in this process).
Two answer times are printed: `ack` as the officers see it, `in_bot_ack` timed inside the
bot's web application.

    .venv/bin/python benchmarks/telegram.py [--officers 100] [--rounds 3] [--database URL]
        [--profile DIR] [--bots reportbot,zalo_bot,zalo_oa]

The bots run in turn `--rounds` times; the best round of each is compared (the machine is
shared, so a slow round says more about the neighbours than about the bot). CPU time per
update, measured inside each bot process, is printed too: it is the steadier figure. A
PostgreSQL database given with --database may be reused: every run has its own units, invite
codes, Telegram and Zalo ids, update and message ids.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import itertools
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from benchmarks._officers import Control, drive_apart  # noqa: E402
from drills.ports import free_port  # noqa: E402
from tests.fakes.telegram import FakeTelegram  # noqa: E402
from tests.fakes.zalo_bot import SECRET_HEADER as ZALO_SECRET_HEADER  # noqa: E402
from tests.fakes.zalo_bot import FakeZaloBot  # noqa: E402
from tests.fakes.zalo_oa import FakeZaloOa  # noqa: E402

SECRET = "bench-webhook-secret"
WEBHOOK_PATH = "/webhook/telegram"
ZALO_WEBHOOK_PATH = "/webhook/zalo-bot"
OA_WEBHOOK_PATH = "/webhook/zalo-oa"
FIRST_USER = 880_000_000
BOTS = ("baseline", "reportbot", "zalo_bot", "zalo_oa")
NQ57 = ROOT / "forms" / "nq57_bao_cao_6_thang.yaml"
# How long a bot may take to start (imports, migrations, forms): over 60 s on the shared
# 2-core machine at load 14, where the 60 s this was left a bot unmeasured.
START_TIMEOUT_S = 240


def report_lines() -> list[str]:
    """What one officer types to file the whole report (shared with the core's tests).

    After /baocao the bot lists the open reports (the previous period is offered for late
    filing); "1" picks the current one, as in the core's tests.
    """
    from tests.support import nq57_lines

    lines = nq57_lines()
    return [lines[0], "1", *lines[1:]]


def invite_code(officer: int, tag: str) -> str:
    """The invite code of officer number `officer` in the run tagged `tag`."""
    return f"B{tag}{officer:05d}"


def pin(core: int) -> None:
    """Keep this process on one core so that the bot and the driver do not share one."""
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {core})


# --------------------------------------------------------------------------- timing

SERVER_ACKS: list[float] = []  # in the bot process: seconds from handler start to answer


@web.middleware
async def timed(request: web.Request, handler: Any) -> web.StreamResponse:
    """Time each webhook call inside the bot (parsed request to answer): the bot's own share
    of the answer time, without the driver's or the kernel's queues."""
    started = time.perf_counter()
    try:
        return await handler(request)  # type: ignore[no-any-return]
    finally:
        SERVER_ACKS.append(time.perf_counter() - started)


def server_ack_ms() -> dict[str, float]:
    """p50 and p99 of the bot-side answer times of the measured run, in milliseconds."""
    ordered = sorted(SERVER_ACKS) or [0.0]
    pick = lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)  # noqa: E731
    return {"in_bot_ack_p50_ms": pick(0.5), "in_bot_ack_p99_ms": pick(0.99)}


# --------------------------------------------------------------------------- baseline bot


async def serve_baseline(api_url: str, token: str, port: int) -> None:
    """The plain aiogram FSM bot: one state per question, answers kept in MemoryStorage."""
    from aiogram import Bot, Dispatcher, Router
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.filters import Command, CommandStart
    from aiogram.fsm.context import FSMContext
    from aiogram.fsm.state import State, StatesGroup
    from aiogram.fsm.storage.memory import MemoryStorage
    from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
    from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application

    from reportbot.forms.loader import load_yaml_template
    from tests.support import NQ57_SCRIPT

    template, issues = load_yaml_template(NQ57)
    assert template is not None, issues
    questions = [template.question(qid) for qid, _, _ in NQ57_SCRIPT]

    class Form(StatesGroup):
        choose = State()
        review = State()
        confirm = State()

    steps = [State(state=f"q{index}", group_name="Form") for index in range(len(questions))]

    def keyboard(index: int) -> InlineKeyboardMarkup | None:
        question = questions[index]
        assert question is not None
        if question.type == "yes_no":
            options = [("Có", "yes"), ("Không", "no")]
        else:
            options = [(c.label["vi"], c.value) for c in question.choices]
        if not options:
            return None
        rows = [[InlineKeyboardButton(text=label, callback_data=f"c:{value}")]
                for label, value in options]  # fmt: skip
        return InlineKeyboardMarkup(inline_keyboard=rows)

    async def ask(message: Message, index: int) -> None:
        question = questions[index]
        assert question is not None
        await message.answer(
            f"Câu {index + 1}. {question.label['vi']}", reply_markup=keyboard(index)
        )

    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("Chào mừng anh/chị. Gõ /baocao để làm báo cáo.")

    @router.message(Command("baocao"))
    async def report(message: Message, state: FSMContext) -> None:
        await state.set_state(Form.choose)
        periods = InlineKeyboardMarkup(
            inline_keyboard=[
                [InlineKeyboardButton(text="Báo cáo NQ57 – năm 2026", callback_data="#1")],
                [InlineKeyboardButton(text="Báo cáo NQ57 – 6 tháng đầu năm", callback_data="#2")],
            ]
        )
        await message.answer("Chọn báo cáo cần làm:", reply_markup=periods)

    @router.message(Form.choose)
    async def choose(message: Message, state: FSMContext) -> None:
        await state.update_data(period=message.text)
        await state.set_state(steps[0])
        await ask(message, 0)

    def answer_handler(index: int) -> Any:
        question = questions[index]
        assert question is not None

        async def answer(message: Message, state: FSMContext) -> None:
            await state.update_data({question.id: message.text})
            if index + 1 < len(steps):
                await state.set_state(steps[index + 1])
                await ask(message, index + 1)
            else:
                await state.set_state(Form.review)
                data = await state.get_data()
                lines = [f"{n}. {key}: {value}" for n, (key, value) in enumerate(data.items(), 1)]
                await message.answer("Xem lại:\n" + "\n".join(lines) + "\nGõ /gui để gửi.")

        return answer

    for index, step in enumerate(steps):
        router.message(step)(answer_handler(index))

    @router.message(Form.review, Command("gui"))
    async def submit(message: Message, state: FSMContext) -> None:
        await state.set_state(Form.confirm)
        await message.answer("Anh/chị chắc chắn gửi báo cáo? (có/không)")

    @router.message(Form.confirm)
    async def confirm(message: Message, state: FSMContext) -> None:
        await state.clear()
        await message.answer("Đã gửi báo cáo. Cảm ơn anh/chị!")

    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url))
    bot = Bot(token, session=session)
    dispatcher = Dispatcher(storage=MemoryStorage())
    dispatcher.include_router(router)
    app = web.Application(middlewares=[timed])
    SimpleRequestHandler(dispatcher, bot, secret_token=SECRET).register(app, path=WEBHOOK_PATH)
    setup_application(app, dispatcher, bot=bot)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("READY", flush=True)
    cpu = await _until_terminated()
    print(json.dumps({"submitted": None, "bot_cpu_s": cpu, **server_ack_ms()}), flush=True)
    await runner.cleanup()


# --------------------------------------------------------------------------- our bot


def connector_env(platform: str, api_url: str, token: str, port: int) -> dict[str, str]:
    """The settings that put one connector in webhook mode against its fake API."""
    # The fakes do not enforce the platforms' rate limits; the benchmark measures the bot.
    if platform == "zalo_oa":
        oa = FakeZaloOa()  # its default app id and keys (not started)
        access, refresh = token.split(" ")
        return {
            "REPORTBOT_ZALO_OA_APP_ID": oa.app_id,
            "REPORTBOT_ZALO_OA_APP_SECRET": oa.app_secret,
            "REPORTBOT_ZALO_OA_SECRET_KEY": oa.secret_key,
            "REPORTBOT_ZALO_OA_REFRESH_TOKEN": refresh,
            "REPORTBOT_ZALO_OA_ACCESS_TOKEN": access,
            "REPORTBOT_ZALO_OA_API_URL": api_url,
            "REPORTBOT_ZALO_OA_OAUTH_URL": api_url,
            "REPORTBOT_ZALO_OA_RATE": "1000000,1000000",
        }
    if platform == "zalo_bot":
        return {
            "REPORTBOT_ZALO_BOT_TOKEN": token,
            "REPORTBOT_ZALO_BOT_API_URL": api_url,
            "REPORTBOT_ZALO_BOT_WEBHOOK_URL": f"http://127.0.0.1:{port}{ZALO_WEBHOOK_PATH}",
            "REPORTBOT_ZALO_BOT_WEBHOOK_SECRET": SECRET,
            "REPORTBOT_ZALO_BOT_RATE": "1000000,1000000",
        }
    return {
        "REPORTBOT_TELEGRAM_TOKEN": token,
        "REPORTBOT_TELEGRAM_API_URL": api_url,
        "REPORTBOT_TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}{WEBHOOK_PATH}",
        "REPORTBOT_TELEGRAM_WEBHOOK_SECRET": SECRET,
        "REPORTBOT_TELEGRAM_GLOBAL_RATE": "1000000",
        "REPORTBOT_TELEGRAM_CHAT_RATE": "1000000",
        "REPORTBOT_TELEGRAM_CHAT_BURST": "1000",
    }


async def serve_reportbot(
    platform: str,
    api_url: str,
    token: str,
    port: int,
    officers: int,
    database: str,
    workdir: Path,
    tag: str,
) -> None:
    """The real application with one connector (telegram, zalo_bot, zalo_oa) by webhook."""
    if platform == "zalo_oa":
        from connectors.zalo_oa import create
    elif platform == "zalo_bot":
        from connectors.zalo_bot import create
    else:
        from connectors.telegram import create
    from reportbot.app import Application
    from reportbot.config import load_settings
    from reportbot.store.models import Invite, Submission, Unit

    env = {
        "REPORTBOT_DATABASE_URL": database,
        "REPORTBOT_FORMS_DIR": str(ROOT / "forms"),
        "REPORTBOT_MEDIA_DIR": str(workdir / "media"),
        "REPORTBOT_HTTP_HOST": "127.0.0.1",
        "REPORTBOT_HTTP_PORT": str(port),
        "REPORTBOT_DEMO": "false",
        **connector_env(platform, api_url, token, port),
    }
    # A fixed clock (the core tests' 26/11/2026 10:00) keeps the conversation the same on
    # any day the benchmark runs.
    now = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    app = Application(load_settings(env, config_file=None), clock=lambda: now)
    await app.open()
    expires = now + timedelta(days=1)
    units = [
        Unit(code=f"bench{tag}_{n}", name=f"Hội Phụ nữ thôn {n}", type="doan_the")
        for n in range(officers)
    ]
    await Unit.bulk_create(units)
    by_code = {unit.code: unit async for unit in Unit.filter(code__startswith=f"bench{tag}_")}
    await Invite.bulk_create(
        [
            Invite(
                code=invite_code(n, tag),
                unit=by_code[f"bench{tag}_{n}"],
                role="officer",
                expires_at=expires,
            )
            for n in range(officers)
        ]
    )
    connector = create(app.context_for()(platform))
    assert connector is not None
    app.connectors.append(connector)
    app.web_app.middlewares.append(timed)
    await app.start()
    print("READY", flush=True)
    cpu = await _until_terminated()
    submitted = await Submission.filter(
        status="submitted", unit__code__startswith=f"bench{tag}_"
    ).count()
    committer = app.service.committer
    figures = {
        "submitted": submitted,
        "commit_batches": committer.batches,
        "steps": committer.steps,
        "bot_cpu_s": cpu,
        **server_ack_ms(),
    }
    print(json.dumps(figures), flush=True)
    await app.close()


async def _until_terminated() -> float:
    """Wait for SIGUSR1 (report) and SIGTERM; return the CPU seconds spent between start and
    the SIGUSR1 that the driver sends when the measured run ends."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    mark = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGUSR1, mark.set)
    started: list[float] = []
    profile_to = os.environ.get("BENCH_PROFILE")
    # CPU time, not wall time: on a shared machine the wall clock counts the neighbours too.
    profiler = cProfile.Profile(time.process_time) if profile_to else None

    def begin() -> None:
        SERVER_ACKS.clear()  # only the measured run counts
        started.append(time.process_time())
        if profiler is not None:
            profiler.enable()

    loop.add_signal_handler(signal.SIGUSR2, begin)
    done = asyncio.ensure_future(mark.wait())
    await asyncio.wait({done, asyncio.ensure_future(stop.wait())}, return_when="FIRST_COMPLETED")
    used = time.process_time() - (started[-1] if started else 0.0)
    if profiler is not None and profile_to:
        profiler.disable()
        profiler.dump_stats(profile_to)
    await stop.wait()
    return round(used, 2)


# --------------------------------------------------------------------------- driver


@dataclass
class Result:
    """What one bot achieved."""

    name: str
    updates: int
    seconds: float
    latencies: list[float]
    extra: dict[str, Any]
    by_step: list[list[float]]
    answers: list[float]  # seconds until each webhook call was answered
    registrations: list[float]  # those of the /start CODE updates (registering: slower)

    def answer_ms(self, fraction: float) -> float:
        """A percentile of the webhook answer time, in milliseconds."""
        ordered = sorted(self.answers)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000

    @property
    def rate(self) -> float:
        """Updates handled per second."""
        return self.updates / self.seconds

    def percentile(self, fraction: float) -> float:
        """A latency percentile in milliseconds."""
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, int(fraction * len(ordered)))
        return ordered[index] * 1000


class Driver:
    """Plays the officers against one bot through its fake API; a subclass per platform."""

    path: str  # the bot's webhook path
    secret_header: str  # the header that carries the webhook secret

    def __init__(self, fake: Any, port: int, http: aiohttp.ClientSession, tag: str) -> None:
        self.fake = fake
        self.url = f"http://127.0.0.1:{port}{self.path}"
        self.http = http
        # Fresh invite codes and user ids per run, so a reused database does not mix runs.
        self.tag = tag
        self.answers: list[float] = []
        self.registrations: list[float] = []  # answer times of the /start CODE updates

    @staticmethod
    def token_of(fake: Any) -> str:
        """What the bot process needs to authenticate with the fake."""
        return str(fake.token)

    def headers(self, body: bytes, update: dict[str, Any]) -> dict[str, str]:
        """The headers the platform sends with a webhook call."""
        return {self.secret_header: SECRET, "Content-Type": "application/json"}

    @staticmethod
    def open_fake(tag: str) -> contextlib.AbstractAsyncContextManager[Any]:
        """The fake API the bot talks to in the run tagged `tag` (to be entered)."""
        raise NotImplementedError

    def chat(self, officer: int) -> Any:
        """The chat (and user) id of officer number `officer`."""
        raise NotImplementedError

    def update(self, chat: Any, text: str) -> dict[str, Any]:
        """The update the platform POSTs when `text` is typed in `chat`."""
        raise NotImplementedError

    async def post(self, update: dict[str, Any]) -> float:
        """POST one update; return the seconds until the webhook call was answered."""
        body = json.dumps(update).encode()
        headers = self.headers(body, update)
        started = time.perf_counter()
        async with self.http.post(self.url, data=body, headers=headers) as response:
            await response.read()
            elapsed = time.perf_counter() - started
            self.answers.append(elapsed)
            if response.status != 200:
                raise RuntimeError(f"webhook answered {response.status}")
        return elapsed

    async def calibrate(self, officer: int, lines: list[str]) -> list[int]:
        """How many messages the bot sends for each step (same for every officer)."""
        chat = self.chat(officer)
        counts: list[int] = []
        for line in lines:
            before = self.fake.sent_count.get(chat, 0)
            text = line.replace("{code}", invite_code(officer, self.tag))
            await self.post(self.update(chat, text))
            await self.fake.wait_sent(chat, before + 1)
            settled = self.fake.sent_count.get(chat, 0)
            deadline = time.monotonic() + 0.25
            while time.monotonic() < deadline:
                await asyncio.sleep(0.02)
                now = self.fake.sent_count.get(chat, 0)
                if now != settled:
                    settled, deadline = now, time.monotonic() + 0.25
            counts.append(settled - before)
        return counts

    async def officer(self, officer: int, lines: list[str], counts: list[int]) -> list[float]:
        """File the whole report, waiting for each answer; return per-update latencies."""
        chat = self.chat(officer)
        expected = self.fake.sent_count.get(chat, 0)
        latencies = []
        for line, count in zip(lines, counts, strict=True):
            text = line.replace("{code}", invite_code(officer, self.tag))
            update = self.update(chat, text)
            started = time.perf_counter()
            if line.startswith("/start"):  # registration: its answer time is shown apart
                self.registrations.append(await self.post(update))
            else:
                await self.post(update)
            expected += count
            await self.fake.wait_sent(chat, expected)
            latencies.append(time.perf_counter() - started)
        return latencies


class TelegramDriver(Driver):
    """Officers in Telegram: private text messages, commands with their entity."""

    path = WEBHOOK_PATH
    secret_header = "X-Telegram-Bot-Api-Secret-Token"

    @staticmethod
    def open_fake(tag: str) -> FakeTelegram:
        """The fake Bot API, with update ids of their own per run (a reused database
        remembers processed updates)."""
        return FakeTelegram(first_update_id=int(tag, 16) * 1_000_000)

    def chat(self, officer: int) -> int:
        return FIRST_USER + int(self.tag, 16) * 10_000 + officer

    def update(self, chat: Any, text: str) -> dict[str, Any]:
        return self.fake.text_update(chat, text)


class ZaloDriver(Driver):
    """Officers in Zalo: text events, each with a message id of its own (Zalo has no update
    ids; the bot deduplicates by event name and message id)."""

    path = ZALO_WEBHOOK_PATH
    secret_header = ZALO_SECRET_HEADER

    def __init__(self, fake: Any, port: int, http: aiohttp.ClientSession, tag: str) -> None:
        super().__init__(fake, port, http, tag)
        self._message_ids = itertools.count(1)

    @staticmethod
    def open_fake(tag: str) -> FakeZaloBot:
        """The fake Zalo Bot API (the run's ids are in the user and message ids)."""
        return FakeZaloBot()

    def chat(self, officer: int) -> str:
        return f"zb{self.tag.lower()}{officer:05d}"

    def update(self, chat: Any, text: str) -> dict[str, Any]:
        message_id = f"{self.tag.lower()}m{next(self._message_ids)}"
        return self.fake.text(text, user_id=chat, message_id=message_id)


class ZaloOaDriver(Driver):
    """Officers writing to a Zalo Official Account: signed user_send_text events."""

    path = OA_WEBHOOK_PATH
    secret_header = "X-ZEvent-Signature"

    def __init__(self, fake: Any, port: int, http: aiohttp.ClientSession, tag: str) -> None:
        super().__init__(fake, port, http, tag)
        self._message_ids = itertools.count(1)

    @staticmethod
    def open_fake(tag: str) -> FakeZaloOa:
        """The fake OA API and OAuth host."""
        return FakeZaloOa()

    @staticmethod
    def token_of(fake: Any) -> str:
        return " ".join(fake.issue_tokens())

    def headers(self, body: bytes, update: dict[str, Any]) -> dict[str, str]:
        signature = self.fake.sign(body, str(update["timestamp"]))
        return {self.secret_header: signature, "Content-Type": "application/json"}

    def chat(self, officer: int) -> str:
        return f"{int(self.tag, 16)}{officer:06d}"

    def update(self, chat: Any, text: str) -> dict[str, Any]:
        msg_id = f"{self.tag.lower()}m{next(self._message_ids)}"
        return self.fake.text_event(chat, text, msg_id=msg_id)


DRIVERS: dict[str, type[Driver]] = {
    "baseline": TelegramDriver,
    "reportbot": TelegramDriver,
    "zalo_bot": ZaloDriver,
    "zalo_oa": ZaloOaDriver,
}


async def run_bot(name: str, args: argparse.Namespace, lines: list[str]) -> Result:
    """Start one bot in a child process, calibrate, then let every officer file at once."""
    tag = secrets.token_hex(2).upper()
    async with DRIVERS[name].open_fake(tag) as fake:
        port = free_port()
        workdir = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
        database = args.database or f"sqlite://{workdir / 'reportbot.db'}"
        command = [
            sys.executable, __file__, "--serve", name, "--api", fake.base_url, "--token",
            DRIVERS[name].token_of(fake), "--port", str(port), "--officers", str(args.officers + 1),
            "--database", database, "--workdir", str(workdir), "--tag", tag,
        ]  # fmt: skip
        env = dict(os.environ)
        if args.profile:
            env["BENCH_PROFILE"] = str(Path(args.profile).resolve() / f"{name}.prof")
        child = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, cwd=workdir, env=env
        )
        try:
            per_officer, seconds, driver_cpu, counts, output, acks = await _drive(
                name, child, fake, port, tag, args, lines
            )
        finally:
            if child.returncode is None:
                child.kill()
                await child.wait()
            shutil.rmtree(workdir, ignore_errors=True)
        extra = json.loads(output.decode().strip().splitlines()[-1])
        latencies = [latency for officer in per_officer for latency in officer]
        by_step = [list(step) for step in zip(*per_officer, strict=True)]
        extra["messages_per_report"] = sum(counts)
        extra["driver_cpu_s"] = round(driver_cpu, 2)
        extra["wall_s"] = round(seconds, 2)
        return Result(name, len(latencies), seconds, latencies, extra, by_step, *acks)


async def _drive(
    name: str,
    child: asyncio.subprocess.Process,
    fake: Any,
    port: int,
    tag: str,
    args: argparse.Namespace,
    lines: list[str],
) -> tuple[list[list[float]], float, float, list[int], bytes, tuple[list[float], list[float]]]:
    """Calibrate, run every officer at once, stop the bot; return the raw figures."""
    assert child.stdout is not None
    ready = await asyncio.wait_for(child.stdout.readline(), START_TIMEOUT_S)
    if ready.strip() != b"READY":
        raise RuntimeError(f"{name} did not start: {ready!r}")
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        driver = DRIVERS[name](fake, port, http, tag)
        counts = await driver.calibrate(args.officers, lines)
        driver.answers.clear()  # only the measured run counts
        driver.registrations.clear()

        async def begin() -> None:
            child.send_signal(signal.SIGUSR2)
            await asyncio.sleep(0.1)  # let the child take its CPU reading

        if args.driver_processes:
            control = Control(driver, lines, invite_code)
            await control.start()
            try:
                (
                    per_officer,
                    driver.answers,
                    driver.registrations,
                    seconds,
                    driver_cpu,
                ) = await drive_apart(
                    control, driver.url, args.officers, counts, args.driver_processes, begin
                )
            finally:
                await control.close()
        else:
            await begin()
            started = time.perf_counter()
            cpu_started = time.process_time()
            per_officer = await asyncio.gather(
                *(driver.officer(n, lines, counts) for n in range(args.officers))
            )
            seconds = time.perf_counter() - started
            driver_cpu = time.process_time() - cpu_started
        child.send_signal(signal.SIGUSR1)
    child.send_signal(signal.SIGTERM)
    output, _ = await child.communicate()
    acks = (driver.answers, driver.registrations)
    return per_officer, seconds, driver_cpu, counts, output, acks


def cpu_ms(result: Result) -> float:
    """The bot's CPU time per update, in milliseconds (robust to a busy machine)."""
    return float(result.extra.get("bot_cpu_s", 0.0)) * 1000 / result.updates


def print_round(result: Result) -> None:
    """One line per bot and round."""
    notes = ", ".join(f"{k}={v}" for k, v in result.extra.items() if v is not None)
    print(
        f"{result.name:<12}{result.rate:>11.0f}{result.percentile(0.5):>9.1f}"
        f"{result.percentile(0.99):>9.1f}{result.answer_ms(0.5):>9.1f}{result.answer_ms(0.99):>9.1f}"
        f"{cpu_ms(result):>12.2f}  {notes}",
        flush=True,
    )


def print_summary(results: dict[str, list[Result]], officers: int, lines: list[str]) -> None:
    """The best round of each bot, and the ratios of ours to the baseline."""
    best = {name: max(rounds, key=lambda r: r.rate) for name, rounds in results.items()}
    baseline = best["baseline"]
    print(f"\nbest of {len(results['baseline'])} round(s), {officers} officers:")
    for result in best.values():
        print_round(result)
    for result in best.values():
        p99 = [(sorted(step)[int(0.99 * (len(step) - 1))] * 1000, n) for n, step in
               enumerate(result.by_step)]  # fmt: skip
        slowest = ", ".join(f"#{n} {lines[n]!r} {ms:.0f} ms" for ms, n in sorted(p99)[-3:])
        print(f"{result.name}: slowest steps by p99: {slowest}")
        rest = list(result.answers)
        for seconds in result.registrations:
            rest.remove(seconds)
        rest.sort()
        if rest:
            print(
                f"{result.name}: webhook answer without the /start updates: p50 "
                f"{rest[len(rest) // 2] * 1000:.1f} ms, p99 "
                f"{rest[min(len(rest) - 1, int(0.99 * len(rest)))] * 1000:.1f} ms"
            )
    for ours in (result for name, result in best.items() if name != "baseline"):
        ratio = ours.rate / baseline.rate
        cpu_ratio = cpu_ms(baseline) / cpu_ms(ours) if cpu_ms(ours) else float("nan")
        verdict = (
            "goal met"
            if ratio >= 1.5
            else ("DEFECT (< 0.5)" if ratio < 0.5 else "below goal (1.5)")
        )
        print(f"ratio {ours.name}/baseline, updates/s: {ratio:.2f}  -> {verdict}")
        print(
            f"ratio baseline/{ours.name}, CPU per update: {cpu_ratio:.2f} (above 1: ours uses less)"
        )


async def main(args: argparse.Namespace) -> None:
    """Run the bots on the same stream, in turn, and print the comparison."""
    pin(0)
    lines = ["/start {code}", *report_lines()]
    print(f"{args.officers} officers x {len(lines)} updates each, via webhook")
    print(
        f"{'bot':<12}{'updates/s':>11}{'p50 ms':>9}{'p99 ms':>9}{'ack p50':>9}{'ack p99':>9}"
        f"{'CPU ms/upd':>12}  notes"
    )
    bots = ["baseline", *(name for name in args.bots.split(",") if name and name != "baseline")]
    results: dict[str, list[Result]] = {name: [] for name in bots}
    for _ in range(args.rounds):
        for name in bots:
            result = await run_bot(name, args, lines)
            results[name].append(result)
            print_round(result)
            submitted = result.extra.get("submitted")
            if submitted is not None and submitted != args.officers + 1:
                print(f"WARNING: {submitted} reports submitted, expected {args.officers + 1}")
    print_summary(results, args.officers, lines)


def parse_args() -> argparse.Namespace:
    """Command-line options (the --serve ones are for the child processes)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3, help="runs of every bot, in turn")
    parser.add_argument("--database", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--profile", default=None, help="folder for cProfile stats of each bot")
    parser.add_argument(
        "--driver-processes",
        type=int,
        default=2,
        help="processes playing the officers, apart from the fake API (0: the old single-"
        "process driver, whose own event loop lag is counted in the answer time)",
    )
    parser.add_argument(
        "--bots", default=",".join(BOTS[1:]), help="ours to run (the baseline always runs)"
    )
    parser.add_argument("--serve", choices=BOTS, help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--tag", default="0000", help=argparse.SUPPRESS)
    return parser.parse_args()


def serve(args: argparse.Namespace) -> None:
    """Child process: run one bot until SIGTERM."""
    pin(1)
    if args.serve == "baseline":
        asyncio.run(serve_baseline(args.api, args.token, args.port))
    else:
        asyncio.run(
            serve_reportbot(
                args.serve if args.serve in ("zalo_bot", "zalo_oa") else "telegram",
                args.api,
                args.token,
                args.port,
                args.officers,
                args.database,
                args.workdir,
                args.tag,
            )
        )


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.serve:
        serve(arguments)
    else:
        asyncio.run(main(arguments))
