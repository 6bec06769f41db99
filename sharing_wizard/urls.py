from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from decisions.accounts import oidc
from decisions.accounts import views as account_views
from decisions.views import records

urlpatterns = [
    path("", records.home, name="home"),
    path("sign-in/", account_views.SignInView.as_view(), name="login"),
    path("sign-out/", account_views.exempt(account_views.SignOutView.as_view()), name="logout"),
    path(
        "oidc/authenticate/",
        login_not_required(oidc.AuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/", login_not_required(oidc.CallbackView.as_view()), name="oidc_authentication_callback"
    ),
    path("account/", include("decisions.accounts.urls")),
    path("decisions/", include("decisions.urls")),
    path("audit/", include("decisions.audit_urls")),
    path("manage/", include("decisions.manager_urls")),
    path("admin/", admin.site.urls),
]
