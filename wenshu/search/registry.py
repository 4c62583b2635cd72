"""The sources the index is built from: one per kind of content (mail, notices, …).

A source gives the indexer its items changed since a moment (``items_since``), and gives the
searcher the ids of its objects a viewer may see (``visible_ids``): results are always filtered
by that live query, so a stale index entry can never show something the viewer may not see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class Doc:
    """One thing to index, as a source hands it over."""

    kind: str
    object_id: int
    title: str
    text: str
    date: datetime
    unit_id: int | None = None
    owner_id: int | None = None


ItemsSince = Callable[[datetime | None], Iterable[Doc]]
VisibleIds = Callable[[Any], QuerySet[Any]]
UrlFor = Callable[[Any, Any], str]


@dataclass(frozen=True)
class Source:
    kind: str
    label: str
    items_since: ItemsSince
    visible_ids: VisibleIds
    url_for: UrlFor


_sources: dict[str, Source] = {}


def register_source(
    kind: str,
    fn_items_since: ItemsSince,
    fn_visible_filter: VisibleIds,
    *,
    label: str = "",
    url_for: UrlFor | None = None,
) -> None:
    """Register (or replace) the source of `kind`. `fn_visible_filter(viewer)` returns a
    queryset of the object ids (one column) the viewer may see."""
    _sources[kind] = Source(
        kind,
        label or kind,
        fn_items_since,
        fn_visible_filter,
        url_for or (lambda viewer, entry: ""),
    )


def unregister_source(kind: str) -> None:
    _sources.pop(kind, None)


def sources() -> list[Source]:
    return list(_sources.values())


def source(kind: str) -> Source | None:
    return _sources.get(kind)


def kind_choices() -> list[tuple[str, str]]:
    return [(s.kind, s.label) for s in _sources.values()]
