"""Seal signing and verification speed: Wenshu's services against raw Tongsuo, in one run.

    .venv/bin/python bench/bench_seals.py [--n 200]

Sets Django up on a temporary SQLite database (migrated from scratch), makes a city with one
unit and a 2-of-3 seal through the real lifecycle, then times:

* service sign   — `seal_sign` on approved requests (row locks, key unwrap, SES_Signature,
                   the request update and the audit event included);
* service verify — `seal_verify` (GB/T 38540 checks, both SM2 signatures, registry look-up);
* raw sign/verify — `gm.sign` / `gm.verify` (Tongsuo) on the same TBS_Sign bytes.

Prints operations per second and the ratio service/raw for each.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _django(tmp: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["WENSHU_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["WENSHU_TASKS_IMMEDIATE"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _person(username: str, unit: Any, *roles: str) -> Any:
    from django.utils import timezone

    from wenshu.accounts.models import RoleGrant, User

    user = User(
        username=username,
        real_name=username,
        unit=unit,
        status=User.Status.ACTIVE,
        must_change_password=False,
        password_changed_at=timezone.now(),
    )
    user.set_unusable_password()
    user.save()
    for role in roles:
        RoleGrant.objects.create(user=user, role=role)
    return user


def _unit(full_name: str, short: str, **fields: Any) -> Any:
    from django.utils import timezone

    from wenshu.org.models import Unit, UnitName

    now = timezone.now()
    unit = Unit.objects.create(
        full_name=full_name,
        short_name=short,
        status=Unit.Status.REGISTERED,
        in_directory=True,
        registered_at=now,
        **fields,
    )
    UnitName.objects.create(unit=unit, full_name=full_name, short_name=short, valid_from=now)
    return unit


def _city() -> dict[str, Any]:
    office = _unit("白银市数字白银工作办公室", "市数字办", is_digital_office=True)
    gov = _unit("白银市人民政府办公室", "市政府办")
    unit = _unit("白银市财政局", "市财政局")
    return {
        "city_admin": _person("shuziban", office, "city_admin"),
        "approver": _person("zhengfuban", gov, "gov_approver"),
        "clerk": _person("a_clerk", unit, "clerk"),
        "leader": _person("a_leader", unit, "unit_leader"),
        "keepers": [_person(f"a_keeper{i}", unit, "seal_custodian") for i in range(3)],
    }


def _seal(people: dict[str, Any]) -> Any:
    from wenshu.seals import services

    app = services.seal_application_submit(
        actor=people["clerk"],
        data=services.ApplicationInput(
            kind="new",
            reason="基准测试",
            seal_type="document",
            custodians=people["keepers"],
            threshold_k=2,
        ),
    )
    app = services.seal_application_sign_off(actor=people["leader"], application=app, approve=True)
    app = services.seal_application_decide(actor=people["approver"], application=app, approve=True)
    return services.seal_produce(actor=people["city_admin"], application=app)


def _approved_requests(people: dict[str, Any], seal: Any, n: int) -> list[Any]:
    from wenshu.lib import gm
    from wenshu.seals import services

    requests = []
    for i in range(n):
        req = services.seal_use_request(
            actor=people["clerk"],
            seal=seal,
            digest_hex=gm.sm3_hex(f"document {i}".encode()),
            purpose="基准测试",
        )
        for keeper in people["keepers"][:2]:
            services.seal_use_decide(actor=keeper, request=req, approve=True)
        requests.append(req)
    return requests


def _rate(n: int, fn: Callable[[int], object]) -> float:
    start = time.perf_counter()
    for i in range(n):
        fn(i)
    return n / (time.perf_counter() - start)


def run(n: int) -> dict[str, float]:
    from wenshu.lib import gm, ses
    from wenshu.seals import services
    from wenshu.seals.services._common import unwrap_private_key

    people = _city()
    seal = _seal(people)
    requests = _approved_requests(people, seal, n)
    signed: list[Any] = []
    rates = {
        "service sign": _rate(
            n,
            lambda i: signed.append(services.seal_sign(actor=people["clerk"], request=requests[i])),
        )
    }
    first = signed[0]
    digest = gm.sm3_hex(b"document 0")
    assert services.seal_verify(signature_der=first.signature_der, digest_hex=digest).ok
    rates["service verify"] = _rate(
        n, lambda i: services.seal_verify(signature_der=first.signature_der, digest_hex=digest)
    )
    key = unwrap_private_key(seal.wrapped_key, seal.wrap_aad)
    parsed = ses.SES_Signature.load(first.signature_der)
    tbs, value = parsed["to_sign"].dump(), bytes(parsed["signature"].native)
    public = key.public_key()
    rates["raw sign"] = _rate(n, lambda i: gm.sign(key, tbs))
    rates["raw verify"] = _rate(n, lambda i: gm.verify(public, value, tbs))
    rates["_tbs_bytes"] = len(tbs)
    return rates


def report(rates: dict[str, float], n: int) -> str:
    lines = [f"电子印章签章/验章（n={n}，TBS_Sign {int(rates['_tbs_bytes'])} 字节，含印章图片）"]
    for name in ("service sign", "raw sign", "service verify", "raw verify"):
        lines.append(f"  {name:<15} {rates[name]:10.1f} ops/s")
    lines.append(
        f"  ratio sign   service/raw = {rates['service sign'] / rates['raw sign']:.3f}"
        f"  (raw is {rates['raw sign'] / rates['service sign']:.1f}× faster)"
    )
    lines.append(
        f"  ratio verify service/raw = {rates['service verify'] / rates['raw verify']:.3f}"
        f"  (raw is {rates['raw verify'] / rates['service verify']:.1f}× faster)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200, help="operations per measurement")
    args = parser.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="wenshu-bench-seals-")
    try:
        _django(tmp)
        print(report(run(args.n), args.n))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
