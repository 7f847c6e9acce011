"""The whole Resolution 57 report filed through Telegram, end to end, by polling and by webhook.

Real connector code and aiogram over real HTTP against the fake Bot API, the real conversation
service and a real database (SQLite and PostgreSQL): registration by deep link, buttons pressed
for choices (with the question edited to show the answer), multi-select toggles, a document
uploaded, the review screen's buttons, the group refusal, duplicate updates, and what is stored.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from connectors.base import ConnectorContext
from connectors.telegram import TelegramConnector, create
from reportbot.forms.loader import load_yaml_template
from reportbot.media import MediaGate, MediaSettings
from reportbot.registration import create_invite
from reportbot.service import ConversationService
from reportbot.store.models import Answer, Identity, InboxEntry, Submission, Unit
from tests.conftest import NQ57, FakeClock
from tests.fakes.telegram import FakeTelegram, bot_env
from tests.support import NQ57_SCRIPT, stored_answers

TEMPLATE = load_yaml_template(NQ57)[0]
SECRET = "e2e-telegram-secret"
OFFICER = 700_100_200
PDF = b"%PDF-1.4\n% bao cao da ky\n" + b"0" * 2000

# Questions answered by pressing a button: question id -> button label.
PRESSED = {
    "co_ke_hoach": "Có",
    "chuyen_muc_web": "Đã có",
    "binh_dan_hoc_vu_so": "Không",
}
TOGGLED = {"su_kien": ("18/5", "10/10")}


class Bot:
    """The bot under test in one mode, and how an update reaches it."""

    def __init__(self, tg: FakeTelegram, mode: str, media: Path, service: ConversationService):
        self.tg = tg
        self.mode = mode
        self.media = media
        self.service = service
        self.connector: TelegramConnector | None = None
        self.env: dict[str, str] = {}  # extra REPORTBOT_TELEGRAM_* settings (without prefix)
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Create and start the connector (with a web server in webhook mode)."""
        env = bot_env(self.tg, **self.env)
        app: web.Application | None = None
        sock: socket.socket | None = None
        if self.mode == "webhook":
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            self.url = f"http://127.0.0.1:{sock.getsockname()[1]}/webhook/telegram"
            env = bot_env(self.tg, WEBHOOK_URL=self.url, WEBHOOK_SECRET=SECRET, **self.env)
            app = web.Application()
        context = ConnectorContext(handler=self.service, env=env, web_app=app, media_dir=self.media)
        self.connector = create(context)
        assert self.connector is not None
        if app is not None and sock is not None:
            self._runner = web.AppRunner(app, shutdown_timeout=0.2)
            await self._runner.setup()
            await web.SockSite(self._runner, sock).start()
        await self.connector.start()

    async def stop(self) -> None:
        """Stop the connector and its web server."""
        if self.connector is not None:
            await self.connector.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def deliver(self, update: dict[str, Any]) -> None:
        """Hand one update to the bot as Telegram would; return once it is fully handled."""
        assert self.connector is not None
        if self.mode == "webhook":
            assert await self.tg.post_webhook(self.url, update, SECRET) == 200
        else:
            self.tg.enqueue(update)
            await self.tg.wait_for(
                lambda: self.tg.confirmed_offset > update["update_id"],
                what=f"update {update['update_id']} to be handled",
            )
        assert await self.connector.settle(5.0)


@pytest.fixture(params=["polling", "webhook"])
async def bot(
    request: pytest.FixtureRequest,
    tg: FakeTelegram,
    tmp_path: Path,
    service: ConversationService,
) -> AsyncIterator[Bot]:
    harness = Bot(tg, request.param, tmp_path / "media", service)
    with_media_gate(service, harness)
    await harness.start()
    yield harness
    await harness.stop()


def with_media_gate(service: ConversationService, harness: Bot) -> None:
    """Put the media gate in the service's pipeline, as the application does."""
    gate = MediaGate(
        media_dir=harness.media,
        settings=MediaSettings(),
        repository=service.repository,
        connectors=lambda: [harness.connector] if harness.connector else [],
    )
    service.use(gate)


class Phone:
    """An officer's Telegram: type, press, upload; each returns the bot's new messages."""

    def __init__(self, tg: FakeTelegram, bot: Bot, user_id: int, chat_id: int | None = None):
        self.tg = tg
        self.bot = bot
        self.user_id = user_id
        self.chat_id = user_id if chat_id is None else chat_id

    async def _send(self, update: dict[str, Any]) -> list[dict[str, Any]]:
        before = len(self.tg.bot_messages(self.chat_id))
        await self.bot.deliver(update)
        return self.tg.bot_messages(self.chat_id)[before:]

    async def say(self, text: str) -> list[dict[str, Any]]:
        return await self._send(self.tg.text_update(self.user_id, text))

    async def press(self, label: str) -> list[dict[str, Any]]:
        return await self._send(self.tg.press(self.user_id, label))

    async def upload(self, content: bytes, name: str) -> list[dict[str, Any]]:
        return await self._send(self.tg.document_update(self.user_id, content, name))

    def question(self) -> dict[str, Any]:
        return self.tg.last_bot_message(self.chat_id)


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n\n".join(m.get("text", "") for m in messages)


async def register(tg: FakeTelegram, bot: Bot, clock: FakeClock, user_id: int) -> Phone:
    """Follow the deep link t.me/<bot>?start=<code>: Telegram sends "/start <code>"."""
    phone, _ = await register_with_code(tg, bot, clock, user_id)
    return phone


