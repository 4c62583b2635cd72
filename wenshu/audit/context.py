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


_current: ContextVar[AuditContext] = ContextVar("wenshu_audit_context", default=AuditContext())


def current() -> AuditContext:
    return _current.get()


@contextlib.contextmanager
def audit_context(**values: object) -> Iterator[None]:
    token = _current.set(AuditContext(**{**current().__dict__, **values}))  # type: ignore[arg-type]
    try:
        yield
    finally:
        _current.reset(token)
