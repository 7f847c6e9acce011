"""Drill: N officers file the Resolution 57 report while the bot is killed with SIGKILL.

    python -m drills.crash --mode webhook --db sqlite --officers 20 --kills 10 --duration 240
    python -m drills.crash --db postgres --fault pg-stop --kills 3   # database outages
    python -m drills.crash --db postgres --fault pg-freeze --kills 3  # database hangs

The bot runs as a child process (`reportbot run`) against the fake Telegram; a killer task
sends `kill -9` at random moments and starts the bot again at once; with `--fault pg-stop` or
`pg-freeze` it stops (`pg_ctl stop -m immediate`) or freezes (SIGSTOP) the drill's private
PostgreSQL server for `--outage` seconds instead. Webhook mode delivers every
update twice and replays some old ones out of order (`--no-duplicates` to turn off). At the
end the bot is stopped gracefully and the database is compared with what the officers were
acknowledged. Exit status 1 when a goal was missed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from dataclasses import dataclass

import aiohttp

from drills.channel import Channel
from drills.figures import Figures
from drills.process import BotProcess
from drills.world import World, lease_holders, make_world, outcome, tear_down
from reportbot.mirror.extension import LEASE_NAME as MIRROR_LEASE
from reportbot.store.database import close_database, open_database
from reportbot.store.models import OutboxEntry

# After the officers: time for kept replies to go out. A reply Telegram took just before a
# kill, whose confirmation died with the process, is sent again once due (60 s after it was
# written, by a job every 2 s; this drill runs one `--role all` process): at least once, so it
# is owed until then, not lost.
SETTLE_S = 80.0


@dataclass
class CrashConfig:
    """One crash drill."""

    mode: str = "webhook"
    db: str = "sqlite"
    officers: int = 4
    kills: int = 2
    duration_s: float = 45.0
    kill_gap_s: tuple[float, float] = (2.0, 6.0)
    duplicate: bool = True
    replay_share: float = 0.2
    seed: int = 57
    keep: bool = False
    fault: str = "kill"  # or "pg-stop", "pg-freeze" (PostgreSQL only)
    outage_s: float = 8.0


async def _until(check, timeout: float, every: float = 0.2) -> float | None:  # type: ignore[no-untyped-def]
    """Seconds until `await check()` is true, or None after `timeout`."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        try:
            if await check():
                return time.monotonic() - began
        except Exception:  # the database may be busy with the bot's writes: look again
            pass
        await asyncio.sleep(every)
    return None


async def _killer(bot: BotProcess, config: CrashConfig, figures: Figures) -> None:
    """Kill -9 at random moments; start again at once; measure recovery."""
    rng = random.Random(config.seed)
    for _ in range(config.kills):
        await asyncio.sleep(rng.uniform(*config.kill_gap_s))
        killed_at = time.monotonic()
        await bot.kill9()
        figures.kills += 1
        await bot.start()
        await bot.wait_ready()
        ready_at = time.monotonic()
        figures.recover_s.append(ready_at - killed_at)
        mirror_taken = _holds_mirror(f":{bot.pid}:")
        taken = await _until(mirror_taken, 40.0, every=0.1)
        if taken is None:
            figures.notes.append("the mirror lease was not retaken within 40 s of a restart")
        else:
            figures.mirror_recover_s.append(max(0.0, time.monotonic() - ready_at))
            figures.mirror_from_kill_s.append(time.monotonic() - killed_at)


def _holds_mirror(mark: str):  # type: ignore[no-untyped-def]
    """A check: whether the process whose holder id contains `mark` holds the mirror lease."""

    async def check() -> bool:
        return mark in (await lease_holders()).get(MIRROR_LEASE, "")

    return check


async def _database_outages(
    world: World, bot: BotProcess, config: CrashConfig, figures: Figures
) -> None:
    """Stop or freeze the private PostgreSQL server; measure /readyz and recovery."""
    assert world.postgres is not None, "database faults need --db postgres"
    rng = random.Random(config.seed)
    server = world.postgres
    for _ in range(config.kills):
        await asyncio.sleep(rng.uniform(*config.kill_gap_s))
        if config.fault == "pg-freeze":
            server.freeze()
        else:
            server.stop()
        figures.kills += 1
        await asyncio.sleep(1.0)
        asked = time.monotonic()
        status = await _readyz(world.http_port, timeout=config.outage_s)
        took = time.monotonic() - asked
        figures.notes.append(f"/readyz during the outage: {status} after {took:.1f} s")
        await asyncio.sleep(max(0.0, config.outage_s - 1.0 - took))
        back_at = time.monotonic()
        if config.fault == "pg-freeze":
            server.thaw()
        else:
            await asyncio.to_thread(server.start)

        async def answering(since: float = back_at) -> bool:
            # Recovered: the bot sent a message again (an officer is always waiting for one).
            calls = world.tg.calls[-200:]
            return any(c.method == "sendMessage" and c.at >= since for c in calls)

        taken = await _until(answering, 90.0)
        figures.recover_s.append(time.monotonic() - back_at if taken is not None else 90.0)
        if taken is None:
            figures.notes.append("no message sent within 90 s of the database's return")


