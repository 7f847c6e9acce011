"""The commands officers type, in Vietnamese with English aliases, with or without a slash.

Zalo users do not type slashes, so every command is also recognised as a bare word
("huy", "gui", "xem lai", "sua 5"). `BOT_COMMANDS` is what a connector shows in a command
menu (Telegram's setMyCommands).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from connectors.base import Choice
from reportbot.conversation.parsing import fold


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """A command: its canonical name, the words that call it and its menu descriptions."""

    name: str
    words: tuple[str, ...]
    menu_vi: str
    menu_en: str
    in_menu: bool = True


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start", ("start", "batdau", "bat dau"), "Bắt đầu", "Start"),
    CommandSpec("report", ("baocao", "bao cao", "report"), "Làm báo cáo", "File a report"),
    CommandSpec("continue", ("tieptuc", "tiep tuc", "continue"), "Làm tiếp", "Continue"),
    CommandSpec("back", ("quaylai", "quay lai", "back"), "Quay lại câu trước", "Previous question"),
    CommandSpec("skip", ("boqua", "bo qua", "skip"), "Bỏ qua câu này", "Skip this question"),
    CommandSpec("review", ("xemlai", "xem lai", "review"), "Xem lại câu trả lời", "Review answers"),
    CommandSpec("edit", ("sua", "edit"), "Sửa một câu: /sua 5", "Change an answer: /edit 5"),
    CommandSpec("submit", ("gui", "submit", "send"), "Gửi báo cáo", "Submit the report"),
    CommandSpec("cancel", ("huy", "cancel"), "Dừng lại", "Stop"),
    CommandSpec("help", ("trogiup", "tro giup", "help"), "Trợ giúp", "Help"),
)


# The words said before the number of an answer to change: "sửa câu (số) 5", "edit question 5".
_NUMBER_WORDS = frozenset({"cau", "so", "question", "q"})
_GLUED = re.compile(r"([a-z]{1,12})([0-9]{1,4})")  # "/sua5": the number typed without a space


def _without_words(folded: str) -> str:
    """`folded` without the words naming a question number at its end ("sua cau so")."""
    words = folded.split()
    while len(words) > 1 and words[-1] in _NUMBER_WORDS:
        words.pop()
    return " ".join(words)


def _ascii_number(text: str) -> bool:
    """Digits 0-9 only, at most 9 ("³" passes `str.isdigit` but not `int`)."""
    return 0 < len(text) <= 9 and text.isascii() and text.isdigit()


def edit_number(argument: str) -> str:
    """The number of "/sua câu số 5" ("5"); the argument as typed when it names none."""
    words = fold(argument).split()
    while words and words[0] in _NUMBER_WORDS:
        words.pop(0)
    rest = " ".join(words).lstrip("#")
    return rest if _ascii_number(rest) else argument.strip()


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    """A recognised command and the rest of the message after it."""

    name: str
    argument: str


class CommandTable:
    """The words a bot understands as commands: officer commands built in, more added.

    An instance, not a module global: the router of an application builds its own table
    (officer words plus its coordinator and admin words), so what the parser accepts never
    depends on which application happens to exist in the process.
    """

    def __init__(self, specs: tuple[CommandSpec, ...] = COMMANDS) -> None:
        self._words: dict[str, tuple[str, bool]] = {
            word: (spec.name, True) for spec in specs for word in spec.words
        }

    def add(self, word: str, name: str, *, bare: bool | None = None) -> None:
        """Add a word for command `name` (coordinator and admin commands).

        `bare` says whether the word works without a slash. By default only words of several
        parts do ("tinh hinh"): a single short word ("xem", "mo") typed alone is more likely
        an answer to a question than a command, so it needs the slash.
        """
        folded = fold(word)
        if folded[:1].isdigit():
            raise ValueError(f"a command word cannot start with a digit: {word!r}")
        self._words[folded] = (name, " " in folded if bare is None else bare)

    def copy(self) -> CommandTable:
        """An independent copy (to extend without changing this table)."""
        table = CommandTable(())
        table._words = dict(self._words)
        return table

    def parse(self, text: str, *, bare_words: bool = True) -> ParsedCommand | None:
        """Recognise a command at the start of a message.

        With a slash ("/sua 5", "/start@mybot CODE") anything after the command is its
        argument. Without a slash (Zalo style) only a message made of the command words, plus
        a numeric argument for `edit`, counts, so that ordinary answers are not taken for
        commands.
        """
        stripped = text.strip()
        if stripped.startswith("/"):
            head, _, rest = stripped[1:].partition(" ")
            head = head.split("@", 1)[0]
            name = self._lookup(fold(head))
            glued = _GLUED.fullmatch(fold(head)) if name is None else None
            if glued and self._lookup(glued[1]) == "edit":  # "/sua5"
                name, rest = "edit", f"{glued[2]} {rest}"
            if name is None:
                return ParsedCommand("unknown", head)
            return ParsedCommand(name, edit_number(rest) if name == "edit" else rest.strip())
        if not bare_words or (stripped[:1].isdigit() and stripped[:1].isascii()):
            return None  # no command word starts with a digit: an answer such as "30"
        folded = fold(stripped)
        if not folded or len(folded) > 40:
            return None
        name = self._lookup(folded, bare=True)
        if name is not None:
            return ParsedCommand(name, "")
        head, _, rest = folded.rpartition(" ")
        if head and _ascii_number(rest) and self._lookup(_without_words(head), bare=True) == "edit":
            return ParsedCommand("edit", rest)  # "sua 5", "sửa câu 5"
        return None

    def _lookup(self, folded: str, *, bare: bool = False) -> str | None:
        entry = self._words.get(folded)
        if entry is None or (bare and not entry[1]):
            return None
        return entry[0]


# The English command of each Vietnamese one a button carries: where there are no buttons the
# button is written out with the command of the reader's language (both are understood).
_ENGLISH = {"/baocao": "/report", "/tieptuc": "/continue", "/gui": "/submit", "/trogiup": "/help"}
_ENGLISH_ARGUMENTS = {"khac": "other"}  # "/report other" leaves the open report as "khac" does


def command_choice(label: str, payload: str, locale: str) -> Choice:
    """A button that runs command `payload` ("/tieptuc", "/baocao khac"), shown as the
    command of `locale` where a platform has no buttons."""
    head, space, rest = payload.partition(" ")
    english = _ENGLISH.get(head) if locale == "en" else None
    if english is None:
        return Choice(label, payload)
    return Choice(label, payload, plain=english + space + _ENGLISH_ARGUMENTS.get(rest, rest))


OFFICER_COMMANDS = CommandTable()
"""The officer commands alone: what the engine understands when no router hands it a parse."""
