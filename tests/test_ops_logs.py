"""Logs never hold officers' answers or secrets, in text or JSON, even with `-v`.

`reportbot -v chat` runs as a subprocess and files the whole Resolution 57 report with
distinctive answers; before the privacy filter, tortoise and aiosqlite logged those values
with every INSERT at DEBUG (seen on this project: three lines per answer).
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportbot.ops.logs import MASK, MAX_MESSAGE, JsonFormatter, redact, setup_logging
from reportbot.store.models import Answer
from tests.conftest import FORMS_DIR
from tests.support import NQ57_SCRIPT
from tests.test_cli import run_cli

PLAN_NUMBER = "KH-ZQ7391/XKV"  # typed for so_ke_hoach, stored as typed
MODEL = "Mô hình Qwyzz bản làng số"  # typed for mo_hinh_hay


def report_lines() -> list[str]:
    typed = {"so_ke_hoach": PLAN_NUMBER, "mo_hinh_hay": MODEL}
    answers = [typed.get(qid, text) for qid, text, _ in NQ57_SCRIPT]
    # On a fresh database at a fixed moment (`--at`) the form is first published then, so only
    # the current period is owed and /baocao opens it without a menu (reportbot.owed).
    return ["/baocao", *answers, "/gui", "có"]


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_verbose_chat_logs_carry_no_answer(db: str, tmp_path: Path, log_format: str) -> None:
    env = {
        "REPORTBOT_DATABASE_URL": db,
        "REPORTBOT_FORMS_DIR": str(FORMS_DIR),
        "REPORTBOT_MIRROR_XLSX": str(tmp_path / "mirror.xlsx"),
        "REPORTBOT_LOG_FORMAT": log_format,
    }
    result = run_cli(
        ["-v", "chat", "--at", "2026-11-26T10:00"],
        env=env,
        cwd=tmp_path,
        stdin="\n".join(report_lines()) + "\n",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    stored = set(await Answer.all().values_list("value", flat=True))
    assert any(PLAN_NUMBER in str(value) for value in stored), "the answer was really filed"
    assert any(MODEL in str(value) for value in stored)

    log = result.stderr
    assert PLAN_NUMBER not in log and MODEL not in log
    assert "Qwyzz" not in log and "ZQ7391" not in log  # nor a part, nor an escaped form
    lines = [line for line in log.splitlines() if line.strip()]
    if log_format == "json":
        # Every log line is one JSON object; the command's own messages to its user
        # ("reportbot: ...") are not logs and stay plain text.
        records = [json.loads(line) for line in lines if not line.startswith("reportbot: ")]
        assert all({"ts", "level", "logger", "message"} <= set(r) for r in records)
        assert any(r["level"] == "DEBUG" for r in records), "-v really logged at DEBUG"
        assert not any(r["logger"].startswith("tortoise.db_client") for r in records)
    else:
        assert any(" DEBUG " in line for line in lines), "-v really logged at DEBUG"
        assert not any("tortoise.db_client" in line for line in lines)


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    setup_logging(verbose=True, log_format="json", stream=stream)
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def records(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


TOKEN = "7123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"  # the shape BotFather hands out


def test_secrets_are_masked_in_messages_extras_and_tracebacks(captured: io.StringIO) -> None:
    log = logging.getLogger("aiogram.client")
    log.debug("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    log.info("refresh ok", extra={"url": "https://oauth.zaloapp.com/v4?refresh_token=rT0k3nXY9"})
    log.info('payload {"access_token": "zA0-access-123", "expires_in": 90000}')
    logging.getLogger("reportbot.store").warning(
        "cannot reach postgres://bot:pa55word@db:5432/reportbot"
    )
    try:
        raise RuntimeError(f"Unauthorized for token {TOKEN}")
    except RuntimeError:
        log.exception("call failed", extra={"connector": "telegram", "update_id": 42})

    out = records(captured)
    text = captured.getvalue()
    for secret in (TOKEN, "rT0k3nXY9", "zA0-access-123", "pa55word"):
        assert secret not in text, secret
    assert out[0]["message"] == f"POST https://api.telegram.org/bot{MASK}/getMe"
    assert out[1]["url"] == f"https://oauth.zaloapp.com/v4?refresh_token={MASK}"
    assert out[3]["message"] == f"cannot reach postgres://bot:{MASK}@db:5432/reportbot"
    assert out[4]["connector"] == "telegram" and out[4]["update_id"] == 42
    assert "RuntimeError" in out[4]["exception"] and MASK in out[4]["exception"]


def test_setting_up_twice_keeps_one_handler_of_ours_and_others_in_place() -> None:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    other = logging.NullHandler()
    root.addHandler(other)
    try:
        setup_logging(verbose=False)
        setup_logging(verbose=False, log_format="json")
        ours = [h for h in root.handlers if h.get_name() == "reportbot"]
        assert len(ours) == 1 and isinstance(ours[0].formatter, JsonFormatter)
        assert other in root.handlers
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


def test_sql_records_are_dropped_below_warning_but_errors_pass(captured: io.StringIO) -> None:
    sql = logging.getLogger("tortoise.db_client")
    sql.debug("%s: %s", "INSERT INTO answers VALUES (?)", ["secret answer"])
    logging.getLogger("aiosqlite").debug("executing %s", "partial(..., 'secret answer')")
    logging.getLogger("asyncpg.pool").info("secret answer")
    sql.warning("connection lost")
    out = records(captured)
    assert [r["message"] for r in out] == ["connection lost"]


def test_a_huge_message_is_cut_before_redaction() -> None:
    text = "x" * (MAX_MESSAGE * 10)
    assert len(redact(text)) < MAX_MESSAGE + 20


# No per-example deadline: the machine running the suite may be loaded; the property is what
# matters here, and redact() is bounded by MAX_MESSAGE whatever the input.
_no_deadline = settings(deadline=None)
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
_token_body = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
    min_size=35,
    max_size=35,
)


@_no_deadline
@given(_text, st.integers(10_000, 9_999_999_999), _token_body, _text)
def test_a_telegram_token_never_survives(before: str, bot_id: int, body: str, after: str) -> None:
    token = f"{bot_id}:{body}"
    assert token not in redact(f"{before}{token}{after}")
    url = redact(f"{before}/bot{token}/sendMessage{after}")
    assert body not in url or body in before + after


@_no_deadline
@given(
    st.sampled_from(["access_token", "refresh_token", "password", "secret", "api_key"]),
    st.sampled_from(["=", ": ", '": "']),
    st.text(alphabet="abcdefXYZ0123456789-_.~", min_size=6, max_size=80),
    _text,
)
def test_a_key_value_secret_never_survives(key: str, sep: str, value: str, tail: str) -> None:
    assert value not in redact(f"{key}{sep}{value}&{tail}") or value in tail
