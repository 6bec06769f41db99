"""Single sign-on with the organisation's OpenID Connect provider (Entra ID, Google, Okta...).

mozilla-django-oidc runs the authorisation code flow with PKCE, state and nonce. This module
adds what it leaves out or what this service needs:

- configuration from the environment by the issuer alone: the endpoints come from the
  provider's discovery document (fetched once a process), unless set one by one;
- the ID token's audience, issuer and expiry are checked (the library checks only the
  signature and nonce);
- people are matched by a stable claim (``OIDC_USER_CLAIM``: ``sub``, or ``oid`` for Entra ID),
  through ``ExternalIdentity``, and created on first sign-in with no role and no password;
- roles can follow a groups claim (``OIDC_GROUPS_CLAIM`` and ``OIDC_GROUP_ROLES``);
- every refusal ends on a clear page, never an error, and is logged.
"""

import functools
import logging
import secrets
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from mozilla_django_oidc import auth as oidc_auth
from mozilla_django_oidc import views as oidc_views
from mozilla_django_oidc.utils import import_from_settings

from decisions.accounts import backends
from decisions.accounts.models import ExternalIdentity
from decisions.models import Role

logger = logging.getLogger("decisions.security")

ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}
REFUSAL = "sso_refusal"


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


@functools.cache
def discovery(issuer: str) -> dict:
    """The provider's discovery document (``/.well-known/openid-configuration``)."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    document = response.json()
    if document.get("issuer") != issuer:
        raise ImproperlyConfigured(f"The discovery document at {url} is for another issuer.")
    return document


def oidc_setting(attr: str, *default):
    """A setting, with the provider's endpoints taken from discovery unless set explicitly."""
    value = getattr(settings, attr, None)
    if value:
        return value
    if attr in ENDPOINTS and enabled():
        endpoint = discovery(settings.OIDC_ISSUER).get(ENDPOINTS[attr])
        if endpoint:
            return endpoint
    return import_from_settings(attr, *default)


def refuse(request, reason: str) -> None:
    setattr(request, REFUSAL, reason)


