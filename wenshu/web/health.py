"""Readiness checks for /healthz: the database and the task queue, each timed."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connection


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def check_task_queue(huey: Any = None) -> dict[str, Any]:
    if huey is None:
        from huey.contrib.djhuey import HUEY

        huey = HUEY
    return {"backend": type(huey.storage).__name__, "pending": huey.storage.queue_size()}


def run_checks(checks: dict[str, Callable[[], dict[str, Any]]]) -> tuple[bool, dict[str, Any]]:
    results: dict[str, Any] = {}
    healthy = True
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            results[name] = {"status": "ok", **check()}
        except Exception as exc:  # a health check reports every failure, whatever its kind
            healthy = False
            results[name] = {"status": "error", "error": f"{type(exc).__name__}: {exc}"[:300]}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return healthy, results


DEFAULT_CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": check_database,
    "task_queue": check_task_queue,
}
