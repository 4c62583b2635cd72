#!/usr/bin/env python
"""Scale generator: a city of units, people, documents and deliveries, up to millions of
deliveries on PostgreSQL (COPY) or SQLite (bulk inserts in batches).

    DATABASE_URL=postgres://… .venv/bin/python bench/make_city.py --units 1000 --deliveries 1000000

Writes into the configured database (migrate it first). Every unit gets a clerk, a leader and
a staff member (unusable passwords; the bench logs in by session). One sender unit (市政府办)
sends every document; each dispatch goes to `--per-dispatch` units in rotation, so deliveries
spread evenly: a unit's inbox holds about deliveries / units rows. Deliveries are dated over the
past year; one in 20 is returned, five in 20 wait to be signed for, the rest are signed for
within 0–47 hours. Running it again grows the city to the new `--deliveries` total.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BATCH = 5000


def _units(n: int) -> list[Any]:
    """Units 单位1 … 单位n (only the missing ones are created) with clerk, leader and staff."""
    from django.utils import timezone

    from wenshu.accounts.models import RoleGrant, User
    from wenshu.org.models import Unit, UnitName

    have = list(Unit.objects.filter(short_name__startswith="规模单位").order_by("id"))
    now = timezone.now()
    new = Unit.objects.bulk_create(
        (
            Unit(
                full_name=f"白银市规模测试第{i + 1}号单位",
                short_name=f"规模单位{i + 1}",
                agency_code=f"规{i + 1}",
                status=Unit.Status.REGISTERED,
                in_directory=True,
                registered_at=now,
            )
            for i in range(len(have), n)
        ),
        batch_size=BATCH,
    )
    UnitName.objects.bulk_create(
        (
            UnitName(
                unit=u,
                full_name=u.full_name,
                short_name=u.short_name,
                agency_code=u.agency_code,
                valid_from=now,
            )
            for u in new
        ),
        batch_size=BATCH,
    )
    start = len(have)
    for role in ("clerk", "unit_leader", "staff"):
        people = User.objects.bulk_create(
            (
                User(
                    username=f"{role}{start + i}",
                    real_name=f"{role}{start + i}",
                    unit=u,
                    status=User.Status.ACTIVE,
                    must_change_password=False,
                    password="!",
                    password_changed_at=now,
                )
                for i, u in enumerate(new)
            ),
            batch_size=BATCH,
        )
        RoleGrant.objects.bulk_create(
            (RoleGrant(user=p, role=role) for p in people), batch_size=BATCH
        )
    return have + new


def _sender() -> tuple[Any, Any, Any]:
    from django.utils import timezone

    from wenshu.accounts.models import RoleGrant, User
    from wenshu.org.models import Unit, UnitName

    unit = Unit.objects.filter(short_name="规模发文单位").first()
    if unit is None:
        now = timezone.now()
        unit = Unit.objects.create(
            full_name="白银市规模测试发文单位",
            short_name="规模发文单位",
            agency_code="规发",
            status=Unit.Status.REGISTERED,
            in_directory=True,
            registered_at=now,
        )
        UnitName.objects.create(
            unit=unit,
            full_name=unit.full_name,
            short_name=unit.short_name,
            agency_code="规发",
            valid_from=now,
        )
        for name, role in (("sender_clerk", "clerk"), ("sender_staff", "staff")):
            u = User.objects.create(
                username=name,
                real_name=name,
                unit=unit,
                password="!",
                status=User.Status.ACTIVE,
                must_change_password=False,
            )
            RoleGrant.objects.create(user=u, role=role)
    clerk = User.objects.get(username="sender_clerk")
    staff = User.objects.get(username="sender_staff")
    return unit, clerk, staff


def _documents(n: int, sender: Any, clerk: Any, staff: Any, first: int) -> list[Any]:
    from wenshu.documents.models import Document
    from wenshu.exchange.models import Dispatch

    docs = Document.objects.bulk_create(
        (
            Document(
                unit=sender,
                drafter=staff,
                status=Document.Status.SENT,
                doc_type="通知",
                issuer_mark="白银市规模测试发文单位文件",
                issuer_signature="规模发文单位",
                title=f"关于做好第{first + i + 1}项工作的通知",
                doc_number=f"规发〔2026〕{first + i + 1}号",
            )
            for i in range(n)
        ),
        batch_size=BATCH,
    )
    return Dispatch.objects.bulk_create(
        (
            Dispatch(
                document=d,
                idempotency_key=f"scale-{d.pk}",
                sender_unit=sender,
                sender_name="规模发文单位",
                sent_by=clerk,
                sent_at=_when(first + i),
                main_count=0,
            )
            for i, d in enumerate(docs)
        ),
        batch_size=BATCH,
    )


def _when(i: int) -> datetime:
    from django.utils import timezone

    return timezone.now() - timedelta(minutes=(i * 7919) % (365 * 24 * 60))


def _rows(dispatches: list[Any], units: list[Any], per: int, first: int) -> Iterator[Any]:
    from wenshu.exchange.models import Delivery

    for k, d in enumerate(dispatches):
        at = d.sent_at
        for j in range(per):
            n = (first + k) * per + j
            unit = units[n % len(units)]
            row = Delivery(
                dispatch_id=d.pk,
                document_id=d.document_id,
                recipient_unit_id=unit.pk,
                recipient_name=unit.short_name,
                kind="main",
                print_allowed=2,
                delivered_at=at,
                status="signed",
            )
            slot = n % 20
            if slot == 0:
                row.status, row.returned_at, row.return_reason = "returned", at, "文号有误"
            elif slot <= 5:
                row.status = "delivered"
            else:
                row.verified_at = row.signed_at = at + timedelta(hours=n % 48)
            yield row


def _write(rows: Iterator[Any]) -> int:
    from django.db import connection

    from wenshu.exchange.models import Delivery

    if connection.vendor != "postgresql":
        batch, count = [], 0
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                count += len(Delivery.objects.bulk_create(batch))
                batch = []
        return count + len(Delivery.objects.bulk_create(batch))
    fields = [f for f in Delivery._meta.concrete_fields if not f.primary_key]
    cols = ", ".join(f'"{f.column}"' for f in fields)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f'COPY "{Delivery._meta.db_table}" ({cols}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row([getattr(row, f.attname) for f in fields])
            count += 1
    return count


def make_city(
    *, units: int, deliveries: int, per_dispatch: int = 20, quiet: bool = False
) -> dict[str, Any]:
    """Grow the city to `units` units and `deliveries` deliveries in total; returns facts."""
    from django.db import transaction

    from wenshu.exchange.models import Delivery

    started = time.perf_counter()
    all_units = _units(units)[:units]
    per = min(per_dispatch, len(all_units))
    sender, clerk, staff = _sender()
    have = Delivery.objects.filter(dispatch__sender_unit=sender).count()
    first = have // per
    todo = max(0, deliveries - have) // per
    chunk = 2000  # dispatches per transaction: 40 000 deliveries
    for at in range(0, todo, chunk):
        n = min(chunk, todo - at)
        with transaction.atomic():
            dispatches = _documents(n, sender, clerk, staff, first + at)
            _write(_rows(dispatches, all_units, per, first + at))
        if not quiet:
            print(f"  … {(first + at + n) * per:,} deliveries", flush=True)
    total = Delivery.objects.count()
    return {
        "units": len(all_units),
        "deliveries": total,
        "hot_unit": all_units[0],
        "seconds": time.perf_counter() - started,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--deliveries", type=int, default=200_000)
    parser.add_argument("--per-dispatch", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    facts = make_city(units=args.units, deliveries=args.deliveries, per_dispatch=args.per_dispatch)
    print(
        f"城市规模：{facts['units']:,} 个单位，{facts['deliveries']:,} 条送达，"
        f"用时 {facts['seconds']:.1f} 秒"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