class Backend(oidc_auth.OIDCAuthenticationBackend):
    """Signs in people coming back from the provider (and no one else)."""

    def __init__(self, *args, **kwargs):
        # Settings are read when used (below), not here: Django makes a backend for every
        # session check, which must not need the provider to be reachable.
        self.UserModel = get_user_model()

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_JWKS_ENDPOINT", None))
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_RP_IDP_SIGN_KEY = property(lambda self: None)

    @staticmethod
    def get_settings(attr, *args):
        return oidc_setting(attr, *args)

    def get_user(self, user_id):
        """The signed-in person, while their account is active: turning it off ends their sessions."""
        user = backends.signed_in_user(user_id)
        return user if user is not None and user.is_active else None

    def authenticate(self, request, **kwargs):
        if not enabled():
            return None
        return super().authenticate(request, **kwargs)

    def get_payload_data(self, token, key):
        """Check the ID token's signature, audience, issuer and lifetime."""
        header = jwt.get_unverified_header(token)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The ID token is not signed with the expected algorithm.")
        try:
            payload = jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER,
                leeway=settings.OIDC_CLOCK_LEEWAY,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            refuse(self.request, "expired")
            raise SuspiciousOperation("The ID token has expired.") from error
        except jwt.InvalidAudienceError as error:
            refuse(self.request, "audience")
            raise SuspiciousOperation("The ID token is for another service.") from error
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"The ID token is not valid: {error}") from error
        audiences = payload["aud"] if isinstance(payload["aud"], list) else [payload["aud"]]
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            refuse(self.request, "audience")
            raise SuspiciousOperation("The ID token was issued to another service.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        """Find the person by their provider and stable claim; create them on first sign-in."""
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The user information is for someone else.")
        claims = {**userinfo, **payload}
        subject = claims.get(settings.OIDC_USER_CLAIM)
        if not subject:
            raise SuspiciousOperation(f"The provider sent no {settings.OIDC_USER_CLAIM!r} claim.")
        user = external_user_sign_in(issuer=settings.OIDC_ISSUER, subject=str(subject), claims=claims)
        if not user.is_active:
            refuse(self.request, "disabled")
            logger.warning("single sign-on: user %s is not active", user.pk)
            return None
        return user


@transaction.atomic
def external_user_sign_in(*, issuer: str, subject: str, claims: dict) -> AbstractBaseUser:
    """The user for this identity at this provider: created with no role the first time.

    Names and email follow the provider's claims; roles follow its groups only when
    ``OIDC_GROUPS_CLAIM`` is set, and only the roles named in ``OIDC_GROUP_ROLES``.
    """
    identity = ExternalIdentity.objects.select_for_update().filter(issuer=issuer, subject=subject).first()
    if identity is None:
        user = get_user_model().objects.create_user(username=free_username(claims, subject))
        user.set_unusable_password()
        identity = ExternalIdentity.objects.create(user=user, issuer=issuer, subject=subject)
        logger.info("single sign-on: new user %s for a first sign-in", user.pk)
    user = identity.user
    user.first_name = str(claims.get("given_name", ""))[:150]
    user.last_name = str(claims.get("family_name", ""))[:150]
    user.email = str(claims.get("email", ""))[:254]
    user.save()
    identity.last_sign_in_at = timezone.now()
    identity.save(update_fields=["last_sign_in_at"])
    if settings.OIDC_GROUPS_CLAIM:
        roles_from_groups(user, claims.get(settings.OIDC_GROUPS_CLAIM) or [])
    return user


def free_username(claims: dict, subject: str) -> str:
    """A readable username no one has: never reusing a local account's name."""
    base = str(claims.get("preferred_username") or claims.get("email") or subject)[:140]
    users = get_user_model().objects
    username = base
    while users.filter(username=username).exists():
        username = f"{base}-{secrets.token_hex(3)}"
    return username


def roles_from_groups(user: AbstractBaseUser, groups: list) -> None:
    mapping = settings.OIDC_GROUP_ROLES
    wanted = {mapping[group] for group in groups if group in mapping}
    for role in set(mapping.values()):
        group = Group.objects.get_or_create(name=role)[0]
        if role in wanted:
            user.groups.add(group)
        else:
            user.groups.remove(group)


class AuthenticationRequestView(oidc_views.OIDCAuthenticationRequestView):
    """Send the person to their organisation's sign-in page (with state, nonce and PKCE)."""

    def __init__(self, *args, **kwargs):
        if enabled():
            super().__init__(*args, **kwargs)

    @staticmethod
    def get_settings(attr, *args):
        return oidc_setting(attr, *args)

    def get(self, request):
        if not enabled():
            raise Http404("Single sign-on is not set up")
        return super().get(request)


REFUSAL_MESSAGES = {
    "disabled": "Your account in this service has been turned off. Contact your administrator if you "
    "still need to use the service.",
    "expired": "The sign-in took too long to finish, or a clock is wrong. Try signing in again.",
    "audience": "Your organisation's sign-in answered for a different service. Try signing in again; if "
    "it happens again, tell your administrator.",
    "replayed": "This sign-in link has already been used or belongs to another browser. Start again from "
    "the sign-in page.",
    "provider": "Your organisation's sign-in service did not answer as expected. Try again in a few minutes.",
}


class CallbackView(oidc_views.OIDCAuthenticationCallbackView):
    """The provider sends the person back here; any problem ends on a clear page."""

    @staticmethod
    def get_settings(attr, *args):
        return oidc_setting(attr, *args)

    def get(self, request):
        if not enabled():
            raise Http404("Single sign-on is not set up")
        state = request.GET.get("state")
        if state and state not in request.session.get("oidc_states", {}):
            refuse(request, "replayed")
            return self.login_failure()
        try:
            return super().get(request)
        except SuspiciousOperation as error:
            logger.warning("single sign-on refused: %s", error)
            return self.login_failure()
        except requests.RequestException as error:
            logger.warning("single sign-on: the provider failed: %s", error)
            refuse(request, "provider")
            return self.login_failure()

    def login_failure(self):
        reason = getattr(self.request, REFUSAL, None) or (
            "provider" if self.request.GET.get("error") else "replayed"
        )
        logger.warning("single sign-on refused (%s) from %s", reason, self.request.META.get("REMOTE_ADDR"))
        return render(
            self.request,
            "accounts/sso_refused.html",
            {"message": REFUSAL_MESSAGES[reason], "reason": reason},
            status=403,
        )


def provider_logout_url(request, id_token: str) -> str | None:
    """Where to send someone to end their session at the provider too (RP-initiated logout)."""
    if not enabled():
        return None
    endpoint = oidc_setting("OIDC_OP_LOGOUT_ENDPOINT", None)
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        }
    )
    return f"{endpoint}?{query}"


def check_settings(app_configs=None, **kwargs) -> list:
    """A system check: group mapping onto roles that exist, and a whole client configuration."""
    errors = []
    if not isinstance(settings.OIDC_GROUP_ROLES, dict):
        return [checks.Error("OIDC_GROUP_ROLES must be a JSON object of group: role.", id="accounts.E001")]
    unknown = set(settings.OIDC_GROUP_ROLES.values()) - set(Role.values)
    if unknown:
        errors.append(
            checks.Error(
                f"OIDC_GROUP_ROLES maps groups to roles that do not exist: {sorted(unknown)}",
                hint=f"Use one of {sorted(Role.values)}.",
                id="accounts.E002",
            )
        )
    if settings.OIDC_ISSUER and not (settings.OIDC_RP_CLIENT_ID and settings.OIDC_RP_CLIENT_SECRET):
        errors.append(
            checks.Error(
                "OIDC_ISSUER is set without OIDC_CLIENT_ID and OIDC_CLIENT_SECRET.", id="accounts.E003"
            )
        )
    return errors
