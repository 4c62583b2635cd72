"""Signals of accounts, for apps above it (notify) that accounts must not import.

`account_request_decided` is sent when the digital office approves or refuses a unit's
request to open or close an account (S1 art. 12). It is sent inside the decision's
transaction: receivers do database work only and roll back with the decision; anything that
leaves the process goes through `transaction.on_commit` (notify_send already does).
Receivers connect in their AppConfig.ready().

Keyword arguments (the same as `wenshu.org.signals.request_decided`):
    sender      AccountRequest
    request     the decided request row
    requester   the unit administrator who filed it, the one to tell
    actor       the digital-office administrator who decided
    approved    True when approved (account opened / closed), False when refused
    subject     what was decided, in Chinese: "开设账号申请（李四，lisi）"
    outcome     the decision, in Chinese: "已批准，账号已开设" / "已驳回"
    reason      the reason or note given (always present on a refusal)
    link        the request's page inside Wenshu
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal
from django.urls import reverse

account_request_decided = Signal()


def send_account_request_decided(*, request: Any, actor: Any, approved: bool, reason: str) -> None:
    """Tell the listeners; a listener's error rolls the decision back (call inside it)."""
    if approved:
        done = "账号已开设" if request.kind == "open" else "账号已注销"
        outcome = f"已批准，{done}"
    else:
        outcome = "已驳回"
    account_request_decided.send(
        sender=type(request),
        request=request,
        requester=request.requested_by,
        actor=actor,
        approved=approved,
        subject=f"{request.get_kind_display()}申请（{request.real_name}，{request.username}）",
        outcome=outcome,
        reason=reason,
        link=reverse("accounts:request", args=[request.pk]),
    )
