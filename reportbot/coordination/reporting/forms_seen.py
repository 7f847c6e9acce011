"""Which forms a coordinator meets: those published for their communes, and of those the ones
a unit of theirs must file.

A form published for one commune (`reportbot forms import --scope xa-ngoc-reo`) is another
commune's business: its coordinator never meets it, by list, by button or by key. A province's
coordinator meets the forms of every commune below; a form for a province reaches each commune
below it; a form without a scope reaches everyone. Lists (/tinhhinh, /tonghop's buttons, the
web page) further leave out a form no unit of the reader must file (every figure "0/0").
"""

from __future__ import annotations

from reportbot.forms.schema import FormTemplate
from reportbot.store.forms import latest_templates
from reportbot.store.queries.organisations import (
    EVERYTHING,
    Scope,
    publication_scopes,
    publication_units,
)
from reportbot.store.queries.reports import all_units


async def forms_seen(scope: Scope = EVERYTHING) -> dict[str, FormTemplate]:
    """The latest active template of every form published for a commune of `scope` (or for
    a province above one, or for everyone), by key."""
    forms = {key: template for key, (_rid, template) in (await latest_templates()).items()}
    if scope.organisation_ids is None:
        return forms
    published = await publication_scopes()  # only the forms given a commune or a province
    return {
        key: template
        for key, template in forms.items()
        if key not in published or published[key].meets(scope)
    }


async def forms_owed(
    scope: Scope = EVERYTHING, seen: dict[str, FormTemplate] | None = None
) -> dict[str, FormTemplate]:
    """`forms_seen` (or `seen`, the caller's reading of it: the forms are not read twice),
    less the forms no active unit of `scope` must file (no unit of their kind among the
    communes the form is published for)."""
    forms = await forms_seen(scope) if seen is None else seen
    units = [unit for unit in await all_units(scope) if unit.active]
    published = await publication_units()  # absent: every unit
    return {
        key: template
        for key, template in forms.items()
        if any(
            template.applies_to(unit.type) and (key not in published or unit.id in published[key])
            for unit in units
        )
    }
