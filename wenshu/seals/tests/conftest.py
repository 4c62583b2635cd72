"""Seal fixtures: a unit-A seal made through the real lifecycle (no shortcuts into the models)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conftest import make_person
from wenshu.seals import services
from wenshu.seals.models import Seal, SealApplication


def apply_new(
    city: Any, custodians: list[Any], k: int, seal_type: str = "document"
) -> SealApplication:
    return services.seal_application_submit(
        actor=city.a_clerk,
        data=services.ApplicationInput(
            kind="new",
            reason="公文专用章用于电子公文签章",
            seal_type=seal_type,
            custodians=custodians,
            threshold_k=k,
        ),
    )


def approve(city: Any, app: SealApplication) -> SealApplication:
    app = services.seal_application_sign_off(actor=city.a_leader, application=app, approve=True)
    return services.seal_application_decide(actor=city.zhengfuban, application=app, approve=True)


def make_seal(city: Any, custodians: list[Any], k: int, seal_type: str = "document") -> Seal:
    app = approve(city, apply_new(city, custodians, k, seal_type))
    return services.seal_produce(actor=city.shuziban, application=app)


@pytest.fixture
def keepers(city: Any) -> list[Any]:
    """Unit A's three custodians: the cast's a_custodian and two more."""
    return [
        city.a_custodian,
        make_person("a_custodian2", city.a, "seal_custodian", real_name="艾保管二"),
        make_person("a_custodian3", city.a, "seal_custodian", real_name="艾保管三"),
    ]


@pytest.fixture
def seal(city: Any, keepers: list[Any]) -> Seal:
    """A 公文专用章 of unit A in use: 2 of its 3 custodians must approve each use."""
    return make_seal(city, keepers, 2)


@pytest.fixture
def use(city: Any, seal: Seal) -> Callable[..., Any]:
    """use(digest) → a request by a_clerk approved by the first two custodians."""

    def _use(digest: str = "ab" * 32, approvals: int = 2) -> Any:
        req = services.seal_use_request(
            actor=city.a_clerk, seal=seal, digest_hex=digest, purpose="印发通知"
        )
        for person in [c.person for c in seal.custodians.order_by("id")][:approvals]:
            services.seal_use_decide(actor=person, request=req, approve=True)
        req.refresh_from_db()
        return req

    return _use
