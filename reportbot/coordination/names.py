"""Names and titles as a coordinator types them: the words that match, whatever the accents,
case and punctuation."""

from __future__ import annotations

import re

from reportbot.conversation.parsing import fold

_NAME_WORD = re.compile(r"[^\W_]+")  # letters and digits; "_" and punctuation split


def fold_words(text: str) -> list[str]:
    """The words of a name or title as typed or written, folded, punctuation no part of a word
    ("Nghị quyết số 57-NQ/TW" has the words nghi, quyet, so, 57, nq, tw)."""
    return _NAME_WORD.findall(fold(text))
