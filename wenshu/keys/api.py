"""/api/v1/keys/: the login-key lifecycle and the WebAuthn ceremonies as JSON.

The ceremonies keep their challenge in the browser session (the authenticator runs in a
browser anyway), so they need a session cookie. The login-step routes take no API
authentication (the person is not logged in yet) but check the CSRF token themselves.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.utils import check_csrf

from wenshu.accounts.models import User
from wenshu.keys import login, production, selectors, services, totp
from wenshu.keys.login import drop_ended_session
from wenshu.keys.models import KeyApplication, KeyKind, KeyLossReport, LoginKey
from wenshu.lib.errors import Forbidden, NotFound
from wenshu.org.models import Unit

router = Router(tags=["登录密钥"])


class ApplicationOut(Schema):
    id: int
    status: str
    status_label: str
    kind: str
    unit_id: int
    applicant_id: int
    intended_holder_id: int
    reason: str
    loss_report_id: int | None
    applied_at: datetime
    review_comment: str
    collected_by_name: str
    collection_method: str
    collected_at: datetime | None
    key_id: int | None

    @staticmethod
    def resolve_status_label(obj: KeyApplication) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_key_id(obj: KeyApplication) -> int | None:
        key = getattr(obj, "key", None)
        return key.pk if key else None


class KeyOut(Schema):
    id: int
    kind: str
    serial: str
    status: str
    status_label: str
    status_reason: str
    holder_id: int
    holder_name: str
    unit_id: int
    produced_at: datetime
    last_used_at: datetime | None
    is_demo: bool

    @staticmethod
    def resolve_status_label(obj: LoginKey) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_holder_name(obj: LoginKey) -> str:
        return obj.holder.display_name

    @staticmethod
    def resolve_unit_id(obj: LoginKey) -> int:
        return obj.holder.unit_id


class LossOut(Schema):
    id: int
    key_id: int
    holder_id: int
    unit_id: int
    reported_by_id: int
    reported_at: datetime
    circumstances: str
    sessions_ended: int
    status: str
    findings: str
    handling: str


class ApplyIn(Schema):
    intended_holder_id: int
    kind: KeyKind
    reason: str = Field(..., max_length=2000)


class CommentIn(Schema):
    comment: str = Field("", max_length=500)


class SerialIn(Schema):
    serial: str = Field("", max_length=60)


class TotpProducedOut(Schema):
    key: KeyOut
    secret: str = Field(..., description="Base32 密钥，只返回这一次")
    otpauth_uri: str


class CredentialIn(Schema):
    credential: dict[str, Any]
    serial: str = Field("", max_length=60)


class CollectIn(Schema):
    collected_by_name: str = Field(..., max_length=60)
    method: KeyApplication.Method
    collected_at: datetime | None = None


class TextIn(Schema):
    text: str = Field(..., max_length=2000, description="遗失经过 / 原因 / 核查情况")


class HolderChangeIn(Schema):
    new_holder_id: int
    reason: str = Field(..., max_length=300)


class FindingsIn(Schema):
    findings: str = Field(..., max_length=4000)
    handling: str = Field("", max_length=4000)


class ReapplyIn(Schema):
    reason: str = Field(..., max_length=2000)
    kind: KeyKind | None = None


class PolicyIn(Schema):
    mode: str = Field("", description="all / admins / none；空为跟随部署设置")


class RuleIn(Schema):
    unit_id: int | None = None
    role: str = ""
    required: bool = True
    note: str = Field("", max_length=200)


class RuleOut(Schema):
    id: int
    unit_id: int | None
    role: str
    required: bool
    note: str


class PolicyOut(Schema):
    mode: str
    effective: str
    rules: list[RuleOut]


class ListQuery(Schema):
    status: str | None = None
    kind: str | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class TotpCodeIn(Schema):
    code: str = Field(..., max_length=12)


class RedirectOut(Schema):
    ok: bool = True
    redirect: str


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _person_in_view(viewer: User, pk: int) -> User:
    person = User.objects.select_related("unit").filter(pk=pk).first()
    if person is None or (
        person.unit_id != viewer.unit_id and not viewer.has_role(*selectors.CITY_WIDE)
    ):
        raise NotFound("找不到该人员，或您无权查看。")
    return person


# ---------------------------------------------------------------- applications


@router.get("/applications", response=list[ApplicationOut])
def applications_list(request: HttpRequest, q: Query[ListQuery]) -> Any:
    qs = selectors.applications_for(viewer=_user(request), status=q.status, kind=q.kind)
    return list(qs[q.offset : q.offset + q.limit])


@router.post("/applications", response={201: ApplicationOut})
def applications_create(request: HttpRequest, data: ApplyIn) -> Any:
    actor = _user(request)
    holder = _person_in_view(actor, data.intended_holder_id)
    return Status(
        201,
        services.key_apply(actor=actor, intended_holder=holder, kind=data.kind, reason=data.reason),
    )


@router.get("/applications/{pk}", response=ApplicationOut)
def applications_get(request: HttpRequest, pk: int) -> Any:
    return selectors.application_get(viewer=_user(request), pk=pk)


@router.post("/applications/{pk}/withdraw", response=ApplicationOut)
def applications_withdraw(request: HttpRequest, pk: int) -> Any:
    app = selectors.application_get(viewer=_user(request), pk=pk)
    return services.key_application_withdraw(actor=_user(request), application=app)


@router.post("/applications/{pk}/approve", response=ApplicationOut)
def applications_approve(request: HttpRequest, pk: int, data: CommentIn) -> Any:
    app = selectors.application_get(viewer=_user(request), pk=pk)
    return services.key_application_approve(
        actor=_user(request), application=app, comment=data.comment
    )


@router.post("/applications/{pk}/reject", response=ApplicationOut)
def applications_reject(request: HttpRequest, pk: int, data: CommentIn) -> Any:
    app = selectors.application_get(viewer=_user(request), pk=pk)
    return services.key_application_reject(
        actor=_user(request), application=app, comment=data.comment
    )


@router.post("/applications/{pk}/produce-totp", response=TotpProducedOut)
def applications_produce_totp(request: HttpRequest, pk: int, data: SerialIn) -> Any:
    app = selectors.application_get(viewer=_user(request), pk=pk)
    key, secret = services.key_produce_totp(
        actor=_user(request), application=app, serial=data.serial
    )
    uri = totp.provisioning_uri(secret, account=app.intended_holder.username)
    return {"key": key, "secret": secret, "otpauth_uri": uri}


@router.post("/applications/{pk}/webauthn/options")
def applications_webauthn_options(request: HttpRequest, pk: int) -> Any:
    app = selectors.application_get(viewer=_user(request), pk=pk)
    return production.register_begin(actor=_user(request), application=app, session=request.session)


@router.post("/applications/{pk}/webauthn/verify", response=KeyOut)
def applications_webauthn_verify(request: HttpRequest, pk: int, data: CredentialIn) -> Any:
    app = selectors.application_get(viewer=_user(request), pk=pk)
    return production.register_finish(
        actor=_user(request),
        application=app,
        session=request.session,
        credential=data.credential,
        serial=data.serial,
    )


@router.post("/applications/{pk}/notify", response=ApplicationOut)
def applications_notify(request: HttpRequest, pk: int) -> Any:
    app = selectors.application_get(viewer=_user(request), pk=pk)
    return services.key_notify(actor=_user(request), application=app)


@router.post("/applications/{pk}/collect", response=ApplicationOut)
def applications_collect(request: HttpRequest, pk: int, data: CollectIn) -> Any:
    app = selectors.application_get(viewer=_user(request), pk=pk)
    return services.key_collect(
        actor=_user(request),
        application=app,
        collected_by_name=data.collected_by_name,
        method=data.method,
        collected_at=data.collected_at,
    )


# ---------------------------------------------------------------- keys


@router.get("/mine", response=list[KeyOut])
def keys_mine(request: HttpRequest) -> Any:
    return list(selectors.my_keys(viewer=_user(request)))


@router.get("/keys", response=list[KeyOut])
def keys_list(
    request: HttpRequest, q: Query[ListQuery], unit_id: int | None = None, search: str = ""
) -> Any:
    qs = selectors.keys_for(
        viewer=_user(request), status=q.status, kind=q.kind, unit_id=unit_id, query=search
    )
    return list(qs[q.offset : q.offset + q.limit])


@router.get("/keys/{pk}", response=KeyOut)
def keys_get(request: HttpRequest, pk: int) -> Any:
    return selectors.key_get(viewer=_user(request), pk=pk)


@router.post("/keys/{pk}/report-loss", response={201: LossOut})
def keys_report_loss(request: HttpRequest, pk: int, data: TextIn) -> Any:
    key = selectors.key_get(viewer=_user(request), pk=pk)
    report = services.key_report_loss(actor=_user(request), key=key, circumstances=data.text)
    drop_ended_session(request)
    return Status(201, report)


@router.post("/keys/{pk}/holder-change", response=KeyOut)
def keys_holder_change(request: HttpRequest, pk: int, data: HolderChangeIn) -> Any:
    key = selectors.key_get(viewer=_user(request), pk=pk)
    new_holder = _person_in_view(_user(request), data.new_holder_id)
    return services.key_holder_change(
        actor=_user(request), key=key, new_holder=new_holder, reason=data.reason
    )


@router.post("/keys/{pk}/revoke", response=KeyOut)
def keys_revoke(request: HttpRequest, pk: int, data: TextIn) -> Any:
    key = selectors.key_get(viewer=_user(request), pk=pk)
    revoked = services.key_revoke(actor=_user(request), key=key, reason=data.text)
    drop_ended_session(request)
    return revoked


@router.post("/keys/{pk}/reinstate", response=KeyOut)
def keys_reinstate(request: HttpRequest, pk: int, data: TextIn) -> Any:
    key = selectors.key_get(viewer=_user(request), pk=pk)
    return services.key_reinstate(actor=_user(request), key=key, note=data.text)


# ---------------------------------------------------------------- losses


@router.get("/losses", response=list[LossOut])
def losses_list(request: HttpRequest, q: Query[ListQuery]) -> Any:
    return list(
        selectors.losses_for(viewer=_user(request), status=q.status)[q.offset : q.offset + q.limit]
    )


@router.get("/losses/{pk}", response=LossOut)
def losses_get(request: HttpRequest, pk: int) -> KeyLossReport:
    return selectors.loss_get(viewer=_user(request), pk=pk)


@router.post("/losses/{pk}/findings", response=LossOut)
def losses_findings(request: HttpRequest, pk: int, data: FindingsIn) -> Any:
    report = selectors.loss_get(viewer=_user(request), pk=pk)
    return services.key_loss_findings(
        actor=_user(request), report=report, findings=data.findings, handling=data.handling
    )


@router.post("/losses/{pk}/reapply", response={201: ApplicationOut})
def losses_reapply(request: HttpRequest, pk: int, data: ReapplyIn) -> Any:
    report = selectors.loss_get(viewer=_user(request), pk=pk)
    return Status(
        201,
        services.key_reapply(
            actor=_user(request), report=report, reason=data.reason, kind=data.kind
        ),
    )


# ---------------------------------------------------------------- policy


def _policy_out(viewer: User) -> dict[str, Any]:
    from wenshu.keys.policy import effective_mode

    current, rules = selectors.policy_view(viewer=viewer)
    return {
        "mode": current.mode if current else "",
        "effective": effective_mode(),
        "rules": list(rules),
    }


@router.get("/policy", response=PolicyOut)
def policy_get(request: HttpRequest) -> Any:
    return _policy_out(_user(request))


@router.put("/policy", response=PolicyOut)
def policy_put(request: HttpRequest, data: PolicyIn) -> Any:
    selectors.policy_view(viewer=_user(request))
    services.key_policy_set(actor=_user(request), mode=data.mode)
    return _policy_out(_user(request))


@router.post("/policy/rules", response={201: RuleOut})
def policy_rule_add(request: HttpRequest, data: RuleIn) -> Any:
    selectors.policy_view(viewer=_user(request))
    unit = get_object_or_404(Unit, pk=data.unit_id) if data.unit_id else None
    return Status(
        201,
        services.key_policy_rule_add(
            actor=_user(request), unit=unit, role=data.role, required=data.required, note=data.note
        ),
    )


@router.delete("/policy/rules/{pk}", response={204: None})
def policy_rule_delete(request: HttpRequest, pk: int) -> Any:
    rule = selectors.policy_rule_get(viewer=_user(request), pk=pk)
    services.key_policy_rule_remove(actor=_user(request), rule=rule)
    return Status(204, None)


# ---------------------------------------------------------------- the login step


def _csrf(request: HttpRequest) -> None:
    if check_csrf(request) is not None:
        raise Forbidden("页面已过期或来源不正确（CSRF），请刷新后重试。")


@router.post("/login/webauthn/options", auth=None)
def login_webauthn_options(request: HttpRequest) -> Any:
    _csrf(request)
    return login.webauthn_begin(request=request)


@router.post("/login/webauthn/verify", auth=None, response=RedirectOut)
def login_webauthn_verify(request: HttpRequest, data: CredentialIn) -> Any:
    _csrf(request)
    return {"redirect": login.webauthn_finish(request=request, credential=data.credential)}


@router.post("/login/totp", auth=None, response=RedirectOut)
def login_totp(request: HttpRequest, data: TotpCodeIn) -> Any:
    _csrf(request)
    return {"redirect": login.totp_finish(request=request, code=data.code)}
