"""Short fuzz drill on the Zalo webhooks (`drills/fuzz.py` with `drills/fuzz_zalo.py`).

The bot runs as a separate process with the Telegram, Zalo Bot (webhook mode) and Zalo OA
connectors against the fakes; three requests in ten go to `/webhook/zalo-bot` or
`/webhook/zalo-oa` with a missing, wrong or non-UTF-8 credential, or correctly authenticated
with odd payloads. Goal (issue 12): no 5xx before authentication, none after either, no
traceback, and the bot still serves an officer afterwards.
"""

from __future__ import annotations

import pytest

from drills.fuzz import run_fuzz_drill

pytestmark = pytest.mark.drill


async def test_zalo_webhooks_never_answer_5xx_to_fuzzed_calls() -> None:
    figures = await run_fuzz_drill(cases=200, seed=12, zalo=True)
    print("\n".join(figures.lines()))
    counts = figures.counts
    assert counts["zalo_requests"] == 60  # 3 in 10 of the 200
    assert counts["zalo_not_found"] == 0, "both Zalo endpoints are served"
    assert counts["zalo_authenticated_2xx"] > 0, "some signed events got past the checks"
    assert counts["pre_auth_5xx"] == 0
    assert counts["post_auth_5xx"] == 0
    assert figures.tracebacks == 0
    assert figures.officers_saw_submitted == 1, "the bot still works after the fuzzing"
