from django.urls import path

from decisions.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("security-code/", views.security_code, name="security_code"),
    path("two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("password/", views.ChangePasswordView.as_view(), name="password_change"),
    path("password/changed/", views.PasswordChangedView.as_view(), name="password_changed"),
    path("forgotten-password/", views.ForgottenPasswordView.as_view(), name="password_forgotten"),
    path("forgotten-password/sent/", views.ResetSentView.as_view(), name="password_reset_sent"),
    path("reset/<uidb64>/<token>/", views.ResetPasswordView.as_view(), name="password_reset"),
    path("reset/done/", views.ResetDoneView.as_view(), name="password_reset_done"),
]
