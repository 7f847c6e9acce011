"""/tonghop as chat text: a rendering of a `Consolidation`, every figure with its base."""

from __future__ import annotations

from reportbot.coordination.reporting.consolidate import (
    ChoiceSummary,
    Consolidation,
    IndicatorResult,
    NumberSummary,
)
from reportbot.coordination.reporting.formatting import number_text, percent_text
from reportbot.coordination.texts import t
from reportbot.forms.schema import pick
from reportbot.vocabulary.catalogue import register

MESSAGES: dict[str, dict[str, str]] = {
    "filed": {
        "vi": "Đã nộp {filed}/{total} đơn vị (đúng hạn {on_time}, muộn {late}); "
        "chưa nộp {missing}.",
        "en": "{filed}/{total} units filed ({on_time} on time, {late} late); {missing} not filed.",
    },
    "reopened": {
        "vi": "Trong đó {count} đơn vị đang được mở lại để sửa, tính theo lần nộp gần nhất.",
        "en": "Of these, {count} reopened for changes, counted as last submitted.",
    },
    "base": {
        "vi": "Mọi số liệu dưới đây tính trên {filed}/{total} đơn vị đã nộp.",
        "en": "Every figure below is over the {filed}/{total} units that filed.",
    },
    "indicator_percent": {
        "vi": "• {label}: {numerator}/{denominator} = {percent} (mục tiêu {target}{due}) – "
        "{verdict}; trên {units}/{filed} đơn vị",
        "en": "• {label}: {numerator}/{denominator} = {percent} (target {target}{due}) – "
        "{verdict}; over {units}/{filed} units",
    },
    "indicator_count": {
        "vi": "• {label}: {value} đơn vị (mục tiêu {target}{due}) – {verdict}; "
        "trên {units}/{filed} đơn vị",
        "en": "• {label}: {value} units (target {target}{due}) – {verdict}; "
        "over {units}/{filed} units",
    },
    "indicator_average": {
        "vi": "• {label}: trung bình {value} (mục tiêu {target}{due}) – {verdict}; "
        "trên {units}/{filed} đơn vị",
        "en": "• {label}: average {value} (target {target}{due}) – {verdict}; "
        "over {units}/{filed} units",
    },
    "numbers": {
        "vi": "Số liệu (tổng · trung bình mỗi đơn vị · số đơn vị có số liệu):",
        "en": "Figures (total · average per unit · units reporting):",
    },
    "number": {
        "vi": "• {label}: {total} · {average} · {count}/{filed} đơn vị",
        "en": "• {label}: {total} · {average} · {count}/{filed} units",
    },
    # A question asked of some units only (one unit type, a branch): over those it was asked.
    "number_asked": {
        "vi": "• {label}: {total} · {average} · {count}/{asked} đơn vị được hỏi "
        "(câu không hỏi {others} đơn vị đã nộp)",
        "en": "• {label}: {total} · {average} · {count}/{asked} units asked "
        "(not asked of {others} units that filed)",
    },
    "rate_asked": {
        "vi": "• {label}: trung bình {average} (tỷ lệ: lấy trung bình, không cộng) · "
        "{count}/{asked} đơn vị được hỏi (câu không hỏi {others} đơn vị đã nộp)",
        "en": "• {label}: average {average} (a rate: averaged, never summed) · "
        "{count}/{asked} units asked (not asked of {others} units that filed)",
    },
    "rate": {
        "vi": "• {label}: trung bình {average} (tỷ lệ: lấy trung bình, không cộng) · "
        "{count}/{filed} đơn vị",
        "en": "• {label}: average {average} (a rate: averaged, never summed) · "
        "{count}/{filed} units",
    },
    "choices": {
        "vi": "Các câu chọn (số đơn vị chọn · tỷ lệ trên số đơn vị trả lời):",
        "en": "Choice questions (units choosing · share of the units answering):",
    },
    "choice": {
        "vi": "• {label} ({answered}/{filed} đơn vị trả lời):",
        "en": "• {label} ({answered}/{filed} units answered):",
    },
    "choice_asked": {
        "vi": "• {label} ({answered}/{asked} đơn vị được hỏi trả lời; câu không hỏi {others} "
        "đơn vị đã nộp):",
        "en": "• {label} ({answered}/{asked} units asked answered; not asked of {others} units "
        "that filed):",
    },
    "option": {"vi": "  – {label}: {units} ({share})", "en": "  – {label}: {units} ({share})"},
    "due": {"vi": ", năm {due}", "en": ", by {due}"},
    "no_target": {"vi": "không đặt", "en": "none"},
}


