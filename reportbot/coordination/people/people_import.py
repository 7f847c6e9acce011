"""Importing a commune's units and people from CSV files.

Both imports check every row first and write nothing if any row is bad; otherwise they write
everything in one transaction. They are idempotent: a unit is matched by its code, a person
by their phone number, so running the same file again changes nothing. Rows in the database
that the file does not mention are left alone.

Units: ``code, name, type, parent, commune`` (parent: the code of another unit, optional;
commune: the code or name of the unit's commune, optional: the default commune).
People: ``name, phone, unit, role, commune`` (role: officer, coordinator or admin; officer by
default; commune, optional: the commune or province a coordinator sees, by code or name).
Vietnamese headers work too (mã, tên, loại, đơn vị cấp trên, xã; họ tên, số điện thoại,
đơn vị, vai trò, xã).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from tortoise.transactions import in_transaction

from reportbot.coordination import audit
from reportbot.coordination.people.communes import COMMUNE_COLUMN, CommuneCells
from reportbot.coordination.people.csvfile import RowProblem, read_csv
from reportbot.coordination.people.fields import normalize_phone, parse_role, parse_unit_type
from reportbot.coordination.people.import_texts import quoted
from reportbot.forms.loader import KNOWN_UNIT_TYPES
from reportbot.store.models import FormTemplateRecord, Person, Unit
from reportbot.store.queries.people import add_unit

UNIT_COLUMNS = {
    "code": ("code", "unit_code", "ma", "ma_don_vi"),
    "name": ("name", "ten", "ten_don_vi"),
    "type": ("type", "unit_type", "loai", "loai_don_vi"),
    "parent": ("parent", "parent_code", "don_vi_cap_tren", "cap_tren", "ma_cap_tren"),
    **COMMUNE_COLUMN,
}
PEOPLE_COLUMNS = {
    "name": ("name", "ho_ten", "ho_va_ten", "ten"),
    "phone": ("phone", "so_dien_thoai", "dien_thoai", "sdt"),
    "unit": ("unit", "unit_code", "ma_don_vi", "don_vi"),
    "role": ("role", "vai_tro"),
    **COMMUNE_COLUMN,
}
UNIT_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@dataclass(slots=True)
class ImportResult:
    """What an import did, or why it did nothing (`problems`)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file was imported."""
        return not self.problems


def _check_name(source: str, line: int, name: str, problems: list[RowProblem]) -> None:
    if not name:
        problems.append(RowProblem.of(source, line, "name", "required"))
    elif len(name) > 255:
        problems.append(RowProblem.of(source, line, "name", "too_long"))
    elif "?" in name or "\ufffd" in name:  # what Excel writes for a letter its code page lacks
        problems.append(RowProblem.of(source, line, "name", "lost_letters", value=quoted(name)))


@dataclass(frozen=True, slots=True)
class _UnitRow:
    line: int
    code: str
    name: str
    type: str
    parent: str
    commune: int | None = None  # None: left as it is (a new unit: the default commune)


def _first_time(
    source: str,
    line: int,
    column: str,
    typed: str,
    key: str,
    seen: dict[str, int],
    problems: list[RowProblem],
) -> None:
    """Remember the line a key first stands on; a later line with the same key is a problem."""
    if key in seen:
        problems.append(
            RowProblem.of(source, line, column, "duplicate", value=quoted(typed), first=seen[key])
        )
    else:
        seen[key] = line


async def import_units(path: Path, *, now: datetime, person_id: int | None = None) -> ImportResult:
    """Create or update the units of a CSV file; nothing is written if any row is bad."""
    source = str(path)
    table = read_csv(path, UNIT_COLUMNS, required={"code", "name", "type"})
    result = ImportResult(problems=list(table.problems))
    if result.problems:
        return result
    existing = {unit.code.lower(): unit for unit in await Unit.all()}
    known_types = set(KNOWN_UNIT_TYPES) | {unit.type for unit in existing.values()}
    for record in await FormTemplateRecord.all().only("definition"):
        known_types.update(record.definition.get("unit_types", []))
    rows: list[_UnitRow] = []
    seen: dict[str, int] = {}
    communes = CommuneCells(source, result.problems)
    for line, values in table.rows:
        problems = result.problems
        code, name = values["code"], values["name"]
        unit_type, parent = values["type"], values.get("parent", "")
        if not code:
            problems.append(RowProblem.of(source, line, "code", "required"))
        elif not UNIT_CODE.match(code):
            problems.append(RowProblem.of(source, line, "code", "code_chars", value=quoted(code)))
        else:
            _first_time(source, line, "code", code, code.lower(), seen, problems)
        _check_name(source, line, name, problems)
        typed, unit_type = unit_type, parse_unit_type(unit_type, known_types)
        if not typed:
            problems.append(RowProblem.of(source, line, "type", "required"))
        elif unit_type is None:
            problems.append(
                RowProblem.of(
                    source,
                    line,
                    "type",
                    "unknown_type",
                    value=quoted(typed),
                    known=", ".join(sorted(known_types)),
                )
            )
        commune = await communes.resolve(line, values.get("commune", ""))
        rows.append(_UnitRow(line, code, name, unit_type or "", parent, commune))
    _check_parents(source, rows, seen, existing, result.problems)
    if result.problems:
        return result
    async with in_transaction():
        await _write_units(rows, existing, result)
        await _audit_import("units.import", path, result, now, person_id)
    return result


async def _audit_import(
    action: str, path: Path, result: ImportResult, now: datetime, person_id: int | None
) -> None:
    """Record an import in the audit log: the file's name and how many rows it wrote."""
    await audit.record(
        action,
        {"file": path.name, "created": result.created, "updated": result.updated},
        now=now,
        person_id=person_id,
    )


