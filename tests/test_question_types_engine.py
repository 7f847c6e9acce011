"""The ODK question types through the engine: a YAML form and an XLSForm workbook, answered
as an officer would (typed, shared location, voice note), stored as ODK stores them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pyxform.xls2json_backends import md_table_to_workbook

from connectors.base import Attachment
from reportbot.coordination.publishing.xlsform import load_xlsform
from reportbot.forms.calculate import evaluate_calculations
from reportbot.forms.loader import parse_yaml_template, template_to_definition
from tests.conftest import TZ
from tests.test_engine import Harness

YAML = """
key: kiem_tra_kieu
title: Kiểm tra các kiểu câu hỏi
unit_types: []
period: {kind: monthly, deadlines: ["20"]}
questions:
  - {id: gio_hop, type: time, label: Giờ họp, required: true}
  - {id: bat_dau, type: datetime, label: Bắt đầu, required: true}
  - {id: vi_tri, type: geopoint, label: Vị trí, required: true}
  - {id: duong_di, type: geotrace, label: Đường đi}
  - {id: khu_dat, type: geoshape, label: Khu đất}
  - {id: ma_hang, type: barcode, label: Mã hàng}
  - {id: ghi_am, type: audio, label: Ghi âm}
  - {id: phim, type: video, label: Video}
  - {id: ket_thuc, type: time, label: Giờ kết thúc, default: "now()"}
