#!/usr/bin/env python
"""Dispatching one sealed document to 1,000 units: `document_send` against a raw bulk insert
of the same 1,000 delivery rows plus one SM2 signature, in the same run, and the ratio.

    .venv/bin/python bench/bench_dispatch.py [--units 1000] [--repeat 3]

SQLite in a temporary file by default. With DATABASE_URL=postgres://… it creates a throwaway
database on that server (wenshu_bench_<random>) and drops it afterwards. Migrates from
scratch, makes unit A (leader, clerk, custodian, staff) with a seal made through the seal
lifecycle, N registered units with one clerk each (with a mobile number, so every sending
writes N in-app notifications and N SMS outbox rows), and `repeat` documents sealed through
the documents services (draft → 核稿 → 签发 → 用印). Then times, per document:

* service — `exchange.services.document_send` to all N units: the document lock, the
  directory check of every unit, the Dispatch row, N deliveries and N timeline events
  (bulk), the document marked sent, the 分发 workflow step completed, the recipients'
  clerks notified (in-app + SMS outbox), the audit event, and the commit;
* raw — one transaction with `Delivery.objects.bulk_create` of the same N rows for another
  document plus one `gm.sign` (Tongsuo SM2) of a 32-byte digest, and the commit.

Tasks are queued, not run inline (WENSHU_TASKS_IMMEDIATE=0), as on a server: the SMS leave
through the outbox worker after the commit and are not part of the sending.
Prints the median of each and the ratio service/raw.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
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
    os.environ["WENSHU_TASKS_IMMEDIATE"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, skip_checks=True)
    return label, drop


# --- the city --------------------------------------------------------------------------------


def _unit(full_name: str, short: str, code: str, **fields: Any) -> Any:
    from django.utils import timezone

    from wenshu.org.models import Unit, UnitName

    now = timezone.now()
    unit = Unit.objects.create(
        full_name=full_name,
        short_name=short,
        agency_code=code,
        status=Unit.Status.REGISTERED,
        in_directory=True,
        registered_at=now,
        **fields,
    )
    UnitName.objects.create(
        unit=unit, full_name=full_name, short_name=short, agency_code=code, valid_from=now
    )
    return unit


def _person(username: str, unit: Any, role: str, mobile: str = "") -> Any:
    from django.utils import timezone

    from wenshu.accounts.models import RoleGrant, User

    user = User(
        username=username,
        real_name=username,
        unit=unit,
        status=User.Status.ACTIVE,
        must_change_password=False,
        password_changed_at=timezone.now(),
        mobile=mobile,
    )
    user.set_unusable_password()
    user.save()
    RoleGrant.objects.create(user=user, role=role)
    return user


def _recipients(n: int) -> list[int]:
    """n registered units in the directory, each with one clerk: bulk, it is only set-up."""
    from django.utils import timezone

    from wenshu.accounts.models import RoleGrant, User
    from wenshu.org.models import Unit, UnitName

    now = timezone.now()
    units = Unit.objects.bulk_create(
        Unit(
            full_name=f"白银市第{i + 1}号单位",
            short_name=f"单位{i + 1}",
            agency_code=f"白{i + 1}",
            status=Unit.Status.REGISTERED,
            in_directory=True,
            registered_at=now,
        )
        for i in range(n)
    )
    UnitName.objects.bulk_create(
        UnitName(unit=u, full_name=u.full_name, short_name=u.short_name, valid_from=now)
        for u in units
    )
    clerks = User.objects.bulk_create(
        User(
            username=f"clerk{i}",
            real_name=f"文书{i}",
            unit=u,
            status=User.Status.ACTIVE,
            must_change_password=False,
            password="!",
            mobile=f"139{i:08d}",
        )
        for i, u in enumerate(units)
    )
    RoleGrant.objects.bulk_create(RoleGrant(user=c, role="clerk") for c in clerks)
    return [u.pk for u in units]


def _city() -> dict[str, Any]:
    office = _unit("白银市数字白银工作办公室", "市数字办", "白数办", is_digital_office=True)
    gov = _unit("白银市人民政府办公室", "市政府办", "白政办")
    unit = _unit("白银市财政局", "市财政局", "白财")
    return {
        "city_admin": _person("shuziban", office, "city_admin"),
        "approver": _person("zhengfuban", gov, "gov_approver"),
        "clerk": _person("a_clerk", unit, "clerk"),
        "leader": _person("a_leader", unit, "unit_leader"),
        "custodian": _person("a_custodian", unit, "seal_custodian"),
        "staff": _person("a_staff", unit, "staff"),
    }


def _seal(people: dict[str, Any]) -> Any:
    from wenshu.seals import services

    app = services.seal_application_submit(
        actor=people["clerk"],
        data=services.ApplicationInput(
            kind="new",
            reason="基准测试",
            seal_type="document",
            custodians=[people["custodian"]],
            threshold_k=1,
        ),
    )
    app = services.seal_application_sign_off(actor=people["leader"], application=app, approve=True)
    app = services.seal_application_decide(actor=people["approver"], application=app, approve=True)
    return services.seal_produce(actor=people["city_admin"], application=app)


def _draft(people: dict[str, Any], seal: Any, i: int) -> Any:
    from wenshu.documents import services

    return services.document_create(
        actor=people["staff"],
        data=services.DraftInput(
            doc_type="通知",
            title=f"关于做好第{i + 1}批预算执行工作的通知",
            main_recipients="各单位",
            body_text="一、总体要求\n请认真做好预算执行工作。",
            seal_id=seal.pk,
        ),
    )


def _sealed(people: dict[str, Any], seal: Any, i: int) -> Any:
    """A document through the real flow: 拟稿 → 核稿 → 签发 → 用印 (1 of 1 custodians)."""
    from wenshu.documents import services
    from wenshu.workflow.models import WorkItem

    doc = services.document_submit(actor=people["staff"], document=_draft(people, seal, i))
    for task, who in (("review", "clerk"), ("sign", "leader")):
        item = WorkItem.objects.get(instance_id=doc.process_id, task_spec_id=task, status="open")
        services.document_act(actor=people[who], document=doc, item_id=item.pk)
    services.document_seal_decide(actor=people["custodian"], document=doc, approve=True)
    doc.refresh_from_db()
    assert doc.status == "sealed", doc.status
    return doc


# --- the measurements ------------------------------------------------------------------------


def _send(people: dict[str, Any], doc: Any, unit_ids: list[int]) -> None:
    from wenshu.exchange.services import document_send

    deliveries = document_send(
        actor=people["clerk"],
        document=doc,
        main_units=unit_ids,
        print_allowed=2,
        idempotency_key=uuid.uuid4().hex,
    )
    assert len(deliveries) == len(unit_ids)


def _time_service(people: dict[str, Any], doc: Any, unit_ids: list[int]) -> float:
    started = time.perf_counter()
    _send(people, doc, unit_ids)
    return time.perf_counter() - started


def _count_queries(people: dict[str, Any], doc: Any, unit_ids: list[int]) -> int:
    """SQL statements of one sending (a warm-up, not timed: capturing slows every query)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        _send(people, doc, unit_ids)
    return len(queries)


