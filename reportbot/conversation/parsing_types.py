"""Pure parsers for times, date-times and positions as officers type them.

Stored forms follow ODK where ODK has one and stay short where it does not:
- time: "HH:MM" (ISO, 24 hours; seconds are dropped);
- datetime: "YYYY-MM-DDTHH:MM" (local wall-clock time, Vietnam has one time zone);
- geopoint: "lat lon alt acc" separated by spaces, as ODK Collect stores it
  (https://docs.getodk.org/form-question-types/#location-widgets); a typed point has
  altitude and accuracy 0;
- geotrace / geoshape: points joined by ";" (ODK's own notation); a geoshape is closed (its
  last point repeats its first), as ODK stores it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from reportbot.conversation.parsing import (
    AnswerError,
    fold,
    normalize_text,
    parse_date,
    plain_digits,
    unpolite,
)
from reportbot.forms import clock

_NOW_WORDS = frozenset({"bay gio", "now", "now()", "luc nay", "hien tai"})
# "14:30", "14h30", "14 h 30", "14g30", "14 giờ 30 phút", "14h", "9.05", "09:30:00",
# "2 giờ rưỡi" (and a half: 2:30)
_TIME_RE = re.compile(
    r"([0-9]{1,2})\s*(?:[:.]|h|g|gio)\s*(?:([0-9]{1,2})|(ruoi))?\s*(?:phut|p)?"
    r"(?:\s*:\s*[0-9]{1,2}(?:\.[0-9]+)?)?"
)
# "lúc 14h30", "vào lúc 9 giờ": "at" before the time; "2pm": the part of the day attached.
_AT_RE = re.compile(r"(?:vao luc|luc|vao) (?=[0-9])")
_ATTACHED_PART_RE = re.compile(r"(?<=[0-9])(am|pm)$")
# A date and a time are at most a dozen words ("ngày 20 tháng 6 năm 2026 lúc 2 giờ 30 phút
# chiều"); a longer answer is not tried cut by cut (each cut reads both halves again).
MAX_DATETIME_PIECES = 16
# "2 giờ chiều" is 14:00: the part of the day turns a 12-hour clock into a 24-hour one.
_DAY_PARTS = {
    "sang": lambda h: 0 if h == 12 else h,  # morning; "12 giờ sáng" is rare but means 0:00
    "am": lambda h: 0 if h == 12 else h,
    "trua": lambda h: h + 12 if 1 <= h <= 4 else h,  # noon: "12 giờ trưa", "1 giờ trưa"
    "chieu": lambda h: h + 12 if h < 12 else h,  # afternoon
    "pm": lambda h: h + 12 if h < 12 else h,
    "toi": lambda h: h + 12 if h < 12 else h,  # evening
    "dem": lambda h: 0 if h == 12 else (h + 12 if h >= 6 else h),  # "11 giờ đêm", "2 giờ đêm"
}
TIME_FORM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
DATETIME_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]")
_NUMBER = r"[+-]?[0-9]+(?:[.,][0-9]+)?"
_POINT_RE = re.compile(rf"\s*({_NUMBER})(?:\s*[,;]?\s+|\s*,\s*)({_NUMBER})(.*)")
_EXTRA_RE = re.compile(rf"(?:\s*[,;]?\s+|\s*,\s*)({_NUMBER})")


def now_local() -> datetime:
    """Now in Vietnam (UTC+7): the bot's clock in a message (`forms.clock`)."""
    return clock.now()


def parse_time(text: str, now: datetime | None = None) -> str:
    """A time of day as "HH:MM": "14:30", "14h30", "14h", "9 giờ 5", "09:30:00", "bây giờ",
    "2 giờ chiều", "2 giờ rưỡi" (a 12-hour time with the part of the day: sáng, trưa, chiều,
    tối, đêm; a 24-hour one with the part it falls in: "14h30 chiều"), "lúc 14h30 ạ"."""
    folded = unpolite(fold(plain_digits(text)))
    if folded in _NOW_WORDS or normalize_text(text).lower() == "now()":
        return (now or now_local()).strftime("%H:%M")
    at, folded = _AT_RE.match(folded), _AT_RE.sub("", folded, count=1)
    folded = _ATTACHED_PART_RE.sub(r" \1", folded)
    clock, _, part = folded.rpartition(" ")
    if not (clock and part in _DAY_PARTS):
        clock, part = folded, ""
    if (part or at) and clock.isdigit():
        clock += "h"  # "2 chiều", "2pm", "lúc 9": the hour alone, said to be one
    match = _TIME_RE.fullmatch(clock)
    if match is None:
        raise AnswerError("time.format", text=normalize_text(text))
    hour, minute = int(match[1]), 30 if match[3] else int(match[2] or 0)
    if hour > 23 or minute > 59:
        raise AnswerError("time.invalid", text=normalize_text(text))
    if not part:
        return f"{hour:02d}:{minute:02d}"
    # "14h chiều" says the same twice (2 pm is 14:00); "14h sáng" contradicts itself.
    if hour > 12 and _DAY_PARTS[part](hour - 12) != hour:
        raise AnswerError("time.invalid", text=normalize_text(text))
    return f"{_DAY_PARTS[part](hour) if hour <= 12 else hour:02d}:{minute:02d}"


