"""The search index: one ``SearchEntry`` per (kind, object id) of an indexed source.

The words themselves live beside it, per database: on SQLite an FTS5 table ``search_fts``
(rowid = entry id) holding the jieba-segmented text; on PostgreSQL a ``search_vector`` tsvector
column of this table with a GIN index. Both are made by migration 0002 and written only by
``backends``. Who may see an entry is never stored here: results are filtered by each source's
live visibility query (see registry).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

# Enough text for snippets; the index itself gets the whole (segmented) text.
STORED_TEXT_CHARS = 20_000


class SearchEntry(models.Model):
    kind = models.CharField("类别", max_length=20)
    object_id = models.BigIntegerField()
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    date = models.DateTimeField("日期")
    title = models.CharField("标题", max_length=300)
    text = models.TextField("正文摘录", blank=True)
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "检索条目"
        constraints = (
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_once"),
        )
        indexes = (
            models.Index(fields=["kind", "-date"], name="search_entry_kind_date"),
            models.Index(fields=["-date"], name="search_entry_date"),
        )

    def __str__(self) -> str:
        return f"{self.kind}#{self.object_id} {self.title}"


class Watermark(models.Model):
    """Per source: the start of the last incremental run that finished."""

    kind = models.CharField(max_length=20, unique=True)
    since = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.kind} ≥ {self.since:%Y-%m-%d %H:%M:%S}"
