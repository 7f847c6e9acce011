"""Which form and which period a coordinator means when they do not say (or say it loosely)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from reportbot.conversation.parsing import fold
from reportbot.coordination.names import fold_words
from reportbot.coordination.reporting.forms_seen import forms_owed, forms_seen
from reportbot.coordination.texts import Problem
from reportbot.forms.schema import FormTemplate
from reportbot.periods import (
    Period,
    PeriodKeyError,
    current_period,
    only_period,
    period_at,
    period_by_key,
)
from reportbot.store.queries.organisations import EVERYTHING, Scope
from reportbot.store.queries.reports import any_filed


async def pick_form(key: str | None, scope: Scope = EVERYTHING) -> tuple[str, FormTemplate]:
    """The form named by `key` (its key, or words of its title: `forms_named`), or the only
    one a unit of `scope` must file; only forms published for a commune of `scope` are
    known (`forms_seen`). Raises Problem."""
    forms = await forms_seen(scope)
    if not forms:
        raise Problem("no_forms")
    if key is None:
        owed = await forms_owed(scope, forms) or forms  # none owed: every form seen
        if len(owed) == 1:
            return next(iter(owed.items()))
        raise Problem("form_needed", forms=", ".join(sorted(owed)))
    if key in forms:
        return key, forms[key]
    named = forms_named(key, forms)
    if len(named) > 1:
        raise Problem("form_needed", forms=", ".join(sorted(named)))
    if not named:
        raise Problem("form_unknown", form=key, forms=", ".join(sorted(forms)))
    return named[0], forms[named[0]]


def forms_named(text: str, forms: dict[str, FormTemplate]) -> list[str]:
    """The keys of the forms that `text` names by title, the way a coordinator types it.

    Accents and case do not matter ("Nghi quyet 57" names "Báo cáo kết quả thực hiện Nghị
    quyết 57"); a title said in full (any language) wins over titles that merely contain the
    words; otherwise every form whose title (or key, split at "_") has all the words matches.
    """
    words = fold_words(text)
    if not words:
        return []
    wanted = " ".join(words)

    def titles(key: str) -> list[list[str]]:
        return [fold_words(title) for title in forms[key].title.values()]

    exact = [
        key
        for key in forms
        if any(wanted == " ".join(title) for title in titles(key)) or "_".join(words) == fold(key)
    ]
    if exact:
        return exact
    return [
        key
        for key in forms
        if any(set(words) <= set(title) for title in titles(key))
        or set(words) <= set(fold(key).split("_"))
    ]


async def pick_period(
    form_key: str,
    template: FormTemplate,
    period_key: str | None,
    now: datetime,
    tz: tzinfo,
    scope: Scope = EVERYTHING,
) -> Period:
    """The period named by `period_key`; by default the current period if a unit (of `scope`)
    has filed it, else the previous one if a unit has filed that, else the current one."""
    spec = template.period
    if period_key is not None:
        # "2026-h2" as typed on a command line is 2026-H2 (the chat reads it so too)
        folded = period_key.strip()
        period_key = folded.lower() if folded.lower().startswith("once") else folded.upper()
        try:
            return period_by_key(spec, period_key, tz)
        except (PeriodKeyError, ValueError) as exc:
            example = (current_period(spec, now, tz) or only_period(template.period, tz)).key
            raise Problem("period_unknown", period=period_key, example=example) from exc
    current = current_period(spec, now, tz)
    candidates = [p for p in (current, period_at(spec, now, tz, -1)) if p is not None]
    for period in candidates:
        if await any_filed(form_key, period.key, scope):
            return period
    if candidates:
        return candidates[0]
    return only_period(template.period, tz)
