"""`reportbot periods [FORM]` and `reportbot remind --dry-run [--at DATETIME]`.

    reportbot periods                      current and next period of every form, with reminders
    reportbot periods nq57_bao_cao_6_thang --at 2026-06-01
    reportbot remind --dry-run --at 2026-12-19T08:00   what would be sent to whom, and when

Registered by `reportbot.cli`; each command is `async (args, settings) -> int`.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from connectors.base import Capabilities, render_plain
from reportbot.config import Settings
from reportbot.forms.schema import FormTemplate, pick
from reportbot.language import say
from reportbot.periods import Period, current_period, period_at, periods_between
from reportbot.reminders import policy_from_settings, store
from reportbot.reminders.messages import kind_name
from reportbot.reminders.schedule import (
    ACTIVE,
    EXPIRED,
    Policy,
    Slot,
    days_off_lines,
    is_deliverable,
    next_deliverable,
    slots_for,
    slots_in_view,
    upcoming_slots,
)
from reportbot.vocabulary.format import date_text, datetime_text, day_month_text, time_text
from reportbot.vocabulary.kinds import period_kind_name

if TYPE_CHECKING:  # for the type only: preview() imports the worker where it runs
    from reportbot.reminders.worker import ReminderWorker

EXIT_USAGE = 2
EXIT_FAILURE = 1
SHOWN_RECIPIENTS = 20
LABEL_WIDTH = 14  # the period lines' labels, padded so that the values line up
KIND_WIDTH = 21  # the dry run's reminder names ("tổng hợp trước hạn"), padded likewise


def register(commands: Any) -> None:
    """Add `periods` and `remind` to the `reportbot` command."""
    periods = commands.add_parser(
        "periods", help="current and next reporting periods of the forms, with reminders"
    )
    periods.add_argument("form", nargs="?", help="a form key (default: every form)")
    _add_at(periods, "pretend the clock shows this local time")
    periods.set_defaults(func=_periods)

    remind = commands.add_parser("remind", help="preview the reminders (the bot sends them)")
    remind.add_argument(
        "--dry-run", action="store_true", help="show what would be sent to whom and when"
    )
    _add_at(remind, "preview at this local time instead of now")
    remind.set_defaults(func=_remind)


def _add_at(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument(
        "--at",
        metavar="DATETIME",
        type=_moment,
        help=f"{text} (YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
    )


def _moment(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{value!r}: "
            + say(_env_locale(), "cần dạng", "expected")
            + " YYYY-MM-DD / YYYY-MM-DDTHH:MM"
        ) from exc


def _env_locale() -> str:
    """The locale while arguments are parsed (before the settings exist)."""
    import os

    return "en" if os.environ.get("REPORTBOT_LOCALE", "") == "en" else "vi"


def _at_line(now: datetime, tz: tzinfo, lang: str) -> str:
    return f"{say(lang, 'Lúc', 'At')} {_local(now, tz)} ({tz})"


def _now(args: argparse.Namespace, tz: tzinfo) -> datetime:
    at: datetime | None = getattr(args, "at", None)
    if at is None:
        return datetime.now(UTC)
    return (at if at.tzinfo else at.replace(tzinfo=tz)).astimezone(UTC)


def _local(moment: datetime, tz: tzinfo) -> str:
    return datetime_text(moment, tz)


async def _templates(settings: Settings) -> dict[str, FormTemplate]:
    """The stored templates, or those of the forms folder when none is stored yet."""
    from reportbot.forms.loader import load_yaml_template
    from reportbot.forms_folder import form_files
    from reportbot.reminders.worker import ReminderWorker

    worker = ReminderWorker(lambda: [], tz=settings.timezone, clock=lambda: datetime.now(UTC))
    found = await worker.templates()
    if found:
        return found
    for path in form_files(settings.forms_dir):
        template, _ = load_yaml_template(path)
        if template is not None:
            found[template.key] = template
    return found


# ---------------------------------------------------------------------------------------------
# reportbot periods


async def _periods(args: argparse.Namespace, settings: Settings) -> int:
    from reportbot.store.database import with_database

    tz, lang = settings.timezone, settings.locale
    now = _now(args, tz)
    policy = policy_from_settings(settings)
    templates = await with_database(settings.database_url, lambda: _templates(settings))
    if args.form:
        if args.form not in templates:
            known = ", ".join(sorted(templates)) or "—"
            print(
                "reportbot: "
                + say(
                    lang,
                    f"không có mẫu báo cáo {args.form!r}; có: {known}",
                    f"no form {args.form!r}; known: {known}",
                ),
                file=sys.stderr,
            )
            return EXIT_FAILURE
        templates = {args.form: templates[args.form]}
    if not templates:
        print(say(lang, "(chưa có mẫu báo cáo nào)", "(no templates)"))
        return 0
    print(_at_line(now, tz, lang))
    for template in templates.values():
        print()
        print(_periods_of(template, now, tz, policy, lang))
    return 0


def _periods_of(
    template: FormTemplate, now: datetime, tz: tzinfo, policy: Policy, lang: str = "vi"
) -> str:
    spec = template.period
    lines = [
        f"{template.key} — {pick(template.title, lang)} "
        f"({period_kind_name(spec.kind, lang)}; {say(lang, 'hạn', 'due')} "
        f"{', '.join(spec.deadlines)})"
    ]
    current = current_period(spec, now, tz)
    if spec.kind == "one_off":
        found = periods_between(
            spec, datetime(1, 1, 2, tzinfo=UTC), datetime.max.replace(tzinfo=UTC), tz
        )
        once = found[0] if found else None
        if current is None and once is not None:
            state = say(lang, "chưa mở", "not open yet")
            if now >= once.opens_at:
                state = say(lang, "đã qua", "past")
            lines.append(f"  {say(lang, 'đợt duy nhất', 'one-off')}, {state}:")
            lines.extend(_period_lines(template, once, tz, policy, lang))
        elif current is not None:
            lines.append(f"  {say(lang, 'hiện tại', 'current')}:")
            lines.extend(_period_lines(template, current, tz, policy, lang))
        return "\n".join(lines)
    upcoming = period_at(spec, now, tz, 1)
    titles = (say(lang, "hiện tại", "current"), say(lang, "tiếp theo", "next"))
    for title, period in zip(titles, (current, upcoming), strict=True):
        if period is not None:
            lines.append(f"  {title}:")
            lines.extend(_period_lines(template, period, tz, policy, lang))
    return "\n".join(lines)


def _period_lines(
    template: FormTemplate, period: Period, tz: tzinfo, policy: Policy, lang: str = "vi"
) -> list[str]:
    """A period's key and label, opening, deadline, data cut-off, reminders and days off."""

    def row(vi: str, en: str, value: str) -> str:
        return f"    {say(lang, vi, en).ljust(LABEL_WIDTH)}{value}"

    cutoff = f"{date_text(period.cutoff_start)} – {date_text(period.cutoff_end)}"
    reminders = []
    for slot in slots_for(template, period, policy, tz):
        when = f"{time_text(slot.due_at, tz)} {day_month_text(slot.due_at, tz)}"
        gone = slot.due_at >= slot.expires_at
        skipped = f" ({say(lang, 'bỏ', 'skipped')})" if gone else ""
        reminders.append(f"{kind_name(slot.kind, lang)}: {when}{skipped}")
    return [
        f"    {period.key}  {say(lang, period.label_vi, period.label_en)}",
        row("mở", "opens", _local(period.opens_at, tz)),
        row("hạn nộp", "deadline", _local(period.deadline, tz)),
        row("chốt số liệu", "data cut-off", cutoff),
        row("nhắc", "reminders", "; ".join(reminders)),
        *days_off_lines(slots_for(template, period, policy, tz), policy, tz, lang),
    ]


