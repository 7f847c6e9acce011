"""The texts of reminders and coordinator digests, in Vietnamese first and English second.

A reminder ends with one choice: `/tieptuc` when the unit has a draft, `/baocao` otherwise.
Telegram shows it as a button; platforms without buttons show the command in the text
(`render_plain`), without the slash on Zalo.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from connectors.base import Choice, Outgoing
from reportbot.collation import vietnamese_key
from reportbot.forms.schema import FormTemplate, pick
from reportbot.periods import Period
from reportbot.vocabulary.catalogue import register
from reportbot.vocabulary.format import date_text

LIST_LIMIT = 40  # names shown per digest section; the rest are counted

TEXTS: dict[str, dict[str, str]] = {
    "head_before": {
        "vi": "🔔 Nhắc nộp báo cáo: {title} – {period}.\nHạn nộp: {deadline} (còn {left} ngày).",
        # English counts after a colon: "1 days left" otherwise (as "review_missing" does).
        "en": "🔔 Report reminder: {title} – {period}.\nDue: {deadline} (days left: {left}).",
    },
    "head_today": {
        "vi": "🔔 Hôm nay ({deadline}) là hạn cuối nộp: {title} – {period}.",
        "en": "🔔 Today ({deadline}) is the deadline of: {title} – {period}.",
    },
    "head_late": {
        "vi": "⏰ Quá hạn {late} ngày (hạn {deadline}): {title} – {period}.",
        "en": "⏰ Days overdue: {late} (due {deadline}): {title} – {period}.",
    },
    "not_started": {
        "vi": "{unit} chưa gửi báo cáo kỳ này. Anh/chị có thể bắt đầu ngay:",
        "en": "{unit} has not sent this report yet. You can start now:",
    },
    "draft": {
        # Counts, not a fraction: "N/M" is the question heading's "Câu 13/27" (a question's
        # number in the form), which a second fraction over the questions asked contradicted.
        "vi": "{unit} đã trả lời {done} câu, còn {left} câu chưa trả lời. Anh/chị làm tiếp để "
        "hoàn thành và gửi:",
        "en": "{unit}: questions answered: {done}; still to answer: {left}. Continue to "
        "finish and send it:",
    },
    "late_note": {
        "vi": "Báo cáo gửi bây giờ vẫn được nhận và ghi là nộp muộn.",
        "en": "A report sent now is still accepted and recorded as late.",
    },
    "button_report": {"vi": "📝 Làm báo cáo", "en": "📝 File the report"},
    "button_continue": {"vi": "▶️ Làm tiếp", "en": "▶️ Continue"},
    # Its own title: "Tổng hợp" is /tonghop's consolidated figures ("📑 Tổng hợp: …"); the
    # digest tells who filed, as /tinhhinh does.
    "digest_head": {
        "vi": "📊 Tình hình nộp báo cáo: {title} – {period} (hạn {deadline})\n"
        "Đã nộp: {filed}/{total} đơn vị.",
        "en": "📊 Filing status: {title} – {period} (due {deadline})\n"
        "Filed: {filed} of {total} units.",
    },
    "digest_on_time": {"vi": "Đã nộp đúng hạn ({count}):", "en": "Filed on time ({count}):"},
    "digest_late": {"vi": "Nộp muộn ({count}):", "en": "Filed late ({count}):"},
    "digest_missing_before": {"vi": "Chưa nộp ({count}):", "en": "Not filed yet ({count}):"},
    "digest_missing_after": {
        "vi": "Quá hạn, chưa nộp ({count}):",
        "en": "Overdue, not filed ({count}):",
    },
    "digest_unreachable": {
        "vi": "Không liên lạc được ({count}):",
        "en": "Could not be reached ({count}):",
    },
    "digest_all_filed": {
        "vi": "Tất cả đơn vị đã nộp. Cảm ơn anh/chị!",
        "en": "Every unit has filed. Thank you!",
    },
    "more": {"vi": "… và {count} đơn vị khác", "en": "… more units: {count}"},
    "reason_no_officer": {"vi": "chưa có cán bộ", "en": "no officer"},
    "reason_no_account": {
        "vi": "chưa đăng ký tài khoản nhắn tin",
        "en": "no messaging account",
    },
    "reason_no_channel": {
        "vi": "tài khoản {platforms} chưa được kết nối",
        "en": "{platforms} account not connected",
    },
    "reason_refused": {"vi": "không gửi được tin nhắn", "en": "messages not delivered"},
    "reason_not_following": {
        "vi": "chưa quan tâm hoặc đã bỏ quan tâm Zalo OA, cần bấm Quan tâm OA để nhận tin",
        "en": "does not follow the Zalo OA (or unfollowed it): must tap Follow to get messages",
    },
    # The reminder kinds as `reportbot periods` and `remind --dry-run` name them (kind_name).
    "kind_deadline_day": {"vi": "ngày hết hạn", "en": "deadline day"},
    "kind_before": {"vi": "trước hạn {days} ngày", "en": "{days} day(s) before"},
    "kind_late": {"vi": "quá hạn lần {number}", "en": "overdue #{number}"},
    "kind_digest-before": {"vi": "tổng hợp trước hạn", "en": "digest before"},
    "kind_digest-after": {"vi": "tổng hợp sau hạn", "en": "digest after"},
    # Problems for the administrator at a digest's end (reminders.compose.with_notices).
    "notices_head": {
        "vi": "⚠️ Cần quản trị viên xử lý:",
        "en": "⚠️ For the bot's administrator:",
    },
    "sheet_failed": {
        "vi": "Không ghi được bảng tính: {error} ({waiting} thay đổi chờ)",
        "en": "Cannot write a spreadsheet: {error} (changes waiting: {waiting})",
    },
}


MAX_PAYLOAD_BYTES = 56  # what connectors are promised (Telegram allows 64)


REMINDERS = register("reminders", TEXTS)


def text(key: str, locale: str, /, **params: object) -> str:
    """One text in `locale` (Vietnamese when the catalogue has none in it)."""
    return REMINDERS.say(key, locale, **params)


def unreachable_reason(
    refused: bool,
    not_following: bool,
    own: set[str] | frozenset[str],
    running: set[str],
    locale: str,
) -> str | None:
    """Why an officer cannot be reached, in the digest's words (None: they can be), for the
    digest and /xem alike. `refused`: their latest reminder was refused for good
    (`not_following`: as Zalo OA's -213); `own`: the platforms they have accounts on;
    `running`: the connectors of this process (empty: every account counts as reachable)."""
    if refused:
        return text("reason_not_following" if not_following else "reason_refused", locale)
    if not own:
        return text("reason_no_account", locale)
    if running and not own & running:
        return text("reason_no_channel", locale, platforms=", ".join(sorted(own)))
    return None


def kind_name(kind: str, locale: str) -> str:
    """A reminder kind for people: 'd-3' -> 'trước hạn 3 ngày', 'late-1' -> 'quá hạn lần 1',
    'digest-before' -> 'tổng hợp trước hạn'; an unknown kind as it is."""
    prefix, _, number = kind.rpartition("-")
    if prefix == "d" and number.isdigit():
        if number == "0":
            return text("kind_deadline_day", locale)
        return text("kind_before", locale, days=int(number))
    if prefix == "late" and number.isdigit():
        return text("kind_late", locale, number=int(number))
    if f"kind_{kind}" in TEXTS:
        return text(f"kind_{kind}", locale)
    return kind


def deadline_text(period: Period, tz: tzinfo) -> str:
    """A deadline as dd/mm/yyyy in local time."""
    return date_text(period.deadline, tz)


def officer_reminder(
    template: FormTemplate,
    period: Period,
    *,
    unit_name: str,
    locale: str,
    now: datetime,
    tz: tzinfo,
    progress: tuple[int, int] | None,
) -> Outgoing:
    """A reminder to an officer: how long is left (or how late), where the unit stands."""
    today = now.astimezone(tz).date()
    due_day = period.deadline.astimezone(tz).date()
    params = {
        "title": pick(template.title, locale),
        "period": period.label(locale),
        "deadline": deadline_text(period, tz),
    }
    lines: list[str] = []
    if now > period.deadline:
        lines.append(text("head_late", locale, late=(today - due_day).days, **params))
    elif today >= due_day:
        lines.append(text("head_today", locale, **params))
    else:
        lines.append(text("head_before", locale, left=(due_day - today).days, **params))
    if progress is not None:
        done, total = progress
        lines.append(text("draft", locale, unit=unit_name, done=done, left=total - done))
        choice = Choice(text("button_continue", locale), "/tieptuc")
    else:
        lines.append(text("not_started", locale, unit=unit_name))
        # The button opens this very report; typed, /baocao offers the reports to choose.
        payload = f"/baocao {template.key} {period.key}"
        if len(payload.encode()) > MAX_PAYLOAD_BYTES:  # Telegram's callback data limit
            payload = "/baocao"
        choice = Choice(text("button_report", locale), payload, plain="/baocao")
    if now > period.deadline:
        lines.insert(1, text("late_note", locale))
    return Outgoing("\n".join(lines), choices=(choice,))


@dataclass(frozen=True, slots=True)
class DigestEntry:
    """One line of a digest section: a unit (its id, its name), and a detail (who, why) if any.

    Units are counted and grouped by id: names repeat across communes ("Hội Nông dân xã")."""

    unit_id: int
    unit: str
    detail: str = ""


@dataclass
class DigestSections:
    """The digest of one period, sorted into sections."""

    total: int
    on_time: list[DigestEntry]
    late: list[DigestEntry]
    missing: list[DigestEntry]
    unreachable: list[DigestEntry]


def digest(
    template: FormTemplate,
    period: Period,
    sections: DigestSections,
    *,
    locale: str,
    now: datetime,
    tz: tzinfo,
) -> Outgoing:
    """The coordinator's summary: who filed (on time, late), who has not, who is unreachable."""
    filed = len(sections.on_time) + len(sections.late)
    parts = [
        text(
            "digest_head",
            locale,
            title=pick(template.title, locale),
            period=period.label(locale),
            deadline=deadline_text(period, tz),
            filed=filed,
            total=sections.total,
        )
    ]
    missing_key = "digest_missing_after" if now > period.deadline else "digest_missing_before"
    for key, entries in (
        (missing_key, sections.missing),
        ("digest_unreachable", sections.unreachable),
        ("digest_late", sections.late),
        ("digest_on_time", sections.on_time),
    ):
        if entries:
            parts.append(_section(key, entries, locale))
    if not sections.missing and sections.total:
        parts.append(text("digest_all_filed", locale))
    return Outgoing("\n\n".join(parts))


def _section(key: str, entries: Sequence[DigestEntry], locale: str) -> str:
    """A section's head with its count of units, its lines (at most `LIST_LIMIT`, cut
    between units, never inside one), and how many units are left out."""
    units = list(dict.fromkeys(entry.unit_id for entry in entries))
    lines = [text(key, locale, count=len(units))]
    # Vietnamese alphabetical order ("Đoàn Thanh niên" before "UBND"), whatever the locale:
    # the names are Vietnamese.
    # The id keeps two units of one name apart, each with its own lines together.
    ordered = sorted(
        entries, key=lambda entry: (vietnamese_key(entry.unit), entry.unit_id, entry.detail)
    )
    shown: set[int] = set()
    for number, entry in enumerate(ordered):
        # An unreachable unit takes a line per officer: stop before a unit that would pass
        # the limit, so the units counted below are exactly those not listed at all.
        if entry.unit_id not in shown:
            if number + _lines_of(ordered, number) > LIST_LIMIT and shown:
                break
            shown.add(entry.unit_id)
        lines.append(f"• {entry.unit}" + (f" – {entry.detail}" if entry.detail else ""))
    if len(units) > len(shown):
        lines.append(text("more", locale, count=len(units) - len(shown)))
    return "\n".join(lines)


def _lines_of(ordered: Sequence[DigestEntry], start: int) -> int:
    """How many lines the unit whose first line is `ordered[start]` takes."""
    unit_id = ordered[start].unit_id
    end = start
    while end < len(ordered) and ordered[end].unit_id == unit_id:
        end += 1
    return end - start
