from django.urls import path

from wenshu.exchange import views, views_received

app_name = "exchange"
urlpatterns = [
    path("to-dispatch/", views.to_dispatch, name="to_dispatch"),
    path("sent/", views.sent, name="sent"),
    path("documents/<int:document_id>/send/", views.send, name="send"),
    path("documents/<int:document_id>/", views.tracking, name="tracking"),
    path("documents/<int:document_id>/remind/", views.remind_all, name="remind_all"),
    path("deliveries/<int:delivery_id>/remind/", views.remind, name="remind"),
    path("inbox/", views_received.inbox, name="inbox"),
    path("received/<int:document_id>/", views_received.received, name="received"),
    path("received/<int:delivery_id>/sign/", views_received.sign, name="sign"),
    path("received/<int:delivery_id>/return/", views_received.return_, name="return"),
    path("received/<int:delivery_id>/fault/", views_received.fault, name="fault"),
    path("received/<int:delivery_id>/print/", views_received.print_, name="print"),
    path("received/<int:delivery_id>/request/", views_received.request_, name="request"),
    path("received/<int:delivery_id>/seal.png", views_received.seal_picture, name="seal_picture"),
    path("requests/", views_received.requests, name="requests"),
    path("requests/<int:request_id>/decide/", views_received.decide, name="decide"),
    path("received/package/<int:delivery_id>/", views.received_package, name="received_package"),
]
