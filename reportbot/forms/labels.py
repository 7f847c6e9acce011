"""Labels as officers read them in a chat: placeholders filled, HTML and Markdown reduced.

XLSForm labels may hold ``${q}`` (the answer to q), HTML (``<span style="color:red">``,
``<br>``, ``<span style="display:none">`` that hides text) and ODK's Markdown subset
(``**bold**``, ``*em*``, ``# heading``, ``[text](url)``). `plain_label` turns all of it into
plain text. Every step is linear in the text and the text is capped, so no label can stall
the bot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import unescape
from html.parser import HTMLParser

MAX_LABEL = 10_000
# ${q}, and ${q[2]} (a repeat's entry 2, forms/repeat_expand.py)
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]{0,63}(?:\[[0-9]{1,3}\])?)\}")
_LINK = re.compile(r"\[([^\[\]\n]{1,500})\]\(([^()\s]{1,500})\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)([^*_\n]{1,500}?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)([^*_\n]{1,500}?)(?<=\S)\1(?![\w*])")
_HEADING = re.compile(r"^#{1,6}[ \t]+", re.MULTILINE)
_HIDDEN = re.compile(r"display\s*:\s*none", re.IGNORECASE)
_BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})
# a '<' that does not open a complete, short tag is text: the HTML parser then never rescans
# an unclosed tag (which made it quadratic on "<span <span <span ...")
_STRAY_LT = re.compile(r"<(?!/?[A-Za-z][^<>]{0,300}>)")
_VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "wbr"})


class _Text(HTMLParser):
    """Collects visible text; content inside an element styled display:none is dropped."""

    def __init__(self, hidden: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.show_hidden = hidden  # text styled display:none kept too
        self.parts: list[str] = []
        self.hidden_depth = 0  # open elements since the outermost hidden one
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS and not self.hidden_depth:
            self.parts.append("\n")
        if tag in _VOID:
            return
        style = " ".join(value or "" for name, value in attrs if name == "style")
        if self.hidden_depth:
            self.hidden_depth += 1
        elif _HIDDEN.search(style) and not self.show_hidden:
            self.hidden_depth = 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if self.hidden_depth:
            self.hidden_depth -= 1
        elif tag in _BREAKS - {"br"}:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth:
            self.parts.append(data)


def strip_html(text: str, hidden: bool = False) -> str:
    """Visible text of an HTML fragment (tags removed, entities decoded, hidden parts gone
    unless `hidden`)."""
    if "<" not in text:
        return unescape(text)
    parser = _Text(hidden)
    parser.feed(_STRAY_LT.sub("&lt;", text))
    parser.close()
    return "".join(parser.parts)


def strip_markdown(text: str) -> str:
    """ODK's Markdown subset as plain text: emphasis marks dropped, links as 'text (url)'."""
    text = _LINK.sub(lambda m: m[1] if m[1] == m[2] else f"{m[1]} ({m[2]})", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(r"\2", text)
    return _HEADING.sub("", text)


def placeholders(text: str) -> list[str]:
    """The question names a label shows with ${name}, in order."""
    return list(dict.fromkeys(_PLACEHOLDER.findall(text[:MAX_LABEL])))


def plain_label(text: str, values: Mapping[str, str] | None = None) -> str:
    """The label as plain text, each ${q} replaced by `values[q]` (the answer's display
    value; empty when not answered, as ODK shows it)."""
    return fill_placeholders(reduce_markup(text), values or {})


def reduce_markup(text: str, hidden: bool = False) -> str:
    """The label's HTML and Markdown reduced to plain text, its ${q} placeholders kept (a
    form's labels are reduced once, when the form is read; `fill_placeholders` then fills
    them for each report). `hidden` keeps the text styled display:none."""
    text = text[:MAX_LABEL]
    # placeholders are protected while HTML and Markdown are reduced (names hold '_')
    names: list[str] = []

    def protect(match: re.Match[str]) -> str:
        names.append(match[1])
        return f"\x00{len(names) - 1}\x00"

    text = _PLACEHOLDER.sub(protect, text)
    text = strip_markdown(strip_html(text, hidden))
    text = re.sub(r"\x00(\d+)\x00", lambda m: "${" + names[int(m[1])] + "}", text)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """Each ${q} of `text` replaced by `values[q]` (nothing for a name without a value, as
    ODK shows an unanswered question); spaces left around an empty value are tidied."""
    if "${" not in text:
        return text
    filled = _PLACEHOLDER.sub(lambda m: str(values.get(m[1], "")), text[:MAX_LABEL])
    lines = [" ".join(line.split()) for line in filled.split("\n")]
    return "\n".join(lines).strip()
