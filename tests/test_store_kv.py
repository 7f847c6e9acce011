"""The key-value state: plain reads and writes, one claim wins, updates never lose a write."""

from __future__ import annotations

import asyncio

import pytest

from reportbot.store.kv import KeyValueStore


async def test_set_get_delete_and_namespaces_are_apart(db: str) -> None:
    zalo, telegram = KeyValueStore("zalo_oa"), KeyValueStore("telegram")
    assert await zalo.get("tokens") is None
    await zalo.set("tokens", '{"a": 1}')
    await zalo.set("tokens", '{"a": 2}')
    assert await zalo.get("tokens") == '{"a": 2}'
    assert await telegram.get("tokens") is None
    entry = await zalo.entry("tokens")
    assert entry is not None and entry.value == '{"a": 2}' and entry.updated_at.tzinfo is not None
    assert await zalo.delete("tokens") is True
    assert await zalo.delete("tokens") is False
    assert await zalo.get("tokens") is None


async def test_exactly_one_concurrent_claim_wins(db: str) -> None:
    stores = [KeyValueStore("telegram") for _ in range(4)]
    results = await asyncio.gather(*(stores[n % 4].claim_once("group:-100") for n in range(20)))
    assert results.count(True) == 1
    assert await stores[0].get("group:-100") == "1"
    assert await stores[1].claim_once("group:-100") is False
    assert await stores[1].claim_once("group:-200") is True


async def test_concurrent_updates_lose_no_write(db: str) -> None:
    stores = [KeyValueStore("counter"), KeyValueStore("counter")]

    async def plus_one(current: str | None) -> str:
        value = int(current or "0")
        await asyncio.sleep(0)  # let the other callers run while this one holds the lock
        return str(value + 1)

    await asyncio.gather(*(stores[n % 2].update("hits", plus_one) for n in range(25)))
    assert await stores[0].get("hits") == "25"


async def test_update_with_a_default_runs_once_on_the_default(db: str) -> None:
    kv = KeyValueStore("zalo_oa")
    seen: list[str | None] = []

    async def record(current: str | None) -> str:
        seen.append(current)
        return "new"

    assert await kv.update("tokens", record, default="seed") == "new"
    assert seen == ["seed"]
    assert await kv.get("tokens") == "new"


async def test_a_failing_update_changes_nothing(db: str) -> None:
    kv = KeyValueStore("zalo_oa")
    await kv.set("tokens", "old")

    async def broken(current: str | None) -> str:
        raise ConnectionError("network down")

    with pytest.raises(ConnectionError):
        await kv.update("tokens", broken)
    assert await kv.get("tokens") == "old"


def test_bad_names_are_refused() -> None:
    with pytest.raises(ValueError):
        KeyValueStore("")
    with pytest.raises(ValueError):
        KeyValueStore("x" * 33)
    with pytest.raises(ValueError):
        KeyValueStore("ok")._key("k" * 65)
