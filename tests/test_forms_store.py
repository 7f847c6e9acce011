"""Storing template versions: unchanged content is a no-op, the forms folder never reverts."""

from __future__ import annotations

from dataclasses import replace

from reportbot.forms.loader import load_yaml_template
from reportbot.store.forms import latest_templates, store_template
from tests.conftest import FORMS_DIR

MONTHLY = load_yaml_template(FORMS_DIR / "example_monthly.yaml")[0]


async def test_versions_grow_only_with_new_content(db: str) -> None:
    first = await store_template(MONTHLY, "example_monthly.yaml")
    same = await store_template(MONTHLY, "example_monthly.yaml")
    assert (first.version, first.created, same.version, same.created) == (1, True, 1, False)

    published = replace(MONTHLY, title={"vi": "Báo cáo tháng (bản mới)"})
    from_chat = await store_template(published, "chat", publish_again=True)
    assert (from_chat.version, from_chat.created) == (2, True)

    # The next start loads the unchanged file again: the admin's newer version stays live.
    restart = await store_template(MONTHLY, "example_monthly.yaml")
    assert (restart.version, restart.created) == (1, False)
    latest = await latest_templates()
    assert latest[MONTHLY.key][1].title["vi"] == "Báo cáo tháng (bản mới)"

    # An admin who publishes the old content on purpose makes it live again, as a new version.
    again = await store_template(MONTHLY, "chat", publish_again=True)
    assert (again.version, again.created) == (3, True)
    assert (await latest_templates())[MONTHLY.key][1].title == MONTHLY.title
