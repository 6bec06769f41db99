"""The layout's tags: ``{% asset %}`` and ``{% link %}`` (``{% static %}`` and ``{% url %}`` worked
out once a process), ``{% fixed_include %}`` (a template that needs nothing from the page, rendered
once a process), and the service navigation and timeout warning (decisions/govuk/layout.py).

The layout (templates/base.html) names the same files and addresses on every page, and as
``{% static %}`` and ``{% url %}`` tags they were a twentieth of a question page's CPU (py-spy on
the bench's gunicorn workers). These give the same answers from a per-process cache: a file's
URL for each static URL setting, an address for each prefix the app is served under. Like the
tags they replace they need nothing from the context, so a template rendered without a request
still gets them. For addresses with arguments, keep using ``{% url %}``.
"""

import functools

from django import template
from django.conf import settings
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe

from decisions.govuk import layout

register = template.Library()


@functools.lru_cache(maxsize=256)
def _asset(path: str, static_url: str) -> str:
    return static(path)


@functools.lru_cache(maxsize=256)
def _link(url_name: str, script_prefix: str) -> str:
    return reverse(url_name)


@register.simple_tag
def asset(path: str) -> str:
    """The URL of a static file, as ``{% static path %}``."""
    return _asset(path, settings.STATIC_URL)


@register.simple_tag
def link(url_name: str) -> str:
    """The address of a page that takes no arguments, as ``{% url url_name %}``."""
    return _link(url_name, get_script_prefix())


@functools.lru_cache(maxsize=64)
def _fixed(template_name: str, script_prefix: str, static_url: str) -> SafeString:
    return mark_safe(get_template(template_name).render())  # noqa: S308 (a template's own output)


@register.simple_tag
def fixed_include(template_name: str) -> SafeString:
    """``{% include %}`` for a template that is the same on every page (the head's links, the
    footer): rendered with no context and no request, so nothing of one page or person can be
    kept for another, once a process for each prefix and static URL (each render while
    ``DEBUG`` is on, so edits show at once)."""
    render = _fixed.__wrapped__ if settings.DEBUG else _fixed
    return render(template_name, get_script_prefix(), settings.STATIC_URL)


@register.simple_tag(takes_context=True)
def service_navigation(context) -> SafeString:
    """The signed-in person's service navigation (``layout.service_navigation``)."""
    user = context["user"]
    match = getattr(context.get("request"), "resolver_match", None)
    return layout.service_navigation(
        items=context.get("service_navigation", ()),
        alerts_url=link("alerts:list"),
        alerts_active=match is not None and match.app_name == "alerts",
        unread=context.get("unread_alerts"),
        account_url=link("accounts:account"),
        account_name=user.get_full_name() or user.get_username(),
        sign_out_url=link("logout"),
        csrf_input=CsrfTokenNode().render(context),
    )


@register.simple_tag(takes_context=True)
def timeout_warning(context) -> SafeString:
    """The timeout warning (``layout.timeout_warning``) with the time this session has left."""
    timing = context["session_timeout"]
    request = context.get("request")
    return layout.timeout_warning(
        session_seconds=timing["session_seconds"],
        warning_seconds=timing["warning_seconds"],
        keep_alive_url=link("session_keep_alive"),
        sign_in_url=link("login"),
        path=request.get_full_path() if request is not None else "",
        script=asset("js/timeout-warning.js"),
    )
