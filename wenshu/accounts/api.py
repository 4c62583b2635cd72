"""/api/v1/accounts/: login for scripts, the person's own data and tokens, account
requests, roles, password change and reset, the password policy. Each route calls the
same service as its page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest
from django.middleware.csrf import get_token
from ninja import Router, Status

from wenshu.accounts import selectors, services
from wenshu.accounts.api_schemas import (
    ApproveIn,
    CloseRequestIn,
    DecisionOut,
    ErrorOut,
    LoginAttemptOut,
    LoginIn,
    LoginOut,
    MeOut,
    OpenRequestIn,
    PasswordChangeIn,
    PersonOut,
    PolicyIn,
    PolicyOut,
    ProfileIn,
    RejectIn,
    RequestOut,
    ResetOut,
    RoleIn,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
)
from wenshu.accounts.login_steps import second_factor_url
from wenshu.accounts.models import User
from wenshu.lib.errors import DomainError

router = Router(tags=["人员与登录"])

_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
}
MAX_PAGE = 200


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _me(person: User) -> dict[str, Any]:
    return {
        **PersonOut.of(person),
        "office_phone": person.office_phone,
        "share_mobile": person.share_mobile,
        "notify_sms": person.notify_sms,
        "notify_inapp": person.notify_inapp,
        "password_change_due": services.password_change_due(person),
    }


def _window(items: Any, limit: int, offset: int) -> Any:
    limit = max(1, min(limit, MAX_PAGE))
    return items[max(offset, 0) : max(offset, 0) + limit]


@router.post(
    "/login",
    auth=None,
    response={200: LoginOut, 423: ErrorOut, 429: ErrorOut, **_ERRORS},
    summary="以用户名和密码登录（脚本用，建立会话）",
)
def login(request: HttpRequest, payload: LoginIn) -> Any:
    # Refusals are answered here, not by the global handler: the login history already
    # records them, and a wrong password is not an audit event.
    try:
        ok = services.login_password(
            request=request, username=payload.username, password=payload.password
        )
    except DomainError as exc:
        return Status(
            exc.status, {"error": exc.code, "message": exc.message, "detail": exc.message}
        )
    if second_factor_url(ok.user):
        message = (
            "该账号须使用登录密钥（第二因素）登录，接口不能只凭密码登录；"
            "请在浏览器中登录，或改用个人 API 令牌。"
        )
        return Status(
            403, {"error": "second_factor_required", "message": message, "detail": message}
        )
    services.login_complete(request=request, user=ok.user)
    return Status(200, {"me": _me(ok.user), "csrf_token": get_token(request)})


@router.post("/logout", response={200: dict, **_ERRORS}, summary="退出当前会话")
def logout(request: HttpRequest) -> Any:
    services.session_logout(request=request)
    return {"ok": True}


@router.get("/me", response={200: MeOut, **_ERRORS}, summary="当前登录人员")
def me(request: HttpRequest) -> Any:
    return _me(_actor(request))


@router.patch("/me", response={200: MeOut, **_ERRORS}, summary="修改本人联系方式与提醒设置")
def me_update(request: HttpRequest, payload: ProfileIn) -> Any:
    person = _actor(request)
    current = {
        f: getattr(person, f)
        for f in ("mobile", "office_phone", "share_mobile", "notify_sms", "notify_inapp")
    }
    changes = {k: v for k, v in payload.dict().items() if v is not None}
    updated = services.profile_update(
        actor=person, choices=services.ProfileChoices(**{**current, **changes})
    )
    return _me(updated)


@router.post("/password", response={200: dict, **_ERRORS}, summary="修改本人密码")
def password_change(request: HttpRequest, payload: PasswordChangeIn) -> Any:
    person = _actor(request)
    old_key = request.session.session_key if request.user.is_authenticated else None
    services.password_change(
        user=person,
        old_password=payload.old_password,
        new_password=payload.new_password,
        keep_session_key=old_key,
    )
    if old_key:
        person.refresh_from_db()
        update_session_auth_hash(request, person)
        services.session_rekey(old_key=old_key, new_key=request.session.session_key)
    return {"ok": True}


@router.get("/tokens", response={200: list[TokenOut], **_ERRORS}, summary="本人的 API 令牌")
def tokens(request: HttpRequest) -> Any:
    return [TokenOut.of(t) for t in selectors.api_tokens_for(viewer=_actor(request))]


@router.post(
    "/tokens", response={201: TokenCreatedOut, **_ERRORS}, summary="创建 API 令牌（令牌只返回一次）"
)
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    token, raw = services.api_token_create(
        actor=_actor(request), name=payload.name, expires_at=payload.expires_at
    )
    return Status(201, {**TokenOut.of(token), "token": raw})


@router.post(
    "/tokens/{token_id}/revoke", response={200: TokenOut, **_ERRORS}, summary="吊销 API 令牌"
)
def token_revoke(request: HttpRequest, token_id: int) -> Any:
    return TokenOut.of(services.api_token_revoke(actor=_actor(request), token_id=token_id))


@router.get("/requests", response={200: list[RequestOut], **_ERRORS}, summary="账号申请列表")
def requests_list(request: HttpRequest, status: str = "", limit: int = 50, offset: int = 0) -> Any:
    found = selectors.account_requests_for(viewer=_actor(request), status=status)
    return [RequestOut.of(r) for r in _window(found, limit, offset)]


@router.post("/requests", response={201: DecisionOut, **_ERRORS}, summary="申报开设账号")
def request_open(request: HttpRequest, payload: OpenRequestIn) -> Any:
    data = payload.dict()
    unit_id = data.pop("unit_id")
    decision = services.account_request_open(
        actor=_actor(request), filing=services.OpeningFiling(**data), unit_id=unit_id
    )
    return Status(
        201,
        {"request": RequestOut.of(decision.request), "initial_password": decision.initial_password},
    )


@router.post("/requests/close", response={201: DecisionOut, **_ERRORS}, summary="申报注销账号")
def request_close(request: HttpRequest, payload: CloseRequestIn) -> Any:
    actor = _actor(request)
    person = selectors.person_for(viewer=actor, pk=payload.person_id)
    decision = services.account_request_close(actor=actor, person=person, reason=payload.reason)
    return Status(201, {"request": RequestOut.of(decision.request), "initial_password": None})


@router.get("/requests/{request_id}", response={200: RequestOut, **_ERRORS}, summary="账号申请详情")
def request_detail(request: HttpRequest, request_id: int) -> Any:
    return RequestOut.of(selectors.account_request_for(viewer=_actor(request), pk=request_id))


@router.post(
    "/requests/{request_id}/approve",
    response={200: DecisionOut, **_ERRORS},
    summary="市数字办批准（开设时返回一次性初始密码）",
)
def request_approve(request: HttpRequest, request_id: int, payload: ApproveIn) -> Any:
    actor = _actor(request)
    found = selectors.account_request_for(viewer=actor, pk=request_id)
    decision = services.account_request_approve(actor=actor, request=found, note=payload.note)
    return {
        "request": RequestOut.of(decision.request),
        "initial_password": decision.initial_password,
    }


@router.post(
    "/requests/{request_id}/reject", response={200: RequestOut, **_ERRORS}, summary="市数字办驳回"
)
def request_reject(request: HttpRequest, request_id: int, payload: RejectIn) -> Any:
    actor = _actor(request)
    found = selectors.account_request_for(viewer=actor, pk=request_id)
    return RequestOut.of(
        services.account_request_reject(actor=actor, request=found, reason=payload.reason)
    )


@router.post(
    "/requests/{request_id}/withdraw", response={200: RequestOut, **_ERRORS}, summary="申报单位撤回"
)
def request_withdraw(request: HttpRequest, request_id: int) -> Any:
    actor = _actor(request)
    found = selectors.account_request_for(viewer=actor, pk=request_id)
    return RequestOut.of(services.account_request_withdraw(actor=actor, request=found))


@router.get("/people", response={200: list[PersonOut], **_ERRORS}, summary="人员列表（按管理范围）")
def people(
    request: HttpRequest,
    q: str = "",
    status: str = "",
    unit_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Any:
    found = selectors.people_for(viewer=_actor(request), q=q, status=status, unit_id=unit_id)
    return [PersonOut.of(p) for p in _window(found, limit, offset)]


@router.get("/people/{person_id}", response={200: PersonOut, **_ERRORS}, summary="人员详情")
def person(request: HttpRequest, person_id: int) -> Any:
    return PersonOut.of(selectors.person_for(viewer=_actor(request), pk=person_id))


@router.post("/people/{person_id}/roles", response={201: PersonOut, **_ERRORS}, summary="授予角色")
def role_grant(request: HttpRequest, person_id: int, payload: RoleIn) -> Any:
    actor = _actor(request)
    found = selectors.person_for(viewer=actor, pk=person_id)
    services.role_grant(actor=actor, user=found, role=payload.role)
    return Status(201, PersonOut.of(selectors.person_for(viewer=actor, pk=person_id)))


@router.delete(
    "/people/{person_id}/roles/{role}", response={200: PersonOut, **_ERRORS}, summary="撤销角色"
)
def role_revoke(request: HttpRequest, person_id: int, role: str) -> Any:
    actor = _actor(request)
    found = selectors.person_for(viewer=actor, pk=person_id)
    services.role_revoke(actor=actor, user=found, role=role)
    return PersonOut.of(selectors.person_for(viewer=actor, pk=person_id))


@router.post(
    "/people/{person_id}/password-reset",
    response={200: ResetOut, **_ERRORS},
    summary="恢复初始密码（初始密码只返回一次）",
)
def password_reset(request: HttpRequest, person_id: int) -> Any:
    actor = _actor(request)
    found = selectors.person_for(viewer=actor, pk=person_id)
    return {"initial_password": services.password_reset(actor=actor, user=found)}


@router.post(
    "/people/{person_id}/unlock",
    response={200: PersonOut, **_ERRORS},
    summary="安全保密管理员解锁账号",
)
def unlock(request: HttpRequest, person_id: int) -> Any:
    actor = _actor(request)
    found = selectors.person_for(viewer=actor, pk=person_id)
    return PersonOut.of(services.account_unlock(actor=actor, user=found))


@router.get(
    "/login-history",
    response={200: list[LoginAttemptOut], **_ERRORS},
    summary="登录记录（本人；安全审计员可按用户名、地址查询任何人）",
)
def login_history(
    request: HttpRequest,
    username: str = "",
    ip: str = "",
    result: str = "",
    limit: int = 50,
    offset: int = 0,
) -> Any:
    actor = _actor(request)
    if username or ip or result:
        found = selectors.login_attempts_search(
            viewer=actor, username=username, ip=ip, result=result
        )
    else:
        found = selectors.login_history(viewer=actor, person=actor)
    return [LoginAttemptOut.of(a) for a in _window(found, limit, offset)]


@router.get("/password-policy", response={200: PolicyOut, **_ERRORS}, summary="当前密码策略")
def policy(request: HttpRequest) -> Any:
    current = services.password_policy()
    return {f: getattr(current, f) for f in services.POLICY_FIELDS}


@router.put(
    "/password-policy", response={200: PolicyOut, **_ERRORS}, summary="安全保密管理员设置密码策略"
)
def policy_update(request: HttpRequest, payload: PolicyIn) -> Any:
    updated = services.password_policy_update(actor=_actor(request), values=payload.dict())
    return {f: getattr(updated, f) for f in services.POLICY_FIELDS}
