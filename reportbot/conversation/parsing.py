"""Pure functions that understand answers as Vietnamese officers type them on phones.

Numbers follow Vietnamese habits ("1.000" is one thousand, "1,5" is one and a half, "2tr5" is
2,500,000), dates are day first, and labels match with or without diacritics. Every failure is
an AnswerError whose code maps to a polite message in PARSE_ERROR_MESSAGES.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal, localcontext
from functools import lru_cache
from typing import Any

from reportbot.conversation.texts_parsing import PARSE_ERROR_MESSAGES
from reportbot.forms import clock

# The longest message read at all (a bound on the work one message can cause); a question's
# own limit (`answers.LONG_TEXT_LIMIT` or its `max`) decides what is stored.
MAX_TEXT_LENGTH = 20_000
DEFAULT_MAX_DIGITS = 15  # a spreadsheet keeps 15 significant digits; more shows as 1e+23
MAX_DIGITS = DEFAULT_MAX_DIGITS
_MAX_NUMBER_TEXT = 200  # longer "numbers" are refused before any regex runs


class AnswerError(ValueError):
    """An answer that cannot be understood; `code` keys PARSE_ERROR_MESSAGES."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self, lang: str = "vi") -> str:
        """The user-facing explanation in `lang` (Vietnamese if unknown)."""
        texts = PARSE_ERROR_MESSAGES[self.code]
        return texts.get(lang, texts["vi"]).format(**self.params)


# --- text --------------------------------------------------------------------------------

