"""Searching the index for a viewer: words AND-ed, filters, paging, highlighted snippets.

Scoping: the matching entries are intersected, in the same SQL query, with each source's live
"may see" query for this viewer (registry). An entry of a kind with no source, or of an object
the viewer may no longer see (unshared, deleted, archived), is never returned, however stale
the index. Newest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString

from wenshu.lib.errors import DomainError
from wenshu.search.backends import backend
from wenshu.search.models import SearchEntry
from wenshu.search.registry import source, sources
from wenshu.search.segment import highlight, query_words, snippet

PAGE_SIZE = 20
MAX_PAGE = 500


@dataclass
class Hit:
    kind: str
    kind_label: str
    object_id: int
    title: SafeString
    snippet: SafeString
    url: str
    unit_name: str
    date: datetime


@dataclass
class SearchPage:
    q: str
    words: list[str]
    total: int = 0
    page: int = 1
    pages: int = 0
    hits: list[Hit] = field(default_factory=list)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _may_search(viewer: Any) -> bool:
    return bool(
        getattr(viewer, "is_authenticated", False)
        and viewer.is_active
        and getattr(viewer, "unit_id", None)
    )


def visible_entries(*, viewer: Any, kind: str = "") -> QuerySet[SearchEntry]:
    """Every index entry the viewer may see (of one kind, if given)."""
    scope = Q(pk__in=[])
    if _may_search(viewer):
        for src in sources():
            if not kind or src.kind == kind:
                scope |= Q(kind=src.kind, object_id__in=src.visible_ids(viewer))
    return SearchEntry.objects.filter(scope)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(
    qs: QuerySet[SearchEntry], *, unit_id: int | None, date_from: date | None, date_to: date | None
) -> QuerySet[SearchEntry]:
    if date_from and date_to and date_from > date_to:
        raise DomainError("起始日期不能晚于截止日期。")
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if date_from:
        qs = qs.filter(date__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(date__lt=_day_start(date_to + timedelta(days=1)))
    return qs


def _hit(viewer: Any, entry: SearchEntry, words: list[str]) -> Hit:
    src = source(entry.kind)
    return Hit(
        kind=entry.kind,
        kind_label=src.label if src else entry.kind,
        object_id=entry.object_id,
        title=highlight(entry.title, words),
        snippet=snippet(entry.text, words),
        url=src.url_for(viewer, entry) if src else "",
        unit_name=entry.unit.short_name if entry.unit else "",
        date=entry.date,
    )


def search(
    *,
    viewer: Any,
    q: str,
    kind: str = "",
    unit_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> SearchPage:
    """One page of what the viewer may see matching every word of `q`."""
    words = query_words(q)
    result = SearchPage(q=q, words=words, page=max(1, min(page, MAX_PAGE)))
    if kind and source(kind) is None:
        raise DomainError("没有这种检索类别。")
    if not words:
        return result
    qs = _filtered(
        visible_entries(viewer=viewer, kind=kind),
        unit_id=unit_id,
        date_from=date_from,
        date_to=date_to,
    )
    qs = backend().matching(qs, words)
    result.total = qs.count()
    result.pages = (result.total + page_size - 1) // page_size
    start = (result.page - 1) * page_size
    rows = qs.select_related("unit").order_by("-date", "-id")[start : start + page_size]
    result.hits = [_hit(viewer, e, words) for e in rows]
    return result
