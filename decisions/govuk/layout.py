"""The parts of every page's layout (templates/base.html) that are worked out in Python.

Every page extends base.html, and its service navigation, timeout warning, head and footer, as
template language, were half the CPU of rendering a question page: about 0.9 ms of the 1.7 ms
(bench: the same context rendered again and again, each part on its own). The service
navigation and the timeout warning are built here with ``format_html``, so every value is
escaped once. The parts that are the same for every request (the head's links, the footer) stay
templates (templates/layout/), rendered once a process by ``{% fixed_include %}``
(``decisions.templatetags.layout``).

The markup is the GOV.UK Frontend 5 service navigation, as the template had it: the tests
(tests/test_navigation.py) and the browser checks read it.
"""

from collections.abc import Iterable

from django.template.defaultfilters import urlencode
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

NAVIGATION = """\
<div class="govuk-service-navigation app-service-navigation" data-module="govuk-service-navigation">
  <div class="govuk-width-container">
    <div class="govuk-service-navigation__container">
      <nav aria-label="Menu" class="govuk-service-navigation__wrapper">
        <button type="button" class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" \
aria-controls="navigation" hidden>Menu</button>
        <ul class="govuk-service-navigation__list" id="navigation">
{items}
          <li class="govuk-service-navigation__item{alerts_class}">
            <a class="govuk-service-navigation__link" href="{alerts_url}" id="header-alerts"{alerts_current}>\
Alerts{unread}</a>
          </li>
          <li class="govuk-service-navigation__item app-service-navigation__user">
            <a class="govuk-service-navigation__link" href="{account_url}"><span
              class="govuk-visually-hidden">Your account: signed in as </span>{account_name}</a>
          </li>
          <li class="govuk-service-navigation__item">
            <form method="post" action="{sign_out_url}" class="app-sign-out-form" id="sign-out-form">
              {csrf_input}
              <button type="submit" class="govuk-service-navigation__link app-link-button">Sign out</button>
            </form>
          </li>
        </ul>
      </nav>
    </div>
  </div>
</div>"""

ITEM = """\
          <li class="govuk-service-navigation__item{}">
            <a class="govuk-service-navigation__link" href="{}"{}>{}</a>
          </li>"""

ACTIVE = " govuk-service-navigation__item--active"
# Marks the active item for browsers without the styles that show it.
FALLBACK = '<strong class="govuk-service-navigation__active-fallback">{}</strong>'
UNREAD = ' <span class="app-alert-count">{}<span class="govuk-visually-hidden"> unread</span></span>'


def service_navigation(
    *,
    items: Iterable[dict],
    alerts_url: str,
    alerts_active: bool,
    unread: int,
    account_url: str,
    account_name: str,
    sign_out_url: str,
    csrf_input: SafeString,
) -> SafeString:
    """The GOV.UK service navigation: the menu items (``decisions.context_processors.navigation``),
    each marked as the current page or the section it is in, then alerts with the unread count,
    the account and signing out (``csrf_input``: the sign-out form's ``{% csrf_token %}``)."""
    return format_html(
        NAVIGATION,
        items=format_html_join(
            "\n",
            ITEM,
            (
                (
                    ACTIVE if item["active"] else "",
                    item["url"],
                    mark_safe(' aria-current="page"' if item["current"] else ' aria-current="true"')  # noqa: S308 (constant)
                    if item["active"]
                    else "",
                    format_html(FALLBACK, item["label"]) if item["active"] else item["label"],
                )
                for item in items
            ),
        ),
        alerts_class=ACTIVE if alerts_active else "",
        alerts_url=alerts_url,
        alerts_current=mark_safe(' aria-current="true"') if alerts_active else "",
        unread=format_html(UNREAD, unread) if unread else "",
        account_url=account_url,
        account_name=account_name,
        sign_out_url=sign_out_url,
        csrf_input=csrf_input,
    )


TIMEOUT_WARNING = """\
<dialog class="app-timeout-dialog" id="timeout-warning" aria-labelledby="timeout-warning-heading" \
aria-describedby="timeout-warning-text"
        data-session-seconds="{session_seconds}"
        data-warning-seconds="{warning_seconds}"
        data-keep-alive-url="{keep_alive_url}"
        data-signed-out-url="{sign_in_url}?reason=timeout&amp;next={next}">
  <h2 class="govuk-heading-m" id="timeout-warning-heading" tabindex="-1">You will be signed out soon</h2>
  <p class="govuk-body" id="timeout-warning-text">To protect the information in this service, we will sign you
    out in <strong class="app-timeout-dialog__countdown" aria-live="polite"
    aria-atomic="true">2 minutes</strong> if you do nothing. Your saved answers will be kept.</p>
  <div class="govuk-button-group">
    <button type="button" class="govuk-button app-timeout-dialog__stay"
            data-module="govuk-button">Stay signed in</button>
    <button type="submit" form="sign-out-form"
            class="app-link-button app-timeout-dialog__sign-out">Sign out</button>
  </div>
</dialog>
<script type="module" src="{script}"></script>"""


def timeout_warning(
    *,
    session_seconds: int,
    warning_seconds: int,
    keep_alive_url: str,
    sign_in_url: str,
    path: str,
    script: str,
) -> SafeString:
    """The GOV.UK timeout warning (decisions/pages/session.py). A closed ``<dialog>`` is never
    shown, so without JavaScript nothing appears; static/js/timeout-warning.js opens it before the
    session ends. Its "Sign out" submits the service navigation's sign-out form (one CSRF token a
    page). ``path`` is where to come back to after signing in again."""
    return format_html(
        TIMEOUT_WARNING,
        session_seconds=session_seconds,
        warning_seconds=warning_seconds,
        keep_alive_url=keep_alive_url,
        sign_in_url=sign_in_url,
        next=urlencode(path),
        script=script,
    )
