"""The fake Bot API on the deploy drill's server (drills/deploy_server.sh).

Run with no argument it serves tests/fakes/telegram.py's fake until killed, writes its URL to
/run/fake-tg-url, and once the bot has set its webhook, posts each line it reads from the
FIFO /run/fake-tg-in ("USER_ID<TAB>text") to the webhook as that user's message, and writes
the bot's answers to the FIFO /run/fake-tg-out. `--send USER_ID TEXT` is the other end: it
sends one line and prints the answers (or why there are none).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, "/srv/reportbot/app")  # the checkout the server installed

IN = Path("/run/fake-tg-in")
OUT = Path("/run/fake-tg-out")
ANSWER_TIMEOUT_S = 60.0


async def serve() -> None:
    """Serve the fake Bot API and relay the drill's messages to the bot's webhook."""
    from tests.fakes.telegram import FakeTelegram

    # Telegram never reuses an update id, also across restarts of this fake.
    telegram = FakeTelegram(first_update_id=int(time.time()))
    Path("/run/fake-tg-url").write_text(await telegram.start())
    for fifo in (IN, OUT):
        if not fifo.exists():
            os.mkfifo(fifo)
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, IN.read_text)
        user, _, text = line.rstrip("\n").partition("\t")
        await loop.run_in_executor(None, OUT.write_text, await _relay(telegram, int(user), text))


async def _relay(telegram: Any, user_id: int, text: str) -> str:
    """Post one message to the webhook (as Telegram, retrying until 200); the answers."""
    deadline = time.monotonic() + ANSWER_TIMEOUT_S
    while telegram.webhook is None and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    if telegram.webhook is None:
        return "no webhook was set"
    before = len(telegram.sent_texts(user_id))
    update = telegram.text_update(user_id, text)
    secret = telegram.webhook.get("secret_token")
    status = 0
    # Telegram retries a webhook call that did not answer 2xx, "a reasonable amount of
    # attempts" (Bot API, setWebhook); here once a second until the answer deadline.
    while time.monotonic() < deadline:
        try:
            status = await telegram.post_webhook(telegram.webhook["url"], update, secret)
        except OSError:
            status = 0
        if status == 200:
            break
        await asyncio.sleep(1.0)
    if status != 200:
        return f"the webhook answered {status}"
    try:
        await telegram.wait_sent(user_id, before + 1, timeout=deadline - time.monotonic())
    except (AssertionError, TimeoutError) as error:
        return f"no answer: {error}"
    return "\n".join(telegram.sent_texts(user_id)[before:])


def send(user_id: str, text: str) -> None:
    """Send one line through the serving fake and print the bot's answers."""
    IN.write_text(f"{user_id}\t{text}\n")
    print(OUT.read_text())


if __name__ == "__main__":
    if sys.argv[1:2] == ["--send"]:
        send(sys.argv[2], sys.argv[3])
    else:
        asyncio.run(serve())
