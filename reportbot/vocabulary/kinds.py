"""Unit types, period kinds and roles, declared once with the names people read (vi, then en).

The schema (`forms.schema.PERIOD_KINDS`), the period arithmetic (`periods.KINDS`), the template
loader (`forms.loader.KNOWN_UNIT_TYPES`) and the coordination texts all point here.
"""

from __future__ import annotations

from reportbot.vocabulary.catalogue import register

UNIT_TYPES: dict[str, dict[str, str]] = {
    "phong": {"vi": "phòng chuyên môn", "en": "offices"},
    "doan_the": {"vi": "đoàn thể", "en": "associations"},
    "truong_hoc": {"vi": "trường học", "en": "schools"},
    "to_cns": {"vi": "tổ công nghệ số cộng đồng", "en": "community digital teams"},
    "co_quan": {"vi": "cơ quan, đơn vị", "en": "agencies"},
}
"""The kinds of unit a commune has, in the order reports list them, with their plural names."""

PERIOD_KINDS: dict[str, dict[str, str]] = {
    "monthly": {"vi": "hằng tháng", "en": "monthly"},
    "quarterly": {"vi": "hằng quý", "en": "quarterly"},
    "six_monthly": {"vi": "6 tháng một lần", "en": "every six months"},
    "annual": {"vi": "hằng năm", "en": "yearly"},
    "one_off": {"vi": "một lần", "en": "once"},
}
"""How often a form is filed, shortest first, with its name for people."""

ROLES: dict[str, dict[str, str]] = {
    "officer": {"vi": "cán bộ đầu mối", "en": "officer"},
    "coordinator": {"vi": "chuyên viên tổng hợp", "en": "coordinator"},
    "admin": {"vi": "quản trị viên", "en": "admin"},
}
"""The roles of people (docs DOMAIN.md): who files, who consolidates, who sets up."""

# Registered like any catalogue: say("unit_types:to_cns", "en") == "community digital teams".
register("unit_types", UNIT_TYPES)
register("period_kinds", PERIOD_KINDS)
register("roles", ROLES)

UNIT_TYPE_CODES = tuple(UNIT_TYPES)
PERIOD_KIND_CODES = tuple(PERIOD_KINDS)
ROLE_CODES = tuple(ROLES)


def unit_type_name(unit_type: str, locale: str = "vi") -> str:
    """A unit type's name for people ('to_cns' → 'tổ công nghệ số cộng đồng'); unknown: as is."""
    return _name(UNIT_TYPES, unit_type, locale)


def period_kind_name(kind: str, locale: str = "vi") -> str:
    """A period kind's name for people ('annual' → 'hằng năm'); unknown: as is."""
    return _name(PERIOD_KINDS, kind, locale)


def role_name(role: str, locale: str = "vi") -> str:
    """A role's name for people ('coordinator' → 'chuyên viên tổng hợp'); unknown: as is."""
    return _name(ROLES, role, locale)


def _name(table: dict[str, dict[str, str]], code: str, locale: str) -> str:
    """A code's name in `locale` (Vietnamese when the locale has none); unknown: the code."""
    names = table.get(code)
    return (names.get(locale) or names["vi"]) if names else code
