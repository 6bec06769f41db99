from django.utils.functional import SimpleLazyObject

from decisions.models import LocalSettings

SERVICE_NAME = "Record an information sharing decision"


def service(request) -> dict:
    """The service name (header and every page title) and the local settings behind the phase
    banner's feedback link, read only when a page uses them."""
    return {"service_name": SERVICE_NAME, "local_settings": SimpleLazyObject(LocalSettings.load)}