_ZWJ = "\u200d"
_INVISIBLE = [0x00AD, 0x061C, 0x200B, 0x200C, 0x200E, 0x200F, 0x2060, 0xFEFF]
_INVISIBLE += [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_CONTROLS = [c for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in "\n\t"]
_SPACES = [0x09, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]
_TEXT_TABLE: dict[int, str | None] = {c: None for c in _INVISIBLE + _CONTROLS}
_TEXT_TABLE.update({c: " " for c in _SPACES} | {0x2028: "\n", 0x2029: "\n"})
_EDGE_PUNCT = " .!?,;:…\"'“”‘’«»()[]{}<>*_~"


def _emoji_part(char: str) -> bool:
    """Whether a character can sit on either side of a joiner inside an emoji sequence."""
    return char == "\ufe0f" or unicodedata.category(char) in ("So", "Sk")


def _keep_emoji_joiners(text: str) -> str:
    """Drop zero-width joiners except between two emoji parts (👨‍👩‍👧 stays one family)."""
    if _ZWJ not in text:
        return text
    kept = []
    for index, char in enumerate(text):
        if char == _ZWJ and not (
            0 < index < len(text) - 1
            and _emoji_part(text[index - 1])
            and _emoji_part(text[index + 1])
        ):
            continue
        kept.append(char)
    return "".join(kept)


def normalize_text(raw: str) -> str:
    """NFC text without invisible or control characters, CRLF as LF, single spaces, trimmed.

    Zero-width joiners inside emoji sequences are kept (they are part of the emoji)."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").translate(_TEXT_TABLE)
    text = _keep_emoji_joiners(text)
    if not text.isascii():  # NFC changes nothing in ASCII
        text = unicodedata.normalize("NFC", text)
    if "  " in text or " \n" in text or "\n " in text:  # else the two rules change nothing
        text = re.sub(r" *\n *", "\n", re.sub(r" {2,}", " ", text))
    return text.strip()


def _fold_keep_punct(text: str) -> str:
    if text.isascii() and text.isprintable():
        # No control, invisible, combining or composed character: only case and spaces fold.
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFD", normalize_text(text).replace(_ZWJ, "").casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")
    return " ".join(bare.split())


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Text for matching: lower case, no diacritics (đ → d), single spaces, no edge punctuation.

    Cached: option labels and command words are folded again on every message.
    """
    return _fold_keep_punct(text).strip(_EDGE_PUNCT)


# --- numbers -----------------------------------------------------------------------------

_UNITS = {"k": 3, "nghin": 3, "ngan": 3, "tr": 6, "trieu": 6, "m": 6, "ty": 9, "ti": 9}
# A trailing word of letters names what is counted ("12 người", "5 buổi", "15 bài"): up to
# three short words, letters only, so "12 hoặc 13" or "1 và 2" are still refused.
_NUMBER_RE = re.compile(
    r"(?P<sign>[+-]?)\s*(?P<body>[0-9][0-9., ]*[0-9]|[0-9]|[.,][0-9]+)"
    r"\s*(?:(?P<unit>k|nghin|ngan|trieu|tr|m|ty|ti)\s*(?P<tail>[0-9]+)?)?"
    r"(?:\s*(?P<half>ruoi))?"  # "2 triệu rưỡi": and a half (of the unit)
    r"\s*(?:vnd|dong|d|₫)?"
    r"(?P<word>(?:\s+[a-z]{1,12}){0,3})"
)
# Full-width digits and punctuation (Japanese/Chinese keyboards, some Zalo copies) and keycap
# emoji digits ("1️⃣") mean the plain digits.
_DIGIT_TABLE: dict[int, str | None] = {0xFF10 + d: str(d) for d in range(10)}
_DIGIT_TABLE.update({0xFF0C: ",", 0xFF0E: ".", 0xFF0B: "+", 0xFF0D: "-", 0x2212: "-"})
_DIGIT_TABLE.update({0xFE0F: None, 0x20E3: None, 0x1F51F: "10"})  # keycap parts, 🔟
_DIGIT_TABLE.update({0xFF0F: "/", 0xFF1A: ":"})  # in dates and times: "２０／６", "１４：３０"


def plain_digits(text: str) -> str:
    """The text with full-width digits and marks, and keycap digits, as plain ASCII ones."""
    return text if text.isascii() else text.translate(_DIGIT_TABLE)


# words that join another number or scale this one: never a harmless unit word
_WORDS_NOT_UNITS = frozenset({"va", "and", "hoac", "or", "voi", "den", "toi", "tu", "la"})
_WORDS_NOT_UNITS |= {*_UNITS, "vnd", "dong", "d", "nghin", "ngan", "tram", "muoi", "chuc", "ruoi"}
# Digits said in words right after a unit are its fraction ("1 triệu hai" is 1.200.000):
# refused rather than read, never dropped.
_DIGIT_WORDS = frozenset({"mot", "hai", "ba", "bon", "tu", "nam", "lam", "sau", "bay", "tam"})
_DIGIT_WORDS |= {"chin", "linh", "le"}
# "mười mấy" is ten-something; with its diacritics "mấy" is never "máy" (a machine).
_SOME_RE = re.compile(r"(?<![^\W\d_])mấy(?![^\W\d_])", re.IGNORECASE)


def vi_decimal(value: Decimal) -> str:
    """Plain digits with a decimal comma, as a Vietnamese writes a number unambiguously
    ("1500", "1,5"; "12,3450" where "12,345" would be read as twelve thousand)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if re.fullmatch(r"-?[1-9][0-9]{0,2}\.[0-9]{3}", text):
        text += "0"  # "12,345" would itself be ambiguous; "12,3450" is not
    return text.replace(".", ",")


def _body_value(body: str) -> tuple[Decimal, Decimal | None]:
    """The value of the digits part, plus the alternative reading when it is ambiguous."""
    if " " in body:
        match = re.fullmatch(r"([0-9]{1,3}(?: [0-9]{3})+)(?:[.,]([0-9]+))?", body)
        if not match:
            raise AnswerError("number.invalid")
        return Decimal(match[1].replace(" ", "") + "." + (match[2] or "0")), None
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        mark = max(body.rfind("."), body.rfind(","))
        whole, frac = body[:mark], body[mark + 1 :]
        sep = "," if body[mark] == "." else "."
        if not re.fullmatch(rf"[0-9]{{1,3}}(?:\{sep}[0-9]{{3}})*", whole):
            raise AnswerError("number.invalid")
        return Decimal(whole.replace(sep, "") + "." + frac), None
    sep = "." if dots else ","
    if dots + commas > 1:
        if not re.fullmatch(rf"[0-9]{{1,3}}(?:\{sep}[0-9]{{3}})+", body):
            raise AnswerError("number.invalid")
        return Decimal(body.replace(sep, "")), None
    if dots + commas == 0:
        return Decimal(body), None
    whole, frac = body.split(sep)
    grouped = re.fullmatch(r"[1-9][0-9]{0,2}", whole) and len(frac) == 3
    if grouped and sep == ".":
        return Decimal(whole + frac), None
    decimal = Decimal((whole or "0") + "." + frac)
    return decimal, (Decimal(whole + frac) if grouped else None)


def parse_decimal(text: str, max_digits: int = DEFAULT_MAX_DIGITS) -> Decimal:
    """Parse a number as typed in Vietnam: "1.000", "1,5", "2tr5", "500k", "1 000 đ", "-3",
    "１２", "12 người"; at most `max_digits` digits before the decimal mark."""
    digits = _without_polite_head(plain_digits(text))
    folded = _fold_keep_punct(digits).rstrip(" .!?…")
    if len(folded) > 2 * max_digits and sum(c.isdigit() for c in folded) > 2 * max_digits:
        raise AnswerError("number.too_long", max=max_digits)
    if len(folded) > _MAX_NUMBER_TEXT:
        raise AnswerError("number.invalid")
    match = _NUMBER_RE.fullmatch(folded)
    if not match or _word_changes_amount(match, text):
        raise AnswerError("number.invalid")
    value = _number_value(text, match, max_digits)
    if len(str(abs(int(value)))) > max_digits:
        raise AnswerError("number.too_long", max=max_digits)
    return value


_HEAD_RE = re.compile(r"\s*(\S+)\s+(\S.*)", re.DOTALL)  # the first word and the rest


def _without_polite_head(text: str) -> str:
    """The answer without the polite words before it ("dạ 12", "Vâng, 1.500.000 đ"), matched
    with their accents: "thừa 12" and "đã 12" are no "thưa 12" or "dạ 12". "ạ" after it is
    already one of the words a number may carry."""
    while (split := _HEAD_RE.fullmatch(text)) and _accented(split[1]) in _POLITE_HEAD_ACCENTED:
        text = split[2]
    return text


def _accented(word: str) -> str:
    """A word as compared with its accents: NFC, lower case, no edge punctuation."""
    return unicodedata.normalize("NFC", word).casefold().strip(_EDGE_PUNCT)


def _word_changes_amount(match: re.Match[str], text: str) -> bool:
    """Whether a word after the number would change it ("và 3", "1 triệu hai", "10 mấy"):
    such a number is refused, never read without the word."""
    words = match["word"].split()
    if _WORDS_NOT_UNITS.intersection(words):
        return True
    if match["unit"] and words and words[0] in _DIGIT_WORDS:
        return True
    return "m" in text.lower() and _SOME_RE.search(unicodedata.normalize("NFC", text)) is not None


def _number_value(text: str, match: re.Match[str], max_digits: int) -> Decimal:
    """The value of a matched number: digits, unit and its fraction, sign."""
    body, unit, tail = match["body"], match["unit"], match["tail"]
    value, alternative = _body_value(body)
    with localcontext() as ctx:
        ctx.prec = 2 * max_digits + 10
        scale = Decimal(10) ** _UNITS[unit] if unit else Decimal(1)
        if tail:  # "2tr5": the digits after the unit are its fraction
            if not body.isdigit() or len(tail) > _UNITS[unit]:
                raise AnswerError("number.invalid")
            value += Decimal("0." + tail)
        if match["half"]:  # "2 triệu rưỡi": a fraction already given makes no sense
            if tail or alternative is not None or value != value.to_integral_value():
                raise AnswerError("number.invalid")
            value += Decimal("0.5")
        sign = Decimal(-1) if match["sign"] == "-" else Decimal(1)
        if alternative is not None:
            raise AnswerError(
                "number.ambiguous",
                text=normalize_text(text),
                thousands=vi_decimal(sign * alternative * scale),
                decimal=vi_decimal(sign * value * scale),
            )
        value = sign * value * scale + 0  # "+ 0" turns -0 into 0
        return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def parse_integer(text: str, max_digits: int = DEFAULT_MAX_DIGITS) -> int:
    """Parse a whole number with the same rules as parse_decimal."""
    try:
        value = parse_decimal(text, max_digits)
    except AnswerError as error:
        if error.code == "number.invalid":  # its examples offer "2,5", refused here
            raise AnswerError("integer.invalid") from None
        if error.code == "number.ambiguous":
            # "1,500" read as 1,5 is no whole number: here it can only be 1500 (asking
            # "1500 hoặc 1,5?" offered a reading this question then refused)
            decimal = parse_decimal(error.params["decimal"], max_digits)
            if decimal != decimal.to_integral_value():
                return int(parse_decimal(error.params["thousands"], max_digits))
        raise
    if value != value.to_integral_value():
        raise AnswerError("number.not_integer", text=normalize_text(text))
    return int(value)


# --- dates -------------------------------------------------------------------------------

_RELATIVE_DAYS = {"hom nay": 0, "today": 0, "hom qua": -1, "yesterday": -1}
_DAY_FIRST_RE = re.compile(
    r"(?:ngay\s*)?([0-9]{1,2})\s*[/.-]\s*([0-9]{1,2})\s*[/.-]\s*([0-9]{4}|[0-9]{2})"
    r"|(?:ngay\s*)?([0-9]{1,2}) thang ([0-9]{1,2}),? nam ([0-9]{4})"
)
_ISO_RE = re.compile(r"([0-9]{4})\s*[/.-]\s*([0-9]{1,2})\s*[/.-]\s*([0-9]{1,2})")
# A day and a month without the year: "20/6", "20-06", "20.6", "ngày 20 tháng 6".
_NO_YEAR_RE = re.compile(
    r"(?:ngay\s*)?([0-9]{1,2})\s*([/.-])\s*([0-9]{1,2})"
    r"|(?:ngay\s*)?([0-9]{1,2}) thang ([0-9]{1,2})"
)


def parse_date(text: str, today: date | None = None) -> date:
    """Parse dd/mm/yyyy (also -, ., yy, yyyy-mm-dd, "ngày 5 tháng 6 năm 2025", "hôm nay");
    a day and month without the year is refused, asking for it ('date.no_year')."""
    folded = unpolite(fold(plain_digits(text)))  # "20/06/2026 ạ", "２０/６/２０２６"
    if folded in _RELATIVE_DAYS:
        base = today or clock.today()  # the bot's day (forms.clock)
        return base + timedelta(days=_RELATIVE_DAYS[folded])
    if match := _DAY_FIRST_RE.fullmatch(folded):
        day, month, year = (g for g in match.groups() if g is not None)
    elif match := _ISO_RE.fullmatch(folded):
        year, month, day = match.groups()
    elif match := _NO_YEAR_RE.fullmatch(folded):
        raise _no_year(text, match, today or clock.today())
    else:
        raise AnswerError("date.format", text=normalize_text(text))
    full_year = 2000 + int(year) if len(year) == 2 else int(year)
    try:
        if not 1900 <= full_year <= 2100:
            raise ValueError(full_year)
        return date(full_year, int(month), int(day))
    except ValueError:
        raise AnswerError("date.invalid", text=normalize_text(text)) from None


def _no_year(text: str, match: re.Match[str], today: date) -> AnswerError:
    """The refusal of a day and month typed without the year, with the full date written
    as the officer wrote the rest (the latest such day, as an example only); a day and month that
    cannot be ("31/2", "14.30": a time) are a wrong format."""
    day, mark, month = match[1] or match[4], match[2] or "/", match[3] or match[5]
    try:
        date(2000, int(month), int(day))  # a leap year: 29/2 is a day and month
    except ValueError:
        return AnswerError("date.format", text=normalize_text(text))
    example = f"{day}{mark}{month}{mark}{_latest_year(int(day), int(month), today)}"
    return AnswerError("date.no_year", text=normalize_text(text), example=example)


def _latest_year(day: int, month: int, today: date) -> int:
    """The year of the latest day `day`/`month` that exists, today or before: a report is
    about the past ("31/12" in January is last December, "29/2" the last leap year's)."""
    year = today.year
    while True:  # a 29/2 exists within eight years; any other day within one
        try:
            if date(year, month, day) <= today:
                return year
        except ValueError:
            pass
        year -= 1


# --- yes / no ----------------------------------------------------------------------------

_YES = {"co", "c", "yes", "y", "u", "um", "uk", "dung", "roi", "da", "1", "vang", "ok", "oke"}
_YES |= {"okay", "co roi", "dung roi", "da co", "dong y", "chinh xac", "xong", "da xong"}
_NO = {"khong", "k", "ko", "kg", "kh", "khg", "hong", "no", "n", "chua", "2", "sai"}
_NO |= {"khong co", "chua co", "khong phai", "khong dung", "chua xong", "chua roi"}
_NO |= {"khoong", "chuwa"}  # telex left by a keyboard whose accents are off (không, chưa)
_POLITE_TAIL = {"a", "nhe", "nha", "oi"}
_POLITE_HEAD = {"da", "vang", "thua"}
# Before a number: never "đã", "thừa" (da, thua); "vang" is only ever vâng
_POLITE_HEAD_ACCENTED = frozenset({"dạ", "vâng", "thưa", "vang"})
_POLITE_WORDS = _POLITE_HEAD | _POLITE_TAIL


def unpolite(folded: str) -> str:
    """Folded text without the polite words around it ("da vang, co a" → "co"): dạ, vâng,
    thưa before; ạ, nhé, nha, ơi after. A lone word stays (“dạ” may be the answer)."""
    if " " not in folded:  # one word: nothing around it (most answers)
        return folded.strip(_EDGE_PUNCT)
    words = folded.split()
    while len(words) > 1 and words[-1].strip(_EDGE_PUNCT) in _POLITE_TAIL:
        words.pop()
    head = 0
    while len(words) - head > 1 and words[head].strip(_EDGE_PUNCT) in _POLITE_HEAD:
        head += 1
    return " ".join(words[head:]).strip(_EDGE_PUNCT)


def is_polite_word(folded: str) -> bool:
    """Whether a piece of an answer is only polite words ("dạ" in "Dạ, 1, 3", "vâng ạ")."""
    words = folded.split()
    return bool(words) and all(w.strip(_EDGE_PUNCT) in _POLITE_WORDS for w in words)


def yes_or_no(folded: str) -> bool | None:
    """True for a way of saying yes, False for one of saying no, None for anything else
    (`folded` is folded text; polite words around it are ignored)."""
    phrase = unpolite(folded)
    return True if phrase in _YES else False if phrase in _NO else None


def is_yes_or_no_word(folded_word: str) -> bool | None:
    """Whether a folded word that opens a choice's label says yes (True) or no (False):
    "Có, thêm một mục", "Chưa ban hành". Never a number or a lone letter ("1 lần", "C.")."""
    if len(folded_word) < 2 or folded_word.isdigit():
        return None
    return True if folded_word in _YES else False if folded_word in _NO else None


def parse_yes_no(text: str) -> bool:
    """Understand có/không and their many typed forms ("co a", "ko nhé", "dạ rồi", 1/2)."""
    answer = yes_or_no(fold(text))
    if answer is None:
        raise AnswerError("yes_no.invalid")
    return answer
