"""The OA token store in the database: saved before use, refreshed once across instances."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from connectors.base import Address, ConnectorContext, Outgoing
from connectors.zalo_oa import TokenPair, ZaloOaConnector, create
from connectors.zalo_oa.db_tokens import DatabaseTokenStore
from connectors.zalo_oa.tokens import fingerprint
from reportbot.store.kv import KeyValueStore
from tests.fakes.zalo_oa import FakeZaloOa

KEY = "tokens:test"


@pytest.fixture
async def database(db: str) -> str:
    """The shared `db` fixture: an empty migrated SQLite file, or the run's PostgreSQL."""
    return db


@pytest.fixture
async def fake() -> AsyncIterator[FakeZaloOa]:
    async with FakeZaloOa(refresh_delay=0.05) as server:
        yield server


def _refresher(fake: FakeZaloOa):  # type: ignore[no-untyped-def]
    """A do_refresh that calls the fake's OAuth endpoint through the real API client."""
    import aiohttp

    from connectors.zalo_oa.api import ZaloOaApi

    async def do_refresh(refresh_token: str) -> TokenPair:
        async with aiohttp.ClientSession() as session:
            api = ZaloOaApi(
                session,
                api_url=fake.base_url,
                oauth_url=fake.base_url,
                app_id=fake.app_id,
                app_secret=fake.app_secret,
            )
            return await api.refresh(refresh_token)

    return do_refresh


async def _stored() -> dict[str, object]:
    text = await KeyValueStore("zalo_oa").get(KEY)
    assert text is not None
    return json.loads(text)


async def test_first_load_stores_the_seed(database: None) -> None:
    store = DatabaseTokenStore(KeyValueStore("zalo_oa"), TokenPair("at-0", "rt-0"), key=KEY)
    pair = await store.load()
    assert pair == TokenPair("at-0", "rt-0")
    stored = await _stored()
    assert stored["refresh_token"] == "rt-0"
    assert stored["seed"] == fingerprint("rt-0")


async def test_two_stores_sharing_a_database_refresh_once(database: None, fake: FakeZaloOa) -> None:
    access, refresh = fake.issue_tokens()
    seed = TokenPair(access, refresh)
    first = DatabaseTokenStore(KeyValueStore("zalo_oa"), seed, key=KEY)
    second = DatabaseTokenStore(KeyValueStore("zalo_oa"), seed, key=KEY)
    do_refresh = _refresher(fake)
    results = await asyncio.gather(
        first.refresh(access, do_refresh),
        second.refresh(access, do_refresh),
        first.refresh(access, do_refresh),
        second.refresh(access, do_refresh),
    )
    assert len(fake.refresh_calls) == 1
    assert fake.refused_refreshes == 0
    assert len(set(results)) == 1
    new = results[0]
    assert new.access_token != access and new.refresh_token != refresh
    stored = await _stored()
    assert stored["access_token"] == new.access_token
    assert stored["refresh_token"] == new.refresh_token
    # A third instance (another process after a restart) loads the saved pair, not the seed.
    assert await DatabaseTokenStore(KeyValueStore("zalo_oa"), seed, key=KEY).load() == new


async def test_a_new_configured_refresh_token_replaces_the_stored_pair(
    database: None, fake: FakeZaloOa
) -> None:
    access, refresh = fake.issue_tokens()
    old = DatabaseTokenStore(KeyValueStore("zalo_oa"), TokenPair(access, refresh), key=KEY)
    await old.refresh(access, _refresher(fake))
    # The admin re-authorised the OA and configured a fresh refresh token.
    access2, refresh2 = fake.issue_tokens()
    renewed = DatabaseTokenStore(KeyValueStore("zalo_oa"), TokenPair(None, refresh2), key=KEY)
    assert await renewed.load() == TokenPair(None, refresh2)
    assert (await _stored())["refresh_token"] == refresh2
    assert access2  # unused: the access token is not configured in this case


async def test_failed_refresh_keeps_the_stored_pair(database: None, fake: FakeZaloOa) -> None:
    access, refresh = fake.issue_tokens()
    store = DatabaseTokenStore(KeyValueStore("zalo_oa"), TokenPair(access, refresh), key=KEY)
    await store.load()

    async def broken(refresh_token: str) -> TokenPair:
        raise ConnectionError("network down")

    with pytest.raises(ConnectionError):
        await store.refresh(access, broken)
    assert (await _stored())["refresh_token"] == refresh


