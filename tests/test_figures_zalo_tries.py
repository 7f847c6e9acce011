"""The number in Zalo OA's "sau N lần thử" (after N tries), the reason a message is given up
that the reminders' delivery record and the operator's log keep: how many times the message
was sent to Zalo, counted by the fake OA, never by the connector under test.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from connectors.base import Address, DeliveryError, Outgoing
from connectors.zalo_oa.api import RATE_LIMITED, RATE_TRIES
from tests.fakes._server import ScriptedHandler
from tests.fakes.zalo_oa import FakeZaloOa

# (server errors first, -32 answers after, locale) -> the calls Zalo received and the reason.
# RATE_TRIES is 5: the fifth -32 gives the message up; a 500 is tried again without limit.
CASES = {
    (0, "vi"): (5, "Zalo OA: vẫn vượt giới hạn gọi API sau 5 lần thử"),
    (0, "en"): (5, "Zalo OA: still over the API's rate limit after 5 tries"),
    (2, "vi"): (7, "Zalo OA: vẫn vượt giới hạn gọi API sau 7 lần thử"),
    (2, "en"): (7, "Zalo OA: still over the API's rate limit after 7 tries"),
}


@pytest.mark.parametrize(("server_errors", "locale"), list(CASES))
async def test_the_tries_named_are_the_calls_zalo_received(
    oa_fake: FakeZaloOa, oa: Any, server_errors: int, locale: str
) -> None:
    assert RATE_TRIES == 5  # the table above is written for it
    connector, _ = await oa(ScriptedHandler(), env={"REPORTBOT_LOCALE": locale})
    oa_fake.fail("cs", times=server_errors)
    oa_fake.refuse_next(times=RATE_TRIES)
    with pytest.raises(DeliveryError) as raised:
        await connector.send(Address("zalo_oa", "a", "a"), [Outgoing("Nhắc nộp báo cáo")])
    calls, reason = CASES[server_errors, locale]
    assert oa_fake.cs_calls == calls
    assert oa_fake.cs_errors == [RATE_LIMITED] * RATE_TRIES
    assert re.sub(r" \(.*\)$", "", str(raised.value)) == reason
    assert "-32" in str(raised.value)  # Zalo's own code, for whoever looks it up
