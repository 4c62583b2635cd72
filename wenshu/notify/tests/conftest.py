from __future__ import annotations

import pytest

from wenshu.notify.tests import gateways

PATH = "wenshu.notify.tests.gateways."


@pytest.fixture
def use_gateway(settings):
    """use_gateway("FailingGateway") routes SMS through that test gateway."""
    gateways.reset()
    gateways.FlakyGateway.failures_left = 2

    def _use(name: str) -> None:
        settings.SMS_GATEWAY = PATH + name

    _use("RecordingGateway")
    yield _use
    gateways.reset()


@pytest.fixture
def with_mobiles(city):
    """Unit A's clerk and leader registered mobiles (S1 第十六条); the staff member did not."""
    city.a_clerk.mobile = "13800000001"
    city.a_leader.mobile = "13800000002"
    city.a_clerk.save(update_fields=["mobile"])
    city.a_leader.save(update_fields=["mobile"])
    return city