async def test_connector_saves_new_tokens_before_using_them(
    database: None, fake: FakeZaloOa, tmp_path: Path
) -> None:
    access, refresh = fake.issue_tokens()
    env = fake.env(refresh, access)
    seen_in_database: list[bool] = []

    async def check(token: str) -> None:
        text = await KeyValueStore("zalo_oa").get(f"tokens:{fake.app_id}")
        seen_in_database.append(json.loads(text or "{}").get("access_token") == token)

    fake.on_message = check
    context = ConnectorContext(
        handler=lambda m: asyncio.sleep(0, result=[]),
        env=env,
        config={"request_timeout": 1.0, "retry_base": 0.01, "retry_max": 0.05},
        web_app=web.Application(),
        media_dir=tmp_path,
        kv=KeyValueStore("zalo_oa"),
    )
    connector = create(context)
    assert isinstance(connector, ZaloOaConnector)
    await connector.start()
    try:
        fake.expire_access_tokens()
        await asyncio.gather(
            *(
                connector.send(Address("zalo_oa", f"u-{n}", f"u-{n}"), [Outgoing(text="Nhắc")])
                for n in range(5)
            )
        )
    finally:
        await connector.stop(timeout=5)
    assert len(fake.refresh_calls) == 1
    assert seen_in_database == [True] * 5


CHILD = """
import asyncio, json, sys, time
from pathlib import Path
import aiohttp
from connectors.zalo_oa.api import ZaloOaApi
from connectors.zalo_oa.db_tokens import DatabaseTokenStore
from connectors.zalo_oa.tokens import TokenPair
from reportbot.store.database import close_database, open_database
from reportbot.store.kv import KeyValueStore

async def main(args):
    await open_database(args["db"], migrate_first=False)
    seed = TokenPair(args["access"], args["refresh"])
    store = DatabaseTokenStore(KeyValueStore("zalo_oa"), seed, key=args["key"])
    Path(args["ready"]).touch()
    while not Path(args["go"]).exists():
        await asyncio.sleep(0.01)
    async with aiohttp.ClientSession() as session:
        api = ZaloOaApi(session, api_url=args["url"], oauth_url=args["url"],
                        app_id=args["app_id"], app_secret=args["app_secret"])
        pair = await store.refresh(args["access"], api.refresh)
    await close_database()
    print(json.dumps([pair.access_token, pair.refresh_token]))

asyncio.run(main(json.loads(sys.argv[1])))
"""


async def test_two_processes_sharing_a_database_refresh_once(
    database: str, fake: FakeZaloOa, tmp_path: Path
) -> None:
    access, refresh = fake.issue_tokens()
    fake.refresh_delay = 0.3  # the first refresh is still running when the second one asks
    await DatabaseTokenStore(KeyValueStore("zalo_oa"), TokenPair(access, refresh), key=KEY).load()
    go = tmp_path / "go"
    children = []
    for n in range(2):
        args = {
            "db": database,
            "access": access,
            "refresh": refresh,
            "key": KEY,
            "url": fake.base_url,
            "app_id": fake.app_id,
            "app_secret": fake.app_secret,
            "ready": str(tmp_path / f"ready-{n}"),
            "go": str(go),
        }
        children.append(
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                CHILD,
                json.dumps(args),
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                cwd=Path(__file__).resolve().parent.parent,
            )
        )
    await fake.wait_for(
        lambda: (
            all((tmp_path / f"ready-{n}").exists() for n in range(2))
            or any(child.returncode is not None for child in children)
        ),
        timeout=30,
    )
    go.touch()
    outputs = await asyncio.wait_for(
        asyncio.gather(*(child.communicate() for child in children)), timeout=30
    )
    for child, (_, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err.decode()
    pairs = {tuple(json.loads(out)) for out, _ in outputs}
    assert len(fake.refresh_calls) == 1
    assert fake.refused_refreshes == 0
    assert len(pairs) == 1
    stored = await _stored()
    assert (stored["access_token"], stored["refresh_token"]) in pairs
