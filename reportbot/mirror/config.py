"""Choose the mirror backend from the environment: Google Sheets if configured, else .xlsx."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reportbot.language import env_locale, say
from reportbot.mirror.backend import MirrorBackend, MirrorError
from reportbot.mirror.communes import CommuneRouter
from reportbot.mirror.google import (
    ENV_API_URL,
    ENV_CREDENTIALS,
    ENV_SPREADSHEET,
    ENV_WRITES_PER_MINUTE,
    GoogleSheetsBackend,
)
from reportbot.mirror.ratelimit import RateLimiter
from reportbot.mirror.records import SheetTarget
from reportbot.mirror.split import ANY_KEY, SPLIT_MODES, SplitBackend, parse_spreadsheet_ids
from reportbot.mirror.xlsx import DEFAULT_XLSX, ENV_XLSX, XlsxBackend

ENV_SPLIT = "REPORTBOT_SHEETS_SPLIT"
ENV_SPREADSHEET_IDS = "REPORTBOT_SPREADSHEET_IDS"


def google_configured(env: Mapping[str, str]) -> bool:
    """Whether Google Sheets is set up (credentials or an emulator URL, and a spreadsheet)."""
    has_access = bool(env.get(ENV_CREDENTIALS) or env.get(ENV_API_URL))
    has_target = bool(env.get(ENV_SPREADSHEET) or env.get(ENV_SPREADSHEET_IDS))
    return has_access and has_target


def keeps_apart(spreadsheet_id: str | None, workbook: str | None, *, google: bool) -> bool:
    """Whether a commune's rows leave the deployment's spreadsheet for its own: with Google, a
    commune with a spreadsheet id (a workbook path alone keeps it in the deployment's sheet);
    with the local workbook, a commune with either."""
    return bool(spreadsheet_id) if google else bool(spreadsheet_id or workbook)


def backend_from_env(env: Mapping[str, str] | None = None, **options: Any) -> MirrorBackend:
    """Google Sheets when configured (split per year/form if asked), else the local workbook."""
    env = os.environ if env is None else env
    if not google_configured(env):
        return XlsxBackend.from_env(dict(env), **options)
    mode = (env.get(ENV_SPLIT) or "single").strip().lower()
    if mode not in SPLIT_MODES:
        modes = ", ".join(SPLIT_MODES)
        raise MirrorError(
            say(
                env_locale(),
                f"{ENV_SPLIT}: {mode[:20]!r} không hợp lệ, chọn một trong {modes}",
                f"{ENV_SPLIT}: {mode[:20]!r} is not valid, choose one of {modes}",
            )
        )
    if mode == "single":
        return GoogleSheetsBackend.from_env(env, **options)
    ids = parse_spreadsheet_ids(env.get(ENV_SPREADSHEET_IDS, ""))
    if env.get(ENV_SPREADSHEET):
        ids.setdefault(ANY_KEY, env[ENV_SPREADSHEET])

    def factory(key: str) -> MirrorBackend:
        spreadsheet_id = ids.get(key) or ids.get(ANY_KEY)
        if not spreadsheet_id:
            raise MirrorError(
                say(
                    env_locale(),
                    f"{ENV_SPREADSHEET_IDS}: không có bảng tính cho {key!r}",
                    f"{ENV_SPREADSHEET_IDS} has no spreadsheet for {key!r}",
                )
            )
        return GoogleSheetsBackend.from_env({**env, ENV_SPREADSHEET: spreadsheet_id}, **options)

    return SplitBackend(mode, factory)


def commune_workbook(base: str, code: str, workbook: str | None = None) -> Path:
    """A commune's own workbook: the path it was given (`org set-sheet --xlsx`), else one
    beside the deployment's: mirror.xlsx -> mirror-<code>.xlsx."""
    if workbook:
        return Path(workbook)
    path = Path(base)
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", code).strip("-") or "xa"
    return path.with_name(f"{path.stem}-{safe}{path.suffix or '.xlsx'}")


def routed_backend_from_env(env: Mapping[str, str] | None = None, **options: Any) -> CommuneRouter:
    """The deployment's backend (`backend_from_env`), and each commune's own spreadsheet:
    with Google, a commune with a spreadsheet id; with the local workbook, a commune with an
    id or a workbook path (its workbook: that path, or one derived from REPORTBOT_MIRROR_XLSX)."""
    env = os.environ if env is None else env
    google = google_configured(env)
    base = env.get(ENV_XLSX) or DEFAULT_XLSX
    if google and "limiters" not in options:
        # One request budget for every spreadsheet: Google counts the service account's
        # requests per minute whichever spreadsheet they write.
        raw = env.get(ENV_WRITES_PER_MINUTE, "").strip()
        writes = int(raw) if raw.isdigit() else options.get("writes_per_minute", 50)
        reads = options.get("reads_per_minute", 50)
        options = {**options, "limiters": (RateLimiter(writes), RateLimiter(reads))}

    def factory(target: SheetTarget) -> MirrorBackend:
        if google and target.spreadsheet_id:
            settings = {**env, ENV_SPREADSHEET: target.spreadsheet_id}
            return GoogleSheetsBackend.from_env(settings, **options)
        return XlsxBackend(commune_workbook(base, target.key, target.workbook), **options)

    def wants(target: SheetTarget) -> bool:
        return keeps_apart(target.spreadsheet_id, target.workbook, google=google)

    return CommuneRouter(backend_from_env(env, **options), factory, wants=wants)
