"""The aiogram Bot the connector talks through, pointed at the configured Bot API server."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetUpdates,
    SendChatAction,
    SendDocument,
    SendMessage,
    SendPhoto,
)
from aiogram.methods.base import Response, TelegramMethod, TelegramType
from aiogram.types import InputFile
from aiohttp import ClientError

from connectors.telegram.config import TelegramConfig

# aiogram reads every answer through the pydantic model Response[<result type>]. pydantic
# caches such generic classes only weakly, so after a garbage collection each one is built
# again, which takes about 10 ms; under load that was a tenth of the bot's CPU. Holding them
# here keeps them built.
RESPONSE_TYPES = tuple(
    Response[method.__returning__]  # type: ignore[name-defined]
    for method in (
        SendMessage,
        SendPhoto,
        SendDocument,
        EditMessageText,
        EditMessageReplyMarkup,
        AnswerCallbackQuery,
        GetFile,
        GetUpdates,
    )
)


_JSON = {"Content-Type": "application/json"}


# The connector never reads what these methods return (the message it just sent), and turning
# that into a pydantic Message cost more than the rest of the call (0.15 ms, 0.45 ms with the
# review screen's keyboard). Their successful results stay raw JSON; errors are read as usual.
# GetRawUpdates is here for the opposite reason: its result is read, one update at a time.
class GetRawUpdates(GetUpdates):
    """getUpdates whose result stays raw JSON: the poller validates each update on its own."""


UNREAD_RESULTS = (
    GetRawUpdates,
    SendMessage,
    EditMessageText,
    EditMessageReplyMarkup,
    AnswerCallbackQuery,
    SendChatAction,
)


class _Session(AiohttpSession):
    """aiogram's session, sending JSON bodies, without the pause on close over plain HTTP."""

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        """Send a method as a JSON body (the Bot API accepts application/json).

        aiogram sends form fields, and URL-encoding Vietnamese text was the largest part of
        the cost of a sendMessage; a request carrying a file still goes aiogram's way.
        """
        files: dict[str, InputFile] = {}
        payload = self.json_payload(bot, method, files)
        if files:
            return await super().make_request(bot, method, timeout)
        unread = isinstance(method, UNREAD_RESULTS)
        name = method.__api_method__
        return await self.post_json(bot, name, payload, lambda: method, unread, timeout)

    def json_payload(
        self, bot: Bot, method: TelegramMethod[Any], files: dict[str, InputFile]
    ) -> dict[str, Any]:
        """The JSON body of `method` as aiogram prepares its values; files go to `files`."""
        payload: dict[str, Any] = {}
        # Leaving out the None fields (as aiogram does later) halves the cost of a keyboard.
        for key, value in method.model_dump(warnings=False, exclude_none=True).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is not None:
                payload[key] = prepared
        return payload

    async def post_json(
        self,
        bot: Bot,
        name: str,
        payload: dict[str, Any],
        method: Callable[[], TelegramMethod[Any]],
        unread: bool = True,
        timeout: float | None = None,
    ) -> Any:
        """POST `payload` to the Bot API method `name`; its result (raw JSON when `unread`).

        `method()` gives the aiogram method of the call, read only to describe an error or to
        read a result that is not left raw.
        """
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=name)
        try:
            async with session.post(
                url,
                data=self.json_dumps(payload),
                headers=_JSON,
                timeout=self.timeout if timeout is None else timeout,
            ) as response:
                raw = await response.text()
        except TimeoutError as error:
            raise TelegramNetworkError(method=method(), message="Request timeout error") from error
        except ClientError as error:
            message = f"{type(error).__name__}: {error}"
            raise TelegramNetworkError(method=method(), message=message) from error
        if unread and response.status == HTTPStatus.OK:
            data = self.json_loads(raw)
            if isinstance(data, dict) and data.get("ok") is True:
                return data.get("result")
        checked = self.check_response(
            bot=bot, method=method(), status_code=response.status, content=raw
        )
        return checked.result

    async def close(self) -> None:
        if self.api.base.startswith("https://"):
            await super().close()
        elif self._session is not None and not self._session.closed:
            await self._session.close()


async def send_text(bot: Bot, chat_id: str, text: str, markup: dict[str, Any] | None) -> Any:
    """sendMessage as the connector sends it (plain text, an optional inline keyboard given
    in its JSON form); the raw result, the message sent as a dict.

    The body is what aiogram's `send_message` sends for these arguments (no parse mode, no
    other field), built directly: the method model, its dump and the walk over every value
    (the keyboard's buttons each a model, read back) cost more than the rest of the call.
    """
    payload: dict[str, Any] = {"chat_id": chat_id, "text": text}
    if markup is not None:
        payload["reply_markup"] = markup

    def method() -> SendMessage:
        return SendMessage(chat_id=chat_id, text=text, reply_markup=markup)

    session = bot.session
    if not isinstance(session, _Session):  # a Bot made elsewhere: aiogram's own way
        return await bot(method())
    return await session.post_json(bot, "sendMessage", payload, method)


def make_bot(config: TelegramConfig) -> Bot:
    """An aiogram Bot for the configured API server; messages are sent as plain text.

    Sending and editing methods (`UNREAD_RESULTS`) return the raw JSON result, not a Message.
    """
    if config.api_url:
        api = TelegramAPIServer.from_base(config.api_url)
        session = _Session(api=api, timeout=config.request_timeout)
    else:
        session = _Session(timeout=config.request_timeout)
    # No parse mode: the application sends plain text, so nothing a user typed is ever
    # interpreted as markup.
    return Bot(config.token, session=session, default=DefaultBotProperties(parse_mode=None))
