"""The web page's workbook download, commune by commune (issue 17 with issue 16's page): a
coordinator of the whole deployment downloads the deployment's workbook; a commune's
coordinator downloads the commune's own workbook when it has one (`org set-sheet`), never
the deployment's, which holds other communes' units."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from reportbot.store.models import Identity, Person, Unit
from reportbot.store.queries.organisations import add_organisation, set_person_organisation
from tests.conftest import FakeClock
from tests.support import load_shipped_forms
from tests.test_coordination_chat import seed_people
from tests.test_web_page import Served, client, serving


async def coordinator_of(commune_id: int, user_id: str) -> None:
    """A coordinator who sees one commune, with a console identity."""
    person = await Person.create(
        name=f"Điều phối {user_id}", unit=await Unit.get(code="vhxh"), role="coordinator"
    )
    await set_person_organisation(person.id, commune_id)
    await Identity.create(platform="console", external_id=user_id, chat_id=user_id, person=person)


@pytest.fixture
async def served(db: str, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Served]:
    await seed_people()
    await load_shipped_forms()
    own = await add_organisation("xa-a", "Xã An Bình", workbook=str(tmp_path / "an-binh.xlsx"))
    plain = await add_organisation("xa-b", "Xã Bình Minh")
    await coordinator_of(own.id, "u-coord-a")
    await coordinator_of(plain.id, "u-coord-b")
    derived = await add_organisation("xa-c", "Xã Cẩm Thành", sheet_id="1AbC")  # no path given
    await coordinator_of(derived.id, "u-coord-c")
    clock.set_local(datetime(2026, 12, 20, 23, 30))
    async with serving(db, clock, tmp_path) as found:
        yield found


async def download(served: Served, user_id: str) -> tuple[bool, int, bytes]:
    """(the home page links the workbook, the download's status, its bytes)."""
    async with client() as http:
        cookies = await served.cookies(http, user_id)
        async with http.get(f"{served.base}/web/", cookies=cookies) as response:
            linked = "/web/so-theo-doi.xlsx" in await response.text()
        async with http.get(f"{served.base}/web/so-theo-doi.xlsx", cookies=cookies) as response:
            return linked, response.status, await response.read()


async def test_each_coordinator_downloads_only_the_workbook_of_their_scope(
    served: Served, tmp_path: Path
) -> None:
    # nothing written yet: no link, not found, for everyone
    for user_id in ("u-coord", "u-coord-a"):
        linked, status, _ = await download(served, user_id)
        assert (linked, status) == (False, 404)
    (tmp_path / "mirror.xlsx").write_bytes(b"PK deployment")
    (tmp_path / "an-binh.xlsx").write_bytes(b"PK an binh")
    assert await download(served, "u-coord") == (True, 200, b"PK deployment")
    assert await download(served, "u-coord-a") == (True, 200, b"PK an binh")
    # a commune given only a sheet id: the workbook the mirror derives beside the deployment's
    (tmp_path / "mirror-xa-c.xlsx").write_bytes(b"PK cam thanh")
    assert await download(served, "u-coord-c") == (True, 200, b"PK cam thanh")
    linked, status, _ = await download(served, "u-coord-b")  # no sheet of its own
    assert (linked, status) == (False, 404)


async def home_text(served: Served, user_id: str) -> str:
    async with client() as http:
        cookies = await served.cookies(http, user_id)
        async with http.get(f"{served.base}/web/", cookies=cookies) as response:
            return await response.text()


async def test_beside_the_deployments_workbook_the_page_names_the_communes_it_leaves_out(
    served: Served, tmp_path: Path
) -> None:
    (tmp_path / "mirror.xlsx").write_bytes(b"PK deployment")
    text = await home_text(served, "u-coord")
    files = text[text.index('<section class="files">') :]
    files = files[: files.index("</section>")]
    assert "Sổ theo dõi chung không có báo cáo của các xã có bảng tính riêng" in files
    assert f"<li>Xã An Bình (xa-a): tệp {tmp_path / 'an-binh.xlsx'}</li>" in files
    assert f"<li>Xã Cẩm Thành (xa-c): tệp {tmp_path / 'mirror-xa-c.xlsx'}</li>" in files
    assert "xa-b" not in files  # its rows are in the deployment's workbook
    # a commune's coordinator downloads the commune's own workbook: nothing is left out of it
    (tmp_path / "an-binh.xlsx").write_bytes(b"PK an binh")
    assert 'id="apart"' not in await home_text(served, "u-coord-a")
