"""A wrong setting stops start-up with ONE line in ONE language, naming the variable and quoting
the offending value: Vietnamese unless REPORTBOT_LOCALE=en (a wrong REPORTBOT_LOCALE too), the
language of reportbot.toml's `locale` when the file sets it.

Each case runs the real command (`reportbot run` or `reportbot status`) in a subprocess with a
clean REPORTBOT_* environment, as an IT officer would start it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from connectors.base import ConnectorStartError
from reportbot.config import ConfigError, load_settings
from reportbot.startup_texts import TEXTS
from tests.conftest import FORMS_DIR, ROOT

VIETNAMESE = re.compile(
    "[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.IGNORECASE
)
# Words of an English sentence that no Vietnamese one holds (once names and values are removed).
ENGLISH = frozenset(
    {
        "expected",
        "must",
        "is",
        "not",
        "got",
        "valid",
        "should",
        "the",
        "of",
        "or",
        "and",
        "number",
        "file",
        "found",
        "copy",
        "it",
        "again",
        "known",
        "neither",
        "nor",
        "needs",
        "missing",
        "all",
        "four",
        "set",
    }
)
QUOTED = re.compile(r"/\S+|'[^']*'|\S*REPORTBOT_\S*|\S+://\S*|@\w+")

# (variable, wrong value, the value as quoted in the line or None for a secret, command)
CASES = [
    ("REPORTBOT_TIMEZONE", "Mars/Olympus", "'Mars/Olympus'", "status"),
    ("REPORTBOT_HTTP_PORT", "99999", "'99999'", "run"),
    ("REPORTBOT_DELIVERY_START", "25h", "'25h'", "status"),
    ("REPORTBOT_DEMO", "maybe", "'maybe'", "run"),
    ("REPORTBOT_MEDIA_QUOTA_MB", "lots", "'lots'", "run"),
    ("REPORTBOT_EXTRA_DAYS_OFF", "2026-06-31", "'2026-06-31'", "run"),
    ("REPORTBOT_TELEGRAM_TOKEN", "not-a-token", None, "run"),
    ("REPORTBOT_TELEGRAM_CHAT_RATE", "fast", "'fast'", "run"),
    ("REPORTBOT_ZALO_BOT_RATE", "1,2,3", "'1,2,3'", "run"),
]
EXTRA = {  # what else a case needs to reach its check
    "REPORTBOT_TELEGRAM_CHAT_RATE": {"REPORTBOT_TELEGRAM_TOKEN": "123456:TEST-fake-token"},
    "REPORTBOT_ZALO_BOT_RATE": {"REPORTBOT_ZALO_BOT_TOKEN": "1:abc"},
}


def run(command: str, env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """`reportbot COMMAND` with a clean REPORTBOT_* environment plus `env`; (exit, stderr)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
    base["PYTHONPATH"] = str(ROOT)
    base["REPORTBOT_DATABASE_URL"] = f"sqlite://{cwd / 'bot.db'}"
    base["REPORTBOT_FORMS_DIR"] = str(FORMS_DIR)
    result = subprocess.run(
        [sys.executable, "-m", "reportbot.cli", command],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**base, **env},
        timeout=120,
        check=False,
    )
    return result.returncode, result.stderr


def the_line(code: int, stderr: str) -> str:
    """The one line of a refused start: non-zero exit, no traceback, nothing else."""
    assert code != 0, stderr
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("reportbot: "), stderr
    return lines[0]


def words(line: str) -> set[str]:
    """The line's words once variable names, addresses and quoted values are taken out."""
    return set(re.findall(r"[^\W\d_]+", QUOTED.sub(" ", line).lower()))


def is_vietnamese_only(line: str) -> bool:
    """Vietnamese, with no English sentence beside it."""
    return bool(VIETNAMESE.search(line)) and not words(line) & ENGLISH


def is_english_only(line: str) -> bool:
    """English, with no Vietnamese beside it."""
    return not VIETNAMESE.search(QUOTED.sub(" ", line)) and bool(words(line) & ENGLISH)


@pytest.mark.parametrize(("variable", "value", "quoted", "command"), CASES)
def test_a_wrong_setting_is_one_line_in_one_language(
    variable: str, value: str, quoted: str | None, command: str, tmp_path: Path
) -> None:
    env = {**EXTRA.get(variable, {}), variable: value}
    vietnamese = the_line(*run(command, env, tmp_path))
    english = the_line(*run(command, {**env, "REPORTBOT_LOCALE": "en"}, tmp_path))
    for line in (vietnamese, english):
        assert variable in line, line
        if quoted is None:  # a secret is never printed
            assert value not in line, line
        else:
            assert quoted in line, line
    assert is_vietnamese_only(vietnamese), vietnamese
    assert is_english_only(english), english


def test_a_wrong_locale_is_said_in_vietnamese(tmp_path: Path) -> None:
    line = the_line(*run("run", {"REPORTBOT_LOCALE": "english"}, tmp_path))
    assert "REPORTBOT_LOCALE" in line and "'english'" in line
    assert is_vietnamese_only(line), line


def test_the_config_files_locale_is_the_language_of_its_own_mistakes(tmp_path: Path) -> None:
    (tmp_path / "reportbot.toml").write_text('locale = "en"\nhttp_port = "0x50"\n')
    line = the_line(*run("status", {}, tmp_path))
    assert "reportbot.toml: http_port" in line and "'0x50'" in line
    assert is_english_only(line), line


def test_a_missing_config_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.toml"
    line = the_line(*run("status", {"REPORTBOT_CONFIG": str(missing)}, tmp_path))
    assert "REPORTBOT_CONFIG" in line and str(missing) in line
    assert is_vietnamese_only(line), line


def test_every_startup_text_has_both_languages_and_the_same_placeholders() -> None:
    # A text that quotes the value in Vietnamese quotes it in English too.
    fields = re.compile(r"{(\w+)")
    for key, texts in TEXTS.items():
        assert set(texts) == {"vi", "en"}, key
        assert set(fields.findall(texts["vi"])) == set(fields.findall(texts["en"])), key
        assert "\n" not in texts["vi"] + texts["en"], key


def test_the_error_is_kept_in_both_languages_until_it_is_shown() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env={"REPORTBOT_HTTP_HOST": "x", "REPORTBOT_DELIVERY_END": "8pm"})
    error = caught.value
    assert error.text("vi") == "REPORTBOT_DELIVERY_END: '8pm' cần dạng HH:MM"
    assert error.text("en") == "REPORTBOT_DELIVERY_END: '8pm' is not a time, expected HH:MM"
    start = ConnectorStartError("không được", "refused")
    assert (start.text("vi"), start.text("en"), start.text("fr")) == (
        "không được",
        "refused",
        "không được",
    )
    assert ConnectorStartError("one text from a plugin").text("en") == "one text from a plugin"


def test_a_wrong_number_in_a_connectors_table_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "reportbot.toml").write_text('[connectors.zalo_bot]\nburst = "nhanh"\n')
    env = {"REPORTBOT_ZALO_BOT_TOKEN": "1:abc"}
    vietnamese = the_line(*run("run", env, tmp_path))
    english = the_line(*run("run", {**env, "REPORTBOT_LOCALE": "en"}, tmp_path))
    for line in (vietnamese, english):
        assert "[connectors.zalo_bot] burst: 'nhanh'" in line, line
    assert is_vietnamese_only(vietnamese) and "số dương" in vietnamese, vietnamese
    assert is_english_only(english) and "positive number" in english, english