async def _readyz(port: int, timeout: float = 10.0) -> int | None:
    """The status of /readyz, None without an answer within `timeout` seconds."""
    limit = aiohttp.ClientTimeout(total=timeout)
    try:
        async with (
            aiohttp.ClientSession(timeout=limit) as http,
            http.get(f"http://127.0.0.1:{port}/readyz") as response,
        ):
            return response.status
    except (aiohttp.ClientError, TimeoutError):
        return None


async def run_crash_drill(config: CrashConfig) -> Figures:
    """Run the drill; return its figures."""
    began = time.monotonic()
    name = "crash" if config.fault == "kill" else config.fault
    figures = Figures(f"{name}/{config.mode}/{config.db}", officers=config.officers)
    world = await make_world(config.mode, config.db, config.officers)
    bot = BotProcess(world.bot_env(), world.folder, world.http_port, world.polled_since())
    channel = Channel(
        world.tg,
        config.mode,
        world.webhook_url,
        duplicate=config.duplicate and config.mode == "webhook",
        replay_share=config.replay_share if config.mode == "webhook" else 0.0,
        seed=config.seed,
    )
    try:
        await bot.start()
        await bot.wait_ready()
        if config.fault == "kill":  # the lease is watched while the bot is killed
            await open_database(world.database, migrate_first=False)
        await _officers_under_fire(world, bot, channel, config, figures)
        if config.fault != "kill":  # opened once the database is back for good
            await open_database(world.database, migrate_first=False)
        await _settle(world, figures)
        figures.stop_s = await bot.stop()
        await _count(world, bot, channel, figures)
    finally:
        postgres = world.postgres

        async def destroy_postgres() -> None:
            if postgres is not None:
                postgres.destroy()

        await tear_down(
            bot,
            channel,
            world.folder,
            config.keep,
            figures,
            close_database,
            world.tg.stop,
            destroy_postgres,
        )
    figures.elapsed_s = time.monotonic() - began
    return figures


async def _officers_under_fire(
    world: World, bot: BotProcess, channel: Channel, config: CrashConfig, figures: Figures
) -> None:
    deadline = time.monotonic() + config.duration_s
    if config.fault == "kill":
        killer = asyncio.create_task(_killer(bot, config, figures))
    else:
        killer = asyncio.create_task(_database_outages(world, bot, config, figures))
    filing = [
        asyncio.create_task(o.file_report(world.tg, channel, deadline)) for o in world.officers
    ]
    await asyncio.gather(*filing)
    if not killer.done():
        figures.notes.append("every officer finished before the last planned kill")
        killer.cancel()
    await asyncio.gather(killer, return_exceptions=True)
    if not bot.running:  # a kill landed as the officers finished
        await bot.start()
    await bot.wait_ready()  # a restart may still be booting


async def _settle(world: World, figures: Figures) -> None:
    """Give kept replies their chance to go out (redelivery) before counting."""

    async def nothing_owed() -> bool:
        return await OutboxEntry.filter(topic="reply").count() == 0

    if await _until(nothing_owed, SETTLE_S, every=0.5) is None:
        figures.notes.append(f"replies still owed {SETTLE_S:.0f} s after the officers finished")


async def _count(world: World, bot: BotProcess, channel: Channel, figures: Figures) -> None:
    result = await outcome(world)
    figures.answers_acknowledged = result.acknowledged
    figures.answers_lost = result.lost
    figures.answers_misplaced = result.misplaced
    figures.answers_duplicated = result.duplicated
    figures.reports_submitted = result.submitted
    figures.officers_saw_submitted = sum(o.submitted_seen for o in world.officers)
    unseen = max(0, result.submitted - figures.officers_saw_submitted)
    figures.replies_lost = result.replies_owed + unseen
    figures.retypes = sum(o.retypes for o in world.officers)
    figures.http_5xx = channel.counts.server_errors
    figures.http_503 = channel.counts.refused_503
    figures.tracebacks = bot.tracebacks()
    figures.warning_exceptions = bot.warning_exceptions()
    figures.notes += result.details[:10]
    figures.notes += [f"{o.unit_code}: {o.stuck}" for o in world.officers if o.stuck][:10]


def main(argv: list[str] | None = None) -> int:
    """Command line: run one crash drill and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["webhook", "polling"], default="webhook")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--officers", type=int, default=20)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--duration", type=float, default=240.0)
    parser.add_argument("--gap", type=float, nargs=2, default=(2.0, 10.0))
    parser.add_argument("--no-duplicates", action="store_true")
    parser.add_argument("--seed", type=int, default=57)
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (bot.log)")
    parser.add_argument("--fault", choices=["kill", "pg-stop", "pg-freeze"], default="kill")
    parser.add_argument("--outage", type=float, default=8.0, help="seconds a database fault lasts")
    args = parser.parse_args(argv)
    config = CrashConfig(
        mode=args.mode,
        db=args.db,
        officers=args.officers,
        kills=args.kills,
        duration_s=args.duration,
        kill_gap_s=tuple(args.gap),
        duplicate=not args.no_duplicates,
        seed=args.seed,
        keep=args.keep,
        fault=args.fault,
        outage_s=args.outage,
    )
    figures = asyncio.run(run_crash_drill(config))
    print("\n".join(figures.lines()))
    return 1 if figures.violations() else 0


if __name__ == "__main__":
    sys.exit(main())
