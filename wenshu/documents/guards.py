"""The database's own guard of sealed documents (migration 0002 creates the triggers).

On both SQLite and PostgreSQL, triggers refuse: an UPDATE of a sealed document's content
columns (or a status moving back from 已用印), the DELETE of a sealed document, any UPDATE or
DELETE of a SealedPackage, and any INSERT, UPDATE or DELETE of a sealed document's
attachments. The services refuse first with a clear message; the triggers catch whatever
gets past them (a raw SQL statement, a bug, a hand-edited row).

The one deliberate way past them is `manage.py flush`, which wipes the whole database (tests
do it after every transactional test). PostgreSQL's flush uses TRUNCATE, which fires no
row trigger; SQLite's flush deletes row by row, so here the flush statements are wrapped to
disarm the SQLite triggers (a flag row in documents_dbguard) for that one transaction.
"""

from __future__ import annotations

from typing import Any

GUARD_TABLE = "documents_dbguard"
_DISARM = f"UPDATE {GUARD_TABLE} SET armed = 0;"  # noqa: S608 (a constant table name)
_ARM = f"UPDATE {GUARD_TABLE} SET armed = 1;"  # noqa: S608


def release_during_flush() -> None:
    """Wrap SQLite's sql_flush once per process (see the module docstring)."""
    # Through .base: importing .operations first is a circular import in Django.
    from django.db.backends.sqlite3.base import (  # type: ignore[attr-defined]
        DatabaseOperations,
    )

    original = DatabaseOperations.sql_flush
    if getattr(original, "_wenshu_guarded", False):
        return

    def sql_flush(self: Any, style: Any, tables: Any, **kwargs: Any) -> list[str]:
        statements = original(self, style, tables, **kwargs)
        if not statements or "documents_document" not in tables:
            return statements
        return [_DISARM, *statements, _ARM]

    sql_flush._wenshu_guarded = True  # type: ignore[attr-defined]
    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]
