from django.urls import include, path

from config.api import api

urlpatterns = [
    path("", include("wenshu.web.urls")),
    path("accounts/", include("wenshu.accounts.urls")),
    path("org/", include("wenshu.org.urls")),
    path("audit/", include("wenshu.audit.urls")),
    path("notify/", include("wenshu.notify.urls")),
    path("keys/", include("wenshu.keys.urls")),
    path("seals/", include("wenshu.seals.urls")),
    path("workflow/", include("wenshu.workflow.urls")),
    path("documents/", include("wenshu.documents.urls")),
    path("exchange/", include("wenshu.exchange.urls")),
    path("handling/", include("wenshu.handling.urls")),
    path("meetings/", include("wenshu.meetings.urls")),
    path("mail/", include("wenshu.messaging.urls")),
    path("bulletins/", include("wenshu.bulletins.urls")),
    path("library/", include("wenshu.library.urls")),
    path("directory/", include("wenshu.directory.urls")),
    path("assets/", include("wenshu.assets.urls")),
    path("tickets/", include("wenshu.tickets.urls")),
    path("search/", include("wenshu.search.urls")),
    path("schedules/", include("wenshu.schedules.urls")),
    path("api/v1/", api.urls),
]

handler400 = "wenshu.web.views.bad_request"
handler403 = "wenshu.web.views.forbidden"
handler404 = "wenshu.web.views.not_found"
handler500 = "wenshu.web.views.server_error"
