"""Chinese word segmentation (jieba) for the index and for queries, and safe highlighting.

The dictionary loads once per process (~0.6 s), on first use. Documents are indexed with
``cut_for_search`` (long words plus their shorter dictionary words, so 电子公文 is found by
公文); queries use the precise ``cut``, and every query word must occur (AND).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 12
_WORDLIKE = re.compile(r"\w", re.UNICODE)
_lock = threading.Lock()
_ready = False


def _jieba() -> Any:
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba


def segment_for_index(text: str) -> str:
    """The text as space-separated words, the form both backends index."""
    words = _jieba().cut_for_search(text or "")
    return " ".join(w.lower() for w in words if _WORDLIKE.search(w))


def query_words(q: str) -> list[str]:
    """The distinct words of a query (punctuation dropped), at most MAX_QUERY_WORDS."""
    seen: list[str] = []
    for word in _jieba().cut((q or "")[:MAX_QUERY_CHARS]):
        word = word.strip().lower()
        if word and _WORDLIKE.search(word) and word not in seen:
            seen.append(word)
    return seen[:MAX_QUERY_WORDS]


def _pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    if not ordered:
        return None
    return re.compile("|".join(re.escape(w) for w in ordered), re.IGNORECASE)


def highlight(text: str, words: Iterable[str]) -> SafeString:
    """`text` HTML-escaped, with each occurrence of a word wrapped in <mark>."""
    pattern = _pattern(words)
    text = text or ""
    if pattern is None:
        return mark_safe(escape(text))  # noqa: S308 (escaped just now)
    out: list[str] = []
    last = 0
    for m in pattern.finditer(text):
        out.append(escape(text[last : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        last = m.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 (every piece escaped above)


def snippet(text: str, words: Iterable[str], width: int = 120) -> SafeString:
    """About `width` characters of `text` around the first hit, escaped and highlighted."""
    words = list(words)
    flat = " ".join((text or "").split())
    pattern = _pattern(words)
    first = pattern.search(flat) if pattern else None
    start = max(0, (first.start() if first else 0) - width // 3)
    piece = flat[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(flat) else ""
    return mark_safe(prefix + highlight(piece, words) + suffix)  # noqa: S308
