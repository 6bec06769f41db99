"""``{% asset %}`` and ``{% link %}``: ``{% static %}`` and ``{% url %}`` for the layout, worked out
once a process.

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
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

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
