"""Organisations above units (province -> commune -> unit) and whose units a person sees.

A unit with no organisation belongs to the default commune, and a person with no organisation
sees the whole deployment: a single-commune setup works as it did before organisations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tortoise.expressions import Q

from reportbot.collation import sort_vietnamese
from reportbot.store.models import (
    DEFAULT_COMMUNE_CODE,
    DEFAULT_COMMUNE_NAME,
    ORGANISATION_KINDS,
    FormTemplateRecord,
    Organisation,
    Person,
    Unit,
)


class OrganisationProblem(ValueError):
    """An organisation cannot be added as asked; `reason` names why (a vocabulary key)."""

    def __init__(self, reason: str, **params: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


@dataclass(frozen=True, slots=True)
class OrganisationRecord:
    """An organisation as commands show it."""

    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None = None
    units: int = 0
    sheet_id: str | None = None  # its own Google spreadsheet (None: the deployment's)
    workbook: str | None = None  # its own local workbook path (None: derived, see the mirror)

    @property
    def own_sheet(self) -> bool:
        """Whether the mirror writes this commune's rows to a spreadsheet of its own."""
        return bool(self.sheet_id or self.workbook)

    @property
    def is_default(self) -> bool:
        """Whether this is the default commune (units without an organisation belong to it)."""
        return self.code == DEFAULT_COMMUNE_CODE


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose units someone sees: some organisations, or everything (`organisation_ids` None)."""

    organisation_ids: frozenset[int] | None = None
    default_id: int | None = None  # the default commune, which owns units without one
    root_id: int | None = None  # the organisation the scope was taken from

    @property
    def everything(self) -> bool:
        """Whether nothing is filtered out."""
        return self.organisation_ids is None

    def unit_filter(self, prefix: str = "") -> Q:
        """A filter of units (or of rows reaching a unit through `prefix`, e.g. 'unit__')."""
        if self.organisation_ids is None:
            return Q()
        found = Q(**{f"{prefix}organisation_id__in": list(self.organisation_ids)})
        if self.default_id in self.organisation_ids:
            found |= Q(**{f"{prefix}organisation_id__isnull": True})
        return found

    def meets(self, other: Scope) -> bool:
        """Whether two scopes share an organisation: a commune inside both, or a province one
        is taken from and a commune below it the other is (everything meets every scope)."""
        if self.organisation_ids is None or other.organisation_ids is None:
            return True
        return bool(self.organisation_ids & other.organisation_ids)

    def holds(self, organisation_id: int | None) -> bool:
        """Whether a unit of this organisation (None: the default commune) is in scope."""
        if self.organisation_ids is None:
            return True
        return (organisation_id or self.default_id) in self.organisation_ids


EVERYTHING = Scope()


def _record(row: Organisation, units: int = 0) -> OrganisationRecord:
    return OrganisationRecord(
        row.id,
        row.code,
        row.name,
        row.kind,
        row.parent_id,  # type: ignore[attr-defined]
        units,
        row.sheet_id,
        row.workbook,
    )


async def ensure_default_commune() -> OrganisationRecord:
    """The default commune, created if missing (migration 0007 creates it)."""
    row = await Organisation.filter(code=DEFAULT_COMMUNE_CODE).first()  # no transaction: a read
    if row is not None:
        return _record(row)
    row, _ = await Organisation.get_or_create(
        code=DEFAULT_COMMUNE_CODE, defaults={"name": DEFAULT_COMMUNE_NAME, "kind": "commune"}
    )
    return _record(row)


async def organisation_by_ref(ref: str) -> OrganisationRecord | None:
    """An organisation by code or by name, any case (a CSV cell or a command argument)."""
    wanted = ref.strip()
    if not wanted:
        return None
    row = await Organisation.filter(code__iexact=wanted).first()
    if row is None:
        row = await Organisation.filter(name__iexact=wanted).first()
    return _record(row) if row else None


async def add_organisation(
    code: str,
    name: str,
    kind: str = "commune",
    parent: str | None = None,
    *,
    sheet_id: str | None = None,
    workbook: str | None = None,
) -> OrganisationRecord:
    """Add a province or a commune (under a province when `parent` names one), a commune
    with its own spreadsheet when `sheet_id` or `workbook` is given.

    Raises OrganisationProblem: unknown kind, code taken, unknown parent, parent not a
    province, a spreadsheet for a province.
    """
    if kind not in ORGANISATION_KINDS:
        raise OrganisationProblem("org_bad_kind", kind=kind)
    if (sheet_id or workbook) and kind != "commune":
        raise OrganisationProblem("org_sheet_not_commune", name=name)
    if await Organisation.filter(code__iexact=code).exists():
        raise OrganisationProblem("org_code_taken", code=code)
    parent_id = None
    if parent:
        found = await organisation_by_ref(parent)
        if found is None:
            raise OrganisationProblem("org_parent_unknown", parent=parent)
        if found.kind != "province" or kind != "commune":
            raise OrganisationProblem("org_parent_not_province", parent=found.name)
        parent_id = found.id
    row = await Organisation.create(
        code=code,
        name=name,
        kind=kind,
        parent_id=parent_id,
        sheet_id=_clean(sheet_id),
        workbook=_clean(workbook),
    )
    return _record(row)


def _clean(value: str | None) -> str | None:
    """A stripped value, None when blank."""
    return (value or "").strip() or None


async def set_sheet(
    ref: str, sheet_id: str | None, workbook: str | None = None
) -> OrganisationRecord:
    """Give a commune its own spreadsheet (both None: back to the deployment's).

    Raises OrganisationProblem: no such commune, a province, or the default commune (whose
    units are the deployment's spreadsheet's by definition).
    """
    found = await organisation_by_ref(ref)
    if found is None:
        raise OrganisationProblem("org_unknown", ref=ref)
    if found.kind != "commune":
        raise OrganisationProblem("org_sheet_not_commune", name=found.name)
    if found.is_default and (sheet_id or workbook):
        raise OrganisationProblem("org_sheet_default", name=found.name)
    await Organisation.filter(id=found.id).update(
        sheet_id=_clean(sheet_id), workbook=_clean(workbook)
    )
    return await organisation_by_id(found.id) or found


async def list_organisations() -> list[OrganisationRecord]:
    """Every organisation with its unit count: provinces first, each followed by its communes."""
    default = await ensure_default_commune()
    rows = sort_vietnamese(await Organisation.all(), key=lambda row: row.name)
    counts: dict[int | None, int] = {}
    for organisation_id in await Unit.all().values_list("organisation_id", flat=True):
        key = organisation_id or default.id
        counts[key] = counts.get(key, 0) + 1
    records = [_record(row, counts.get(row.id, 0)) for row in rows]
    provinces = [r for r in records if r.kind == "province"]
    ordered: list[OrganisationRecord] = []
    for province in provinces:
        ordered += [province] + [r for r in records if r.parent_id == province.id]
    return ordered + [r for r in records if r not in ordered]


async def scope_of(organisation_id: int | None) -> Scope:
    """The scope of an organisation: a commune alone, a province with every commune below
    (any depth), None: everything."""
    return (await scopes_of([organisation_id]))[organisation_id]


async def scopes_of(organisation_ids: Iterable[int | None]) -> dict[int | None, Scope]:
    """`scope_of` for several organisations, reading the tree once (two queries at most);
    None (everything) is always among the keys."""
    wanted = set(organisation_ids) - {None}
    found: dict[int | None, Scope] = {None: EVERYTHING}
    if wanted:
        default = await ensure_default_commune()
        children: dict[int | None, list[int]] = {}
        for row_id, parent_id in await Organisation.all().values_list("id", "parent_id"):
            children.setdefault(parent_id, []).append(row_id)
        for organisation_id in wanted:
            below = _below(children, organisation_id)
            found[organisation_id] = Scope(below, default.id, organisation_id)
    return found


def _below(children: dict[int | None, list[int]], root: int) -> frozenset[int]:
    """An organisation and every organisation under it (any depth)."""
    found, todo = {root}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return frozenset(found)


async def scope_by_ref(ref: str | None) -> Scope | None:
    """The scope a command line names by code or name (no name: everything); None: unknown."""
    if ref is None:
        return EVERYTHING
    found = await organisation_by_ref(ref)
    return await scope_of(found.id) if found else None


async def person_scope(person_id: int) -> Scope:
    """Whose units a person sees (a coordinator's organisation; None: everything)."""
    return (await person_scopes([person_id]))[person_id]


async def person_scopes(person_ids: Iterable[int]) -> dict[int, Scope]:
    """`person_scope` for several people in three queries at most (a run's digests)."""
    wanted = set(person_ids)
    rows = await Person.filter(id__in=list(wanted)).values_list("id", "organisation_id")
    organisation = {person_id: organisation_id for person_id, organisation_id in rows}
    scopes = await scopes_of(organisation.values())
    return {person_id: scopes[organisation.get(person_id)] for person_id in wanted}


def units_within(scope: Scope, units: Iterable[tuple[int, int | None]]) -> set[int] | None:
    """`unit_ids_in` over (unit id, organisation id) pairs read once for many scopes."""
    if scope.everything:
        return None
    return {unit_id for unit_id, organisation_id in units if scope.holds(organisation_id)}


def spans_communes_within(scope: Scope, units: Iterable[tuple[int, int | None]]) -> bool:
    """`spans_communes` over (unit id, organisation id) pairs read once for many scopes, for a
    commune's or province's scope (a unit without an organisation is its default commune's)."""
    owners = {owner or scope.default_id for _, owner in units if scope.holds(owner)}
    return len(owners) > 1


async def unit_organisation_pairs() -> list[tuple[int, int | None]]:
    """Every unit's (id, organisation id), for `units_within`."""
    return list(await Unit.all().values_list("id", "organisation_id"))


async def set_person_organisation(person_id: int, organisation_id: int | None) -> None:
    """Attach a person to an organisation (None: the whole deployment)."""
    await Person.filter(id=person_id).update(organisation_id=organisation_id)


async def communes_in(scope: Scope) -> list[OrganisationRecord]:
    """The communes of a scope, in Vietnamese order of name (every commune for the whole
    deployment)."""
    query = Organisation.filter(kind="commune")
    if scope.organisation_ids is not None:
        query = query.filter(id__in=list(scope.organisation_ids))
    return [_record(row) for row in sort_vietnamese(await query, key=lambda row: row.name)]


async def unit_organisations(unit_ids: list[int]) -> dict[int, int]:
    """The commune of each unit (the default commune for units without one)."""
    default = await ensure_default_commune()
    rows = await Unit.filter(id__in=unit_ids).values_list("id", "organisation_id")
    return {unit_id: organisation_id or default.id for unit_id, organisation_id in rows}


async def spans_communes(scope: Scope) -> bool:
    """Whether the units of `scope` belong to more than one commune (a unit without an
    organisation to the default commune): a reader of such a scope is told each unit's."""
    rows = await Unit.filter(scope.unit_filter()).distinct().values_list("organisation_id")
    owners = {row[0] for row in rows}
    if None in owners:  # seeded or imported without a commune: the default commune's
        owners = (owners - {None}) | {(await ensure_default_commune()).id}
    return len(owners) > 1


async def unit_ids_in(scope: Scope) -> set[int] | None:
    """The ids of every unit of `scope`, None for the whole deployment (nothing to filter)."""
    if scope.everything:
        return None
    return set(await Unit.filter(scope.unit_filter()).values_list("id", flat=True))


async def organisation_by_id(organisation_id: int) -> OrganisationRecord | None:
    """An organisation by id."""
    row = await Organisation.get_or_none(id=organisation_id)
    return _record(row) if row else None


async def commune_of_unit(unit_id: int) -> OrganisationRecord:
    """The commune a unit belongs to (the default commune when it names none)."""
    owner = (await unit_organisations([unit_id])).get(unit_id)
    found = await organisation_by_id(owner) if owner is not None else None
    return found or await ensure_default_commune()


async def publication_scopes() -> dict[str, Scope]:
    """Each active form's publication scope, from its latest version (absent: everything)."""
    rows = (
        await FormTemplateRecord.filter(active=True)
        .order_by("key", "-version")
        .values_list("key", "scope_id")  # not the definitions: only whom each is for
    )
    latest: dict[str, int | None] = {}
    for key, scope_id in rows:
        latest.setdefault(key, scope_id)
    return {key: await scope_of(scope_id) for key, scope_id in latest.items() if scope_id}


async def form_units(form_key: str) -> set[int] | None:
    """The units one form is published for, from its latest active version (None: every
    unit); `publication_units` for one form, without reading the others."""
    found = (
        await FormTemplateRecord.filter(active=True, key=form_key)
        .order_by("-version")
        .limit(1)
        .values_list("scope_id", flat=True)
    )
    if not found or found[0] is None:
        return None
    return await unit_ids_in(await scope_of(found[0])) or set()


async def publication_units() -> dict[str, set[int]]:
    """The units each scoped form is published for (a form absent: every unit)."""
    return {
        key: await unit_ids_in(scope) or set()
        for key, scope in (await publication_scopes()).items()
    }
