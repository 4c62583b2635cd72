#!/usr/bin/env python
"""Full-text search latency: the search service (jieba query, per-viewer scoping, filters,
count, paging, highlighted snippets) against the raw FTS query (match + count + newest 20, no
scoping) on the same indexed data in the same run; p50, p95 and their ratio.

    .venv/bin/python bench/bench_search.py [--items 100000] [--queries 200]

SQLite in a temporary file by default (FTS5); with DATABASE_URL=postgres://… a throwaway
database on that server (tsvector + GIN), dropped afterwards. The items are synthetic Chinese
texts built from a word list and inserted into the index directly (already segmented); that
generation is not measured. Scoping uses a bench source whose "may see" query keeps the
viewer's unit's items (1 unit in 20), the same shape of query as the real sources.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_WORD_TEXT = (
    "公文 印章 会议 预算 通知 报告 请示 批复 函件 纪要 财政 教育 卫生 交通 环保 审计 采购 合同 "
    "项目 资金 绩效 考核 档案 保密 安全 值班 应急 演练 培训 督查 督办 信访 调研 规划 建设 管理 "
    "服务 改革 发展 创新 数字 政务 平台 系统 网络 数据 共享 交换 签收 登记 办理 批示 承办 办结 "
    "拟稿 核稿 会签 签发 用印 审批 流程 制度 规范 标准 年度 季度 计划 总结 统计 分析 评估 验收 "
    "招标 投标 工程 设备 资产 维修 报废 人事 任免 编制 工资 社保 医保 养老 就业 扶贫 乡村 振兴 "
    "农业 林业 水利 气象 国土 住房 城乡 街道 社区 企业 税收 金融 债务 风险 防控 整改 问责 落实 "
    "部署 推进 协调 配合 报送 材料 说明 意见 方案 办法 细则 决定 公告 通报 简报 信息 宣传 舆情"
)
WORDS = _WORD_TEXT.split()


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
        label = "PostgreSQL（临时数据库，tsvector + GIN）"
    else:
        url, drop = f"sqlite:///{tmp}/bench.sqlite3", (lambda: None)
        label = "SQLite（临时文件，FTS5）"
    os.environ["DATABASE_URL"] = url
    os.environ["WENSHU_VAR_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, skip_checks=True)
    return label, drop


def _units(n: int) -> list[int]:
    from wenshu.org.models import Unit

    return [
        Unit.objects.create(full_name=f"测试单位{i}", short_name=f"单位{i}").pk for i in range(n)
    ]


def _generate(items: int, unit_ids: list[int], rng: random.Random) -> None:
    from django.db import transaction
    from django.utils import timezone

    from wenshu.search.backends import backend
    from wenshu.search.models import SearchEntry

    weights = [1 / (i + 1) for i in range(len(WORDS))]  # Zipf-like: some words are common
    start = timezone.now()
    for first in range(0, items, 2000):
        rows, segs = [], []
        for n in range(first, min(first + 2000, items)):
            words = rng.choices(WORDS, weights, k=rng.randint(30, 80))
            rows.append(
                SearchEntry(
                    kind="bench",
                    object_id=n,
                    unit_id=unit_ids[n % len(unit_ids)],
                    date=start - (n * 37 % 86400) * timezone.timedelta(seconds=60),
                    title="关于" + "".join(words[:4]) + "的通知",
                    text="".join(words),
                )
            )
            segs.append(" ".join(words))
        with transaction.atomic():
            made = SearchEntry.objects.bulk_create(rows)
            backend().write([(e.pk, s) for e, s in zip(made, segs, strict=True)])


def _register_bench_source() -> None:
    from wenshu.search import registry
    from wenshu.search.models import SearchEntry

    for src in registry.sources():
        registry.unregister_source(src.kind)
    registry.register_source(
        "bench",
        lambda since: [],
        lambda viewer: SearchEntry.objects.filter(kind="bench", unit_id=viewer.unit_id).values(
            "object_id"
        ),
        label="测试",
    )


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def _measure(queries: list[str], viewer: SimpleNamespace) -> tuple[list[float], list[float]]:
    from django.db import connection

    from wenshu.search.backends import backend
    from wenshu.search.segment import query_words
    from wenshu.search.selectors import search

    be = backend()
    service, raw = [], []
    for q in queries:
        t = time.perf_counter()
        search(viewer=viewer, q=q)
        service.append(time.perf_counter() - t)
        param = be.raw_param(q.split())
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(be.raw_count_sql(), [param])
            cur.fetchone()
            cur.execute(be.raw_page_sql(), [param, 20])
            cur.fetchall()
        raw.append(time.perf_counter() - t)
    query_words("预热")  # jieba was loaded before timing (see main)
    return service, raw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(20261125)
    with tempfile.TemporaryDirectory() as tmp:
        label, drop = _setup(tmp)
        try:
            _run(label, args, rng)
        finally:
            from django.db import connections

            connections.close_all()
            drop()


def _run(label: str, args: argparse.Namespace, rng: random.Random) -> None:
    from wenshu.search.segment import query_words

    t = time.perf_counter()
    unit_ids = _units(20)
    _generate(args.items, unit_ids, rng)
    _register_bench_source()
    query_words("加载词典")
    took = time.perf_counter() - t
    print(f"数据库：{label}；索引条目 {args.items} 条（生成用时 {took:.1f} 秒，不计入）")
    viewer = SimpleNamespace(pk=0, unit_id=unit_ids[0], is_active=True, is_authenticated=True)
    queries = [" ".join(rng.sample(WORDS[:60], rng.choice((1, 1, 2)))) for _ in range(args.queries)]
    _measure(queries[:10], viewer)  # warm caches
    service, raw = _measure(queries, viewer)
    sp50, sp95 = statistics.median(service) * 1000, _pct(service, 0.95) * 1000
    rp50, rp95 = statistics.median(raw) * 1000, _pct(raw, 0.95) * 1000
    print(f"查询 {len(queries)} 次（1–2 个词，每次：计数 + 最新 20 条）")
    print(f"检索服务（含权限范围、摘要高亮）：p50 {sp50:.2f} ms，p95 {sp95:.2f} ms")
    print(f"原始全文查询（无权限范围）：      p50 {rp50:.2f} ms，p95 {rp95:.2f} ms")
    print(f"比值（服务 / 原始）：p50 {sp50 / rp50:.2f}×，p95 {sp95 / rp95:.2f}×")


if __name__ == "__main__":
    main()
