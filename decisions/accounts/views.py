"""Sign in, change a password, reset a forgotten one.

Passwords exist only for local accounts: someone who signs in through their organisation
(single sign-on) has no password here, so cannot change or reset one.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from decisions.accounts import throttle
from decisions.accounts.forms import ChangePasswordForm, ForgottenPasswordForm, ResetPasswordForm
from decisions.accounts.sessions import SIGNED_OUT_REASON


def account(request):
    """Your account: password and two-factor, for local accounts."""
    return render(request, "accounts/account.html")


def too_many_attempts(request):
    return render(request, "429.html", status=429)


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    """Django's sign-in, refusing an address that has failed too often (``throttle``)."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if throttle.address_throttled(request):
            return too_many_attempts(request)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["signed_out_reason"] = self.request.session.pop(SIGNED_OUT_REASON, None)
        context["absolute_hours"] = settings.SESSION_ABSOLUTE_AGE // 3600
        context["password_reset"] = True
        return context


class ChangePasswordView(auth_views.PasswordChangeView):
    form_class = ChangePasswordForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_changed")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_usable_password():
            return render(request, "accounts/password_managed_elsewhere.html")
        return super().dispatch(request, *args, **kwargs)


class PasswordChangedView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_changed.html"


@method_decorator(login_not_required, name="dispatch")
class ForgottenPasswordView(auth_views.PasswordResetView):
    """Send a reset link to a local account's email address.

    The page says the same whether or not the address belongs to anyone, so it cannot be used
    to find out who has an account. The email holds no personal data, only the link.
    """

    form_class = ForgottenPasswordForm
    template_name = "accounts/password_forgotten.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_sent")

    def post(self, request, *args, **kwargs):
        if throttle.address_throttled(request):
            return too_many_attempts(request)
        return super().post(request, *args, **kwargs)


class ResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "timeout_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }


class ResetPasswordView(auth_views.PasswordResetConfirmView):
    form_class = ResetPasswordForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")


class ResetDoneView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_done.html"
