"""The REST API at /api/v1/: one NinjaAPI, one router per app, one error shape."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import SessionAuth

from wenshu.accounts.api import router as accounts_router
from wenshu.accounts.api_auth import ApiTokenAuth
from wenshu.audit.api import router as audit_router
from wenshu.keys.api import router as keys_router
from wenshu.notify.api import router as notify_router
from wenshu.org.api import router as org_router
from wenshu.seals.api import router as seals_router
from wenshu.web import api_errors
from wenshu.workflow.api import router as workflow_router

api = NinjaAPI(
    title="文枢 Wenshu API",
    version="1",
    description="文枢电子公文系统接口。认证：浏览器会话（需 CSRF 令牌）或个人 API 令牌（Authorization: Bearer …）。",
    urls_namespace="api",
    auth=[ApiTokenAuth(), SessionAuth()],
    docs_url="/docs",
)
api_errors.install(api)
api.add_router("/accounts", accounts_router)
api.add_router("/org", org_router)
api.add_router("/audit", audit_router)
api.add_router("/notify", notify_router)
api.add_router("/keys", keys_router)
api.add_router("/seals", seals_router)
api.add_router("/workflow", workflow_router)
