"""The REST API at /api/v1/: one NinjaAPI, one router per app, one error shape."""

from __future__ import annotations

from typing import Any, ClassVar

import ninja.openapi.schema
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.schema import NinjaGenerateJsonSchema
from ninja.security import SessionAuth

from wenshu.accounts.api import router as accounts_router
from wenshu.accounts.api_auth import ApiTokenAuth
from wenshu.assets.api import router as assets_router
from wenshu.audit.api import router as audit_router
from wenshu.bulletins.api import router as bulletins_router
from wenshu.directory.api import router as directory_router
from wenshu.documents.api import router as documents_router
from wenshu.exchange.api import router as exchange_router
from wenshu.handling.api import router as handling_router
from wenshu.keys.api import router as keys_router
from wenshu.library.api import router as library_router
from wenshu.meetings.api import router as meetings_router
from wenshu.messaging.api import router as messaging_router
from wenshu.notify.api import router as notify_router
from wenshu.org.api import router as org_router
from wenshu.schedules.api import router as schedules_router
from wenshu.seals.api import router as seals_router
from wenshu.search.api import router as search_router
from wenshu.tickets.api import router as tickets_router
from wenshu.web import api_errors
from wenshu.workflow.api import router as workflow_router


class UniqueNamesJsonSchema(NinjaGenerateJsonSchema):
    """Ninja merges every operation's schema definitions into one `components` map keyed by
    the short class name, so two apps' `UnitOut` overwrite each other and the description
    documents the wrong fields. The first class keeps the short name; another class with the
    same name gets its module path (e.g. `wenshu.directory.api.UnitOut`)."""

    owners: ClassVar[dict[str, str]] = {}

    def get_defs_ref(self, core_mode_ref: Any) -> Any:
        defs_ref = super().get_defs_ref(core_mode_ref)
        choices = self._prioritized_defsref_choices[defs_ref]
        short, qualified = choices[0], choices[2]
        if self.owners.setdefault(short, qualified) != qualified:
            self._prioritized_defsref_choices[defs_ref] = choices[2:]
        return defs_ref


# ninja.openapi.schema looks the generator up by this module-level name.
ninja.openapi.schema.NinjaGenerateJsonSchema = UniqueNamesJsonSchema  # type: ignore[misc]


class WenshuAPI(NinjaAPI):
    def _get_urls(self) -> list[URLPattern | URLResolver]:
        return api_errors.json_not_allowed(self, super()._get_urls())


api = WenshuAPI(
    title="文枢 Wenshu API",
    version="1",
    description=(
        "文枢电子公文系统接口。认证：浏览器会话（需 CSRF 令牌）"
        "或个人 API 令牌（Authorization: Bearer …）。"
    ),
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
api.add_router("/documents", documents_router)
api.add_router("/exchange", exchange_router)
api.add_router("/handling", handling_router)
api.add_router("/meetings", meetings_router)
api.add_router("/mail", messaging_router)
api.add_router("/bulletins", bulletins_router)
api.add_router("/library", library_router)
api.add_router("/directory", directory_router)
api.add_router("/tickets", tickets_router)
api.add_router("/assets", assets_router)
api.add_router("/search", search_router)
api.add_router("/schedules", schedules_router)
