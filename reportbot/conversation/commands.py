"""The commands officers type, in Vietnamese with English aliases, with or without a slash.

Zalo users do not type slashes, so every command is also recognised as a bare word
("huy", "gui", "xem lai", "sua 5"). `BOT_COMMANDS` is what a connector shows in a command
menu (Telegram's setMyCommands).
"""

from __future__ import annotations

from dataclasses import dataclass

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

_BY_WORD: dict[str, CommandSpec] = {word: spec for spec in COMMANDS for word in spec.words}
_EXTRA: dict[str, tuple[str, bool]] = {}


def register_command_word(word: str, name: str, *, bare: bool | None = None) -> None:
    """Let another part of the application (coordinator and admin commands) add a word.

    `bare` says whether the word works without a slash. By default only words of several
    parts do ("tinh hinh"): a single short word ("xem", "mo") typed alone is more likely an
    answer to a question than a command, so it needs the slash.
    """
    folded = fold(word)
    _EXTRA[folded] = (name, " " in folded if bare is None else bare)


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    """A recognised command and the rest of the message after it."""

    name: str
    argument: str


def parse_command(text: str, *, bare_words: bool = True) -> ParsedCommand | None:
    """Recognise a command at the start of a message.

    With a slash ("/sua 5", "/start@mybot CODE") anything after the command is its argument.
    Without a slash (Zalo style) only a message made of the command words, plus a numeric
    argument for `edit`, counts, so that ordinary answers are not taken for commands.
    """
    return _parse(text, bare_words, _EXTRA)


def _parse(text: str, bare_words: bool, extra: dict[str, tuple[str, bool]]) -> ParsedCommand | None:
    stripped = text.strip()
    if stripped.startswith("/"):
        head, _, rest = stripped[1:].partition(" ")
        head = head.split("@", 1)[0]
        name = _lookup(fold(head), extra)
        if name is None:
            return ParsedCommand("unknown", head)
        return ParsedCommand(name, rest.strip())
    if not bare_words:
        return None
    folded = fold(stripped)
    if not folded or len(folded) > 40:
        return None
    name = _lookup(folded, extra, bare=True)
    if name is not None:
        return ParsedCommand(name, "")
    head, _, rest = folded.rpartition(" ")
    if head and rest.isdigit():
        name = _lookup(head, extra, bare=True)
        if name in {"edit"}:
            return ParsedCommand(name, rest)
    return None


def _lookup(
    folded: str, extra_words: dict[str, tuple[str, bool]], *, bare: bool = False
) -> str | None:
    spec = _BY_WORD.get(folded)
    if spec is not None:
        return spec.name
    extra = extra_words.get(folded)
    if extra is None or (bare and not extra[1]):
        return None
    return extra[0]


class CommandTable:
    """The command words one application understands: the officer commands, plus the words
    that the router adds for coordinator and admin commands. An instance, not a module global,
    so that what the parser accepts depends on what the application was built with."""

    def __init__(self) -> None:
        self._extra: dict[str, tuple[str, bool]] = {}

    def add(self, word: str, name: str, *, bare: bool | None = None) -> None:
        """Add a word for command `name`; `bare` as in `register_command_word`."""
        folded = fold(word)
        self._extra[folded] = (name, " " in folded if bare is None else bare)

    def parse(self, text: str, *, bare_words: bool = True) -> ParsedCommand | None:
        """Recognise a command at the start of a message (officer words and added ones)."""
        return _parse(text, bare_words, self._extra)
