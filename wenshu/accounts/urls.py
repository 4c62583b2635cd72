from django.urls import path

from wenshu.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/change/", views.password_change_view, name="password_change"),
    path("profile/", views.profile_view, name="profile"),
    path("login-history/", views.login_history_view, name="login_history"),
]
