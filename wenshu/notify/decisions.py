"""Tell the person who filed a request how the digital office decided it.

org and accounts sit below notify and may not import it, so they send a signal on each
decision (`wenshu.org.signals`, `wenshu.accounts.signals`) and this module, connected in
NotifyConfig.ready(), turns it into one notification (in-app, and SMS if the person takes
SMS) inside the decision's transaction.
"""

from __future__ import annotations

from typing import Any

from wenshu.accounts.signals import account_request_decided
from wenshu.notify.services import notify_send
from wenshu.org.signals import request_decided

KIND = "request_decided"


def decision_text(
    *, subject: str, outcome: str, approved: bool, reason: str, actor: Any
) -> tuple[str, str]:
    """(title, body) of the notification; a refusal always carries its reason."""
    title = f"您提交的{subject}{outcome}"
    decider = f"办理人：{actor.real_name}（{actor.unit.short_name}）。"
    if not approved:
        return title, f"退回理由：{reason}\n{decider}修改后可重新提交申请。"
    return title, (f"审核意见：{reason}\n" if reason else "") + decider


def tell_requester(
    sender: Any,
    *,
    request: Any,
    requester: Any,
    actor: Any,
    approved: bool,
    subject: str,
    outcome: str,
    reason: str,
    link: str,
    **_: Any,
) -> None:
    # Someone who decides their own request (auto-approval) already knows the outcome.
    if requester is None or requester.pk == actor.pk:
        return
    title, body = decision_text(
        subject=subject, outcome=outcome, approved=approved, reason=reason, actor=actor
    )
    notify_send(
        recipients=[requester],
        title=title,
        body=body,
        link=link,
        kind=KIND,
        # one decision per request: a second delivery of the same signal adds nothing
        dedupe_key=f"decided:{sender._meta.label_lower}:{request.pk}",
    )


def connect() -> None:
    request_decided.connect(tell_requester, dispatch_uid="notify.tell_requester.org")
    account_request_decided.connect(tell_requester, dispatch_uid="notify.tell_requester.accounts")
