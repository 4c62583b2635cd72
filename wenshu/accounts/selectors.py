from __future__ import annotations

from django.db.models import QuerySet

from wenshu.accounts.models import LoginAttempt, User
from wenshu.accounts.roles import Role
from wenshu.lib.errors import NotFound


def login_history(*, viewer: User, person: User) -> QuerySet[LoginAttempt]:
    """A person sees their own login history; the audit administrator sees anyone's."""
    if viewer.pk != person.pk and not viewer.has_role(Role.AUDIT_ADMIN):
        raise NotFound()
    return LoginAttempt.objects.filter(user=person).order_by("-at", "-id")