SUMMARY = register("summary", MESSAGES)


def say(key: str, locale: str, **params: object) -> str:
    """A sentence of this module's catalog."""
    return SUMMARY.say(key, locale, **params)


def render_summary(data: Consolidation, locale: str) -> str:
    """/tonghop: filing, indicators, figures, choices and free text grouped by unit."""
    counts = data.status.counts()
    lines = [
        t(
            "summary_title",
            locale,
            title=pick(data.template.title, locale),
            period=data.period.label(locale),
        ),
        say(
            "filed",
            locale,
            filed=data.filed,
            total=data.total,
            on_time=counts["on_time"],
            late=counts["late"],
            missing=data.total - data.filed,
        ),
    ]
    reopened = sum(1 for report in data.reports if report.status.reopened)
    if reopened:
        lines.append(say("reopened", locale, count=reopened))
    if not data.reports:
        lines.append(t("summary_none_filed", locale))
    else:
        lines.append(say("base", locale, filed=data.filed, total=data.total))
    if data.indicators:
        lines += ["", t("summary_indicators", locale)]
        lines += [indicator_line(result, data.filed, locale) for result in data.indicators]
    # In chat, a question no filed report answered is left out (the workbook lists it).
    numbers = [summary for summary in data.numbers if summary.count]
    if numbers:
        lines += ["", say("numbers", locale)]
        lines += [number_line(summary, data.filed, locale) for summary in numbers]
    choices = [summary for summary in data.choices if summary.answered]
    if choices:
        lines += ["", say("choices", locale)]
        for summary in choices:
            lines += choice_lines(summary, data.filed, locale)
    groups = data.texts_by_unit()
    if groups:
        lines += ["", t("summary_texts", locale)]
        for unit, entries in groups:
            lines.append(f"▪ {unit.label}:")
            for entry in entries:
                lines.append(f"  – {pick(entry.question.label, locale)}: {entry.text}")
    return "\n".join(lines)


def target_text(result: IndicatorResult, locale: str) -> str:
    """'100%', '8' or 'không đặt' for an indicator's target."""
    target = result.indicator.target
    if target is None:
        return say("no_target", locale)
    if result.indicator.is_percent:
        return percent_text(target, locale)
    return number_text(target, locale)


def indicator_line(result: IndicatorResult, filed: int, locale: str) -> str:
    """One indicator with its value, target, verdict and base."""
    indicator = result.indicator
    params = {
        "label": pick(indicator.label, locale),
        "target": target_text(result, locale),
        "due": say("due", locale, due=indicator.due) if indicator.due else "",
        "verdict": t(result.verdict, locale),
        "units": result.units,
        "filed": filed,
    }
    if indicator.is_percent:
        return say(
            "indicator_percent",
            locale,
            numerator=number_text(result.numerator, locale),
            denominator=number_text(result.denominator, locale),
            percent=percent_text(result.percent, locale),
            **params,
        )
    key = "indicator_count" if indicator.kind == "count" else "indicator_average"
    return say(key, locale, value=number_text(result.value, locale), **params)


def number_line(summary: NumberSummary, filed: int, locale: str) -> str:
    """One numeric question: total, average and base; a rate only averaged."""
    params = {
        "label": pick(summary.question.label, locale),
        "average": number_text(summary.average, locale),
        "count": summary.count,
        "filed": filed,
    }
    asked = ""
    if summary.asked < filed:
        asked = "_asked"
        params |= {"asked": summary.asked, "others": filed - summary.asked}
    if summary.averaged:
        return say("rate" + asked, locale, **params)
    return say("number" + asked, locale, total=number_text(summary.total, locale), **params)


def choice_lines(summary: ChoiceSummary, filed: int, locale: str) -> list[str]:
    """A choice question: one line per option with its units and share."""
    params: dict[str, object] = {"label": pick(summary.question.label, locale)}
    params |= {"answered": summary.answered, "filed": filed}
    key = "choice"
    if summary.asked < filed:  # asked of some units only: over those
        key = "choice_asked"
        params |= {"asked": summary.asked, "others": filed - summary.asked}
    lines = [say(key, locale, **params)]
    for option in summary.options:
        lines.append(
            say(
                "option",
                locale,
                label=pick(option.label, locale),
                units=option.units,
                share=percent_text(option.share, locale),
            )
        )
    return lines
