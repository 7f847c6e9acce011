"""`reportbot run --role`: web and worker refuse SQLite in one clear line, before anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbot.cli import main


@pytest.mark.parametrize("role", ["web", "worker"])
def test_web_and_worker_refuse_sqlite(
    role: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    database = tmp_path / "bot.db"
    monkeypatch.setenv("REPORTBOT_DATABASE_URL", f"sqlite://{database}")
    assert main(["run", "--role", role]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cần PostgreSQL" in err[0] and f"--role {role}" in err[0]
    assert not database.exists(), "refused before the database was opened"


def test_unknown_role_is_a_usage_error(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--role", "both"])
    assert exit_.value.code == 2
    assert "--role: không có lựa chọn 'both'" in capsys.readouterr().err


def test_role_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("REPORTBOT_DATABASE_URL", f"sqlite://{tmp_path / 'bot.db'}")
    monkeypatch.setenv("REPORTBOT_ROLE", "worker")
    assert main(["run"]) == 2
    assert "--role worker cần PostgreSQL" in capsys.readouterr().err
    monkeypatch.setenv("REPORTBOT_ROLE", "sometimes")
    assert main(["run"]) == 2
    assert "REPORTBOT_ROLE='sometimes'" in capsys.readouterr().err
