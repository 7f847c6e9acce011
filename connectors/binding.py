"""Question bindings: a short token that ties a button (or a reply) to the question it answers.

A platform's button data is small (Telegram: 64 bytes), too small for a question id and a form
version. The token is a hash of both, 8 URL-safe characters; the engine, which knows the form
version and its question ids, turns it back into a question with `resolve_question`.

A token made without a version (`question_token(qid)`) binds to the question id alone: a
connector makes such tokens when the application sent `Outgoing.question_id` but no binding.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache

TOKEN_LENGTH = 8
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{8}$")


@lru_cache(maxsize=16384)
def question_token(question_id: str, form_version: str | None = None) -> str:
    """The 8-character binding of a question of one form version (or of any version).

    Cached: each question asked makes one, and resolving a pressed button makes two per
    question of the form."""
    seed = f"{form_version or ''}\x1f{question_id}".encode()
    digest = hashlib.blake2b(seed, digest_size=6).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def is_token(text: str | None) -> bool:
    """True when `text` has the shape of a question token."""
    return text is not None and _TOKEN_RE.match(text) is not None


def resolve_question(
    token: str | None, question_ids: Iterable[str], form_version: str | None
) -> str | None:
    """The question id among `question_ids` that `token` binds to, or None.

    A token made for `form_version` matches, and so does a version-less one. None means the
    token belongs to another form or version: the button is on a message of another report.
    """
    if not is_token(token):
        return None
    for question_id in question_ids:
        if token in (question_token(question_id, form_version), question_token(question_id)):
            return question_id
    return None
