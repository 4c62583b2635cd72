from django.urls import path

from wenshu.keys import login_views, views

app_name = "keys"
urlpatterns = [
    path("login/", login_views.login_step, name="login"),
    path(
        "login/webauthn/options/", login_views.login_webauthn_options, name="login_webauthn_options"
    ),
    path("login/webauthn/verify/", login_views.login_webauthn_verify, name="login_webauthn_verify"),
    path("mine/", views.my_keys, name="mine"),
    path("applications/", views.applications, name="applications"),
    path("applications/new/", views.apply, name="apply"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path(
        "applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"
    ),
    path("applications/<int:pk>/review/", views.application_review, name="application_review"),
    path("applications/<int:pk>/produce/", views.produce, name="produce"),
    path(
        "applications/<int:pk>/webauthn/options/", views.register_options, name="register_options"
    ),
    path("applications/<int:pk>/webauthn/verify/", views.register_verify, name="register_verify"),
    path("applications/<int:pk>/notify/", views.application_notify, name="application_notify"),
    path("applications/<int:pk>/collect/", views.application_collect, name="application_collect"),
    path("approvals/", views.approvals, name="approvals"),
    path("office/", views.office, name="office"),
    path("registry/", views.registry, name="registry"),
    path("registry/<int:pk>/", views.key_detail, name="key"),
    path("registry/<int:pk>/loss/", views.key_report_loss, name="key_loss"),
    path("registry/<int:pk>/holder/", views.key_holder_change, name="key_holder"),
    path("registry/<int:pk>/revoke/", views.key_revoke, name="key_revoke"),
    path("registry/<int:pk>/reinstate/", views.key_reinstate, name="key_reinstate"),
    path("losses/", views.losses, name="losses"),
    path("losses/<int:pk>/", views.loss_detail, name="loss"),
    path("losses/<int:pk>/findings/", views.loss_findings, name="loss_findings"),
    path("losses/<int:pk>/reapply/", views.loss_reapply, name="loss_reapply"),
    path("policy/", views.policy, name="policy"),
    path("policy/rules/<int:pk>/delete/", views.policy_rule_delete, name="policy_rule_delete"),
    path("suspended/", views.suspended, name="suspended"),
]
