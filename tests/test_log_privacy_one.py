"""One log-privacy mechanism: secret values and secret shapes are masked alike, through our
handler (text or JSON, extras included) and through any other handler."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from reportbot.config_check import guard_logs as guard_from_config_check
from reportbot.ops.logs import MASK, guard_logs, hide_secret, setup_logging

TOKEN = "7123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"  # the shape BotFather hands out
OA_TOKEN = "zalo-oa-secret-value-of-no-known-shape"  # masked only because it is a setting


@pytest.fixture
def foreign() -> Iterator[io.StringIO]:
    """A handler that is not ours (a test runner's, a service manager's)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    saved = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(saved)
    guard_logs({})


@pytest.fixture
def ours() -> Iterator[io.StringIO]:
    """Our handler, JSON lines."""
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    setup_logging(verbose=True, log_format="json", stream=stream)
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    guard_logs({})


def test_config_check_installs_the_same_guard():
    assert guard_from_config_check is guard_logs


def test_a_secret_shape_is_masked_through_any_handler(foreign: io.StringIO):
    guard_logs({})  # no secret values known: the shapes alone
    logging.getLogger("aiogram.client").debug("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    text = foreign.getvalue()
    assert TOKEN not in text
    assert f"bot{MASK}/getMe" in text


def test_a_secret_setting_is_masked_in_our_json_extras(ours: io.StringIO):
    guard_logs({"REPORTBOT_ZALO_OA_SECRET_KEY": OA_TOKEN, "REPORTBOT_LOCALE": "vi"})
    log = logging.getLogger("connectors.zalo_oa.test")
    log.info("refreshed", extra={"detail": f"key {OA_TOKEN} accepted", "locale": "vi"})
    log.info("calling with %s", OA_TOKEN)
    text = ours.getvalue()
    assert OA_TOKEN not in text
    first, second = (json.loads(line) for line in text.splitlines())
    assert first["detail"] == f"key {MASK} accepted" and first["locale"] == "vi"
    assert second["message"] == f"calling with {MASK}"


def test_a_secret_learnt_later_is_masked_in_both(foreign: io.StringIO):
    guard_logs({})
    learnt = "fresh-access-token-0042"
    logging.getLogger("connectors.zalo_oa.test").warning("before %s", learnt)
    hide_secret(learnt)
    logging.getLogger("connectors.zalo_oa.test").warning("after %s", learnt)
    lines = foreign.getvalue().splitlines()
    assert lines == [f"before {learnt}", f"after {MASK}"]
