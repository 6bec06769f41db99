"""Sign in, change a password, reset a forgotten one.

Passwords exist only for local accounts: someone who signs in through their organisation
(single sign-on) has no password here, so cannot change or reset one.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from decisions.accounts import oidc, throttle, two_factor
from decisions.accounts.forms import (
    AuthenticatorSetUpForm,
    ChangePasswordForm,
    ForgottenPasswordForm,
    ResetPasswordForm,
    SecurityCodeForm,
)
from decisions.accounts.sessions import SIGNED_OUT_REASON


def account(request):
    """Your account: password and two-factor, for local accounts."""
    context = {
        "authenticator": two_factor.authenticator_of(request.user),
        "two_factor_required": two_factor.two_factor_required(request.user),
    }
    return render(request, "accounts/account.html", context)


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
        context["single_sign_on"] = oidc.enabled()
        context["signed_out_reason"] = self.request.session.pop(SIGNED_OUT_REASON, None)
        context["absolute_hours"] = settings.SESSION_ABSOLUTE_AGE // 3600
        context["password_reset"] = True
        return context


class SignOutView(auth_views.LogoutView):
    """Sign out here, and at the organisation's provider too when signed in through it."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        provider_url = oidc.provider_logout_url(request, id_token) if id_token else None
        return HttpResponseRedirect(provider_url) if provider_url else response


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


# --- Two-factor ------------------------------------------------------------------------------

RECOVERY_CODES_TO_SHOW = "recovery_codes_to_show"


def exempt(view):
    view.two_factor_exempt = True
    return view


def safe_next(request, fallback: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(fallback)


WRONG_CODE = "The security code is not correct or has already been used"


@exempt
def security_code(request):
    """Enter the security code from the authenticator app (or a recovery code) after the password."""
    if not two_factor.two_factor_required(request.user) or request.user.is_verified():
        return redirect(safe_next(request))
    if two_factor.authenticator_of(request.user) is None:
        return redirect("accounts:two_factor_setup")
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.security_code_check(request=request, code=form.cleaned_data["code"]):
            return redirect(safe_next(request))
        form.add_error("code", WRONG_CODE)
    context = {"form": form, "next": safe_next(request)}
    return render(request, "accounts/security_code.html", context, status=400 if form.errors else 200)


@exempt
def two_factor_setup(request):
    """Add an authenticator app: scan the QR code (or type the key), then enter its first code.

    Only for someone with no authenticator yet: otherwise a password alone could replace the
    app, and with it the second factor. A lost app is removed by an administrator.
    """
    if request.user.is_verified() or not request.user.has_usable_password():
        return redirect("accounts:account")
    if two_factor.authenticator_of(request.user) is not None:
        return redirect("accounts:security_code")
    device = two_factor.authenticator_start(user=request.user)
    form = AuthenticatorSetUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.authenticator_confirm(
            request=request, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            request.session[RECOVERY_CODES_TO_SHOW] = codes
            return redirect(
                reverse("accounts:recovery_codes") + "?" + urlencode({"next": safe_next(request)})
            )
        form.add_error("code", WRONG_CODE)
    context = {
        "form": form,
        "qr_code": two_factor.qr_code_image(device),
        "secret": two_factor.secret_for_typing(device),
        "next": safe_next(request),
    }
    return render(request, "accounts/two_factor_setup.html", context, status=400 if form.errors else 200)


def recovery_codes(request):
    """Show new recovery codes once; making a new set first asks for a current security code.

    Asking again stops someone at an unlocked, signed-in computer from taking the codes that
    would let them sign in as this person later (ASVS 7.5.1).
    """
    codes = request.session.pop(RECOVERY_CODES_TO_SHOW, None)
    if codes and request.method == "GET":
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": safe_next(request)})
    if two_factor.authenticator_of(request.user) is None or not request.user.is_verified():
        return redirect("accounts:account")
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.security_code_check(request=request, code=form.cleaned_data["code"]):
            request.session[RECOVERY_CODES_TO_SHOW] = two_factor.recovery_codes_new(user=request.user)
            return redirect("accounts:recovery_codes")
        form.add_error("code", WRONG_CODE)
    context = {"form": form}
    return render(request, "accounts/new_recovery_codes.html", context, status=400 if form.errors else 200)
