"""How subject apps (documents, …) plug into the workflow engine without workflow importing them.

A subject app calls these from its AppConfig.ready():

    register_process_key("fawen", required_tasks=["draft", "sign", "seal", "dispatch"])
    register_handler("fawen", "task_ready", on_seal_ready)
    register_assignment_resolver("fawen", resolve)
    register_subject("document", label="公文", item_url=…, lock=lock_document)

Handlers run inside the service's transaction, in registration order: an exception (a
DomainError with a Chinese message, say) rolls the whole step back and reaches the user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BPMN_DIR = Path(__file__).resolve().parent / "bpmn"

# Events a handler may listen to. Handlers are called with keyword arguments
# (instance, task_spec_id, work_item, data):
#   task_ready         a user task became ready; work_item = its first new item (one call per
#                      ready task; a task offered to several people has several items)
#   task_completed     a work item was completed; work_item = that item, data = task data
#   task_withdrawn     a completed item was withdrawn; work_item = that item (now withdrawn)
#   process_completed  the process reached its end; work_item = the last completed item
#   process_cancelled  the process was cancelled; task_spec_id = "", work_item = None
EVENTS = (
    "task_ready",
    "task_completed",
    "task_withdrawn",
    "process_completed",
    "process_cancelled",
)

Handler = Callable[..., None]
# (instance, task_meta, data) → a list of assignment values (see assignment.py) or None to
# fall back to the BPMN convention (wenshu:assigneeKey / wenshu:candidateRole).
AssignmentResolver = Callable[..., Any]
# (actor) → the people the actor may act for right now (delegation, issue 6).
PrincipalsResolver = Callable[[Any], Iterable[Any]]


@dataclass
class ProcessKey:
    key: str
    label: str
    default_file: Path | None = None
    required_tasks: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Subject:
    subject_type: str
    label: str
    item_url: Callable[[Any], str] | None = None
    # (subject_id) → None: lock the subject's row. The workflow services call it before they
    # lock the process row, so a subject app whose services lock the subject first and then
    # act on its process never waits in the opposite order to the workflow's own pages.
    lock: Callable[[str], None] | None = None


_keys: dict[str, ProcessKey] = {}
_handlers: dict[tuple[str, str], list[Handler]] = {}
_resolvers: dict[str, AssignmentResolver] = {}
_subjects: dict[str, Subject] = {}
_principals: list[PrincipalsResolver] = []


def register_process_key(
    key: str,
    *,
    label: str = "",
    default_file: Path | str | None = None,
    required_tasks: Iterable[str] = (),
) -> ProcessKey:
    """Declare a process key; repeated calls add required task ids (the union is enforced)."""
    entry = _keys.get(key)
    if entry is None:
        entry = _keys[key] = ProcessKey(key=key, label=label or key)
    if label:
        entry.label = label
    if default_file is not None:
        entry.default_file = Path(default_file)
    entry.required_tasks.update(required_tasks)
    return entry


def process_key(key: str) -> ProcessKey | None:
    return _keys.get(key)


def process_keys() -> list[ProcessKey]:
    return sorted(_keys.values(), key=lambda k: k.key)


def register_handler(process_key: str, event: str, fn: Handler) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown workflow event {event!r}; one of {EVENTS}")
    handlers = _handlers.setdefault((process_key, event), [])
    if fn not in handlers:
        handlers.append(fn)


def unregister_handler(process_key: str, event: str, fn: Handler) -> None:
    """For tests and reloads."""
    handlers = _handlers.get((process_key, event), [])
    if fn in handlers:
        handlers.remove(fn)


def handlers_for(process_key: str, event: str) -> list[Handler]:
    return list(_handlers.get((process_key, event), []))


def register_assignment_resolver(process_key: str, fn: AssignmentResolver | None) -> None:
    if fn is None:
        _resolvers.pop(process_key, None)
    else:
        _resolvers[process_key] = fn


def assignment_resolver(process_key: str) -> AssignmentResolver | None:
    return _resolvers.get(process_key)


def register_subject(
    subject_type: str,
    *,
    label: str,
    item_url: Callable[[Any], str] | None = None,
    lock: Callable[[str], None] | None = None,
) -> None:
    """A subject app names its subjects and, optionally, its own page for a work item and
    how to lock a subject's row (taken before the process row; see `Subject.lock`)."""
    _subjects[subject_type] = Subject(
        subject_type=subject_type, label=label, item_url=item_url, lock=lock
    )


def subject(subject_type: str) -> Subject | None:
    return _subjects.get(subject_type)


def register_principals_resolver(fn: PrincipalsResolver) -> None:
    if fn not in _principals:
        _principals.append(fn)


def unregister_principals_resolver(fn: PrincipalsResolver) -> None:
    if fn in _principals:
        _principals.remove(fn)


def principals_of(actor: Any) -> list[Any]:
    """People the actor may currently act for (empty until a delegation app registers)."""
    found: list[Any] = []
    for fn in _principals:
        found.extend(p for p in fn(actor) if p not in found and p.pk != actor.pk)
    return found


# The two flows the system ships. Required tasks are what the documents layer relies on:
# 发文 must still be drafted, signed off, sealed and dispatched (核稿 and 会签 may be dropped
# by a unit); 收文 must still be proposed, handled and archived.
register_process_key(
    "fawen",
    label="发文办理",
    default_file=BPMN_DIR / "fawen.bpmn",
    required_tasks=["draft", "sign", "seal", "dispatch"],
)
register_process_key(
    "shouwen",
    label="收文办理",
    default_file=BPMN_DIR / "shouwen.bpmn",
    required_tasks=["propose", "handle", "archive"],
)
