"""No part of the database password in the logs, even with `-v`.

Seen: `reportbot -v run` (and every other command with -v) logged tortoise's start-up line
"Tortoise-ORM startup connections: {... 'password': 'S3cre***'}": tortoise masks a password by
keeping its first third, so a 48-character password lost 16 of them to the journal. The
`'key': 'value'` shape (a Python dict printed) is now masked like `key=value` and JSON.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbot.ops.logs import redact
from tests.test_cli import run_cli

PASSWORD = "Zq9Xv7Wp4Kt2Lm8Rb6Hd3Jc"  # PostgreSQL here trusts local connections: any will do


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_verbose_status_logs_no_part_of_the_password(
    postgres_database: str, tmp_path: Path, log_format: str
) -> None:
    user_host, _, database = postgres_database.rpartition("/")
    scheme, _, rest = user_host.partition("://")
    user, _, host = rest.partition("@")
    url = f"{scheme}://{user}:{PASSWORD}@{host}/{database}"
    env = {"REPORTBOT_DATABASE_URL": url, "REPORTBOT_LOG_FORMAT": log_format}
    result = run_cli(["-v", "status"], env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Tortoise-ORM startup" in result.stderr, "the line that held the password is there"
    third = PASSWORD[: len(PASSWORD) // 3]
    assert third not in result.stderr + result.stdout


def test_a_printed_dict_has_its_secrets_masked() -> None:
    line = "{'user': 'bot', 'password': 'Zq9Xv7W***', 'secret_token': 'abcdef123456'}"
    masked = redact(line)
    assert "Zq9Xv7" not in masked and "abcdef123456" not in masked
    assert "'user': 'bot'" in masked and "'password': '***'" in masked