def _raw_target(people: dict[str, Any], seal: Any, i: int) -> Any:
    """Another document with its Dispatch row, made before the clock starts."""
    from django.utils import timezone

    from wenshu.exchange.models import Dispatch

    doc = _draft(people, seal, 1000 + i)
    return Dispatch.objects.create(
        document=doc,
        idempotency_key=f"raw-{i}",
        sender_unit_id=doc.unit_id,
        sender_name="白银市财政局",
        sent_by=people["clerk"],
        sent_at=timezone.now(),
    )


def _time_raw(dispatch: Any, unit_ids: list[int], key: Any) -> float:
    from django.db import transaction
    from django.utils import timezone

    from wenshu.exchange.models import Delivery
    from wenshu.lib import gm

    digest = gm.sm3(dispatch.document.title.encode())
    started = time.perf_counter()
    with transaction.atomic():
        now = timezone.now()
        Delivery.objects.bulk_create(
            Delivery(
                dispatch=dispatch,
                document_id=dispatch.document_id,
                recipient_unit_id=pk,
                recipient_name=f"白银市第{pk}号单位",
                kind="main",
                print_allowed=2,
                delivered_at=now,
            )
            for pk in unit_ids
        )
        gm.sign(key, digest)
    return time.perf_counter() - started


def run(units: int, repeat: int) -> dict[str, Any]:
    from wenshu.lib import gm

    people = _city()
    seal = _seal(people)
    unit_ids = _recipients(units)
    warm_up, *documents = [_sealed(people, seal, i) for i in range(repeat + 1)]
    targets = [_raw_target(people, seal, i) for i in range(repeat)]
    key = gm.generate_private_key()
    queries = _count_queries(people, warm_up, unit_ids)
    service, raw = [], []
    for doc, target in zip(documents, targets, strict=True):  # interleaved: same conditions
        service.append(_time_service(people, doc, unit_ids))
        raw.append(_time_raw(target, unit_ids, key))
    return {"service": service, "raw": raw, "queries": queries}


def report(result: dict[str, Any], units: int, label: str) -> str:
    service, raw = statistics.median(result["service"]), statistics.median(result["raw"])
    runs = len(result["service"])
    return "\n".join(
        [
            f"公文分发（{label}；{units} 个收文单位，每单位 1 名文书；各 {runs} 次取中位数）",
            f"  document_send              {service * 1000:9.1f} ms"
            f"  （{result['queries']} 次 SQL；{units / service:,.0f} 个单位/秒）",
            f"  raw bulk_insert + gm.sign  {raw * 1000:9.1f} ms",
            f"  ratio service/raw = {service / raw:.2f}"
            f"  (document_send 为裸插入加一次签名的 {service / raw:.1f} 倍)",
            "  各次（ms）：service "
            + ", ".join(f"{s * 1000:.0f}" for s in result["service"])
            + "；raw "
            + ", ".join(f"{s * 1000:.0f}" for s in result["raw"]),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--units", type=int, default=1000, help="recipient units")
    parser.add_argument("--repeat", type=int, default=3, help="documents sent (median)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wenshu-bench-dispatch-") as tmp:
        label, drop = _setup(tmp)
        try:
            print(report(run(args.units, args.repeat), args.units, label))
        finally:
            from django.db import connections

            connections.close_all()
            drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
