"""Names and titles as a coordinator types them: the words that match, whatever the accents,
case and punctuation; and when a unit's name is followed by its commune's."""

from __future__ import annotations

import re
from collections.abc import Iterable

from reportbot.conversation.parsing import fold
from reportbot.store.queries.organisations import (
    EVERYTHING,
    Scope,
    communes_in,
    spans_communes,
    unit_organisations,
)

_NAME_WORD = re.compile(r"[^\W_]+")  # letters and digits; "_" and punctuation split


def fold_words(text: str) -> list[str]:
    """The words of a name or title as typed or written, folded, punctuation no part of a word
    ("Nghị quyết số 57-NQ/TW" has the words nghi, quyet, so, 57, nq, tw)."""
    return _NAME_WORD.findall(fold(text))


async def commune_labels(unit_ids: Iterable[int], scope: Scope) -> dict[int, str]:
    """Each unit's commune name when the reader's `scope` holds units of several communes
    (a province's coordinator, the deployment's over several communes), else nothing.

    The one rule for every list and page that names a unit to a reader (status lists, the
    consolidation, an ambiguous unit, the web unit page): it depends on who reads, not on
    which units a list happens to hold, so a unit is named alike on every screen."""
    ids = list(unit_ids)
    if not ids or not await spans_communes(scope):
        return {}
    owner = await unit_organisations(ids)
    names = {commune.id: commune.name for commune in await communes_in(EVERYTHING)}
    return {unit_id: names.get(organisation_id, "") for unit_id, organisation_id in owner.items()}
