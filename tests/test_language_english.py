"""An officer whose Telegram is in English reads English throughout, matching the command menu
Telegram shows them (setMyCommands per language_code); a Vietnamese one reads Vietnamese.

Real connector and aiogram over real HTTP to the fake Bot API, the real service and database.
Telegram puts the user's `language_code` in the `from` of every message and callback query
(Bot API, User: "IETF language tag of the user's language").
"""

from __future__ import annotations

from typing import Any

from reportbot.registration import create_invite, spoken_language
from reportbot.service import ConversationService
from reportbot.store.models import Answer, Person, Submission, Unit
from tests.conftest import FakeClock
from tests.fakes.telegram import FakeTelegram
from tests.test_telegram_e2e import Bot, Phone, bot, texts  # noqa: F401  (bot is a fixture)

ENGLISH = 700_300_400


class EnglishPhone(Phone):
    """A Telegram whose language is English: every update's `from` says so."""

    def _speak(self, update: dict[str, Any]) -> dict[str, Any]:
        for kind in ("message", "callback_query", "edited_message"):
            if kind in update:
                update[kind]["from"]["language_code"] = "en-GB"
        return update

    async def _send(self, update: dict[str, Any]) -> list[dict[str, Any]]:
        return await super()._send(self._speak(update))


async def test_an_english_officer_registers_and_files_in_english(
    tg: FakeTelegram,
    bot: Bot,  # noqa: F811
    clock: FakeClock,
    service: ConversationService,
) -> None:
    unit = await Unit.get(code="hoiphunu")
    invite = await create_invite(unit=unit, role="officer", now=clock())
    phone = EnglishPhone(tg, bot, ENGLISH)
    welcome = texts(await phone.say(f"/start {invite.code}"))
    assert "You are registered as the reporting officer" in welcome
    assert "Đăng ký" not in welcome
    person = await Person.get(identities__external_id=str(ENGLISH))
    assert person.locale == "en"  # stored: reminders are written in it too

    # The English menu names /report; the command works and answers in English.
    menus = {lang: [c["command"] for c in found] for (_, lang), found in tg.commands.items()}
    assert "report" in menus["en"] and "report" not in menus[""]
    listing = await phone.say("/report")
    assert "Choose the report to work on" in texts(listing)
    labels = [label for row in tg.buttons(listing[-1]) for label in row]
    assert any("not started" in label for label in labels), labels
    opened = texts(await phone.press("2026"))
    assert "Question 1/" in opened
    assert "Câu" not in opened
    replies = texts(await phone.press("Yes"))
    assert "Câu" not in replies
    submission = await Submission.get(unit=unit)
    assert await Answer.filter(submission=submission).values_list("value", flat=True) == ['"yes"']


async def test_the_language_follows_the_app_and_unknown_languages_keep_the_default() -> None:
    assert spoken_language("en-US") == "en"
    assert spoken_language("vi") == "vi"
    assert spoken_language("fr") is None
    assert spoken_language(None) is None
