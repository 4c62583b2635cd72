#!/usr/bin/env python
"""The recipient inbox (收文) at scale, in one run: selector latency at a small and a large city
(ratio), and inbox page throughput against a trivial authenticated page on the same server.

    .venv/bin/python bench/bench_inbox.py [--small 10000] [--large 200000] [--units 1000]
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_inbox.py --large 1000000

SQLite in a temporary file by default; with DATABASE_URL=postgres://… a throwaway database
(wenshu_bench_<random>) is created and dropped afterwards. The city comes from
bench/make_city.py (COPY on PostgreSQL). Measured for the clerk of one unit (its inbox holds
about deliveries / units rows):

* latency — `exchange.selectors.inbox` first page of 50 (待签收 and 已签收 tabs) plus the
  tab counts, median of 30, at `--small` and then (the same city grown) at `--large`;
* throughput — gunicorn (2 workers × 4 threads) serving /exchange/inbox/?tab=signed and a
  trivial authenticated page (/handling/delegations/: two tiny queries), 4 client threads,
  `--seconds` each, at the large size.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
TRIVIAL = "/handling/delegations/"
INBOX = "/exchange/inbox/?tab=signed"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


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
    os.environ.update(DATABASE_URL=url, WENSHU_VAR_DIR=tmp, WENSHU_TASKS_IMMEDIATE="0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, skip_checks=True)
    return label, drop


def _latency(clerk: Any, reps: int = 30) -> float:
    """Median ms of one inbox view's reads: two tabs' first page and the tab counts."""
    from wenshu.exchange import selectors

    times = []
    for _ in range(reps):
        t = time.perf_counter()
        for tab in ("awaiting", "signed"):
            list(selectors.inbox(viewer=clerk, tab=tab)[:50])
        selectors.inbox_counts(viewer=clerk)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _session_cookie(user: Any) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


def _hammer(port: int, path: str, cookie: str, seconds: float, threads: int = 4) -> float:
    """Requests per second with `threads` keep-alive clients for `seconds`."""
    done, stop, errors = [0] * threads, time.perf_counter() + seconds, []

    def worker(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop:
            conn.request("GET", path, headers={"Cookie": cookie, "Host": "localhost"})
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                errors.append(resp.status)
                return
            done[k] += 1

    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise SystemExit(f"{path} answered HTTP {errors[0]}")
    return sum(done) / (time.perf_counter() - started)


def _server(port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=200_000, help="e.g. 1000000")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wenshu-inbox-") as tmp:
        label, drop = _setup(tmp)
        try:
            return _run(args, label)
        finally:
            from django.db import connections

            connections.close_all()
            drop()


def _run(args: argparse.Namespace, label: str) -> int:
    from django.db import connection
    from make_city import make_city

    from wenshu.accounts.models import User

    print(f"数据库：{label}")
    small = make_city(units=args.units, deliveries=args.small, quiet=True)
    clerk = User.objects.get(username="clerk0")
    inbox_rows = clerk.unit.deliveries_in.count()
    lat_small = _latency(clerk)
    print(
        f"{small['deliveries']:,} 条送达（该单位收文 {inbox_rows:,} 条）：收文箱读取 "
        f"{lat_small:.2f} ms（生成用时 {small['seconds']:.1f} 秒）"
    )
    large = make_city(units=args.units, deliveries=args.large, quiet=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    inbox_rows = clerk.unit.deliveries_in.count()
    lat_large = _latency(clerk)
    print(
        f"{large['deliveries']:,} 条送达（该单位收文 {inbox_rows:,} 条）：收文箱读取 "
        f"{lat_large:.2f} ms（生成用时 {large['seconds']:.1f} 秒）"
    )
    print(
        f"比值（latency ratio）：{large['deliveries']:,} / {small['deliveries']:,} 条时的"
        f"收文箱读取耗时 = {lat_large / lat_small:.2f}"
    )
    cookie = _session_cookie(clerk)
    port = _free_port()
    server = _server(port)
    try:
        for path in (TRIVIAL, INBOX):  # warm up both workers on both pages
            _hammer(port, path, cookie, 1.0)
        trivial = _hammer(port, TRIVIAL, cookie, args.seconds)
        inbox = _hammer(port, INBOX, cookie, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"吞吐：收文箱页面 {inbox:.0f} 次/秒，简单登录页面 {trivial:.0f} 次/秒")
    print(f"比值（throughput ratio）：收文箱 / 简单页面 = {inbox / trivial:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
