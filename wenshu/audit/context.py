"""Who is acting, from where: set once per request (or task) and read by audit_record."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditContext:
    ip: str = ""
    on_behalf_of_id: int | None = None
    on_behalf_of_name: str = ""


# AuditContext is frozen, so one shared default instance is safe.
_current: ContextVar[AuditContext] = ContextVar("wenshu_audit_context", default=AuditContext())  # noqa: B039


def current() -> AuditContext:
    return _current.get()


@contextlib.contextmanager
def audit_context(**values: object) -> Iterator[None]:
    token = _current.set(AuditContext(**{**current().__dict__, **values}))
    try:
        yield
    finally:
        _current.reset(token)
