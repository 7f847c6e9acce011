"""The webhook endpoint: secret checked on every request, then the update is taken in.

Each update is read alone (`decode.UpdateReader`): one aiogram cannot read is logged, kept raw
and confirmed with 200 (read without its faulty fields where possible), so Telegram does not
send it again and again. Only a body that is not an update at all gets 400, logged with the
update id when it has one.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from aiogram.types import Update
from aiohttp import web

from connectors.base import NotAccepted
from connectors.telegram.decode import UpdateReader, update_id_of

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

Process = Callable[[Update], Awaitable[None]]  # raises NotAccepted: not stored


def make_handler(
    secret: str, reader: UpdateReader, process: Process, accepting: Callable[[], bool]
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """An aiohttp handler for Telegram's webhook POSTs.

    No secret header: 401; a wrong one: 403; either way nothing is read or handled. `process`
    returns once the update is stored in the inbox (handled afterwards) or handled
    (`TelegramConnector.take_in`); only then is 200 returned, so a crash makes Telegram
    deliver it again rather than lose it.
    """
    expected = secret.encode()

    async def handle(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return web.Response(status=401, text="missing secret token")
        # aiohttp decodes header bytes as UTF-8 with surrogateescape: back to the raw bytes.
        if not hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected):
            log.warning("telegram webhook: wrong secret token from %s", request.remote)
            return web.Response(status=403, text="wrong secret token")
        if not accepting():
            return web.Response(status=503, text="shutting down")
        try:
            data = json.loads(await request.read())
            # Lone surrogates ("\udcff") parse but cannot be stored; deep nesting recurses.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except (ValueError, RecursionError) as error:
            log.warning("telegram webhook: 400, the body is not JSON (%s)", error)
            return web.Response(status=400, text="bad update")
        update_id = update_id_of(data)
        if update_id is None:
            shown = data.get("update_id") if isinstance(data, dict) else None
            log.warning("telegram webhook: 400, no proper update_id (%.40r)", shown)
            return web.Response(status=400, text="bad update")
        update = reader.read(data)
        if update is not None:
            try:
                await process(update)
            except NotAccepted:  # not stored: Telegram retries a webhook that fails
                return web.Response(status=503, text="try again")
        return web.Response(status=200)

    return handle
