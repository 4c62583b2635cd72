"""Extension points for apps above `org` (seals, documents …), which org must not import.

Higher apps register plain functions here from their AppConfig.ready(). Org calls them
inside the transaction of the change, so a hook that raises rolls the whole change back
(never a half-merged unit). A hook must do database work only; anything that leaves the
process (mail, SMS, files) goes through `transaction.on_commit`.

    register_merge_hook(fn)        fn(*, source, target, actor): move open work of `source`
                                   (a unit being merged away) to `target`
    register_deregister_hook(fn)   fn(*, unit, actor): the unit is leaving the system, e.g.
                                   flag its seals for destruction; the disposal of its
                                   documents is `unit.deregistrations` (status approved)
    register_rename_hook(fn)       fn(*, unit, old_name, new_name, actor): the unit's
                                   name changed (its seal pictures carry the old name)
Hooks run in registration order; registering the same function twice has no effect.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Hook = Callable[..., None]

_merge_hooks: list[Hook] = []
_deregister_hooks: list[Hook] = []
_rename_hooks: list[Hook] = []


def _add(hooks: list[Hook], fn: Hook) -> None:
    if fn not in hooks:
        hooks.append(fn)


def _remove(hooks: list[Hook], fn: Hook) -> None:
    if fn in hooks:
        hooks.remove(fn)


def register_merge_hook(fn: Hook) -> None:
    _add(_merge_hooks, fn)


def register_deregister_hook(fn: Hook) -> None:
    _add(_deregister_hooks, fn)


def register_rename_hook(fn: Hook) -> None:
    _add(_rename_hooks, fn)


def unregister_merge_hook(fn: Hook) -> None:
    _remove(_merge_hooks, fn)


def unregister_deregister_hook(fn: Hook) -> None:
    _remove(_deregister_hooks, fn)


def unregister_rename_hook(fn: Hook) -> None:
    _remove(_rename_hooks, fn)


def run_merge_hooks(*, source: Any, target: Any, actor: Any) -> None:
    for fn in list(_merge_hooks):
        fn(source=source, target=target, actor=actor)


def run_deregister_hooks(*, unit: Any, actor: Any) -> None:
    for fn in list(_deregister_hooks):
        fn(unit=unit, actor=actor)


def run_rename_hooks(*, unit: Any, old_name: str, new_name: str, actor: Any) -> None:
    for fn in list(_rename_hooks):
        fn(unit=unit, old_name=old_name, new_name=new_name, actor=actor)
