"""A drill's world: the fakes, the database seeded with units and invites, the bot's env.

Also what the database says at the end (`Outcome`): what each officer's unit kept.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tortoise.backends.base.executor import EXECUTOR_CACHE

from drills.figures import Figures
from drills.officer import SCRIPT, Officer
from drills.pgserver import PrivatePostgres
from drills.ports import free_port
from reportbot.conversation.values import decode_value
from reportbot.forms.loader import load_yaml_template
from reportbot.registration import create_invite
from reportbot.store.database import close_database, open_database
from reportbot.store.models import Answer, JobLease, OutboxEntry, Submission, Unit
from tests.fakes.telegram import FakeTelegram

REPO = Path(__file__).resolve().parent.parent
FORMS = REPO / "forms"
NQ57 = FORMS / "nq57_bao_cao_6_thang.yaml"
FIRST_USER = 810_000_000


@dataclass
class World:
    """Temp folder, database URL (SQLite file or private PostgreSQL), fake Telegram."""

    folder: Path
    database: str
    tg: FakeTelegram
    http_port: int
    mode: str
    postgres: PrivatePostgres | None = None
    officers: list[Officer] = field(default_factory=list)

    @property
    def webhook_url(self) -> str:
        """Where Telegram posts updates (webhook mode)."""
        return f"http://127.0.0.1:{self.http_port}/webhook/telegram"

    def polled_since(self) -> Callable[[float], bool] | None:
        """In polling mode: whether getUpdates was called since a monotonic time."""
        if self.mode != "polling":
            return None
        return lambda since: any(
            c.method == "getUpdates" and c.at >= since for c in self.tg.calls[-50:]
        )

    def bot_env(self, **extra: str) -> dict[str, str]:
        """The bot's environment: this process's, minus REPORTBOT_*, plus the drill's."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
        env.update(
            {
                "REPORTBOT_CONFIG": str(self.folder / "reportbot.toml"),
                "REPORTBOT_DATABASE_URL": self.database,
                "REPORTBOT_FORMS_DIR": str(FORMS),
                "REPORTBOT_MEDIA_DIR": str(self.folder / "media"),
                "REPORTBOT_MIRROR_XLSX": str(self.folder / "mirror.xlsx"),
                "REPORTBOT_SHEETS_INTERVAL": "2",
                "REPORTBOT_HTTP_PORT": str(self.http_port),
                "REPORTBOT_DEMO": "false",
                "REPORTBOT_TELEGRAM_TOKEN": self.tg.token,
                "REPORTBOT_TELEGRAM_API_URL": self.tg.base_url,
                "REPORTBOT_TELEGRAM_POLL_TIMEOUT": "1",
                "REPORTBOT_TELEGRAM_RETRY_DELAY": "0.05",
                "REPORTBOT_TELEGRAM_RETRY_MAX_DELAY": "1",
                "REPORTBOT_TELEGRAM_GLOBAL_RATE": "1000",
                "REPORTBOT_TELEGRAM_CHAT_RATE": "1000",
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.mode == "webhook":
            env["REPORTBOT_TELEGRAM_WEBHOOK_URL"] = self.webhook_url
            env["REPORTBOT_TELEGRAM_WEBHOOK_SECRET"] = "drill-webhook-secret"
        env.update(extra)
        return env


async def make_world(mode: str, db: str, officers: int, folder: Path | None = None) -> World:
    """Create the temp folder, the database (migrated, seeded) and start the Telegram fake."""
    root = folder or Path(tempfile.mkdtemp(prefix="reportbot-drill-"))
    root.mkdir(parents=True, exist_ok=True)
    (root / "reportbot.toml").write_text("", encoding="utf-8")
    postgres = None
    if db == "postgres":
        postgres = PrivatePostgres(root / "pg")
        postgres.init()
        url = postgres.url
    else:
        url = f"sqlite://{root / 'drill.sqlite3'}"
    tg = FakeTelegram()
    await tg.start()
    world = World(root, url, tg, free_port(), mode, postgres)
    # Tortoise caches statements per table, not per dialect: a drill on PostgreSQL after one
    # on SQLite in the same process must not reuse '?' placeholders.
    EXECUTOR_CACHE.clear()
    await open_database(url)
    try:
        world.officers = await _seed(officers)
    finally:
        await close_database()
    return world


async def _seed(count: int) -> list[Officer]:
    template = load_yaml_template(NQ57)[0]
    labels = {template.question(q).label["vi"]: q for q in SCRIPT}
    officers = []
    for n in range(1, count + 1):
        code = f"drill{n:03d}"
        unit = await Unit.create(code=code, name=f"Đơn vị diễn tập {n}", type="doan_the")
        invite = await create_invite(unit=unit, role="officer", now=datetime.now(UTC))
        officers.append(Officer(FIRST_USER + n, invite.code, code, labels))
    return officers


@dataclass
class Outcome:
    """What the database kept, per officer, against what they had acknowledged."""

    acknowledged: int = 0
    lost: int = 0  # acknowledged answers missing from the unit's report
    misplaced: int = 0  # stored under a question whose expected value is another
    duplicated: int = 0  # misplaced with the value of another answer (applied twice)
    submitted: int = 0
    replies_owed: int = 0  # replies still waiting for a confirmation
    details: list[str] = field(default_factory=list)


async def outcome(world: World) -> Outcome:
    """Compare the database with what the officers were acknowledged (bot stopped or not)."""
    acked = {o.unit_code: {a.question_id for a in o.acked} for o in world.officers}
    counts = {o.unit_code: len(o.acked) for o in world.officers}
    return await count_outcome(acked, SCRIPT, counts)


async def count_outcome(
    acked: dict[str, set[str]],
    script: dict[str, tuple[str, object]],
    counts: dict[str, int] | None = None,
) -> Outcome:
    """What the database kept against the answers acknowledged per unit code (question ids),
    `script` mapping question id -> (typed, expected value); shared with benchmarks/workers.py."""
    template = load_yaml_template(NQ57)[0]
    result = Outcome()
    typed_values = {typed: q for q, (typed, _) in script.items()}
    for unit_code, questions in acked.items():
        submissions = await Submission.filter(unit__code=unit_code)
        result.acknowledged += (counts or {}).get(unit_code, len(questions))
        if not submissions:
            result.lost += len(questions)
            continue
        submission = submissions[0]
        result.submitted += submission.status == "submitted"
        stored = {}
        for row in await Answer.filter(submission=submission):
            value = decode_value(template.question(row.question_id), row.value)
            stored[row.question_id] = value.isoformat() if isinstance(value, date) else value
        for qid in questions:
            if script[qid][1] is not None and qid not in stored:
                result.lost += 1
                result.details.append(f"{unit_code}: {qid} lost")
        for qid, value in stored.items():
            expected = script.get(qid, (None, None))[1]
            if qid in script and value != expected:
                result.misplaced += 1
                raw = str(value)
                if raw in typed_values and typed_values[raw] != qid:
                    result.duplicated += 1
                result.details.append(f"{unit_code}: {qid}={value!r}, not {expected!r}")
    result.replies_owed = await OutboxEntry.filter(topic="reply").count()
    return result


async def lease_holders() -> dict[str, str]:
    """Lease name -> holder, as the database says now."""
    return {row.name: row.holder for row in await JobLease.all()}


async def tear_down(
    bot: Any,
    channel: Any,
    folder: Path,
    keep: bool,
    figures: Figures,
    *closers: Callable[[], Awaitable[object]],
) -> None:
    """End a drill: kill the bot, close the channel and then each closer in turn, and remove
    the temp folder (or keep it, noted in the figures, for a look at `bot.log`)."""
    await bot.kill9()
    await channel.close()
    for close in closers:
        await close()
    if keep:
        figures.notes.append(f"kept: {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
