"""The people models, reached through the app registry: accounts imports org, so org never
imports accounts' models (only the plain `wenshu.accounts.roles` module)."""

from __future__ import annotations

from typing import Any

from django.apps import apps

# accounts.User.Status values of an account that can still be used (or is about to be).
LIVE_PEOPLE = ("active", "pending")


def user_model() -> Any:
    return apps.get_model("accounts", "User")


def role_grant_model() -> Any:
    return apps.get_model("accounts", "RoleGrant")
