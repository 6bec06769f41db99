from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

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
    # One sign-in page for everyone: the admin's own would skip the address throttle and two-factor.
    path(
        "admin/login/",
        login_not_required(RedirectView.as_view(pattern_name="login", query_string=True)),
        name="admin_login",
    ),
    path("alerts/", include("decisions.alerts.urls")),
    path("admin/", admin.site.urls),
    path("", include("decisions.pages.urls")),
]

# A database that is restarting or too slow answers 503 with a way back, not a bare 500.
handler500 = "decisions.views.errors.server_error"
