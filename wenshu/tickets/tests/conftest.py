"""Ticket fixtures: tickets made through the real services (no shortcuts into the models)."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from wenshu.accounts.api_auth import token_digest
from wenshu.accounts.models import ApiToken
from wenshu.tickets import services
from wenshu.tickets.models import Ticket


def report(
    person: Any,
    *,
    category: str = "exchange",
    summary: str = "无法接收来文",
    urgency: str = "normal",
    to_office: bool = False,
    **fields: Any,
) -> Ticket:
    return services.ticket_report(
        actor=person,
        data=services.ReportInput(
            category=category, summary=summary, urgency=urgency, to_office=to_office, **fields
        ),
    )


def at_office(city: Any, **fields: Any) -> Ticket:
    """Unit A's report, escalated by its system administrator: the clock is running."""
    ticket = report(city.a_clerk, **fields)
    return services.ticket_escalate(actor=city.a_admin, ticket=ticket, note="本单位无法排除")


def bearer(person: Any) -> dict[str, str]:
    token = secrets.token_urlsafe(24)
    ApiToken.objects.create(user=person, name="测试", prefix=token[:8], digest=token_digest(token))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def ticket(city: Any) -> Ticket:
    """A fresh report by unit A's clerk, waiting for unit A's system administrator."""
    return report(city.a_clerk)


@pytest.fixture
def office_ticket(city: Any) -> Ticket:
    return at_office(city)
