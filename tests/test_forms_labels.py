"""Labels reduced to what a chat shows: placeholders, HTML, Markdown (issue 15)."""

from __future__ import annotations

import time

import pytest

from reportbot.forms.labels import placeholders, plain_label


@pytest.mark.parametrize(
    ("label", "values", "shown"),
    [
        ("Xin chào ${ten_don_vi}!", {"ten_don_vi": "Phường 1"}, "Xin chào Phường 1!"),
        ("Tổng: ${so_can_bo} người", {}, "Tổng: người"),  # unanswered: empty, as ODK
        ("**Quan trọng**: nhập *số* người", {}, "Quan trọng: nhập số người"),
        ("__Đậm__ và _nghiêng_", {}, "Đậm và nghiêng"),
        ("so_can_bo_nu giữ nguyên", {}, "so_can_bo_nu giữ nguyên"),
        ("# Phần A\nCâu hỏi", {}, "Phần A\nCâu hỏi"),
        ("Xem [hướng dẫn](https://example.org/hd)", {}, "Xem hướng dẫn (https://example.org/hd)"),
        ('<span style="color:red">Đỏ</span> chữ', {}, "Đỏ chữ"),
        ('Hiện<span style="display:none"> ẩn <b>đi</b></span> thôi', {}, "Hiện thôi"),
        ("Dòng 1<br>Dòng 2", {}, "Dòng 1\nDòng 2"),
        ("A &amp; B &lt; C", {}, "A & B < C"),
        ("a < b và <b>c</b> > d", {}, "a < b và c > d"),
        ("Giá trị ${a_b}: **${a_b}**", {"a_b": "*x*"}, "Giá trị *x*: *x*"),
    ],
)
def test_plain_label(label: str, values: dict[str, str], shown: str) -> None:
    assert plain_label(label, values) == shown


def test_placeholders_are_listed_once_in_order() -> None:
    assert placeholders("${b} ${a} ${b} ${Sub-ward}") == ["b", "a", "Sub-ward"]


@pytest.mark.parametrize(
    "hostile",
    [
        "*" * 50_000,
        "_a" * 30_000,
        "[" * 40_000 + "](",
        "<span " * 20_000,  # unclosed tags made the HTML parser quadratic
        "<a" * 60_000,
        "<b>" * 30_000,
        "**a" * 30_000,
    ],
)
def test_hostile_labels_finish_quickly(hostile: str) -> None:
    started = time.perf_counter()
    plain_label(hostile)
    assert time.perf_counter() - started < 2.0  # generous for a loaded machine
