"""The new question types where they leave the conversation: spreadsheet mirror cells, the
mirror's .xlsx (real times and date-times), and Zalo OA's location, audio and video events."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from openpyxl import Workbook

from connectors.zalo_oa.events import parse_event
from reportbot.mirror.records import ColumnSpec, format_answer
from reportbot.mirror.xlsx import QUESTION_KINDS
from reportbot.office_xlsx import DATETIME_FORMAT, TIME_FORMAT, format_cell


@pytest.mark.parametrize(
    ("kind", "stored", "cell"),
    [
        ("time", "07:05", "07:05"),
        ("datetime", "2026-11-20T08:00", "20/11/2026 08:00"),  # wall-clock, no zone shift
        ("geopoint", "14.3545 108.0076 0 8.5", "14.3545 108.0076 0 8.5"),  # as Kobo exports
        ("geoshape", "21 105 0 0;21.1 105 0 0;21.1 105.1 0 0;21 105 0 0", None),
        ("barcode", "8934563 138165", "8934563 138165"),
        (
            "audio",
            {"kind": "audio", "path": "/m/telegram/v.oga", "name": None},
            "/m/telegram/v.oga",
        ),
        ("video", {"kind": "video", "name": "clip.mp4", "path": "/m/c.mp4"}, "clip.mp4"),
    ],
)
def test_mirror_cells(kind: str, stored: object, cell: str | None) -> None:
    expected = stored if cell is None else cell
    assert format_answer(ColumnSpec("q", "Câu", kind), stored) == expected


def test_xlsx_cells_hold_real_times_and_datetimes() -> None:
    sheet = Workbook().active
    sheet["A1"], sheet["B1"] = "07:05", "20/11/2026 08:00"
    format_cell(sheet["A1"], QUESTION_KINDS["time"])
    format_cell(sheet["B1"], QUESTION_KINDS["datetime"])
    assert sheet["A1"].value == time(7, 5) and sheet["A1"].number_format == TIME_FORMAT
    assert sheet["B1"].value == datetime(2026, 11, 20, 8, 0)
    assert sheet["B1"].number_format == DATETIME_FORMAT
    sheet["C1"] = "25:00"  # not a time: kept as the text it is
    format_cell(sheet["C1"], "time")
    assert sheet["C1"].value == "25:00"


def _event(name: str, attachments: list[dict], text: str = "") -> dict:
    # The shape of Zalo OA user_send_* webhooks (a production integration's log: coordinates
    # are strings, the place's name comes as text; developers.zalo.me, OA webhook events).
    return {
        "event_name": name,
        "app_id": "102719276611582260",
        "sender": {"id": "8309393969855402319"},
        "recipient": {"id": "1423847451268726170"},
        "message": {"attachments": attachments, "text": text, "msg_id": "b8de7d84fa1b3043"},
        "timestamp": "1751100041636",
    }


def test_zalo_oa_location_audio_and_video_events() -> None:
    coordinates = {"coordinates": {"latitude": "10.7923119", "longitude": "106.7820651"}}
    place = _event("user_send_location", [{"payload": coordinates, "type": "location"}], "Quán")
    incoming = parse_event(place)
    assert incoming is not None and incoming.location == (10.7923119, 106.7820651, None)
    assert incoming.unsupported is None
    url = "https://voice-aac-dl.zdn.vn/abc.aac"
    voice = parse_event(_event("user_send_audio", [{"payload": {"url": url}, "type": "audio"}]))
    assert voice is not None and voice.attachment is not None
    assert (voice.attachment.kind, voice.attachment.url) == ("audio", url)
    clip = parse_event(
        _event("user_send_video", [{"payload": {"url": url, "thumbnail": url}, "type": "video"}])
    )
    assert clip is not None and clip.attachment is not None and clip.attachment.kind == "video"


@pytest.mark.parametrize(
    "coordinates",
    [{}, {"latitude": "abc", "longitude": "1"}, {"latitude": "95", "longitude": "1"}, None],
)
def test_a_zalo_location_without_usable_coordinates_is_unsupported(coordinates) -> None:
    payload = {"coordinates": coordinates} if coordinates is not None else {}
    incoming = parse_event(_event("user_send_location", [{"payload": payload, "type": "location"}]))
    assert incoming is not None and incoming.location is None
    assert incoming.unsupported == "location"
