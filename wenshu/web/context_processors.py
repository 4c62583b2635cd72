from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from wenshu.web.registry import nav_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    # A callable: the template calls it only where the navigation is shown (the base layout),
    # not for the htmx fragments and e-mails that are rendered with the request as well.
    return {"nav_sections": cache(lambda: nav_for(user))}
