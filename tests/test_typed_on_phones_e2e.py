"""An officer's report filled with what real phones send: Vietnamese in decomposed form (NFD,
from Windows "Unicode tổ hợp" keyboards and some macOS/iOS paths), zero-width characters,
non-breaking spaces and full-width digits. Each is understood as its plain form, and a text
answer is stored composed (NFC), so the coordinator's filters match what others typed."""

from __future__ import annotations

import unicodedata
from datetime import date

from tests.test_engine import NQ57_T, Harness


def nfd(text: str) -> str:
    """The text as a decomposing keyboard sends it (checked: it differs from the NFC)."""
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text or text.isascii()
    return decomposed


def test_a_report_typed_in_decomposed_vietnamese() -> None:
    bot = Harness()
    menu = bot.say(nfd("báo cáo"))
    assert menu == Harness().say("/baocao")  # the command word, as /baocao
    bot.say("2")  # the current period
    bot.say(nfd("có"))  # co_ke_hoach
    bot.say(nfd("Kế hoạch số 12/KH-HPN"))  # so_ke_hoach
    bot.say("２０/０６/２０２６")  # ngay_ke_hoach, full-width digits
    bot.say(nfd("đã có"))  # chuyen_muc_web: the label "Đã có"
    bot.say("１２")  # so_tin_bai_web
    bot.say("3\u200b")  # so_infographic_web, a zero-width space after it
    bot.say("\u00a02\u00a0")  # so_video_web, between non-breaking spaces
    answers = bot.reports[(NQ57_T.key, "2026-H2")].answers
    assert answers["co_ke_hoach"] == "yes"
    assert answers["so_ke_hoach"] == "Kế hoạch số 12/KH-HPN"  # written composed here
    assert unicodedata.is_normalized("NFC", answers["so_ke_hoach"])
    assert answers["ngay_ke_hoach"] == date(2026, 6, 20)
    assert answers["chuyen_muc_web"] == "co"
    assert (answers["so_tin_bai_web"], answers["so_infographic_web"]) == (12, 3)
    assert answers["so_video_web"] == 2


def test_a_decomposed_command_with_its_argument() -> None:
    bot = Harness()
    bot.file_whole_report()
    reply = bot.say(nfd("sửa 2"))
    assert reply == _fresh_edit_reply()


def _fresh_edit_reply() -> str:
    bot = Harness()
    bot.file_whole_report()
    return bot.say("/sua 2")
