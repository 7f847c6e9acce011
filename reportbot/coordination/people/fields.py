"""Reading one cell of an imported file: a role, a phone number, a unit type.

Shared by the imports (`people_import`) and the commands that name a role (`lookup`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from reportbot.conversation.parsing import fold
from reportbot.coordination.people.csvfile import header_key
from reportbot.mirror.records import UNIT_TYPE_VI

MAX_PHONE_CHARS = 40
# Short names people type for the types whose full Vietnamese name is long.
UNIT_TYPE_ALIASES = {
    "to_cns": "to_cns",
    "to_cong_nghe_so": "to_cns",
    "co_quan": "co_quan",
    "don_vi": "co_quan",
    "truong": "truong_hoc",
}
ROLE_WORDS = {
    "officer": "officer",
    "can bo": "officer",
    "can bo dau moi": "officer",
    "dau moi": "officer",
    "coordinator": "coordinator",
    "chuyen vien": "coordinator",
    "chuyen vien tong hop": "coordinator",
    "dieu phoi": "coordinator",
    "admin": "admin",
    "quan tri": "admin",
    "quan tri vien": "admin",
}


def parse_role(text: str) -> str | None:
    """A role from its English or Vietnamese name ('' means officer); None if unknown."""
    folded = fold(text)
    return "officer" if not folded else ROLE_WORDS.get(folded)


def normalize_phone(text: str) -> str | None:
    """A Vietnamese phone number as 0xxxxxxxxx, or None if it is not a valid one.

    Accepts spaces, dots and dashes, the +84/84 prefix, and the leading zero that Excel drops
    when a phone column is formatted as a number. Validity is `phonenumbers`' (Google's
    libphonenumber metadata for region VN: current mobile and landline ranges), so
    0000000000 or the pre-2018 11-digit 01xx mobile numbers are refused.
    """
    import phonenumbers  # imported when first needed: most processes never import a file

    digits = re.sub(r"[\s.\-()]", "", text[:MAX_PHONE_CHARS])
    if not re.fullmatch(r"\+?\d{8,15}", digits):
        return None
    if digits.startswith("84") and len(digits) == 11:
        digits = "+" + digits
    try:
        number = phonenumbers.parse(digits, "VN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 84 or not phonenumbers.is_valid_number_for_region(number, "VN"):
        return None
    return f"0{number.national_number}"


def parse_unit_type(text: str, known_types: Iterable[str]) -> str | None:
    """A unit type from its code or Vietnamese name, any case, with or without diacritics.

    "Đoàn thể", "doan the" and "doan_the" are all 'doan_the'; None when none matches.
    """
    known = set(known_types)
    key = header_key(text)
    if key in known:
        return key
    for code, name_vi in UNIT_TYPE_VI.items():
        if code in known and key == header_key(name_vi):
            return code
    return UNIT_TYPE_ALIASES.get(key) if UNIT_TYPE_ALIASES.get(key) in known else None
