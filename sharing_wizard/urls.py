from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from decisions.accounts import views as account_views
from decisions.views import records

urlpatterns = [
    path("", records.home, name="home"),
    path("sign-in/", account_views.SignInView.as_view(), name="login"),
    path("sign-out/", account_views.exempt(auth_views.LogoutView.as_view()), name="logout"),
    path("account/", include("decisions.accounts.urls")),
    path("decisions/", include("decisions.urls")),
    path("audit/", include("decisions.audit_urls")),
    path("manage/", include("decisions.manager_urls")),
    path("admin/", admin.site.urls),
]
