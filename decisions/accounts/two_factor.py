"""Two-factor sign-in for local accounts: a code from an authenticator app (TOTP), or a recovery code.

Who needs it: anyone who signs in with a password here and is a manager, auditor or
administrator (or staff, like the break-glass superuser); practitioners too when
``TWO_FACTOR_PRACTITIONERS`` is on. People who sign in through their organisation (single
sign-on) have no password here: their organisation's own sign-in handles the second factor.

Codes are checked by django-otp, which refuses a TOTP code already used (replay) and slows
down repeated wrong codes (throttling). Recovery codes work once each.
"""

import base64
import io
import logging
import secrets

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from decisions.models import Role
from decisions.selectors import user_roles

logger = logging.getLogger("decisions.security")

RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to copy by hand
ALWAYS = frozenset({Role.MANAGER, Role.AUDITOR, Role.ADMINISTRATOR})


def two_factor_required(user: AbstractBaseUser) -> bool:
    """Whether this person must give a second factor after their password.

    Also anyone who has set up an authenticator app, though not required to: having one and
    not being asked for it would be a false sense of safety.
    """
    if not user.is_authenticated or not user.has_usable_password():
        return False
    if user.is_staff or user.is_superuser or user_roles(user) & ALWAYS:
        return True
    if settings.TWO_FACTOR_PRACTITIONERS:
        return True
    if not hasattr(user, "_has_authenticator"):
        user._has_authenticator = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    return user._has_authenticator


def authenticator_of(user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def authenticator_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """The authenticator being set up: one unconfirmed device, kept until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def authenticator_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a new authenticator with its first code; returns the new recovery codes.

    Any older authenticator is removed: one app per person, so a lost phone is replaced, not added to.
    """
    if not device.verify_token(code):
        logger.warning("two-factor set-up: wrong code for user %s", device.user_id)
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    django_otp.login(request, device)
    return recovery_codes_new(user=device.user)


@transaction.atomic
def recovery_codes_new(*, user: AbstractBaseUser) -> list[str]:
    """Replace the person's recovery codes with new ones (each works once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    device.token_set.all().delete()
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def security_code_check(*, request: HttpRequest, code: str) -> bool:
    """Check a code from the app (6 digits) or a recovery code; mark the session verified."""
    user = request.user
    code = code.replace(" ", "").replace("-", "").lower()
    if code.isdigit():
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    for device in devices:
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(code):
                django_otp.login(request, locked)
                return True
    logger.warning("two-factor: wrong security code for user %s", user.pk)
    return False


def qr_code_image(device: TOTPDevice) -> str:
    """The set-up QR code as an SVG data URL: an <img> that needs no script and passes the CSP."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret key in base 32, in groups of four, for people who cannot scan the QR code."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


class TwoFactorMiddleware:
    """Until someone who needs two-factor has given a code, they reach only the two-factor pages.

    Placed after django-otp's ``OTPMiddleware`` (which says whether the session is verified).
    Views marked ``two_factor_exempt`` (the code pages, sign-out) stay reachable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if getattr(view_func, "two_factor_exempt", False) or not two_factor_required(user):
            return None
        if user.is_verified():
            return None
        target = "accounts:security_code" if authenticator_of(user) else "accounts:two_factor_setup"
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return redirect(reverse(target) + (f"?{query}" if query else ""))
