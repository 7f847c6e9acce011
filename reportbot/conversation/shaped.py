"""Answers of a fixed shape (times, date-times, positions, codes) and media of a kind (audio,
video), read from a message: the part of `answers._parse` for the types ODK adds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from connectors.base import Incoming
from reportbot.conversation.parsing import AnswerError
from reportbot.conversation.parsing_types import (
    parse_datetime,
    parse_geopoint,
    parse_geopoints,
    parse_time,
    point_of,
)

# What a file of each media question may be: the connector's kind, or a file whose MIME
# type says so (Zalo and e-mail-like platforms send voice notes as plain files).
_MEDIA_PREFIX = {"audio": "audio/", "video": "video/"}
SHAPED_TEXT_LIMIT = 2_000  # a long geoshape of ~50 typed corners


def check_media_kind(kind: str, attachments: Sequence[Any]) -> None:
    """Raise AnswerError (its code a message key) when a file does not suit the question."""
    if kind == "photo" and any(item.kind != "photo" for item in attachments):
        raise AnswerError("need_photo")
    prefix = _MEDIA_PREFIX.get(kind)
    if prefix is None:
        return
    for item in attachments:
        if item.kind != kind and not (item.mime_type or "").startswith(prefix):
            raise AnswerError(f"need_{kind}")


def parse_shaped(kind: str, message: Incoming, text: str, today: date) -> str:
    """The stored text of a time, datetime, geo or barcode answer; AnswerError (its code a
    message key) if unreadable.

    A shared location answers a geopoint; any other question refuses it with a sentence.
    """
    if message.location is not None:
        if kind == "geopoint":
            lat, lon, accuracy = message.location
            return point_of(lat, lon, accuracy)
        key = "location_one_point" if kind in ("geotrace", "geoshape") else "location_not_expected"
        raise AnswerError(key)
    if not text:
        raise AnswerError("empty_message")
    if len(text) > SHAPED_TEXT_LIMIT:
        raise AnswerError("text_max", max=SHAPED_TEXT_LIMIT)
    if kind == "time":
        return parse_time(text)
    if kind == "datetime":
        return parse_datetime(text, today=today)
    if kind == "geopoint":
        return parse_geopoint(text)
    if kind in ("geotrace", "geoshape"):
        return parse_geopoints(text, closed=kind == "geoshape")
    return text  # barcode: the code as typed (outer spaces trimmed, inner ones kept)