def _check_parents(
    source: str,
    rows: list[_UnitRow],
    in_file: dict[str, int],
    existing: dict[str, Unit],
    problems: list[RowProblem],
) -> None:
    parent_of: dict[str, str | None] = {}
    by_id = {unit.id: code for code, unit in existing.items()}
    for code, unit in existing.items():
        parent_id = unit.parent_id  # type: ignore[attr-defined]
        parent_of[code] = by_id.get(parent_id) if parent_id is not None else None
    for row in rows:
        parent_of[row.code.lower()] = row.parent.lower() or None
    for row in rows:
        if not row.parent:
            continue
        parent = row.parent.lower()
        if parent == row.code.lower():
            problems.append(RowProblem.of(source, row.line, "parent", "own_parent"))
        elif parent not in in_file and parent not in existing:
            value = quoted(row.parent)
            problems.append(RowProblem.of(source, row.line, "parent", "no_parent", value=value))
        elif _in_cycle(row.code.lower(), parent_of):
            problems.append(
                RowProblem.of(
                    source,
                    row.line,
                    "parent",
                    "parent_loop",
                    value=quoted(row.parent),
                    code=quoted(row.code),
                )
            )


def _in_cycle(code: str, parent_of: dict[str, str | None]) -> bool:
    seen = {code}
    current = parent_of.get(code)
    while current is not None:
        if current in seen:
            return True
        seen.add(current)
        current = parent_of.get(current)
    return False


async def _write_units(
    rows: list[_UnitRow], existing: dict[str, Unit], result: ImportResult
) -> None:
    units = dict(existing)
    changed: dict[str, bool] = {}
    for row in rows:
        key = row.code.lower()
        unit = units.get(key)
        if unit is None:
            units[key] = await Unit.create(
                code=row.code, name=row.name, type=row.type, organisation_id=row.commune
            )
            changed[key] = True
            result.created += 1
            continue
        commune = unit.organisation_id if row.commune is None else row.commune  # type: ignore[attr-defined]
        dirty = (unit.name, unit.type, unit.active, unit.organisation_id) != (  # type: ignore[attr-defined]
            row.name,
            row.type,
            True,
            commune,
        )
        if dirty:
            unit.name, unit.type, unit.active = row.name, row.type, True
            unit.organisation_id = commune  # type: ignore[attr-defined]
            await unit.save(update_fields=["name", "type", "active", "organisation_id"])
        changed[key] = dirty
    for row in rows:
        key = row.code.lower()
        unit = units[key]
        parent_id = units[row.parent.lower()].id if row.parent else None
        if unit.parent_id != parent_id:  # type: ignore[attr-defined]
            unit.parent_id = parent_id  # type: ignore[attr-defined]
            await unit.save(update_fields=["parent_id"])
            changed[key] = True
        if key in existing:
            if changed[key]:
                result.updated += 1
            else:
                result.unchanged += 1


@dataclass(frozen=True, slots=True)
class _PersonRow:
    line: int
    name: str
    phone: str
    unit: Unit | None
    role: str
    organisation: int | None = None  # None: left as it is


