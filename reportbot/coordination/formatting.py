"""Numbers, percentages and times the way a Vietnamese reader writes them."""

from __future__ import annotations

from datetime import datetime, tzinfo
from decimal import Decimal

from reportbot.conversation.values import format_number
from reportbot.coordination.texts import t


def number_text(value: Decimal | int | None, locale: str = "vi") -> str:
    """1.234,5 in Vietnamese, 1,234.5 in English; '—' for no value."""
    if value is None:
        return "—"
    return format_number(Decimal(value), locale)


def percent_text(value: Decimal | None, locale: str = "vi") -> str:
    """91,7% in Vietnamese; '—' without a value."""
    return "—" if value is None else f"{number_text(value, locale)}%"


def local_time(moment: datetime | None, tz: tzinfo) -> str:
    """HH:MM dd/mm/yyyy on the local clock; '' for no moment."""
    return moment.astimezone(tz).strftime("%H:%M %d/%m/%Y") if moment else ""


def local_date(moment: datetime, tz: tzinfo) -> str:
    """dd/mm/yyyy on the local clock."""
    return moment.astimezone(tz).strftime("%d/%m/%Y")


def bucket_label(bucket: str, locale: str = "vi") -> str:
    """'Đã nộp đúng hạn', 'Nộp muộn', 'Đang soạn' or 'Chưa bắt đầu'."""
    return t(f"bucket_{bucket}", locale)
