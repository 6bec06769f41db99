from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from decisions.views import records

urlpatterns = [
    path("", records.home, name="home"),
    path("sign-in/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("decisions/", include("decisions.urls")),
    path("audit/", include("decisions.audit_urls")),
    path("manage/", include("decisions.manager_urls")),
    path("admin/", admin.site.urls),
]

# A database that is restarting or too slow answers 503 with a way back, not a bare 500.
handler500 = "decisions.views.errors.server_error"
