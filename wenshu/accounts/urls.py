from django.urls import path

from wenshu.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/change/", views.password_change_view, name="password_change"),
    path("profile/", views.profile_view, name="profile"),
    path("login-history/", views.login_history_view, name="login_history"),
    path("tokens/", views.tokens_view, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
    # 单位与人员 (unit administrator, digital office)
    path("people/", views.people_view, name="people"),
    path("people/<int:person_id>/", views.person_view, name="person"),
    path("people/<int:person_id>/roles/", views.person_role_view, name="person_roles"),
    path("people/<int:person_id>/reset/", views.person_reset_view, name="person_reset"),
    path("people/<int:person_id>/close/", views.person_close_view, name="person_close"),
    path("requests/", views.requests_view, name="requests"),
    path("requests/new/", views.request_new_view, name="request_new"),
    path("requests/<int:request_id>/", views.request_view, name="request"),
    path("requests/<int:request_id>/approve/", views.request_approve_view, name="request_approve"),
    path("requests/<int:request_id>/reject/", views.request_reject_view, name="request_reject"),
    path(
        "requests/<int:request_id>/withdraw/", views.request_withdraw_view, name="request_withdraw"
    ),
    # 安全保密管理员's console
    path("security/", views.security_index_view, name="security"),
    path("security/policy/", views.security_policy_view, name="security_policy"),
    path("security/roles/", views.security_roles_view, name="security_roles"),
    path(
        "security/roles/<int:person_id>/revoke/",
        views.security_role_revoke_view,
        name="security_role_revoke",
    ),
    path("security/locked/", views.security_locked_view, name="security_locked"),
    path(
        "security/locked/<int:person_id>/unlock/",
        views.security_unlock_view,
        name="security_unlock",
    ),
    # 安全审计员: everyone's login history
    path("audit/login-history/", views.audit_login_history_view, name="audit_login_history"),
]
