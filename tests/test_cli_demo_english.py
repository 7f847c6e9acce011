"""`REPORTBOT_LOCALE=en` is "the language of new people" (README): the demo officer seeded on
a fresh database is one of them. Before, `REPORTBOT_LOCALE=en reportbot chat` printed "demo
commune created" in English and then the whole chat in Vietnamese ("Câu 1/27")."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FORMS_DIR
from tests.test_cli import run_cli


def test_the_demo_officer_of_an_english_install_chats_in_english(tmp_path: Path) -> None:
    env = {
        "REPORTBOT_DATABASE_URL": f"sqlite://{tmp_path / 'demo.db'}",
        "REPORTBOT_FORMS_DIR": str(FORMS_DIR),
        "REPORTBOT_LOCALE": "en",
    }
    result = run_cli(["chat"], env=env, cwd=tmp_path, stdin="/report\n/help\n")
    assert result.returncode == 0, result.stderr
    assert "demo commune created" in result.stderr + result.stdout
    assert "Question 1/27" in result.stdout, result.stdout
    assert "Câu 1/" not in result.stdout and "/baocao" not in result.stdout


def test_the_demo_officer_of_a_vietnamese_install_chats_in_vietnamese(tmp_path: Path) -> None:
    env = {
        "REPORTBOT_DATABASE_URL": f"sqlite://{tmp_path / 'demo.db'}",
        "REPORTBOT_FORMS_DIR": str(FORMS_DIR),
    }
    result = run_cli(["chat"], env=env, cwd=tmp_path, stdin="/baocao\n")
    assert result.returncode == 0, result.stderr
    assert "Câu 1/27" in result.stdout, result.stdout
