from django.utils.functional import SimpleLazyObject

from decisions.models import LocalSettings
from decisions.pages import session

SERVICE_NAME = "Record an information sharing decision"


def service(request) -> dict:
    """The service name (header and every page title), the local settings behind the phase
    banner's feedback link (read only when a page uses them), the timeout warning's timings, and
    on the sign-in page why the user was signed out."""
    context = {
        "service_name": SERVICE_NAME,
        "local_settings": SimpleLazyObject(LocalSettings.load),
        "session_timeout": session.timeout_settings(request),
    }
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name == "login" and hasattr(request, "session"):
        context["signed_out"] = session.signed_out_reason(request)
    return context
