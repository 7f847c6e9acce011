"""What an admin reads when a CSV import finds a problem: Vietnamese, or English for 'en'.

Each message quotes the offending value (cut to a readable length) so the admin can find it
in the file; the column is named the way the Vietnamese template names it.
"""

from __future__ import annotations

from collections.abc import Mapping

from reportbot.vocabulary.catalogue import register

MAX_QUOTED_CHARS = 60

COLUMNS_VI = {
    "code": "mã",
    "name": "tên",
    "type": "loại",
    "parent": "đơn vị cấp trên",
    "phone": "số điện thoại",
    "unit": "đơn vị",
    "role": "vai trò",
    "commune": "xã",
    "file": "tệp",
}

TEXTS: dict[str, dict[str, str]] = {
    "required": {"vi": "chưa điền (bắt buộc)", "en": "required"},
    "code_chars": {
        "vi": "{value}: chỉ dùng chữ không dấu, chữ số, '_', '.' hoặc '-' (tối đa 64 ký tự)",
        "en": "{value}: letters, digits, '_', '.' or '-' only (max 64)",
    },
    "duplicate": {"vi": "{value} đã có ở dòng {first}", "en": "{value} is already on line {first}"},
    "too_long": {"vi": "dài quá 255 ký tự", "en": "longer than 255 characters"},
    "unknown_type": {
        "vi": "không có loại đơn vị {value} (có: {known})",
        "en": "unknown unit type {value} (known: {known})",
    },
    "own_parent": {
        "vi": "một đơn vị không thể là cấp trên của chính nó",
        "en": "a unit cannot be its own parent",
    },
    "no_parent": {
        "vi": "không có đơn vị {value} trong tệp này hay trong cơ sở dữ liệu",
        "en": "no unit {value} in this file or in the database",
    },
    "parent_loop": {
        "vi": "{value} nằm dưới {code}: cấp trên sẽ thành vòng lặp",
        "en": "{value} is below {code}: parents would form a loop",
    },
    "bad_phone": {
        "vi": "{value} không phải số điện thoại Việt Nam (10 chữ số, ví dụ 0905123456)",
        "en": "{value} is not a Vietnamese phone number (10 digits, e.g. 0905123456)",
    },
    "unknown_role": {
        "vi": "không có vai trò {value} (cán bộ, chuyên viên hoặc quản trị)",
        "en": "unknown role {value} (officer, coordinator or admin)",
    },
    "no_unit": {
        "vi": "không có đơn vị {value}: hãy nhập danh sách đơn vị trước",
        "en": "no unit {value}: import the units first",
    },
    "no_commune": {
        "vi": "không có xã {value} (mã hoặc tên): hãy thêm bằng `reportbot org add` trước",
        "en": "no commune {value} (code or name): add it with `reportbot org add` first",
    },
    "officer_needs_unit": {
        "vi": "cán bộ đầu mối cần có đơn vị",
        "en": "an officer needs a unit",
    },
    "cannot_read": {"vi": "không đọc được tệp: {reason}", "en": "cannot read: {reason}"},
    "too_big": {"vi": "tệp lớn hơn 5 MB", "en": "larger than 5 MB"},
    "not_utf8": {
        "vi": "không đọc được chữ trong tệp (không phải UTF-8, UTF-16 hay Windows-1258): "
        "hãy lưu từ Excel dạng “CSV UTF-8” hoặc “Unicode Text”",
        "en": "unreadable text (neither UTF-8, UTF-16 nor Windows-1258): save it from Excel "
        "as “CSV UTF-8” or “Unicode Text”",
    },
    "lost_letters": {
        "vi": "{value} có dấu “?” thay cho chữ: Excel đã làm mất dấu tiếng Việt khi lưu; "
        "hãy lưu lại dạng “CSV UTF-8” hoặc “Unicode Text”",
        "en": "{value} has “?” in place of letters: Excel lost the Vietnamese letters when "
        "saving; save it again as “CSV UTF-8” or “Unicode Text”",
    },
    "empty": {"vi": "tệp trống", "en": "the file is empty"},
    "missing_column": {
        "vi": "thiếu cột (dòng tiêu đề cần có: {expected})",
        "en": "missing column (the header must name: {expected})",
    },
}


def quoted(value: str) -> str:
    """A value as the admin typed it, quoted, cut to MAX_QUOTED_CHARS."""
    if len(value) > MAX_QUOTED_CHARS:
        value = value[: MAX_QUOTED_CHARS - 1] + "…"
    return repr(value)


IMPORT = register("import", TEXTS)


def render(key: str, params: Mapping[str, object], locale: str) -> str:
    """The message `key` in `locale` (Vietnamese when the catalogue has none in it)."""
    return IMPORT.say(key, locale, **params)


def column_name(column: str, locale: str) -> str:
    """A column's name as the admin's template spells it."""
    return column if locale == "en" else COLUMNS_VI.get(column, column)
