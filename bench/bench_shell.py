#!/usr/bin/env python
"""The page shell's per-request cost: requests per second of pages through the shell against
a bare authenticated view, in one run, with the queries each page makes.

    .venv/bin/python bench/bench_shell.py [--seconds 20]
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_shell.py

In-process through Django's whole request handling (every middleware, the session, the
authentication backend) with DEBUG off, one client: the server's own work without a network,
per CPU second of this process (see `_rates`; on PostgreSQL the database server's time is not
in it). The pages, all as the clerk of a unit of a small generated city (bench/make_city.py;
SQLite in a temporary file, or a throwaway PostgreSQL database):

* bare      — /bench/bare/: login required, renders nothing (the baseline);
* shell     — /bench/shell/: the empty base layout, i.e. the navigation only;
* trivial   — /handling/delegations/: a small real page;
* inbox     — /exchange/inbox/?tab=signed: the recipient inbox, 50 rows;
* workbench — /workbench/: the counters.

The pages take turns for `--seconds`. This script is the URL conf while it runs: the two bench
pages beside the site's own.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PAGES = {
    "bare": "/bench/bare/",
    "shell": "/bench/shell/",
    "trivial": "/handling/delegations/",
    "inbox": "/exchange/inbox/?tab=signed",
    "workbench": "/workbench/",
}
urlpatterns: list[Any] = []  # filled by _serve_bench_pages() once Django is set up


def _serve_bench_pages() -> None:
    """Make this module the URL conf: the two bench pages, then the whole site."""
    from django.conf import settings
    from django.contrib.auth.decorators import login_required
    from django.http import HttpRequest, HttpResponse
    from django.shortcuts import render
    from django.urls import include, path

    @login_required
    def bare(request: HttpRequest) -> HttpResponse:
        return HttpResponse(str(request.user.pk))

    @login_required
    def shell(request: HttpRequest) -> HttpResponse:
        return render(request, "web/base.html")

    urlpatterns[:] = [
        path("bench/bare/", bare),
        path("bench/shell/", shell),
        path("", include("config.urls")),
    ]
    settings.ROOT_URLCONF = __name__


def _client(user: Any) -> Any:
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(user, backend="wenshu.accounts.backends.WenshuBackend")
    return client


def _queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered HTTP {response.status_code}")
    return len(ctx.captured_queries)


def _rates(client: Any, seconds: float) -> dict[str, float]:
    """Requests per CPU second of each page, the pages taking turns request by request.

    CPU time of this process (Django and SQLite both run in it), not wall time, and the pages
    interleaved: on a shared machine other work then slows no page more than another.
    """
    spent, done = dict.fromkeys(PAGES, 0.0), dict.fromkeys(PAGES, 0)
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        for name, url in PAGES.items():
            started = time.process_time()
            client.get(url)
            spent[name] += time.process_time() - started
            done[name] += 1
    return {name: done[name] / spent[name] for name in PAGES}


def _clerk() -> Any:
    from make_city import make_city

    from wenshu.accounts.models import User

    facts = make_city(units=50, deliveries=5_000, quiet=True)
    clerk = User.objects.get(username="clerk0")
    rows = clerk.unit.deliveries_in.count()
    print(
        f"城市：{facts['units']} 个单位，{facts['deliveries']:,} 条送达；文书 clerk0 收文 {rows} 条"
    )
    return clerk


def _run(args: argparse.Namespace, label: str) -> int:
    print(f"数据库：{label}")
    _serve_bench_pages()
    client = _client(_clerk())
    counts = {name: _queries(client, url) for name, url in PAGES.items()}  # also warms up
    rates = _rates(client, args.seconds)
    for name, url in PAGES.items():
        print(f"{name:<10} {rates[name]:7.0f} 次/CPU秒  {counts[name]:3d} 次查询  {url}")
    for name in ("shell", "trivial", "inbox", "workbench"):
        print(f"比值（throughput ratio）：{name} / bare = {rates[name] / rates['bare']:.2f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="wall time, all pages")
    args = parser.parse_args()
    os.environ["WENSHU_DEBUG"] = "0"  # as in production: no query log kept per request
    from bench_inbox import _setup  # the same throwaway database (SQLite or PostgreSQL)

    with tempfile.TemporaryDirectory(prefix="wenshu-shell-") as tmp:
        label, drop = _setup(tmp)
        try:
            return _run(args, label)
        finally:
            from django.db import connections

            connections.close_all()
            drop()


if __name__ == "__main__":
    sys.exit(main())
