"""People who do not follow the OA: Zalo's refusal (-213), and the events that say so.

A customer-service message reaches only a follower: Zalo answers -213 "User has not followed
OA" ("Người dùng chưa quan tâm OA", Zalo's OA API error table, developers.zalo.me; reproduced
in public integration guides) to a user who never followed the OA or unfollowed it. Retrying
cannot help; only the person tapping "Quan tâm" (follow) on the OA can, and Zalo then sends
a `follow` event (`unfollow` when they stop): developers.zalo.me/docs/official-account/
webhook, events `follow` / `unfollow` with `follower.id`.

Someone who writes to the OA without following it arrives as `anonymous_send_*` (same
webhook page, "Người dùng ẩn danh"), with an anonymous id and a `conversation_id` instead of
a user id. v3 `message/cs` addresses a `user_id` only; the v2 message API that answered such
a conversation was shut down (-240 "MessageV2 API has been shut down", Zalo's error table),
and the one v3 SDK that lists an "anonymous message" says Zalo must approve it for the OA
first (@warriorteam/redai-zalo-sdk, GeneralMessageService: "Cần được Zalo phê duyệt trước
khi sử dụng"), with no public request shape. So the bot does not answer them: it logs one
line (without what they wrote): they must follow the OA ("Quan tâm") before it can answer.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from connectors.base import RecipientRefused

NOT_FOLLOWING = -213
ANONYMOUS_PREFIX = "anonymous_send_"
# What every refusal's text contains, in both languages: the reminders' store keeps the text,
# and the digest reads this back to say why the person was not reached.
MARKER = "Zalo OA -213"


class NotFollowingError(RecipientRefused):
    """Zalo refused the message: the person does not follow the OA (never did, or stopped)."""

    def __init__(self, code: int, message: str, locale: str = "vi") -> None:
        super().__init__(  # Zalo's own answer quoted as it came
            "The person does not follow the Zalo OA (never followed or unfollowed it): Zalo "
            f"refuses messages to them until they tap Follow on the OA ({MARKER}: {message})."
            if locale == "en"
            else "Người này chưa quan tâm (theo dõi) Zalo OA hoặc đã bỏ quan tâm: Zalo không "
            f"cho gửi tin đến khi họ bấm Quan tâm OA (lỗi {MARKER}: {message})."
        )
        self.code = code


def note_lifecycle(event: Mapping[str, Any], log: logging.Logger) -> None:
    """Log a follow, an unfollow or an anonymous message: the bot can act on none of them."""
    name = str(event.get("event_name") or "")
    follower = event.get("follower")
    who = str(follower.get("id") or "?") if isinstance(follower, Mapping) else "?"
    if name == "follow":
        log.info("Zalo OA: user %s follows the OA: messages to them are accepted again", who)
    elif name == "unfollow":
        log.info(
            "Zalo OA: user %s unfollowed the OA: Zalo refuses messages to them (-213) "
            "until they follow again",
            who,
        )
    elif name.startswith(ANONYMOUS_PREFIX):
        log.info(
            "Zalo OA: someone who does not follow the OA wrote (%s); the OA API cannot answer "
            "an anonymous conversation: they must tap Quan tâm (Follow) on the OA first",
            name,
        )
