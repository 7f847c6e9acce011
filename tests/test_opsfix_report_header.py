"""The date line's place of a report signed under an organisation's name.

Seen: an organisation named "UBND xã An Bình" got "UBND xã An Bình, ngày …" and "Ủy ban nhân
dân phường 3" the whole name; "Phường 3" gave the bare "3, ngày …". The place is the name
without the issuing body and the unit's kind, the kind kept before a bare number.
"""

from __future__ import annotations

import unicodedata

import pytest

from reportbot.coordination.reporting.reports import ReportHeader

# name -> (authority, place), written by hand from Nghị định 30/2020 (the date line names the
# place without its kind: "An Bình, ngày …"; a numbered ward keeps it: "Phường 3, ngày …").
TABLE = [
    ("Xã An Bình", "UBND XÃ AN BÌNH", "An Bình"),
    ("UBND xã An Bình", "UBND XÃ AN BÌNH", "An Bình"),
    ("Ủy ban nhân dân xã An Bình", "ỦY BAN NHÂN DÂN XÃ AN BÌNH", "An Bình"),
    ("Uỷ ban nhân dân xã An Bình", "UỶ BAN NHÂN DÂN XÃ AN BÌNH", "An Bình"),
    ("ỦY BAN NHÂN DÂN PHƯỜNG 3", "ỦY BAN NHÂN DÂN PHƯỜNG 3", "PHƯỜNG 3"),
    ("Ủy ban nhân dân phường 3", "ỦY BAN NHÂN DÂN PHƯỜNG 3", "Phường 3"),
    ("Phường 3", "UBND PHƯỜNG 3", "Phường 3"),
    ("phường 12", "UBND PHƯỜNG 12", "Phường 12"),
    ("UBND  quận 1", "UBND QUẬN 1", "Quận 1"),
    ("Phường Bến Nghé", "UBND PHƯỜNG BẾN NGHÉ", "Bến Nghé"),
    ("Thị xã Sơn Tây", "UBND THỊ XÃ SƠN TÂY", "Sơn Tây"),
    ("Thị trấn Đăk Tô", "UBND THỊ TRẤN ĐĂK TÔ", "Đăk Tô"),
    ("Tỉnh Lào Cai", "UBND TỈNH LÀO CAI", "Lào Cai"),
    ("Đặc khu Phú Quốc", "UBND ĐẶC KHU PHÚ QUỐC", "Phú Quốc"),
    ("An Bình", "UBND AN BÌNH", "An Bình"),
    ("UBND", "UBND", "UBND"),
]


@pytest.mark.parametrize(("name", "authority", "place"), TABLE)
def test_authority_and_place(name: str, authority: str, place: str) -> None:
    header = ReportHeader().for_organisation(name)
    assert (header.authority, header.place) == (authority, place)


def test_a_name_typed_with_combining_accents() -> None:
    name = unicodedata.normalize("NFD", "Ủy ban nhân dân xã An Bình")
    assert ReportHeader().for_organisation(name).place == "An Bình"
