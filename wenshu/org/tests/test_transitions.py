"""The transitions tables are the only way a status moves."""

from __future__ import annotations

import pytest

from wenshu.lib.errors import Conflict
from wenshu.org.models import (
    REQUEST_TRANSITIONS,
    UNIT_TRANSITIONS,
    RenameRequest,
    RequestStatus,
    Unit,
)

UNIT_ALLOWED = {("applied", "registered"), ("applied", "rejected"), ("registered", "deregistered")}
REQUEST_ALLOWED = {("pending", "approved"), ("pending", "rejected"), ("pending", "withdrawn")}


def test_every_status_has_a_row():
    assert set(UNIT_TRANSITIONS) == set(Unit.Status.values)
    assert set(REQUEST_TRANSITIONS) == set(RequestStatus.values)


@pytest.mark.parametrize("current", Unit.Status.values)
@pytest.mark.parametrize("target", Unit.Status.values)
def test_unit_moves_only_along_the_table(current, target):
    unit = Unit(status=current)
    if (current, target) in UNIT_ALLOWED:
        unit.move_to(target)
        assert unit.status == target
    else:
        with pytest.raises(Conflict, match="不能改为"):
            unit.move_to(target)
        assert unit.status == current


@pytest.mark.parametrize("current", RequestStatus.values)
@pytest.mark.parametrize("target", RequestStatus.values)
def test_requests_move_only_along_the_table(current, target):
    request = RenameRequest(status=current)
    if (current, target) in REQUEST_ALLOWED:
        request.move_to(target)
        assert request.status == target
    else:
        with pytest.raises(Conflict):
            request.move_to(target)