def parse_datetime(text: str, now: datetime | None = None, today: date | None = None) -> str:
    """A date and a time as "YYYY-MM-DDTHH:MM": "20/06/2025 14:30", "14h30 20/6/2025",
    "hôm nay 8h", "2025-06-20T14:30", "bây giờ"."""
    clean = normalize_text(plain_digits(text))
    folded = fold(clean)
    if folded in _NOW_WORDS or clean.lower() == "now()":
        return (now or now_local()).strftime("%Y-%m-%dT%H:%M")
    pieces = [p for p in re.split(r"\s*(?:\bT\b|T(?=[0-9])|\s|,|\blúc\b|\bluc\b)\s*", clean) if p]
    if len(pieces) > MAX_DATETIME_PIECES:
        raise AnswerError("datetime.format", text=clean)
    no_year: AnswerError | None = None  # "20/6 14h30": the year asked for, if nothing fits
    for cut in range(1, len(pieces)):
        first, second = " ".join(pieces[:cut]), " ".join(pieces[cut:])
        for day_text, time_text in ((first, second), (second, first)):
            try:
                day = parse_date(day_text, today)
                moment = parse_time(time_text, now)
            except AnswerError as error:
                if error.code in ("date.invalid", "time.invalid"):
                    raise
                if error.code == "date.no_year" and no_year is None:
                    no_year = error
                continue
            return f"{day.isoformat()}T{moment}"
    raise no_year or AnswerError("datetime.format", text=clean)


def _coordinate(raw: str) -> Decimal:
    try:
        return Decimal(raw.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        raise AnswerError("geo.format") from None


def format_point(lat: Decimal | float, lon: Decimal | float, alt: float = 0, acc: float = 0) -> str:
    """One point as ODK stores it: "lat lon alt acc", numbers without trailing zeros."""
    return " ".join(_plain(Decimal(str(value))) for value in (lat, lon, alt, acc))


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def parse_geopoint(text: str) -> str:
    """One position typed as "21.0285, 105.8542", "21,0285 105,8542" or ODK's
    "lat lon alt acc"; stored as "lat lon alt acc"."""
    clean = normalize_text(text)
    match = _POINT_RE.fullmatch(clean)
    if match is None:
        raise AnswerError("geo.format")
    rest, extra = match[3], []
    while rest.strip():
        more = _EXTRA_RE.match(rest)
        if more is None or len(extra) == 2:
            raise AnswerError("geo.format")
        extra.append(_coordinate(more[1]))
        rest = rest[more.end() :]
    lat, lon = _coordinate(match[1]), _coordinate(match[2])
    alt, acc = [*extra, Decimal(0), Decimal(0)][:2]
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or acc < 0:
        raise AnswerError("geo.range", text=clean)
    return format_point(lat, lon, alt, acc)


def point_of(lat: float, lon: float, accuracy: float | None = None) -> str:
    """A shared location (a platform's latitude, longitude and accuracy) as ODK stores it."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise AnswerError("geo.range", text=f"{lat}, {lon}")
    return format_point(Decimal(str(lat)), Decimal(str(lon)), 0, accuracy or 0)


def parse_geopoints(text: str, *, closed: bool) -> str:
    """Several points, one per line or separated by ";": a line (geotrace, at least 2 points)
    or, with `closed`, an area (geoshape, at least 3 corners, closed on its first point)."""
    pieces = [piece for piece in re.split(r"[;\n]+", normalize_text(text)) if piece.strip()]
    points = [parse_geopoint(piece) for piece in pieces]
    if closed and len(points) > 1 and points[-1] == points[0]:
        points.pop()  # already closed by hand
    needed = 3 if closed else 2
    if len(set(points)) < needed:
        raise AnswerError("geo.too_few", min=needed)
    if closed:
        points.append(points[0])
    return ";".join(points)


def datetime_value(text: str) -> datetime | None:
    """A stored "YYYY-MM-DDTHH:MM" as a naive local datetime (None if it is not one)."""
    if not DATETIME_FORM.fullmatch(text):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