async def register_with_code(
    tg: FakeTelegram, bot: Bot, clock: FakeClock, user_id: int
) -> tuple[Phone, str]:
    unit = await Unit.get(code="hoiphunu")
    invite = await create_invite(unit=unit, role="officer", now=clock())
    phone = Phone(tg, bot, user_id)
    welcome = texts(await phone.say(f"/start {invite.code}"))
    assert "Đăng ký thành công" in welcome and "Hội Liên hiệp Phụ nữ" in welcome
    return phone, invite.code


async def open_current_report(phone: Phone) -> None:
    listing = await phone.say("/baocao")
    assert "Chọn báo cáo" in texts(listing)
    assert any("năm 2026" in label for row in phone.tg.buttons(listing[-1]) for label in row)
    opened = await phone.press("năm 2026")
    assert "Câu 1/" in texts(opened)


async def answer(phone: Phone, question_id: str, typed: str) -> list[dict[str, Any]]:
    """Answer one question the way a Telegram user would: a button where there is one."""
    tg = phone.tg
    asked = phone.question()
    if question_id in PRESSED:
        label = PRESSED[question_id]
        replies = await phone.press(label)
        edited = tg.messages[(phone.chat_id, asked["message_id"])]
        assert edited["text"].endswith(f"\n\n✅ {label}"), edited["text"]
        assert "reply_markup" not in edited, "the answered question loses its buttons"
        return replies
    if question_id in TOGGLED:
        for label in TOGGLED[question_id]:
            assert await phone.press(label) == [], "a toggle only edits the keyboard"
        marked = [b for row in tg.buttons(phone.question()) for b in row if b.startswith("☑")]
        assert len(marked) == len(TOGGLED[question_id])
        replies = await phone.press("Xong")
        edited = tg.messages[(phone.chat_id, asked["message_id"])]
        assert "✅ Ngày Khoa học" in edited["text"] and "10/10" in edited["text"]
        return replies
    if question_id == "tep_bao_cao":
        return await phone.upload(PDF, "Báo cáo NQ57 đã ký.pdf")
    return await phone.say(typed)


async def test_whole_report_through_telegram(
    tg: FakeTelegram, bot: Bot, clock: FakeClock, service: ConversationService
) -> None:
    phone = await register(tg, bot, clock, OFFICER)
    identity = await Identity.get(platform="telegram", external_id=str(OFFICER))
    assert identity.chat_id == str(OFFICER)
    await open_current_report(phone)
    for question_id, typed, _ in NQ57_SCRIPT:
        replies = await answer(phone, question_id, typed)
        assert replies, f"no answer after {question_id}"
        assert "Xin lỗi" not in texts(replies), texts(replies)

    review = phone.question()
    assert "Xem lại" in review["text"]
    review_buttons = [label for row in tg.buttons(review) for label in row]
    assert any("Gửi báo cáo" in label for label in review_buttons)
    assert sum(label.startswith("✏️") for label in review_buttons) >= len(NQ57_SCRIPT) - 2
    confirm = await phone.press("Gửi báo cáo")
    assert tg.buttons(confirm[-1]) == [["Có", "Không"]]
    done = await phone.press("Có")
    assert "Đã gửi" in texts(done)

    submission = await Submission.get(unit__code="hoiphunu")
    assert submission.status == "submitted"
    stored = await stored_answers("hoiphunu")
    for question_id, _, expected in NQ57_SCRIPT:
        if question_id == "tep_bao_cao":
            continue
        assert stored.get(question_id) == expected, question_id
    document = stored["tep_bao_cao"]
    assert document["name"] == "Báo cáo NQ57 đã ký.pdf"
    # Stored relative to the media folder, in the officer's own folder.
    assert document["path"].startswith(f"people/{identity.person_id}/")  # type: ignore[attr-defined]
    assert (bot.media / document["path"]).read_bytes() == PDF
    assert len(tg.answered_callbacks) == len(tg.calls_of("answerCallbackQuery"))
    assert all(len(m.get("text", "")) <= 4096 for m in tg.bot_messages(OFFICER))


async def test_duplicate_updates_are_handled_once(
    tg: FakeTelegram, bot: Bot, clock: FakeClock
) -> None:
    phone = await register(tg, bot, clock, OFFICER)
    await open_current_report(phone)
    await answer(phone, "co_ke_hoach", "có")
    update = tg.text_update(OFFICER, "KH-12/HPN")
    await bot.deliver(update)
    sent = len(tg.bot_messages(OFFICER))
    answers = await Answer.all().count()

    if bot.mode == "polling":
        # A restart before the offset was confirmed: Telegram delivers the update again.
        await bot.stop()
        await bot.start()
    await bot.deliver(update)
    assert len(tg.bot_messages(OFFICER)) == sent, "a redelivered update gets no second answer"
    assert await Answer.all().count() == answers
    assert (await stored_answers("hoiphunu"))["so_ke_hoach"] == "KH-12/HPN"
    assert await InboxEntry.filter(status="done", update_id=str(update["update_id"])).count() == 1


async def test_group_is_told_once_and_strangers_how_to_join(
    tg: FakeTelegram, bot: Bot, clock: FakeClock
) -> None:
    group = -100_555_777
    for _ in range(2):
        await bot.deliver(tg.group_text_update(OFFICER, group, "/baocao"))
    (refusal,) = tg.bot_messages(group)
    assert "tin nhắn riêng" in refusal["text"]

    stranger = Phone(tg, bot, OFFICER + 1)
    assert "mã mời" in texts(await stranger.say("xin chào"))
    _, code = await register_with_code(tg, bot, clock, OFFICER)
    assert "không dùng được" in texts(await stranger.say(f"/start {code}"))
    assert not await Identity.filter(platform="telegram", external_id=str(OFFICER + 1)).exists()
