"""Sentences about a person who reports for several units (an official holding several
posts: kiêm nhiệm), registered as the "units" catalogue."""

from __future__ import annotations

from reportbot.vocabulary.catalogue import register

UNIT_MESSAGES: dict[str, dict[str, str]] = {
    "added": {
        "vi": "Anh/chị đã được thêm vào đơn vị {unit}; giờ anh/chị báo cáo cho {count} đơn vị: "
        "{units}.",
        "en": "You have been added to {unit}; you now report for {count} units: {units}.",
    },
    "member": {
        "vi": "Anh/chị đã thuộc đơn vị {unit} rồi; mã mời “{code}” chưa được dùng.",
        "en": "You already report for {unit}; the invite code “{code}” was not used.",
    },
    "other": {
        "vi": "Mã mời “{code}” dành cho người khác hoặc không gắn với đơn vị nào; "
        "không có gì thay đổi.",
        "en": "The invite code “{code}” is for someone else or for no unit; nothing changed.",
    },
    # A person of no unit (an administrator of the commune): no "quản trị viên của —".
    "no_unit_registered": {
        "vi": "Đăng ký thành công! Anh/chị là {role} (không thuộc đơn vị báo cáo nào).",
        "en": "You are registered as {role} (of no reporting unit).",
    },
    # A coordinator or admin invited for a commune or a province (registration.registered_text).
    "follows": {
        "vi": "Anh/chị theo dõi báo cáo của các đơn vị thuộc {place}.",
        "en": "You follow the reports of the units of {place}.",
    },
    "no_unit_welcome": {
        "vi": "Xin chào {name}! Tôi là trợ lý báo cáo. Gõ /trogiup để xem các lệnh.",
        "en": "Hello {name}! I am the reporting assistant. Type /help for the commands.",
    },
    "choose_hint": {
        "vi": "Anh/chị báo cáo cho {count} đơn vị; mỗi nút ghi tên đơn vị ở cuối.",
        "en": "You report for {count} units; each button names its unit at the end.",
    },
}

UNITS = register("units", UNIT_MESSAGES)

SHORT_UNIT = 16  # characters of a unit's name on a chooser button (labels stay ≤ 32 + this)


def short_unit(name: str) -> str:
    """A unit's name cut to fit on a button ("Hội Phụ nữ xã…")."""
    name = " ".join(name.split())
    return name if len(name) <= SHORT_UNIT else name[: SHORT_UNIT - 1].rstrip() + "…"
