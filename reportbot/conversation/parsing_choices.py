"""Choices as officers type them: a number, a label or its start, several at once ("1, 3",
"1 và 3"), polite words around them, an event named by its date ("ngày 18/5").

Every step is bounded: a message is at most `parsing.MAX_TEXT_LENGTH` characters, the pieces of a
multiple choice at most about twice the options, and the date-word match at most 8 words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from reportbot.conversation.parsing import (
    AnswerError,
    fold,
    is_polite_word,
    is_yes_or_no_word,
    normalize_text,
    unpolite,
    yes_or_no,
)

Options = Sequence[tuple[str, Sequence[str]]]
_Folded = list[tuple[str, str, list[str]]]  # value, folded value, folded labels
_INDEX_RE = re.compile(r"(?:so|#)?\s*([0-9]{1,9})")


def _fold_options(options: Options) -> _Folded:
    return [(value, fold(value), [fold(name) for name in names]) for value, names in options]


def _match_choice(folded: str, options: _Folded) -> str:
    """The value of the one option `folded` (already folded text) designates: a label, number
    or value as typed or without its polite words ("Đã có ạ", "dạ, số 2"); else a unique
    label start; else the words of a date or number it names ("ngày 18/5")."""
    if not folded:
        raise AnswerError("choice.empty")
    if (found := _match_exact(folded, options)) is not None:
        return found
    plain = unpolite(folded)
    if plain != folded and (found := _match_exact(plain, options)) is not None:
        return found  # "có ạ" is "Có" before it could be the start of "Có ảnh…"
    for candidate in (folded, plain) if plain != folded else (folded,):
        if (found := _match_start(candidate, options)) is not None:
            return found
    if (every := _every_word_in(plain, options)) is not None:
        return every
    raise AnswerError("choice.unknown", count=len(options))


def _match_exact(folded: str, options: _Folded) -> str | None:
    """The option `folded` names by one of its labels, its number or its value."""
    for value, _, labels in options:
        if folded in labels:
            return value
    if match := _INDEX_RE.fullmatch(folded):
        index = int(match[1])
        if not 1 <= index <= len(options):
            raise AnswerError("choice.out_of_range", count=len(options))
        return options[index - 1][0]
    for value, folded_value, _ in options:
        if folded_value == folded:
            return value
    return None


def _match_start(folded: str, options: _Folded) -> str | None:
    """The one option a label of which starts with `folded`, or has a word that does."""
    if len(folded) < 3 or all(len(folded) > len(x) for _, _, labels in options for x in labels):
        return None  # too short to tell, or longer than any label (no pattern to compile)
    word_start = re.compile(rf"\b{re.escape(folded)}")
    for hit in (lambda label: label.startswith(folded), word_start.search):
        found = {value for value, _, labels in options if any(hit(x) for x in labels)}
        if len(found) == 1:
            return found.pop()
        if found:
            raise AnswerError("choice.ambiguous", count=len(options))
    return None


_TOKEN_RE = re.compile(r"[^\W_]+")


def _every_word_in(folded: str, options: _Folded) -> str | None:
    """The one option whose label has the answer's words, not side by side ("khoa học công
    nghệ", "ngày 18/5"): each begins a word of the label, in the same order (so "không có" is
    not "Có nhưng không đầy đủ"); a number is a whole number of the label, and then the label
    has no other number (so "từ 10 triệu" is not "Từ 5 đến 10 triệu")."""
    words = _TOKEN_RE.findall(folded)
    numbers = sorted(w for w in words if w.isdigit())
    if len(words) < 2 or len(words) > 8:
        return None
    found = set()
    for value, _, labels in options:
        for label in labels:
            tokens, label_numbers = _label_tokens(label)
            if _in_order(words, tokens) and (not numbers or label_numbers == numbers):
                found.add(value)
    return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=4096)
def _label_tokens(label: str) -> tuple[tuple[str, ...], list[str]]:
    """A folded label's words, and its numbers sorted (worked out once per label; the
    numbers list is compared, never changed)."""
    tokens = tuple(_TOKEN_RE.findall(label))
    return tokens, sorted(t for t in tokens if t.isdigit())


def _in_order(words: list[str], tokens: Sequence[str]) -> bool:
    """Whether each word begins a token (a number: is one), each after the one before."""
    at = 0
    for word in words:
        while at < len(tokens) and not (
            tokens[at] == word if word.isdigit() else tokens[at].startswith(word)
        ):
            at += 1
        if at == len(tokens):
            return False
        at += 1
    return True


def parse_choice(text: str, options: Options) -> str:
    """One option by number ("2", "số 2"), value, label, or a unique label prefix (≥ 3 chars);
    between a yes and a no ("Có, thêm một mục" / "Không, xong"), any way of saying yes or no."""
    folded, folded_options = fold(text), _fold_options(options)
    try:
        return _match_choice(folded, folded_options)
    except AnswerError:
        if unpolite(folded) in _SAYS_DONE:
            raise
        if (said := yes_or_no(folded)) is not None and (sides := _yes_no_sides(folded_options)):
            return sides[said]
        raise


# "Rồi", "xong": yes at "Đã ban hành chưa?", but "done", i.e. no more, at "Thêm một mục nữa?"
# (whose no option says "xong" itself): which one the officer means depends on the question.
_SAYS_DONE = frozenset({"roi", "xong", "da xong", "chua xong", "chua roi"})


def _yes_no_sides(options: _Folded) -> dict[bool, str] | None:
    """The yes option and the no option of a two-option choice whose labels open with a yes
    word and a no word ("Có, …" / "Không, …", "Đã …" / "Chưa …"); None for any other choice."""
    if len(options) != 2:
        return None
    sides: dict[bool, str] = {}
    for value, _, labels in options:
        words = [_TOKEN_RE.findall(label)[:1] for label in labels]
        said = {is_yes_or_no_word(first[0]) for first in words if first} - {None}
        if len(said) != 1 or (side := said.pop()) in sides:  # a label in another language
            return None  # may open otherwise ("Done"), but none may say the opposite
        sides[side] = value
    return sides


def _values_in_piece(folded: str, options: _Folded) -> list[str]:
    """Values named in one comma-separated piece: "1 3", "1 và 3", a label, "tin bai & anh"."""
    folded = unpolite(folded)  # "1 3 ạ"
    if re.fullmatch(r"[0-9][0-9 .)]*", folded):
        numbers = dict.fromkeys(re.findall(r"[0-9]+", folded))  # "1 2 1 2 …": each once
        return [_match_choice(number, options) for number in numbers]
    try:
        return [_match_choice(folded, options)]
    except AnswerError:
        parts = re.split(r"\s+(?:va|and|voi|hoac)\s+", folded)  # words first: "18/5 và 10/10"
        if len(parts) == 1:
            parts = re.split(r"\s*[&+/]\s*", folded)
        if len(parts) == 1:
            raise
        return [v for part in parts if part for v in _values_in_piece(part.strip(), options)]


def parse_choices(text: str, options: Options) -> list[str]:
    """Several options ("1, 3", "1 3", "1 và 3", labels per line); values in form order."""
    folded_options = _fold_options(options)
    whole = fold(text)
    for value, _, labels in folded_options:  # a label may itself contain a comma or "và"
        if whole and whole in labels:
            return [value]
    pieces = list(  # each distinct piece read once ("1, 1, 1, …" is one piece)
        dict.fromkeys(
            f for piece in re.split(r"[,;\n]+", normalize_text(text)) if (f := fold(piece))
        )
    )
    if len(pieces) > 2 * len(options) + 10:  # more different pieces than options could name
        raise AnswerError("choice.unknown", count=len(options))
    chosen: set[str] = set()
    for folded in pieces:
        try:
            chosen.update(_values_in_piece(folded, folded_options))
        except AnswerError:
            if not (is_polite_word(folded) and len(pieces) > 1):  # "Dạ, 1, 3"
                raise
    if not chosen:
        raise AnswerError("choice.empty")
    return [value for value, _ in options if value in chosen]
