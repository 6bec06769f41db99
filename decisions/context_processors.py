from decisions.models import Role
from decisions.selectors import user_roles


def roles(request) -> dict:
    """The signed-in user's roles, for the navigation."""
    names = user_roles(request.user) if hasattr(request, "user") else frozenset()
    return {"is_manager": Role.MANAGER in names, "is_auditor": Role.AUDITOR in names}
