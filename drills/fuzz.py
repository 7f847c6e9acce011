"""Drill: fuzzed requests to every endpoint of the running bot (webhook mode).

    python -m drills.fuzz --cases 2000          # Telegram, Zalo Bot and Zalo OA webhooks
    python -m drills.fuzz --cases 2000 --no-zalo

Bodies: random bytes, truncated and deeply nested JSON, huge numbers, ids of every JSON type,
updates with fields of the wrong type; headers: no secret, a wrong one, one that is not UTF-8.
Requests are written on a raw socket, so nothing a client library refuses is left out. Afterwards
one officer files the whole report, to show the bot still works. Prints 5xx before and after
authentication, tracebacks in the log, and whether the officer got through.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections.abc import Callable
from typing import Any

from drills.channel import SECRET, Channel
from drills.figures import Figures
from drills.fuzz_zalo import ZaloTargets
from drills.process import BotProcess
from drills.world import make_world, tear_down

GOOD_SECRET = SECRET.encode()


def _nested(depth: int) -> bytes:
    return b'{"update_id": 1, "message": ' + b'{"a": [' * depth + b"1" + b"]}" * depth + b"}"


def _typed_ids(rng: random.Random) -> bytes:
    odd: list[Any] = [{"x": 1}, [1, 2], "12", -1, 2**70, 1.5, None, True, "", "🙂" * 50]
    update = {
        "update_id": rng.choice([*odd, rng.randint(1, 10**6)]),
        "message": {
            "message_id": rng.choice(odd),
            "date": rng.choice(odd),
            "chat": {"id": rng.choice(odd), "type": rng.choice(["private", "group", 3])},
            "from": {"id": rng.choice(odd), "is_bot": False, "first_name": rng.choice(odd)},
            "text": rng.choice([*odd, "/start " + "A" * 300, "x" * 70000]),
        },
    }
    return json.dumps(update).encode()


def _callback(rng: random.Random) -> bytes:
    update = {
        "update_id": rng.randint(1, 10**9),
        "callback_query": {
            "id": str(rng.random()),
            "from": {"id": rng.randint(1, 10**12), "is_bot": False, "first_name": "X"},
            "data": rng.choice(["", "q:" + "z" * 200, "\u0000", "💥", "a|b|c" * 20]),
            "chat_instance": "1",
        },
    }
    return json.dumps(update).encode()


BODIES: list[Callable[[random.Random], bytes]] = [
    lambda rng: rng.randbytes(rng.randint(0, 4000)),
    lambda rng: b'{"update_id": 5, "message": {"text": "abc"',  # truncated
    lambda rng: _nested(rng.choice([50, 500, 5000, 50_000])),
    lambda rng: b"[" * rng.randint(1000, 100_000),
    lambda rng: b'{"update_id": ' + b"9" * rng.randint(20, 5000) + b"}",
    lambda rng: json.dumps(rng.choice([[], {}, "x", 1, None, True])).encode(),
    _typed_ids,
    _callback,
    lambda rng: '{"update_id": 3, "message": "\udcff"}'.encode("utf-8", "surrogatepass"),
    lambda rng: b"\xff\xfe" + "{}".encode("utf-16-le"),
]
SECRETS: list[bytes | None] = [None, b"wrong", b"\xff\xfe\xfd", b"x" * 5000, GOOD_SECRET]


async def raw_request(port: int, method: str, path: str, headers: dict[str, bytes], body: bytes):  # type: ignore[no-untyped-def]
    """One HTTP/1.1 request on a fresh socket; the status code, or None if cut off."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
    head = [f"{method} {path} HTTP/1.1".encode(), b"Host: 127.0.0.1", b"Connection: close"]
    head += [name.encode() + b": " + value for name, value in headers.items()]
    head.append(f"Content-Length: {len(body)}".encode())
    writer.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
    try:
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), 30)
    except (ConnectionError, TimeoutError):
        return None
    finally:
        writer.close()
    parts = line.split()
    return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None


