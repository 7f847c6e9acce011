"""Node-set functions over a repeat's entries, and choice-list lookups inside an entry.

In ODK a repeated question read outside its repeat is a node-set with one node per entry:
`join(', ', ${q})` joins every entry's answer and `count-non-empty(${q})` counts the entries
that have one (https://getodk.github.io/xforms-spec/#fn:join, #fn:count-non-empty); a
lookup `instance('list')/root/item[name = ${q}]/column` inside an entry reads that entry's
answer. Checked through the conversation; expected values written by hand."""

from __future__ import annotations

from pathlib import Path

from reportbot.coordination.publishing.xlsform import load_xlsform
from tests.test_choice_filter import start, workbook
from tests.test_engine import Harness

SURVEY = [
    ["type", "name", "label", "repeat_count", "calculation", "constraint", "constraint_message"],
    ["integer", "so_nguoi", "Số người", None, None, None, None],
    ["begin repeat", "tv", "Thành viên", "${so_nguoi}", None, None, None],
    ["text", "ho_ten", "Họ tên", None, None, None, None],
    ["text", "sdt", "Số điện thoại", None, None, None, None],
    ["select_one gt", "gioi", "Giới tính", None, None, None, None],
    [
        "integer",
        "tuoi",
        "Tuổi",
        None,
        None,
        ". <= instance('gt')/root/item[name = ${gioi}]/tuoi_toi_da",
        "Quá tuổi tối đa",
    ],
    ["end repeat", None, None, None, None, None, None],
    ["calculate", "danh_sach", "Danh sách", None, "join(', ', ${ho_ten})", None, None],
    ["calculate", "co_sdt", "Số người có điện thoại", None, "count-non-empty(${sdt})", None, None],
]
CHOICES = [
    ["list_name", "name", "label", "tuoi_toi_da"],
    ["gt", "nam", "Nam", "60"],
    ["gt", "nu", "Nữ", "55"],
]


def test_join_and_count_non_empty_run_over_the_entries_and_a_lookup_reads_its_entry(
    tmp_path: Path,
) -> None:
    result = load_xlsform(workbook(tmp_path, SURVEY, choices=CHOICES))
    assert result.issues == [] and result.template is not None, [str(i) for i in result.issues]
    bot = Harness(forms=(result.template,))
    start(bot)
    bot.say("3")
    bot.say("An")
    bot.say("0912")
    bot.send(choice="nu")
    assert "Quá tuổi tối đa" in bot.say("56")  # entry 1 is a woman: at most 55
    bot.say("55")
    bot.say("Bình")
    bot.say("/boqua")  # no phone
    bot.send(choice="nam")
    bot.say("56")  # a man: at most 60
    assert bot.state.question == "ho_ten[3]"
    bot.say("Chi")
    bot.say("0913")
    bot.send(choice="nu")
    bot.say("30")
    lines = bot.say("/xemlai").splitlines()
    assert "• Danh sách: An, Bình, Chi (tự tính)" in lines
    assert "• Số người có điện thoại: 2 (tự tính)" in lines  # Bình skipped his
