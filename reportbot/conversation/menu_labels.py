"""Short labels for the report chooser's buttons: what tells them apart comes first.

Phones cut a button's label (Zalo and Telegram show about 30 characters on a narrow screen),
so a label is "period · status" ("6 tháng đầu 2027 · chưa làm"), the form's title added last
only when the menu offers several forms, and the whole kept within `BUTTON_LIMIT` characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from connectors.base import Choice
from reportbot.conversation import navigation as nav
from reportbot.conversation.i18n import say
from reportbot.conversation.report import unit_facts
from reportbot.conversation.turn import Turn
from reportbot.forms.schema import FormTemplate, pick
from reportbot.periods import Period
from reportbot.vocabulary.catalogue import register

BUTTON_LIMIT = 32
TITLE_ROOM = 5  # characters of a form's title a button keeps among several forms ("nhan…")
SEPARATOR = " · "
ELLIPSIS = "…"

WORDS: dict[str, dict[str, str]] = {
    "new": {"vi": "chưa làm", "en": "not started"},
    # what is left, as the reminder and "Tiếp tục …" say it (navigation.count_answered)
    "draft": {"vi": "còn {left} câu", "en": "{left} to go"},
    "submitted": {"vi": "đã gửi", "en": "submitted"},
    "reopened": {"vi": "mở lại để sửa", "en": "reopened"},
    "late": {"vi": "quá hạn", "en": "overdue"},
}
BUTTONS = register("menu_buttons", WORDS)
# "tháng 12 năm 2026" → "tháng 12/2026", "quý II năm 2026" → "quý II/2026",
# "6 tháng đầu năm 2027" → "6 tháng đầu 2027"; "năm 2026" stays.
_MONTH_OR_QUARTER = re.compile(r"^((?:tháng \d{1,2})|(?:quý [IV]+)) năm (\d{4})$")
_HALF = re.compile(r"^(6 tháng (?:đầu|cuối)) năm (\d{4})$")


def status_word(status: str, locale: str, **params: object) -> str:
    """The short status of a report ('new', 'draft', 'submitted', 'reopened', 'late')."""
    return BUTTONS.say(status, locale, **params)


def short_period(label: str) -> str:
    """A period's label with the words a button can do without."""
    for pattern, joiner in ((_MONTH_OR_QUARTER, "/"), (_HALF, " ")):
        found = pattern.match(label)
        if found:
            return f"{found[1]}{joiner}{found[2]}"
    return label


def report_label(period: str, status: str, title: str, *, with_title: bool) -> str:
    """'tháng 12/2026 · chưa làm' (· title, when several forms are offered), uncut: what a
    platform without buttons lists (`Choice.whole`)."""
    label = short_period(period) + SEPARATOR + status
    return label + SEPARATOR + title if with_title else label


def report_button(
    period: str, status: str, title: str, *, with_title: bool, limit: int = BUTTON_LIMIT
) -> str:
    """`report_label` within `limit` characters, for a button on a phone's narrow screen.

    Among several forms the title is what tells two buttons of one period apart, so it keeps
    at least `TITLE_ROOM` characters: when the period and status leave it less, the status is
    left out (an overdue report is also named above the buttons) and the title takes its room.
    """
    whole = report_label(period, status, title, with_title=with_title)
    head = short_period(period) + SEPARATOR
    if (
        not with_title
        or len(whole) <= limit
        or limit - len(head + status + SEPARATOR) >= TITLE_ROOM
    ):
        return cut(whole, limit)
    return cut(head + cut(title, max(limit - len(head), 1)), limit)


def cut(text: str, limit: int = BUTTON_LIMIT) -> str:
    """`text` within `limit` characters, an ellipsis marking a cut (at a word if one is near)."""
    if len(text) <= limit:
        return text
    head = text[: limit - len(ELLIPSIS)].rstrip()
    space = head.rfind(" ")
    # Back to a word's end if one is near, unless that drops the whole last part.
    if space >= limit * 2 // 3 and not head[:space].rstrip().endswith("·"):
        head = head[:space]
    return head.rstrip(" ·–-,") + ELLIPSIS


class ReportMenu:
    """The chooser of one /baocao: a short button per report, and the text above them that
    names each form in full with its numbers when several forms are offered."""

    def __init__(
        self,
        turn: Turn,
        options: Sequence[tuple[str, str]],
        template_for: Callable[[Turn, str, str], FormTemplate],
    ) -> None:
        self.turn = turn
        self.templates = [template_for(turn, key, period_key) for key, period_key in options]
        titles = [pick(template.title, turn.locale) for template in self.templates]
        self.numbers: dict[str, list[int]] = {}  # full title -> its option numbers
        for number, title in enumerate(titles, start=1):
            self.numbers.setdefault(title, []).append(number)
        self.several = len(self.numbers) > 1
        self.short = {title: distinct(title, list(self.numbers)) for title in self.numbers}

    def label(self, number: int, key: str, period: Period) -> str:
        """The uncut label of option `number` (1-based), of form `key` for `period`."""
        turn = self.turn
        title = pick(self.templates[number - 1].title, turn.locale)
        status = _status(turn, key, period)
        return report_label(
            period.label(turn.locale), status, self.short[title], with_title=self.several
        )

    def choice(self, number: int, key: str, period: Period) -> Choice:
        """Option `number`: a button cut to fit a phone, listed whole where there are none."""
        turn = self.turn
        title = self.short[pick(self.templates[number - 1].title, turn.locale)]
        status = _status(turn, key, period)
        label = report_button(period.label(turn.locale), status, title, with_title=self.several)
        return Choice(label, f"#{number}", whole=self.label(number, key, period))

    def text(self) -> str:
        """'Chọn báo cáo cần làm:' and, for several forms, one line per form."""
        lines = [say("choose_report", self.turn.locale)]
        if self.several:
            for title, numbers in self.numbers.items():
                lines.append(f"• {title}: {', '.join(map(str, numbers))}")
        return "\n".join(lines)


def distinct(title: str, titles: list[str]) -> str:
    """`title` without the leading words it shares with the most alike other one of `titles`
    ("Báo cáo kết quả ..." beside "Báo cáo kết quả chuyển đổi số" keeps what follows "kết
    quả"), never empty: what sets it apart comes first on its button."""
    words = title.split()
    shared = 0
    for other in (t.split() for t in titles):
        if other == words:
            continue  # itself
        same = 0
        while (
            same < len(words) - 1
            and same < len(other)
            and other[same].casefold() == words[same].casefold()
        ):
            same += 1
        shared = max(shared, same)
    return " ".join(words[shared:])


def _status(turn: Turn, key: str, period: Period) -> str:
    """A report's short status, from the unit's drafts and submissions."""
    view = turn.env.submissions.get((key, period.key))
    if view is None:
        return status_word("late" if turn.env.now > period.deadline else "new", turn.locale)
    if view.status == "draft":
        facts = unit_facts(turn.unit, view.period_key)
        counted = nav.answered_count(view.template, view.answers, facts)
        return status_word("draft", turn.locale, done=counted.done, left=counted.left)
    return status_word(view.status, turn.locale)
