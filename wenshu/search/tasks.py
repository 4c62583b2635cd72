"""Task entry points (scheduled in wenshu/ops/schedule.py)."""

from __future__ import annotations

from wenshu.search.services import search_index_incremental


def index_changes() -> dict[str, int]:
    return search_index_incremental()
