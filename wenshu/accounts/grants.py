"""The viewer's grants — roles plus the assignments apps register — read once per request.

Every page's shell asks a dozen "may this person see X?" questions (wenshu.web.registry), and
the page itself asks more. They all end here: the first question reads every grant of the
person in one query, and the answers are kept on that User object for the later questions.

Apps register an assignment that is not a role with `register_grant(name, exists)`:
`exists()` returns an `Exists(...)` over the app's own table, with `OuterRef("pk")` for the
person and `OuterRef("unit_id")` for their unit. Accounts imports no app; the apps ask
`has_grant(user, name)` in their permission helpers, and `User.has_role` reads roles here.

Why the answers cannot go stale:
- they live only on the User instance. The authentication backend loads a new User for
  every request, so a new request always reads fresh grants; no answer is kept across
  requests, threads or processes, and there is no cache to expire. (What each process keeps
  is the SQL text of the query, see `_compiled`: it depends on the code, not on data.)
- a service that changes a person's grant calls `forget_grants(person)` on the instance it
  holds (`User.forget_roles` does the same), so the rest of that request reads them again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Exists, OuterRef

from wenshu.accounts.roles import Role

GrantExists = Callable[[], Exists]

# The attribute on the User object. getattr/setattr, not __dict__: request.user is a lazy
# proxy that passes them on to the User it wraps.
_CACHE = "_grants"
_ROLE = "_grant_role_"  # annotation alias prefixes: roles, then registered grants by position
_APP = "_grant_app_"
_PERSON = -20_261_125  # stands for the person's id while the query is compiled
_registry: dict[str, GrantExists] = {}
_SQL: dict[tuple[str, tuple[str, ...]], tuple[str, tuple[Any, ...], int]] = {}


@dataclass(frozen=True)
class Grants:
    roles: frozenset[Role]
    held: frozenset[str]  # the registered grants the person holds
    known: frozenset[str]  # the registered grants that were read (all, unless one came late)


NO_GRANTS = Grants(frozenset(), frozenset(), frozenset())


def register_grant(name: str, exists: GrantExists) -> None:
    """Register an app's assignment: ``register_grant("assets.manager", lambda: Exists(...))``.

    Call it at import time of the module that asks `has_grant(user, name)`. The query is
    compiled once per process (see `_compiled`), so `exists()` must depend only on the
    person's row: no `timezone.now()`, settings read per call or request values in it.
    """
    _registry[name] = exists


def _annotations() -> dict[str, Any]:
    """One EXISTS per role and per registered grant, named by their aliases."""
    from wenshu.accounts.models import RoleGrant

    found: dict[str, Any] = {
        f"{_ROLE}{role.value}": Exists(RoleGrant.objects.filter(user_id=OuterRef("pk"), role=role))
        for role in Role
    }
    found.update({f"{_APP}{i}": _registry[name]() for i, name in enumerate(sorted(_registry))})
    return found


def _compiled(alias: str, names: tuple[str, ...]) -> tuple[str, tuple[Any, ...], int]:
    """The grants query as SQL and parameters, and where the person's id goes in them.

    Compiled once per process and database: turning fifteen EXISTS into SQL costs the ORM far
    more than the database spends running them. Only the SQL text is kept, never an answer.
    """
    key = (alias, names)
    if key not in _SQL:
        from wenshu.accounts.models import User

        query = User.objects.using(alias).filter(pk=_PERSON).values(**_annotations()).query
        sql, params = query.get_compiler(alias).as_sql()
        slots = [i for i, p in enumerate(params) if type(p) is int and p == _PERSON]
        if len(slots) != 1:
            raise RuntimeError(f"授权查询中应恰好有一处人员编号，实际 {len(slots)} 处")
        _SQL[key] = (sql, tuple(params), slots[0])
    return _SQL[key]


def grants_of(user: Any) -> Grants:
    """The person's grants: read once (one query), then kept on this User object."""
    cached = getattr(user, _CACHE, None)
    if cached is not None and cached.known >= _registry.keys():
        return cached
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return NO_GRANTS
    from wenshu.accounts.models import User

    alias, names = router.db_for_read(User), tuple(sorted(_registry))
    sql, params, slot = _compiled(alias, names)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, (*params[:slot], user.pk, *params[slot + 1 :]))
        row = dict(zip((c[0] for c in cursor.description), cursor.fetchone() or (), strict=False))
    grants = Grants(
        roles=frozenset(role for role in Role if row.get(f"{_ROLE}{role.value}")),
        held=frozenset(name for i, name in enumerate(names) if row.get(f"{_APP}{i}")),
        known=frozenset(names),
    )
    setattr(user, _CACHE, grants)
    return grants


def has_grant(user: Any, name: str) -> bool:
    """True when the person holds the registered grant `name` (see register_grant)."""
    if name not in _registry:
        raise LookupError(f"未登记的授权：{name}")
    return name in grants_of(user).held


def forget_grants(user: Any) -> None:
    """Drop the kept grants of this User object: call after changing a grant of the person."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)
