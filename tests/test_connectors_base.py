"""The connector contract: plain rendering, splitting, and discovery through entry points."""

from __future__ import annotations

import dataclasses
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.base import (
    Attachment,
    Capabilities,
    Choice,
    ConnectorContext,
    Incoming,
    Outgoing,
    render_plain,
    with_arrival,
)
from connectors.text_split import split_text
from reportbot.connectors_registry import available_connectors, build_connectors


async def _handler(_message):  # a connector needs a handler; these tests never call it
    return []


def test_choices_become_a_numbered_list_without_buttons() -> None:
    message = Outgoing(
        "Chọn một:",
        choices=(
            Choice("Có", "yes"),
            Choice("Không", "no"),
            Choice("📨 Gửi", "/gui"),
            Choice("📝 Làm báo cáo", "/baocao nq57 2026-H2", plain="/baocao"),
            Choice("✏️ 1. Sửa", "/sua 1", button_only=True),
        ),
        selected=("no",),
    )
    plain = render_plain(message, Capabilities(buttons=False))
    assert plain.splitlines() == [
        "Chọn một:",
        "",
        "1. Có",
        "2. ☑ Không",
        "• 📨 Gửi: /gui",
        "• 📝 Làm báo cáo: /baocao",
    ]
    zalo = render_plain(message, Capabilities(buttons=False, commands_need_slash=False))
    assert zalo.endswith("• 📨 Gửi: gui\n• 📝 Làm báo cáo: baocao")
    assert render_plain(message, Capabilities(buttons=True)) == "Chọn một:"


@pytest.mark.parametrize("limit", [10, 50, 4096])
def test_split_text_keeps_every_character_under_the_limit(limit: int) -> None:
    text = "\n".join(f"Dòng {n}: " + "chữ " * (n % 7) for n in range(200)) + "\n" + "x" * 120
    pieces = split_text(text, limit)
    assert all(len(piece) <= limit for piece in pieces)
    assert "".join(pieces).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(
        " ", ""
    )
    assert len(pieces) >= len(text) // limit
    assert split_text(text[:limit], limit) == [text[:limit]]


def test_the_shipped_connectors_are_found_by_entry_point() -> None:
    assert {"console", "zalo_bot", "zalo_oa"} <= set(available_connectors())


def _install_plugin(root: Path, name: str, body: str) -> None:
    (root / f"{name}.py").write_text(textwrap.dedent(body), encoding="utf-8")
    info = root / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        f"[reportbot.connectors]\n{name} = {name}:create\n", encoding="utf-8"
    )


def test_a_third_party_plugin_is_loaded_and_a_broken_one_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_plugin(
        tmp_path,
        "rb_viber_demo",
        """
        from connectors.base import Capabilities

        class Viber:
            name = "viber"
            capabilities = Capabilities(buttons=True)
            def __init__(self, context):
                self.context = context
            async def start(self): ...
            async def stop(self): ...
            async def send(self, address, messages): ...

        def create(context):
            return Viber(context) if context.env.get("VIBER_TOKEN") else None
        """,
    )
    _install_plugin(tmp_path, "rb_broken_demo", "import module_that_does_not_exist\n")
    _install_plugin(
        tmp_path,
        "rb_misconfigured_demo",
        """
        def create(context):
            raise ValueError("REPORTBOT_MISCONFIGURED_URL: thiếu https:// (needs https://)")
        """,
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    def context_for(env: dict[str, str]):
        return lambda _name: ConnectorContext(handler=_handler, env=env)

    connectors, problems = build_connectors(context_for({"VIBER_TOKEN": "t"}))
    assert "viber" in [c.name for c in connectors]
    by_name = {p.name: p for p in problems}
    assert not by_name["rb_broken_demo"].fatal
    assert by_name["rb_misconfigured_demo"].fatal
    assert "REPORTBOT_MISCONFIGURED_URL" in by_name["rb_misconfigured_demo"].message

    unconfigured, _ = build_connectors(context_for({}), only={"rb_viber_demo"})
    assert unconfigured == []
    assert "rb_viber_demo" in available_connectors()
    sys.modules.pop("rb_viber_demo", None)


def test_an_arrival_time_changes_that_field_only() -> None:
    # Every field given a value unlike its default, so a field copied into the wrong place
    # (the copy is positional) would show.
    photo = Attachment(kind="photo", file_id="f1", name="a.jpg")
    message = Incoming(
        "zalo_bot",
        "u1",
        "c1",
        text="12",
        choice="q:1",
        choices=("a", "b"),
        attachment=photo,
        display_name="Lan",
        language_code="vi",
        message_id="m1",
        update_id="u9",
        is_private=False,
        unsupported="sticker",
        received_at=datetime(2026, 1, 2, tzinfo=UTC),
        attachments=(photo,),
        edited=True,
        reply_to_question="q1@3",
        reply_to_message_id="m0",
        parts=2,
        location=(21.0, 105.8, 5.0),
    )
    fields = {f.name for f in dataclasses.fields(Incoming)}
    blank = Incoming("", "", "")
    given = {name for name in fields if getattr(message, name) != getattr(blank, name)}
    assert given == fields - {"arrived_at"}
    at = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    arrived = with_arrival(message, at)
    assert arrived.arrived_at == at
    assert arrived == dataclasses.replace(message, arrived_at=at)
    assert with_arrival(arrived, datetime(2027, 1, 1, tzinfo=UTC)).text == "12"
