"""/api/v1/search: full-text search over what the caller may see. Snippets and titles are
HTML with the query words in <mark> (everything else escaped)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from wenshu.search import selectors

router = Router(tags=["全文检索"])


class SearchParams(Schema):
    q: str = Field("", max_length=100)
    kind: str = ""
    unit: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = Field(1, ge=1, le=selectors.MAX_PAGE)


class HitOut(Schema):
    kind: str
    kind_label: str
    object_id: int
    title_html: str
    snippet_html: str
    url: str
    unit_name: str
    date: datetime


class SearchOut(Schema):
    q: str
    words: list[str]
    total: int
    page: int
    pages: int
    results: list[HitOut]


@router.get("", response=SearchOut, summary="全文检索")
def search(request: HttpRequest, params: Query[SearchParams]) -> SearchOut:
    page = selectors.search(
        viewer=request.user,
        q=params.q,
        kind=params.kind,
        unit_id=params.unit,
        date_from=params.date_from,
        date_to=params.date_to,
        page=params.page,
    )
    hits = [
        HitOut(
            kind=h.kind,
            kind_label=h.kind_label,
            object_id=h.object_id,
            title_html=str(h.title),
            snippet_html=str(h.snippet),
            url=h.url,
            unit_name=h.unit_name,
            date=h.date,
        )
        for h in page.hits
    ]
    return SearchOut(
        q=page.q, words=page.words, total=page.total, page=page.page, pages=page.pages, results=hits
    )