async def fuzz(
    port: int, cases: int, seed: int, figures: Figures, zalo: ZaloTargets | None = None
) -> dict[str, int]:
    """Send `cases` fuzzed requests; count statuses before and after authentication.

    With `zalo`, three requests in ten go to the Zalo webhooks instead of Telegram's.
    """
    rng = random.Random(seed)
    counts = {"pre_auth_5xx": 0, "post_auth_5xx": 0, "cut_off": 0, "4xx": 0, "2xx": 0}
    if zalo is not None:
        counts.update({"zalo_requests": 0, "zalo_authenticated_2xx": 0, "zalo_not_found": 0})
    for n in range(cases):
        secret = rng.choice(SECRETS)
        kind = rng.randrange(len(BODIES))
        body = BODIES[kind](rng)
        headers = {"Content-Type": b"application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        path, method = "/webhook/telegram", "POST"
        authenticated = secret == GOOD_SECRET
        if n % 10 == 9:  # the other endpoints, with junk too
            path = rng.choice(["/healthz", "/readyz", "/metrics", "/webhook/telegram?x=%ff"])
            method = rng.choice(["GET", "POST", "PUT"])
            authenticated = authenticated and path.startswith("/webhook")
        elif zalo is not None and n % 10 in (2, 5, 8):
            request = zalo.request(rng, body)
            path, body, authenticated = request.path, request.body, request.authenticated
            headers = {"Content-Type": b"application/json", **request.headers}
            counts["zalo_requests"] += 1
        status = await raw_request(port, method, path, headers, body)
        if path.startswith("/webhook/zalo"):  # the endpoints must exist and take good events
            counts["zalo_not_found"] += status == 404
            accepted = authenticated and status is not None and status < 300
            counts["zalo_authenticated_2xx"] += accepted
        if status is None:
            counts["cut_off"] += 1
        elif status >= 500:
            counts["post_auth_5xx" if authenticated else "pre_auth_5xx"] += 1
            shown = "auth" if authenticated else "no auth"
            sample = f"{status} on {method} {path} body#{kind} ({shown})"
            if sample not in figures.notes and len(figures.notes) < 12:
                figures.notes.append(sample)
        elif status >= 400:
            counts["4xx"] += 1
        else:
            counts["2xx"] += 1
    return counts


async def run_fuzz_drill(
    cases: int, seed: int = 57, keep: bool = False, zalo: bool = True
) -> Figures:
    """Start the bot, fuzz it, then have one officer file a report; return the figures."""
    began = time.monotonic()
    figures = Figures("fuzz/webhook/sqlite" + ("+zalo" if zalo else ""), officers=1)
    world = await make_world("webhook", "sqlite", 1)
    targets = ZaloTargets() if zalo else None
    extra: dict[str, str] = {}
    if targets is not None:
        await targets.start()
        extra = targets.env(world.http_port)
    bot = BotProcess(world.bot_env(**extra), world.folder, world.http_port)
    channel = Channel(world.tg, "webhook", world.webhook_url)
    try:
        await bot.start()
        await bot.wait_ready()
        counts = await fuzz(world.http_port, cases, seed, figures, targets)
        figures.counts = counts
        figures.http_5xx = counts["pre_auth_5xx"] + counts["post_auth_5xx"]
        figures.notes.append(
            f"{cases} fuzzed requests: " + ", ".join(f"{k} {v}" for k, v in counts.items())
        )
        officer = world.officers[0]
        await officer.file_report(world.tg, channel, time.monotonic() + 90)
        figures.officers_saw_submitted = int(officer.submitted_seen)
        figures.answers_acknowledged = len(officer.acked)
        if not officer.submitted_seen:
            figures.notes.append(f"after the fuzzing the officer got stuck: {officer.stuck}")
            figures.replies_lost += 1
        figures.stop_s = await bot.stop()
        figures.tracebacks = bot.tracebacks()
        figures.http_5xx += channel.counts.server_errors
    finally:
        closers = [world.tg.stop] + ([targets.stop] if targets is not None else [])
        await tear_down(bot, channel, world.folder, keep, figures, *closers)
    figures.elapsed_s = time.monotonic() - began
    return figures


def main(argv: list[str] | None = None) -> int:
    """Command line: run the fuzz drill and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=57)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--no-zalo", action="store_true", help="fuzz the Telegram webhook only")
    args = parser.parse_args(argv)
    figures = asyncio.run(run_fuzz_drill(args.cases, args.seed, args.keep, not args.no_zalo))
    print("\n".join(figures.lines()))
    return 1 if figures.violations() else 0


if __name__ == "__main__":
    sys.exit(main())
