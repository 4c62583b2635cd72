"""Request and response shapes of the accounts API (pydantic via django-ninja)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from wenshu.accounts.models import AccountRequest, ApiToken, LoginAttempt, User
from wenshu.accounts.roles import Role


class ErrorOut(Schema):
    error: str
    message: str
    detail: Any = None  # the message again, or the list of validation errors


class LoginIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=128)


class PersonOut(Schema):
    id: int
    username: str
    real_name: str
    unit_id: int
    unit_name: str
    department_id: int | None
    department: str
    post: str
    duties: str
    mobile: str
    status: str
    roles: list[str]
    locked: bool
    must_change_password: bool

    @staticmethod
    def of(person: User) -> dict[str, Any]:
        return {
            "id": person.pk,
            "username": person.username,
            "real_name": person.real_name,
            "unit_id": person.unit_id,
            "unit_name": person.unit.full_name,
            "department_id": person.department_id,
            "department": person.department.name if person.department else "",
            "post": person.post,
            "duties": person.duties,
            "mobile": person.mobile,
            "status": person.status,
            "roles": sorted(r.value for r in person.role_set),
            "locked": person.is_locked,
            "must_change_password": person.must_change_password,
        }


class MeOut(PersonOut):
    office_phone: str
    share_mobile: bool
    notify_sms: bool
    notify_inapp: bool
    password_change_due: bool


class LoginOut(Schema):
    me: MeOut
    csrf_token: str = Field(..., description="后续以会话调用写操作时放入 X-CSRFToken 请求头")


class ProfileIn(Schema):
    mobile: str | None = Field(None, max_length=20)
    office_phone: str | None = Field(None, max_length=40)
    share_mobile: bool | None = None
    notify_sms: bool | None = None
    notify_inapp: bool | None = None


class PasswordChangeIn(Schema):
    old_password: str = Field(..., max_length=128)
    new_password: str = Field(..., max_length=128)


class TokenIn(Schema):
    name: str = Field(..., max_length=100)
    expires_at: datetime | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @staticmethod
    def of(token: ApiToken) -> dict[str, Any]:
        return {
            f: getattr(token, f)
            for f in (
                "id",
                "name",
                "prefix",
                "created_at",
                "expires_at",
                "last_used_at",
                "revoked_at",
            )
        }


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="只返回这一次，系统不保存明文")


class OpenRequestIn(Schema):
    username: str = Field(..., max_length=60)
    real_name: str = Field(..., max_length=60)
    unit_id: int | None = Field(None, description="仅市数字办为无系统管理员的单位申报时填写")
    department_id: int | None = None
    post: str = Field("", max_length=60)
    duties: str = Field("", max_length=4000)
    mobile: str = Field("", max_length=20)
    roles: list[str] = Field(default_factory=lambda: [Role.STAFF.value])
    reason: str = Field("", max_length=300)


class CloseRequestIn(Schema):
    person_id: int
    reason: str = Field("", max_length=300)


class ApproveIn(Schema):
    note: str = Field("", max_length=300)


class RejectIn(Schema):
    reason: str = Field(..., max_length=300)


class RequestOut(Schema):
    id: int
    kind: str
    status: str
    unit_id: int
    unit_name: str
    username: str
    real_name: str
    department_id: int | None
    post: str
    duties: str
    mobile: str
    roles: list[str]
    reason: str
    requested_by: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str
    person_id: int | None

    @staticmethod
    def of(req: AccountRequest) -> dict[str, Any]:
        return {
            "id": req.pk,
            "kind": req.kind,
            "status": req.status,
            "unit_id": req.unit_id,
            "unit_name": req.unit.full_name,
            "username": req.username,
            "real_name": req.real_name,
            "department_id": req.department_id,
            "post": req.post,
            "duties": req.duties,
            "mobile": req.mobile,
            "roles": list(req.roles),
            "reason": req.reason,
            "requested_by": req.requested_by.username,
            "created_at": req.created_at,
            "decided_by": req.decided_by.username if req.decided_by else None,
            "decided_at": req.decided_at,
            "decision_note": req.decision_note,
            "person_id": req.person_id,
        }


class DecisionOut(Schema):
    request: RequestOut
    initial_password: str | None = Field(None, description="开设账号获批时返回一次，系统不保存明文")


class RoleIn(Schema):
    role: str = Field(..., max_length=30)


class ResetOut(Schema):
    initial_password: str = Field(..., description="只返回这一次；本人登录后须立即修改")


class LoginAttemptOut(Schema):
    at: datetime
    username: str
    ip: str
    result: str
    detail: str

    @staticmethod
    def of(a: LoginAttempt) -> dict[str, Any]:
        return {
            "at": a.at,
            "username": a.username,
            "ip": a.ip,
            "result": a.result,
            "detail": a.detail,
        }


class PolicyIn(Schema):
    min_length: int = Field(..., ge=0, le=1000)
    max_length: int = Field(..., ge=0, le=1000)
    require_letter: bool
    require_digit: bool
    require_symbol: bool
    allow_symbols: bool
    history_count: int = Field(..., ge=0, le=1000)
    max_age_days: int = Field(..., ge=0, le=100000)
    lockout_threshold: int = Field(..., ge=0, le=1000)
    lockout_minutes: int = Field(..., ge=0, le=100000)


class PolicyOut(PolicyIn):
    pass
