"""An OA token problem reaches the administrators everywhere: log, digest, `reportbot status`.

The OA connector runs against its fake over real HTTP with its durable state in the test's
database (the bot's own key-value store). The wall clock is moved with time-machine (the fake's
token lifetimes and the connector's expiry read it), so nothing sleeps; the reminder worker
keeps its own test clock.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from connectors.base import WARNING_KEY, ConnectorContext, connector_warnings
from connectors.zalo_oa import MemoryTokenStore, TokenPair, ZaloOaConnector, load_settings
from reportbot.cli.status import _report
from reportbot.reminders.compose import NOTICES_HEAD
from reportbot.store.kv import KeyValueStore
from reportbot.store.models import Identity, Person, Unit
from tests.conftest import FakeClock
from tests.fakes._server import AppServer, ScriptedHandler
from tests.fakes.zalo_oa import FakeZaloOa
from tests.support import load_shipped_forms
from tests.test_reminders_support import RecordingConnector, local, sections, worker_for
from tests.zalo_oa_fixtures import REFRESH_TTL, idle


async def started(oa_fake_aging: FakeZaloOa, tmp_path: Path) -> ZaloOaConnector:
    """The connector with fresh tokens and the bot's durable state (namespace `zalo_oa`)."""
    access, refresh = oa_fake_aging.issue_tokens()
    context = ConnectorContext(
        handler=ScriptedHandler(),
        env=oa_fake_aging.env(refresh, access),
        config={"token_store": "memory", "request_timeout": 2.0, "retry_base": 0.01},
        web_app=AppServer().app,
        media_dir=tmp_path,
        kv=KeyValueStore("zalo_oa"),
    )
    settings = load_settings(context.env, context.config)
    assert settings is not None
    connector = ZaloOaConnector(context, settings, MemoryTokenStore(TokenPair(access, refresh)))
    await connector.start()
    return connector


def warned(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


async def digest_to_chief(connector: ZaloOaConnector) -> str:
    """The digest a coordinator on another platform receives from a run with the OA in it."""
    await load_shipped_forms()
    chief = await Unit.create(code="vhxh", name="Phòng Văn hóa - Xã hội", type="phong")
    leader = await Person.create(name="Lãnh đạo", unit=chief, role="coordinator", locale="vi")
    await Identity.create(platform="fake", external_id="u-chief", chat_id="u-chief", person=leader)
    when = FakeClock(local(2026, 6, 19, 9, 0))  # a digest of the shipped form is due
    other = RecordingConnector("fake", when)
    await worker_for([other, connector], when).run_once()
    (digest,) = [d for d in other.delivered if d.user_id == "u-chief"]
    return digest.text


async def test_an_expired_refresh_token_warns_once_in_log_digest_and_status(
    db: str,
    oa_fake_aging: FakeZaloOa,
    wall_clock: time_machine.Traveller,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    connector = await started(oa_fake_aging, tmp_path)
    state = KeyValueStore("zalo_oa")
    try:
        await idle(connector, wall_clock, hours=1)
        assert await state.get(WARNING_KEY) is None  # healthy: nothing for the admin
        wall_clock.shift(timedelta(seconds=REFRESH_TTL, days=1))  # the bot was off for 3 months
        with caplog.at_level(logging.WARNING):
            await idle(connector, wall_clock, hours=24)
        lines = warned(caplog)
        assert len(lines) == 1, lines  # once per state change, not every tick (96 ticks)
        (warning,) = lines
        assert "kết nối lại OA" in warning and "re-authorise" not in warning  # one language
        assert connector.warnings() == [warning]
        assert connector_warnings([connector, object()]) == [warning]

        # Recorded once for other processes: later ticks do not rewrite it.
        entry = await state.entry(WARNING_KEY)
        assert entry is not None and entry.value == warning
        first_written = entry.updated_at
        await idle(connector, wall_clock, hours=2)
        later = await state.entry(WARNING_KEY)
        assert later is not None and later.updated_at == first_written

        capsys.readouterr()
        assert await _report("vi") == 0
        out = capsys.readouterr().out
        assert "Cảnh báo kết nối: 1" in out
        (status_line,) = [line for line in out.splitlines() if "zalo_oa" in line]
        assert status_line.endswith(warning)

        text = await digest_to_chief(connector)
        assert sections(text)[NOTICES_HEAD] == [warning]
    finally:
        await connector.stop(timeout=5)


async def test_a_healthy_oa_leaves_no_warning_anywhere(
    db: str,
    oa_fake_aging: FakeZaloOa,
    wall_clock: time_machine.Traveller,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    state = KeyValueStore("zalo_oa")
    await state.set(WARNING_KEY, "an old problem, solved since")  # left by an earlier run
    connector = await started(oa_fake_aging, tmp_path)
    try:
        await idle(connector, wall_clock, hours=30)  # longer than an access token's life
        assert connector.warnings() == []
        assert await state.get(WARNING_KEY) is None  # cleared on the first healthy check
        capsys.readouterr()
        assert await _report("vi") == 0
        assert "Cảnh báo kết nối: không có" in capsys.readouterr().out
        text = await digest_to_chief(connector)
        assert NOTICES_HEAD not in text
    finally:
        await connector.stop(timeout=5)