async def import_people(path: Path, *, now: datetime, person_id: int | None = None) -> ImportResult:
    """Create or update the people of a CSV file (matched by phone); all or nothing."""
    table = read_csv(path, PEOPLE_COLUMNS, required={"name", "phone", "unit"})
    result = ImportResult(problems=list(table.problems))
    if result.problems:
        return result
    units = {unit.code.lower(): unit for unit in await Unit.all()}
    check = _PeopleCheck(str(path), units, result.problems)
    rows = [check.row(line, values) for line, values in table.rows]
    communes = CommuneCells(str(path), result.problems, provinces=True)
    rows = [
        replace(row, organisation=await communes.resolve(line, values.get("commune", "")))
        for row, (line, values) in zip(rows, table.rows, strict=True)
    ]
    if result.problems:
        return result
    async with in_transaction():
        first_rows: dict[str, int] = {}  # phone -> the person its first line wrote
        for row in rows:
            if row.phone in first_rows:
                await _add_unit(row, first_rows[row.phone], result)
            else:
                first_rows[row.phone] = await _write_person(row, result)
        await _audit_import("people.import", path, result, now, person_id)
    return result


@dataclass(slots=True)
class _PeopleCheck:
    """Checks the lines of a people file one by one, remembering the phones seen so far."""

    source: str
    units: dict[str, Unit]
    problems: list[RowProblem]
    seen: dict[str, int] = field(default_factory=dict)
    named: dict[str, tuple[str, int]] = field(default_factory=dict)  # phone -> (name, line)

    def row(self, line: int, values: dict[str, str]) -> _PersonRow:
        """The line as a person to write; its problems go to `problems`."""
        source, problems = self.source, self.problems
        name, unit_code, raw_role = values["name"], values["unit"], values.get("role", "")
        _check_name(source, line, name, problems)
        phone = self.phone(line, name, values["phone"], unit_code)
        role = parse_role(raw_role)
        if role is None:
            problems.append(
                RowProblem.of(source, line, "role", "unknown_role", value=quoted(raw_role))
            )
        unit = self.units.get(unit_code.lower()) if unit_code else None
        if unit_code and unit is None:
            problems.append(RowProblem.of(source, line, "unit", "no_unit", value=quoted(unit_code)))
        elif not unit_code and role == "officer":
            problems.append(RowProblem.of(source, line, "unit", "officer_needs_unit"))
        return _PersonRow(line, name, phone or "", unit, role or "officer")

    def phone(self, line: int, name: str, raw_phone: str, unit_code: str) -> str | None:
        """The normalised phone of a line, or None with a problem added."""
        phone = normalize_phone(raw_phone)
        if not raw_phone:
            self.problems.append(RowProblem.of(self.source, line, "phone", "required"))
            return phone
        if phone is None:
            self.problems.append(
                RowProblem.of(self.source, line, "phone", "bad_phone", value=quoted(raw_phone))
            )
            return phone
        # One phone on several lines is one person in several units (kiêm nhiệm), so the
        # lines must name the same person; the same phone twice in one unit, or under
        # another name, is a duplicate of its first line.
        folded = " ".join(name.casefold().split())
        first = self.named.setdefault(phone, (folded, line))
        if first[0] != folded:
            self.problems.append(
                RowProblem.of(
                    self.source, line, "phone", "duplicate", value=quoted(raw_phone), first=first[1]
                )
            )
        else:
            key = f"{phone}\t{unit_code.casefold()}"
            _first_time(self.source, line, "phone", raw_phone, key, self.seen, self.problems)
        return phone


async def _add_unit(row: _PersonRow, person_id: int, result: ImportResult) -> None:
    """A later line of a phone: one more unit for the person of its first line."""
    if row.unit is not None and await add_unit(person_id, row.unit.id):
        result.updated += 1
    else:
        result.unchanged += 1


async def _write_person(row: _PersonRow, result: ImportResult) -> int:
    unit_id = row.unit.id if row.unit else None
    person = await Person.filter(phone=row.phone).order_by("id").first()
    if person is None:
        created = await Person.create(
            name=row.name,
            phone=row.phone,
            unit_id=unit_id,
            role=row.role,
            organisation_id=row.organisation,
        )
        result.created += 1
        return created.id
    organisation = person.organisation_id if row.organisation is None else row.organisation  # type: ignore[attr-defined]
    current = (person.name, person.unit_id, person.role, person.active, person.organisation_id)  # type: ignore[attr-defined]
    if current == (row.name, unit_id, row.role, True, organisation):
        result.unchanged += 1
        return person.id
    person.name, person.role, person.active = row.name, row.role, True
    person.unit_id = unit_id  # type: ignore[attr-defined]
    person.organisation_id = organisation  # type: ignore[attr-defined]
    await person.save(update_fields=["name", "unit_id", "role", "active", "organisation_id"])
    result.updated += 1
    return person.id
