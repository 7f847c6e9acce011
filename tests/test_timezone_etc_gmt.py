"""REPORTBOT_TIMEZONE=Etc/GMT+7 reads as "UTC+7" but means UTC−7 (the POSIX sign is reversed):
14 hours off Vietnam, every deadline and reminder shifted. Such a name is refused with the
offset it really means and the region name to use; the time zone is shown with its UTC offset.
"""

from __future__ import annotations

import pytest

from reportbot.config import ConfigError, load_settings, timezone_label


@pytest.mark.parametrize(
    ("value", "means"),
    [("Etc/GMT+7", "UTC-07:00"), ("posix/Etc/GMT+7", "UTC-07:00"), ("Etc/GMT+12", "UTC-12:00")],
)
def test_an_etc_gmt_offset_is_refused_with_what_it_means(value: str, means: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"REPORTBOT_TIMEZONE": value})
    for locale in ("vi", "en"):
        line = caught.value.text(locale)
        assert means in line, line
        assert "Asia/Ho_Chi_Minh" in line
        assert "REPORTBOT_TIMEZONE" in line


# Etc/GMT-7 is UTC+07:00, Vietnam's offset: an install set up so must keep starting (review)
@pytest.mark.parametrize("value", ["Etc/GMT", "Etc/UTC", "UTC", "Asia/Ho_Chi_Minh", "Etc/GMT-7"])
def test_names_without_a_reversed_sign_are_accepted(value: str) -> None:
    assert load_settings({"REPORTBOT_TIMEZONE": value}).timezone.key == value


def test_the_label_names_the_zone_and_its_offset() -> None:
    vietnam = load_settings({}).timezone
    assert timezone_label(vietnam) == "Asia/Ho_Chi_Minh (UTC+07:00)"
    assert (
        timezone_label(load_settings({"REPORTBOT_TIMEZONE": "UTC"}).timezone) == "UTC (UTC+00:00)"
    )


def test_status_shows_the_time_zone_with_its_offset(tmp_path) -> None:
    from tests.test_cli import run_cli

    env = {"REPORTBOT_DATABASE_URL": f"sqlite://{tmp_path / 'bot.db'}"}
    assert run_cli(["db", "migrate"], env=env, cwd=tmp_path).returncode == 0
    result = run_cli(["status"], env=env, cwd=tmp_path)
    assert "Múi giờ: Asia/Ho_Chi_Minh (UTC+07:00)" in result.stdout.splitlines()
    result = run_cli(["status"], env={**env, "REPORTBOT_TIMEZONE": "Etc/GMT+7"}, cwd=tmp_path)
    assert result.returncode == 2 and "UTC-07:00" in result.stderr
    assert "Traceback" not in result.stderr