"""

VOICE = Attachment(kind="audio", path="/media/telegram/v.ogg", mime_type="audio/ogg", size=9)
CLIP = Attachment(kind="video", path="/media/telegram/c.mp4", mime_type="video/mp4", size=7)
PHOTO = Attachment(kind="photo", path="/media/telegram/p.jpg", mime_type="image/jpeg")


def opened(template) -> Harness:
    harness = Harness(forms=(template,), now=datetime(2026, 11, 26, 10, 0, tzinfo=TZ))
    harness.say("/baocao")
    harness.say("1")
    return harness


def answers_of(harness: Harness) -> dict:
    (view,) = harness.reports.values()
    return view.answers


def test_a_yaml_form_of_every_new_type_is_filled_and_stored_as_odk_stores_it() -> None:
    template, issues = parse_yaml_template(YAML)
    assert issues == [] and template is not None
    harness = opened(template)
    assert "14:30 hoặc 14h30" in harness.say("14h3O")  # a letter O: refused, the hint again
    harness.say("14h30")
    assert "không hợp lệ" in harness.say("31/06/2026 9h")
    harness.say("20/11/2026 lúc 8h")
    assert "vĩ độ" in harness.say("Nhà văn hóa thôn 1")  # a place name is not a position
    harness.say(location=(21.0285, 105.8542, 12.5))
    assert "ít nhất 2" in harness.say("21.03, 105.85")
    harness.say("21.03, 105.85\n21.04, 105.86")
    assert "Một vị trí chỉ là một điểm" in harness.say(location=(21.0, 105.0, None))
    harness.say("21 105; 21.001 105; 21.001 105.001")
    harness.say("8934563 138165")
    assert "tin nhắn thoại" in harness.say(attachment=PHOTO)
    harness.say(attachment=VOICE)
    harness.say(attachment=CLIP)
    harness.now = datetime(2026, 11, 26, 16, 45, tzinfo=TZ)  # the bot's clock (forms.clock)
    review = harness.say("/boqua")  # the default now(): the time it was skipped
    assert answers_of(harness) == {
        "gio_hop": "14:30",
        "bat_dau": "2026-11-20T08:00",
        "vi_tri": "21.0285 105.8542 0 12.5",
        "duong_di": "21.03 105.85 0 0;21.04 105.86 0 0",
        "khu_dat": "21 105 0 0;21.001 105 0 0;21.001 105.001 0 0;21 105 0 0",
        "ma_hang": "8934563 138165",
        "ghi_am": {"kind": "audio", "path": VOICE.path, "size": 9, "mime_type": "audio/ogg"},
        "phim": {"kind": "video", "path": CLIP.path, "size": 7, "mime_type": "video/mp4"},
        "ket_thuc": "16:45",
    }
    for line in ("1. Giờ họp: 14:30", "2. Bắt đầu: 20/11/2026 08:00", "(± 12.5 m)"):
        assert line in review
    assert "4. Đường đi: 2 điểm: 21.03, 105.85; …" in review


def test_a_location_at_a_question_that_asks_no_position_is_refused_and_nothing_stored() -> None:
    template, _ = parse_yaml_template(YAML)
    harness = opened(template)
    reply = harness.say(location=(21.0285, 105.8542, None))
    assert "không hỏi vị trí" in reply
    assert "gio_hop" not in answers_of(harness)


def test_the_default_hint_of_now_says_now() -> None:
    template, _ = parse_yaml_template(YAML)
    harness = opened(template)
    assert "giá trị mặc định: bây giờ" in harness.say("/sua 9")


XLSFORM = """
| survey |
| | type | name | label | default | read_only | required | calculation |
| | time | gio | Giờ bắt đầu | 09:30:00 | | | |
| | dateTime | luc | Thời điểm | | | yes | |
| | gps | cho_o | Chỗ ở | | | yes | |
| | geotrace | tuyen | Tuyến đường | | | | |
| | geoshape | vung | Vùng | | | | |
| | text | don_vi | Đơn vị | Xã Đăk Pxi | yes | | |
| | barcode | ma | Mã vạch | | | | |
| | audio | tieng | Ghi âm | | | | |
| | video | hinh | Video | | | | |
| | trigger | xac_nhan | Đã kiểm tra thiết bị | | | | |
| | calculate | dien_tich | | | | | round(area(${vung}), 0) |
| | calculate | chieu_dai | | | | | round(distance(${tuyen}), 1) |
| settings |
| | form_title | form_id | period | deadlines |
| | Khảo sát hiện trường | khao_sat | monthly | 20 |
"""


def xlsform(tmp_path: Path, markdown: str = XLSFORM):
    path = tmp_path / "khao_sat.xlsx"
    md_table_to_workbook(markdown).save(path)
    return load_xlsform(path)


def test_an_xlsform_of_every_new_type_is_accepted_and_answered(tmp_path: Path) -> None:
    result = xlsform(tmp_path)
    assert result.issues == [], result.issues
    template = result.template
    kinds = {q.id: q.type for q in template.questions}
    assert kinds == {
        "gio": "time",
        "luc": "datetime",
        "cho_o": "geopoint",  # pyxform's old spelling "gps"
        "tuyen": "geotrace",
        "vung": "geoshape",
        "don_vi": "note",  # read-only: shown with its value, never asked
        "ma": "barcode",
        "tieng": "audio",
        "hinh": "video",
        "xac_nhan": "select_one",  # trigger: acknowledged as ODK's acknowledge
    }
    assert template.question("gio").default == "09:30"
    assert template.question("don_vi").label["vi"] == "Đơn vị: Xã Đăk Pxi"
    assert template_to_definition(template)["questions"][0] == {
        "id": "gio",
        "type": "time",
        "label": {"vi": "Giờ bắt đầu"},
        "default": "09:30",
    }
    harness = opened(template)
    harness.say("/boqua")  # the default 09:30
    harness.say("26/11/2026 7:15")
    harness.say(location=(14.35, 108.0, None))
    harness.say("14.350 108.000\n14.350 108.010")
    shown = harness.say("14.350 108.000\n14.351 108.000\n14.351 108.001\n14.350 108.001")
    assert "Đơn vị: Xã Đăk Pxi" in shown and "Mã vạch" in shown  # the note, then the next
    harness.say("QR-0042")
    harness.say(attachment=VOICE)
    harness.say(attachment=CLIP)
    harness.say("1")
    answers = answers_of(harness)
    assert answers == {
        "gio": "09:30",
        "luc": "2026-11-26T07:15",
        "cho_o": "14.35 108 0 0",
        "tuyen": "14.35 108 0 0;14.35 108.01 0 0",
        "vung": "14.35 108 0 0;14.351 108 0 0;14.351 108.001 0 0;14.35 108.001 0 0;14.35 108 0 0",
        "ma": "QR-0042",
        "tieng": {"kind": "audio", "path": VOICE.path, "size": 9, "mime_type": "audio/ogg"},
        "hinh": {"kind": "video", "path": CLIP.path, "size": 7, "mime_type": "video/mp4"},
        "xac_nhan": "OK",  # what ODK stores for an acknowledged trigger
    }
    values = evaluate_calculations(template, answers)
    # 0.01° of longitude at 14.35°N on WGS84: 1,078.7 m (a cos φ / sqrt(1 - e² sin² φ))
    assert values["chieu_dai"] == Decimal("1078.7")
    # 0.001° × 0.001° there: about 107.9 m × 110.6 m
    assert 11_900 <= values["dien_tich"] <= 11_950


@pytest.mark.parametrize(
    ("row", "feature"),
    [
        ("| | xml-external | ds | |", "xml-external"),
        (
            "| | begin repeat | lap | Lặp |\n| | begin repeat | con | Con |\n| | text | t | T |\n"
            "| | end repeat | | |\n| | end repeat | | |",
            "a repeat inside a repeat",
        ),
    ],
)
def test_what_cannot_exist_in_a_chat_is_still_refused_by_name(
    tmp_path: Path, row: str, feature: str
) -> None:
    markdown = "| survey |\n| | type | name | label |\n| | text | ten | Tên |\n" + row + "\n"
    result = xlsform(tmp_path, markdown)
    assert result.template is None
    assert any(feature in issue.message for issue in result.issues), result.issues


def test_a_form_of_only_metadata_and_hidden_fields_is_refused(tmp_path: Path) -> None:
    markdown = (
        "| survey |\n| | type | name | label | default |\n| | start | bd | | |\n"
        "| | hidden | an | | x |\n"
    )
    result = xlsform(tmp_path, markdown)
    assert result.template is None and result.issues
