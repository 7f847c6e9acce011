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


OVERDUE_BUCKETS = frozenset({"drafting", "not_started"})


def bucket_label(bucket: str, locale: str = "vi", *, overdue: bool = False) -> str:
    """'Đã nộp đúng hạn', 'Nộp muộn', 'Đang soạn' or 'Chưa bắt đầu'; once the deadline has
    passed (`overdue`) a unit not filed is 'Quá hạn, đang soạn' or 'Quá hạn, chưa nộp', as
    the digest says."""
    if overdue and bucket in OVERDUE_BUCKETS:
        return t(f"bucket_{bucket}_overdue", locale)
    return t(f"bucket_{bucket}", locale)
