"""Drill: a graceful stop while Telegram does not take messages; the rest waits for next start.

    python -m drills.stop --drain 10

The bot (webhook mode) registers an officer while every sendMessage fails (502, as Telegram's
front answers when overloaded), so the welcome reply is stuck in the send queue. SIGTERM: the
stop must end within REPORTBOT_STOP_DRAIN_S (not Telegram's own 30 s drain), keep the reply in
the outbox, and the next start must send it at once.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from drills.channel import Channel
from drills.figures import Figures
from drills.process import BotProcess
from drills.world import make_world, tear_down
from reportbot.store.database import close_database, open_database
from reportbot.store.models import OutboxEntry

STOP_OVERHEAD_S = 8.0  # closing the web server, the last mirror flush, the database


async def _owed() -> int:
    return await OutboxEntry.filter(topic="reply").count()


async def _wait(check, timeout: float) -> float | None:  # type: ignore[no-untyped-def]
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if await check():
            return time.monotonic() - began
        await asyncio.sleep(0.1)
    return None


async def run_stop_drill(drain_s: float = 10.0, keep: bool = False) -> Figures:
    """Run the drill; `figures.stop_s` is the stop's duration, `replies_lost` what never came."""
    began = time.monotonic()
    figures = Figures(f"stop/drain {drain_s:.0f} s", officers=1)
    world = await make_world("webhook", "sqlite", 1)
    env = world.bot_env(REPORTBOT_STOP_DRAIN_S=str(drain_s))
    bot = BotProcess(env, world.folder, world.http_port)
    channel = Channel(world.tg, "webhook", world.webhook_url)
    officer = world.officers[0]
    tg = world.tg
    try:
        await bot.start()
        await bot.wait_ready()
        await open_database(world.database, migrate_first=False)
        tg.fail_next("sendMessage", times=1_000_000, status=502)
        start = tg.text_update(officer.user_id, f"/start {officer.code}")
        assert await channel.send(start, time.monotonic() + 60), "the update was not taken"
        figures.answers_acknowledged = 1

        async def owed() -> bool:
            return await _owed() > 0

        if await _wait(owed, 20) is None:
            figures.notes.append("no reply was kept in the outbox")
        figures.stop_s = await bot.stop(timeout=120)
        kept = await _owed()
        figures.notes.append(f"replies kept in the outbox after the stop: {kept}")
        if figures.stop_s > drain_s + STOP_OVERHEAD_S:
            figures.notes.append(f"the stop took longer than {drain_s:.0f} s + overhead")
        tg.heal()
        await bot.start()
        await bot.wait_ready()
        restarted = time.monotonic()

        async def welcomed() -> bool:
            return bool(tg.sent_texts(officer.user_id))  # the welcome kept by the stop

        seen = await _wait(welcomed, 30)
        if seen is None:
            figures.replies_lost = 1
            figures.notes.append(f"chat after the restart: {tg.sent_texts(officer.user_id)}")
        else:
            figures.recover_s.append(time.monotonic() - restarted)
        await bot.stop()
        figures.tracebacks = bot.tracebacks()
        figures.http_5xx = channel.counts.server_errors
    finally:
        await tear_down(bot, channel, world.folder, keep, figures, close_database, tg.stop)
    figures.elapsed_s = time.monotonic() - began
    return figures


def main(argv: list[str] | None = None) -> int:
    """Command line: run the stop drill and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drain", type=float, default=10.0)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    figures = asyncio.run(run_stop_drill(args.drain, args.keep))
    print("\n".join(figures.lines()))
    slow = figures.stop_s > args.drain + STOP_OVERHEAD_S
    return 1 if figures.violations() or slow else 0


if __name__ == "__main__":
    sys.exit(main())
