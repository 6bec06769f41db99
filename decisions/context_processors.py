from dataclasses import dataclass

from decisions.models import Role
from decisions.selectors import user_roles
from decisions.templatetags.layout import link


def roles(request) -> dict:
    """The signed-in user's roles, for the navigation."""
    names = user_roles(request.user) if hasattr(request, "user") else frozenset()
    return {"is_manager": Role.MANAGER in names, "is_auditor": Role.AUDITOR in names}


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # Other pages that belong under this item (it is marked active, not current, on them).
    also: tuple[str, ...] = ()


PRACTITIONER_MENU = (
    NavItem("My decisions", "decisions:my_decisions", also=("decisions:detail", "decisions:print")),
    NavItem("Start a decision", "decisions:start", also=("decisions:wizard",)),
)
MANAGER_MENU = (
    NavItem("Review queue", "manager:queue", also=("manager:review",)),
    NavItem("Dashboard", "manager:dashboard"),
    NavItem("Case chronology", "manager:chronology"),
    NavItem("Who viewed your team's decisions", "manager:access_log"),
)
AUDITOR_MENU = (
    NavItem("Integrity of the log", "audit:index"),
    NavItem("Export the log", "audit:export", also=("audit:manifest",)),
    NavItem("Export log", "audit:export_log"),
    NavItem("Access log", "audit:access_log"),
    NavItem("Retention review", "audit:retention"),
)


def navigation(request) -> dict:
    """The service navigation: the menus of the user's roles, each item marked ``current`` on its
    own page and ``active`` on the pages under it (GOV.UK service navigation)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"service_navigation": []}
    names = user_roles(user)
    menu = list(PRACTITIONER_MENU)
    if Role.MANAGER in names:
        menu += MANAGER_MENU
    if Role.AUDITOR in names:
        menu += AUDITOR_MENU
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    return {
        "service_navigation": [
            {
                "label": item.label,
                "url": link(item.url_name),  # reversed once a process
                "current": view_name == item.url_name,
                "active": view_name == item.url_name or view_name in item.also,
            }
            for item in menu
        ]
    }
