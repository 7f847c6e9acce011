"""`reportbot db` (a command group without its task) shows that group's tasks.

Seen: an IT officer following DEPLOY.md who typed `reportbot db` (or `reportbot org`) got the
top-level help, where `migrate` is nowhere, and exit 2: nothing said what `db` takes. Now the
group's own help is shown (its tasks listed), still exit 2 (the task is missing).
"""

from __future__ import annotations

import pytest

from reportbot.cli import main


@pytest.mark.parametrize(
    ("group", "tasks"),
    [("db", ["migrate"]), ("org", ["add", "list", "set-sheet"]), ("sheets", ["status", "flush"])],
)
def test_a_group_without_its_task_lists_its_tasks(
    group: str, tasks: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([group]) == 2
    shown = capsys.readouterr().out
    assert f"reportbot {group}" in shown  # its own usage line, not the top-level one
    for task in tasks:
        assert task in shown
    assert "chat " not in shown  # not the list of every command


def test_nothing_at_all_still_shows_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    shown = capsys.readouterr().out
    assert "status" in shown and "db" in shown and "run" in shown
