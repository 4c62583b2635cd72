from django.urls import path

from wenshu.seals import views

app_name = "seals"
urlpatterns = [
    path("", views.registry, name="registry"),
    path("unit/", views.unit_seals, name="unit_seals"),
    path("maker.pem", views.maker_certificates, name="maker_certificates"),
    path("<int:pk>/", views.seal_detail, name="seal"),
    path("<int:pk>/picture.png", views.seal_picture, name="picture"),
    path("<int:pk>/seal.der", views.seal_download, name="seal_der"),
    path("<int:pk>/loss/", views.seal_loss, name="loss"),
    path("applications/", views.applications, name="applications"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path(
        "applications/<int:pk>/sign-off/", views.application_sign_off, name="application_sign_off"
    ),
    path("applications/<int:pk>/decide/", views.application_decide, name="application_decide"),
    path(
        "applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"
    ),
    path("applications/<int:pk>/produce/", views.application_produce, name="application_produce"),
    path("applications/<int:pk>/confirm/", views.destruction_confirm, name="destruction_confirm"),
    path("applications/<int:pk>/destroy/", views.destroy, name="destroy"),
    path("queue/leader/", views.queue, {"which": "leader"}, name="queue_leader"),
    path("queue/gov/", views.queue, {"which": "gov"}, name="queue_gov"),
    path("queue/production/", views.queue, {"which": "production"}, name="queue_production"),
    path("queue/destruction/", views.queue, {"which": "destruction"}, name="queue_destruction"),
    path("use/", views.use_queue, name="use_queue"),
    path("use/new/<int:seal_pk>/", views.use_request_new, name="use_request_new"),
    path("use/<int:pk>/", views.use_request_detail, name="use_request"),
    path("use/<int:pk>/decide/", views.use_decide, name="use_decide"),
    path("use/<int:pk>/sign/", views.use_sign, name="use_sign"),
    path("use/<int:pk>/cancel/", views.use_cancel, name="use_cancel"),
    path("use/<int:pk>/signature.ses", views.use_signature_download, name="use_signature"),
    path("rules/", views.rules, name="rules"),
    path("verify/", views.verify, name="verify"),
]
