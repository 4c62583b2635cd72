"""Signals of org, for apps above it (notify) that org must not import (DESIGN.md layering).

`request_decided` is sent when the digital office decides a unit's request: a registration
application (registered / refused), a rename or a deregistration (carried out / returned).
It is sent inside the decision's transaction, so receivers do database work only and roll
back with the decision; anything leaving the process goes through `transaction.on_commit`
(notify_send already does). Receivers connect in their AppConfig.ready().

Keyword arguments (the same as `wenshu.accounts.signals.account_request_decided`):
    sender      the request's model class (UnitApplication, RenameRequest, Deregistration)
    request     the decided request row
    requester   the person who filed it, the one to tell
    actor       the digital-office administrator who decided
    approved    True when registered / carried out, False when refused
    subject     what was decided, in Chinese: "单位登记申请（白银市审计局）"
    outcome     the decision, in Chinese: "已通过审核，单位已注册" / "已退回"
    reason      the reason or opinion given (always present on a refusal)
    link        the request's page inside Wenshu
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

request_decided = Signal()


def send_request_decided(
    *,
    request: Any,
    requester: Any,
    actor: Any,
    approved: bool,
    subject: str,
    outcome: str,
    reason: str,
    link: str,
) -> None:
    """Tell the listeners; a listener's error rolls the decision back (call inside it)."""
    request_decided.send(
        sender=type(request),
        request=request,
        requester=requester,
        actor=actor,
        approved=approved,
        subject=subject,
        outcome=outcome,
        reason=reason,
        link=link,
    )
