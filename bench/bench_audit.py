#!/usr/bin/env python
"""How much the SM3 chain costs: audit_record appends per second against a raw bulk insert
of the same number of unchained rows, in the same run, and the ratio.

    .venv/bin/python bench/bench_audit.py [--rows 2000]

SQLite in a temporary file by default. With DATABASE_URL=postgres://… it creates a throwaway
database on that server (wenshu_bench_<random>), and drops it afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _postgres_throwaway(url: str) -> tuple[str, Callable[[], None]]:
    import psycopg

    name = f"wenshu_bench_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(urlsplit(url)._replace(path=f"/{name}")), drop


def _setup(tmp: str) -> tuple[str, Callable[[], None]]:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        url, drop = _postgres_throwaway(url)
        label = "PostgreSQL（临时数据库）"
    else:
        url, drop, label = f"sqlite:///{tmp}/bench.sqlite3", (lambda: None), "SQLite（临时文件）"
    os.environ["DATABASE_URL"] = url
    os.environ["WENSHU_VAR_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, skip_checks=True)
    return label, drop


def _rate(n: int, seconds: float) -> str:
    return f"{n} 条，{seconds:.3f} 秒，{n / seconds:,.0f} 条/秒"


def _bench(rows: int) -> tuple[float, float, float, float]:
    from django.db import transaction
    from django.utils import timezone

    from wenshu.audit.models import AuditEvent
    from wenshu.audit.services import audit_record
    from wenshu.audit.verify import chain_verify

    details = {"document": "白财发〔2026〕12号", "copies": 3}
    started = time.perf_counter()
    for i in range(rows):  # each append its own transaction, as a request would make it
        audit_record(actor=None, action="bench.chained", details={**details, "i": i})
    chained = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():  # the same appends without a commit each: the chain's own cost
        for i in range(rows):
            audit_record(actor=None, action="bench.chained", details={**details, "i": i})
    chained_one_tx = time.perf_counter() - started

    now = timezone.now()
    plain = [
        AuditEvent(
            seq=10**12 + i,
            created_at=now,
            action="bench.plain",
            details={**details, "i": i},
            prev_hash="0" * 64,
            hash=f"{10**12 + i:064x}",
        )
        for i in range(rows)
    ]
    started = time.perf_counter()
    with transaction.atomic():
        AuditEvent.objects.bulk_create(plain, batch_size=500)
    bulk = time.perf_counter() - started
    AuditEvent.objects.filter(action="bench.plain").delete()  # leave a chain that verifies

    started = time.perf_counter()
    report = chain_verify()
    verify = time.perf_counter() - started
    assert report.ok, report.finding
    return chained, chained_one_tx, bulk, verify


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory(prefix="wenshu-bench-") as tmp:
        label, drop = _setup(tmp)
        try:
            chained, chained_one_tx, bulk, verify = _bench(rows)
        finally:
            from django.db import connections

            connections.close_all()
            drop()
    print(f"数据库：{label}")
    print(f"audit_record 逐条追加（SM3 链，每条一个事务）：{_rate(rows, chained)}")
    print(f"audit_record 逐条追加（同一事务内，不计提交开销）：{_rate(rows, chained_one_tx)}")
    print(f"原始批量插入（不成链，一个事务）：{_rate(rows, bulk)}")
    print(
        f"比值：批量插入速度是逐条链式追加的 {chained / bulk:.1f} 倍"
        f"（链式追加 / 批量插入 = {bulk / chained:.3f}；"
        f"同一事务内为 {chained_one_tx / bulk:.1f} 倍）"
    )
    print(f"整链校验：{_rate(2 * rows, verify)}")


if __name__ == "__main__":
    main()
