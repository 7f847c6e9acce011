"""Start-up checks: a refused token, an unreachable API or a refused webhook, said in one line.

Each failure becomes `ConnectorStartError` with one line naming the cause and the fix, in
Vietnamese and in English; the application prints it in the bot's language and exits non-zero
instead of a traceback. The token itself is never part of a message; what the Bot API answered
is quoted as it came (in English: what an IT officer searches for).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramServerError,
    TelegramUnauthorizedError,
)

from connectors.base import ConnectorStartError
from connectors.telegram.config import PREFIX

T = TypeVar("T")
DEFAULT_API = "https://api.telegram.org"


def malformed_token() -> ConnectorStartError:
    """The error for a token that is not shaped like a bot token at all."""
    return ConnectorStartError(
        f"telegram: {PREFIX}TOKEN không phải token của bot: cần dạng chữ số, dấu hai chấm rồi "
        "mã bí mật, như @BotFather cấp; hãy chép lại từ @BotFather",
        f"telegram: {PREFIX}TOKEN is not a bot token: it should be digits, a colon and a "
        "secret, as @BotFather gives it; copy it again from @BotFather",
    )


async def checked(
    call: Callable[[], Awaitable[T]], step: str, api_url: str | None, token: str
) -> T:
    """Run a start-up call; turn its failure into a one-line ConnectorStartError.

    `step` names what was being done ("getMe", "setWebhook", ...); `token` is blanked out of
    anything quoted from the error.
    """
    try:
        return await call()
    except TelegramUnauthorizedError:
        raise ConnectorStartError(
            "telegram: Bot API từ chối token (401 Unauthorized); hãy chép token hiện hành từ "
            f"@BotFather vào {PREFIX}TOKEN",
            f"telegram: the Bot API refused the token (401 Unauthorized); copy the current "
            f"token from @BotFather into {PREFIX}TOKEN",
        ) from None
    except TelegramNotFound:
        raise ConnectorStartError(
            f"telegram: Bot API không biết token này (404 ở {step}); kiểm tra {PREFIX}TOKEN "
            f"và {PREFIX}API_URL",
            f"telegram: the Bot API does not know this token (404 on {step}); check "
            f"{PREFIX}TOKEN and {PREFIX}API_URL",
        ) from None
    except (TelegramNetworkError, TelegramServerError) as error:
        cause = _short(error, token).split(":")[0]
        raise ConnectorStartError(
            f"telegram: không kết nối được Bot API ở {_host(api_url)} ({cause}); kiểm tra "
            f"mạng, proxy hoặc {PREFIX}API_URL",
            f"telegram: cannot reach the Bot API at {_host(api_url)} ({cause}); check the "
            f"network, the proxy or {PREFIX}API_URL",
        ) from None
    except TelegramAPIError as error:
        answer = _short(error, token)
        vi_fix = f"kiểm tra {PREFIX}WEBHOOK_URL" if step == "setWebhook" else "xem tài liệu Bot API"
        en_fix = f"check {PREFIX}WEBHOOK_URL" if step == "setWebhook" else "see the Bot API docs"
        raise ConnectorStartError(
            f"telegram: Bot API từ chối {step} ({answer}); {vi_fix}",
            f"telegram: {step} was refused ({answer}); {en_fix}",
        ) from None


def _host(api_url: str | None) -> str:
    return urlsplit(api_url or DEFAULT_API).netloc or (api_url or DEFAULT_API)


def _short(error: Any, token: str) -> str:
    message = str(getattr(error, "message", "") or type(error).__name__)
    if token:
        message = message.replace(token, "<token>")
    return " ".join(message.split())[:120]