# ---------------------------------------------------------------------------------------------
# reportbot remind --dry-run


async def _remind(args: argparse.Namespace, settings: Settings) -> int:
    if not args.dry_run:
        print(
            "reportbot: "
            + say(
                settings.locale,
                "bot tự gửi nhắc khi đang chạy; dùng --dry-run để xem trước",
                "the running bot sends reminders; use --dry-run to preview them",
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    from reportbot.store.database import with_database

    now = _now(args, settings.timezone)
    print(await with_database(settings.database_url, lambda: preview(settings, now)))
    return 0


async def preview(settings: Settings, now: datetime) -> str:
    """The dry-run report: every reminder around `now`, its state, and who it would go to."""
    from reportbot.reminders.worker import ReminderWorker

    tz, lang = settings.timezone, settings.locale
    policy = policy_from_settings(settings)
    worker = ReminderWorker(lambda: [], tz=tz, clock=lambda: now, policy=policy)
    templates = await worker.templates()
    lines = [_at_line(now, tz, lang)]
    if not is_deliverable(now, policy, tz):
        lines.append(
            say(
                lang,
                "Ngoài giờ gửi: tin đến hạn sẽ đi lúc ",
                "Outside delivery hours: due messages go at ",
            )
            + _local(next_deliverable(now, policy, tz), tz)
        )
    if not templates:
        lines.append(say(lang, "(chưa có mẫu báo cáo nào)", "(no templates stored)"))
        return "\n".join(lines)
    published = await worker.publications(templates)
    in_view = slots_in_view(templates.values(), now, policy, tz, published)
    collected = await worker.collect(templates, in_view, now)
    sends: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for due in collected.plan.send:
        sends[(due.slot.form_key, due.slot.period.key, due.slot.kind)].append(due)
    skips = Counter((d.slot.form_key, d.slot.period.key, d.slot.kind) for d in collected.plan.skip)
    names = await store.people(d.recipient.person_id for d in collected.plan.send)
    accounts = await store.addresses([d.recipient.person_id for d in collected.plan.send])
    total = 0
    current: tuple[str, str] | None = None
    ordered = sorted(
        upcoming_slots(templates.values(), now, policy, tz, periods=1, published=published),
        key=lambda s: (s.period.deadline, s.form_key, s.due_at, s.kind),
    )
    for slot in ordered:
        group = (slot.form_key, slot.period.key)
        if group != current:
            current = group
            template = templates[slot.form_key]
            lines.append("")
            label = say(lang, slot.period.label_vi, slot.period.label_en)
            lines.append(
                f"{pick(template.title, lang)} – {label} [{slot.form_key} {slot.period.key}], "
                f"{say(lang, 'hạn', 'due')} {_local(slot.period.deadline, tz)}"
            )
        key = (slot.form_key, slot.period.key, slot.kind)
        rows = collected.deliveries.get(group, {})
        done = Counter(row.status for (_, kind), row in rows.items() if kind == slot.kind)
        state = _state(slot, now, done, skips[key], lang)
        name = kind_name(slot.kind, lang)
        lines.append(f"  {name:<{KIND_WIDTH}}{_local(slot.due_at, tz)}  {state}")
        dues = sends.get(key, [])
        total += len(dues)
        if dues:
            lines.extend(await _send_lines(worker, slot, dues, templates, (names, accounts), lang))
    lines.append("")
    lines.append(say(lang, "Tổng số tin sẽ gửi ngay", "Messages that would go now") + f": {total}")
    return "\n".join(lines)


async def _send_lines(
    worker: ReminderWorker,
    slot: Slot,
    dues: list[Any],
    templates: dict[str, FormTemplate],
    people: tuple[dict[int, Any], dict[int, list[Any]]],
    lang: str = "vi",
) -> list[str]:
    """Who a slot's due message goes to now (the first few), and the message as it reads."""
    names, accounts = people
    lines = [f"      → {say(lang, 'sẽ gửi ngay', 'would send now')} {len(dues)}:"]
    for due in dues[:SHOWN_RECIPIENTS]:
        person = names.get(due.recipient.person_id)
        platforms = sorted({a.platform for a in accounts.get(due.recipient.person_id, [])})
        lines.append(
            f"        {person.name if person else due.recipient.person_id} "
            f"(#{due.recipient.person_id}) {say(lang, 'qua', 'via')} {', '.join(platforms) or '—'}"
        )
    if len(dues) > SHOWN_RECIPIENTS:
        lines.append(f"        … +{len(dues) - SHOWN_RECIPIENTS}")
    sample = dues[:1]
    if slot.audience == "officers":
        text = (await worker.officer_messages(sample, templates))[0]
    else:
        text = (await worker.digest_messages(sample, templates, set()))[0]
    shown = render_plain(text, Capabilities()).replace("\n", "\n        │ ")
    lines.append(f"        │ {shown}")
    return lines


def _state(slot: Slot, now: datetime, done: Counter[str], skips: int, lang: str = "vi") -> str:
    """A slot's state at `now`, with the deliveries already recorded for it."""
    state = slot.state(now)
    counts = ", ".join(f"{status} {count}" for status, count in sorted(done.items()))
    suffix = f" [{counts}]" if counts else ""
    if slot.due_at >= slot.expires_at:
        skipped = say(
            lang, "bỏ qua: đã có nhắc sau hoặc quá hạn", "superseded or past the deadline"
        )
        return skipped + suffix
    if state == ACTIVE:
        return say(lang, "đang đến hạn", "due now") + suffix
    if state == EXPIRED:
        extra = say(lang, "; sẽ ghi bỏ qua", "; would record as skipped") if skips else ""
        extra += f" {skips}" if skips else ""
        return say(lang, "đã hết hạn", "expired") + suffix + extra
    return say(lang, "chờ", "waiting") + suffix
