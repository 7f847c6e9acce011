"""Start-up failures: one clear line (ConnectorStartError) naming the cause and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.base import ConnectorContext, ConnectorStartError
from connectors.telegram import create
from drills.ports import free_port
from reportbot.connectors_registry import build_connectors
from tests.fakes.telegram import FakeTelegram, Script, bot_env

WRONG = "123456:WRONG-token-for-tests"


def one_line(error: ConnectorStartError, locale: str = "en") -> str:
    """The line in `locale`, checked to be one short line; the other language's line too."""
    for each in error.texts.values():
        assert "\n" not in each and len(each) < 220, each
    assert error.text("vi") != error.text("en")  # said in one language at a time
    return error.text(locale)


async def test_a_refused_token(tg: FakeTelegram, tmp_path: Path) -> None:
    env = bot_env(tg, TOKEN=WRONG)
    connector = create(ConnectorContext(handler=Script(), env=env, media_dir=tmp_path))
    assert connector is not None
    with pytest.raises(ConnectorStartError) as raised:
        await connector.start()
    text = one_line(raised.value)
    assert "401" in text and "REPORTBOT_TELEGRAM_TOKEN" in text and "@BotFather" in text
    assert "Bot API từ chối token" in one_line(raised.value, "vi")
    assert WRONG not in text and "WRONG" not in text
    assert len(tg.calls_of("getMe")) == 1, "a refusal is not retried"
    assert not connector.healthy
    await connector.stop()


async def test_an_unreachable_api(tmp_path: Path) -> None:
    port = free_port()  # a port nobody listens on
    env = {
        "REPORTBOT_TELEGRAM_TOKEN": "123456:TEST-fake-token",
        "REPORTBOT_TELEGRAM_API_URL": f"http://127.0.0.1:{port}",
        "REPORTBOT_TELEGRAM_RETRY_DELAY": "0.01",
    }
    connector = create(ConnectorContext(handler=Script(), env=env, media_dir=tmp_path))
    assert connector is not None
    with pytest.raises(ConnectorStartError) as raised:
        await connector.start()
    text = one_line(raised.value)
    assert f"cannot reach the Bot API at 127.0.0.1:{port}" in text
    assert "REPORTBOT_TELEGRAM_API_URL" in text
    assert "TEST-fake-token" not in text
    await connector.stop()


@pytest.mark.parametrize("token", ["not-a-token", "123456", "abc:def ghi"])
def test_a_malformed_token(token: str, tmp_path: Path) -> None:
    env = {"REPORTBOT_TELEGRAM_TOKEN": token}
    with pytest.raises(ConnectorStartError) as raised:
        create(ConnectorContext(handler=Script(), env=env, media_dir=tmp_path))
    text = one_line(raised.value)
    assert "REPORTBOT_TELEGRAM_TOKEN is not a bot token" in text and token not in text
    vietnamese = one_line(raised.value, "vi")
    assert "REPORTBOT_TELEGRAM_TOKEN không phải token của bot" in vietnamese
    assert token not in vietnamese


def test_a_malformed_token_stops_start_up_as_a_configuration_mistake(tmp_path: Path) -> None:
    env = {"REPORTBOT_TELEGRAM_TOKEN": "not-a-token"}

    def context_for(name: str) -> ConnectorContext:
        return ConnectorContext(handler=Script(), env=env, media_dir=tmp_path)

    connectors, problems = build_connectors(context_for, only={"telegram"})
    assert connectors == []
    (problem,) = problems
    assert problem.fatal and problem.message.startswith("telegram: REPORTBOT_TELEGRAM_TOKEN")
    assert problem.line("en").startswith("telegram: REPORTBOT_TELEGRAM_TOKEN is not a bot token")
    assert problem.line("vi").startswith("telegram: REPORTBOT_TELEGRAM_TOKEN không phải")
