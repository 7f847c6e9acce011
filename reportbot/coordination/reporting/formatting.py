"""Coordination's figures and times: the vocabulary's formatting, with coordination's words.

Numbers, percentages, dates and times are written by `reportbot.vocabulary.format`; the
names here stay so the reports and chat rendering keep one import.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from reportbot.coordination.texts import t
from reportbot.vocabulary.format import date_text, datetime_text, number_text, percent_text

__all__ = ["bucket_label", "local_date", "local_time", "number_text", "percent_text"]


def local_time(moment: datetime | None, tz: tzinfo) -> str:
    """HH:MM dd/mm/yyyy on the local clock; '' for no moment."""
    return datetime_text(moment, tz)


def local_date(moment: datetime, tz: tzinfo) -> str:
    """dd/mm/yyyy on the local clock."""
    return date_text(moment, tz)


def bucket_label(bucket: str, locale: str = "vi") -> str:
    """'Đã nộp đúng hạn', 'Nộp muộn', 'Đang soạn' or 'Chưa bắt đầu'."""
    return t(f"bucket_{bucket}", locale)
