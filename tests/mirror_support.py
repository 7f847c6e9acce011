"""What the mirror's tests share: an officer filing the whole report, a database holding one
filed report, and the `reportbot sheets ...` commands run in-process."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from reportbot.config import Settings
from reportbot.mirror.extension import register
from reportbot.service import ConversationService
from reportbot.store.database import close_database, open_database
from tests.conftest import TZ, FakeClock
from tests.support import NQ57_SCRIPT, Chat, load_shipped_forms, seed_commune

FILED_AT = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # inside the second half-year's window


async def file_report(service: ConversationService, user: str = "u-hoiphunu") -> Chat:
    """An officer files the whole Resolution 57 report for the current period."""
    chat = Chat(service, user)
    await chat.say("/baocao")
    await chat.say("2")  # the current period (the overdue one is listed first)
    for _, typed, _ in NQ57_SCRIPT:
        await chat.say(typed)
    await chat.say("/gui")
    assert "Đã gửi" in await chat.say("có")
    return chat


def database_with_one_report(database: str) -> None:
    """Migrate `database`, seed the commune and its forms, and file one report (own loop)."""

    async def file_one() -> None:
        await open_database(database)
        try:
            await seed_commune()
            await load_shipped_forms()
            service = ConversationService(TZ, clock=FakeClock(FILED_AT))
            await service.start()
            await file_report(service)
            await service.close()
        finally:
            await close_database()

    asyncio.run(file_one())


def sheets_command(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str]]:
    """`run("sheets", "status")` → (exit code, what it printed), as the CLI runs it."""
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())

    def run(*argv: str) -> tuple[int, str]:
        args = parser.parse_args(list(argv))
        code = asyncio.run(args.func(args, settings))
        return code, capsys.readouterr().out

    return run
