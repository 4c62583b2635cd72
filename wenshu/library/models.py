"""The document library (文档管理, S1 art. 4 and 44): folders, items, versions, shares and the
units' document administrators.

A ``Folder`` belongs to a unit's tree (单位文档) or to one person (我的文档). An ``Item`` is a
document in a folder; each upload of it is a ``Version`` pointing at a files.Upload (content
stored once by its SM3 hash), and the item points at its current version. Who may read an item
is its owner, the unit's document administrators, its ``Share`` rows and, for unit items, its
publishing scope (发布范围) set by a document administrator.

For the search indexer: ``Item.search_text`` is the text to index (title, description and the
current version's extracted text) and ``Item.updated_at`` moves on every change of content or
visibility; ``selectors.items_visible_to(viewer=…)`` scopes results to a reader.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from wenshu.lib.errors import Conflict

_USER = settings.AUTH_USER_MODEL


class FolderKind(models.TextChoices):
    UNIT = "unit", "单位文档"  # the unit's tree: its members add documents, doc admins keep it
    PERSONAL = "personal", "我的文档"  # one person's own folders


class Scope(models.TextChoices):
    """发布范围 of a unit item: who may read it besides its owner, shares and doc admins."""

    PRIVATE = "private", "本人"  # the owner (and the unit's document administrators)
    DEPARTMENT = "department", "本部门"  # people of the item's department
    UNIT = "unit", "本单位"  # everyone in the owning unit
    UNITS = "units", "指定单位"  # the owning unit and the units named on the item
    CITY = "city", "全市"  # every person in the system


# A unit folder's default scope for new items; wider scopes are set item by item.
FOLDER_DEFAULT_SCOPES = (Scope.PRIVATE, Scope.DEPARTMENT, Scope.UNIT)


class Access(models.TextChoices):
    READ = "read", "只读"
    WRITE = "write", "可编辑"  # may check out and upload new versions


class ItemStatus(models.TextChoices):
    LIVE = "live", "正常"
    TRASHED = "trashed", "已放入回收站"  # restorable until purged
    PURGED = "purged", "已彻底删除"  # not stored: the rows are deleted (the audit log keeps it)


# An item's life. Purging deletes the rows, so "purged" is only ever a target.
ITEM_TRANSITIONS: dict[str, frozenset[str]] = {
    ItemStatus.LIVE: frozenset({ItemStatus.TRASHED}),
    ItemStatus.TRASHED: frozenset({ItemStatus.LIVE, ItemStatus.PURGED}),
    ItemStatus.PURGED: frozenset(),
}


class LockState(models.TextChoices):
    AVAILABLE = "available", "可签出"
    CHECKED_OUT = "checked_out", "已签出"


# Check-out (签出) and check-in (签入) / lock break (解除签出) move between these two states.
LOCK_TRANSITIONS: dict[str, frozenset[str]] = {
    LockState.AVAILABLE: frozenset({LockState.CHECKED_OUT}),
    LockState.CHECKED_OUT: frozenset({LockState.AVAILABLE}),
}


def check_transition(
    table: dict[str, frozenset[str]], labels: dict[str, str], current: str, target: str, what: str
) -> None:
    """Raise Conflict (in Chinese) unless ``current → target`` is in the transitions table."""
    if target not in table.get(current, frozenset()):
        raise Conflict(
            f"{what}当前状态为“{labels.get(current, current)}”，"
            f"不能改为“{labels.get(target, target)}”。页面可能已过期，请刷新后查看。"
        )


class Folder(models.Model):
    kind = models.CharField("类别", max_length=10, choices=FolderKind.choices)
    unit = models.ForeignKey(
        "org.Unit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    # Personal folders only: whose they are (their unit is the unit at creation, for the record).
    owner = models.ForeignKey(
        _USER,
        verbose_name="所有人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级文件夹",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField("名称", max_length=100)
    # Unit folders: the scope new items start with (the doc admin may change each item's).
    default_scope = models.CharField(
        "新文档的默认发布范围", max_length=12, choices=Scope.choices, default=Scope.UNIT
    )
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "文件夹"
        ordering = ("name", "id")
        constraints = (
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=Q(parent__isnull=False),
                name="library_folder_name_unique_in_parent",
            ),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(parent__isnull=True, kind="unit"),
                name="library_one_unit_root",
            ),
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(parent__isnull=True, kind="personal"),
                name="library_one_personal_root",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="personal", owner__isnull=False) | Q(kind="unit", owner__isnull=True)
                ),
                name="library_folder_owner_matches_kind",
            ),
        )

    def __str__(self) -> str:
        return self.name

    @property
    def is_personal(self) -> bool:
        return self.kind == FolderKind.PERSONAL

    @property
    def is_root(self) -> bool:
        return self.parent_id is None


class Item(models.Model):
    folder = models.ForeignKey(
        Folder, verbose_name="文件夹", on_delete=models.PROTECT, related_name="items"
    )
    # Copied from the folder at creation (items do not move between trees), so visibility
    # queries need no join.
    kind = models.CharField("类别", max_length=10, choices=FolderKind.choices)
    unit = models.ForeignKey(
        "org.Unit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        _USER, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name="所属部门",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField("标题", max_length=200)
    description = models.TextField("说明", blank=True)
    current_version = models.ForeignKey(
        "Version",
        verbose_name="当前版本",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=10, choices=ItemStatus.choices, default=ItemStatus.LIVE
    )
    scope = models.CharField(
        "发布范围", max_length=12, choices=Scope.choices, default=Scope.PRIVATE
    )
    scope_units = models.ManyToManyField(
        "org.Unit", verbose_name="指定单位", blank=True, related_name="+"
    )
    scope_set_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope_set_at = models.DateTimeField(null=True, blank=True)
    checked_out_by = models.ForeignKey(
        _USER,
        verbose_name="签出人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_out_at = models.DateTimeField("签出时间", null=True, blank=True)
    trashed_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    trashed_at = models.DateTimeField("放入回收站时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "文档"
        ordering = ("-updated_at", "-id")
        indexes = (
            models.Index(fields=["folder", "status"], name="library_item_folder"),
            models.Index(fields=["unit", "kind", "scope"], name="library_item_scope"),
            models.Index(fields=["status", "trashed_at"], name="library_item_trash"),
        )
        constraints = (
            models.CheckConstraint(
                condition=(
                    Q(checked_out_by__isnull=True, checked_out_at__isnull=True)
                    | Q(checked_out_by__isnull=False, checked_out_at__isnull=False)
                ),
                name="library_item_lock_complete",
            ),
            models.CheckConstraint(condition=~Q(status="purged"), name="library_item_not_purged"),
        )

    def __str__(self) -> str:
        return self.title

    @property
    def is_personal(self) -> bool:
        return self.kind == FolderKind.PERSONAL

    @property
    def lock_state(self) -> str:
        return LockState.CHECKED_OUT if self.checked_out_by_id else LockState.AVAILABLE

    @property
    def search_text(self) -> str:
        """What a full-text index should hold for this item (current version only)."""
        parts = [self.title, self.description]
        version = self.current_version
        if version is not None:
            parts += [version.upload.name, version.upload.stored_file.text]
        return "\n".join(p for p in parts if p)


class Version(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    upload = models.ForeignKey(
        "files.Upload", verbose_name="文件", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        _USER, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", default=timezone.now)
    note = models.CharField("版本说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "文档版本"
        ordering = ("-number",)
        constraints = (
            models.UniqueConstraint(fields=["item", "number"], name="library_version_number"),
        )

    def __str__(self) -> str:
        return f"{self.item_id} 第{self.number}版"


class Share(models.Model):
    """One person or one unit (meaning its people) given read-only or read-write access."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="shares")
    person = models.ForeignKey(
        _USER,
        verbose_name="人员",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    access = models.CharField("权限", max_length=10, choices=Access.choices, default=Access.READ)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "共享"
        ordering = ("id",)
        constraints = (
            models.CheckConstraint(
                condition=(
                    Q(person__isnull=False, unit__isnull=True)
                    | Q(person__isnull=True, unit__isnull=False)
                ),
                name="library_share_one_target",
            ),
            models.UniqueConstraint(
                fields=["item", "person"],
                condition=Q(person__isnull=False),
                name="library_share_person_once",
            ),
            models.UniqueConstraint(
                fields=["item", "unit"],
                condition=Q(unit__isnull=False),
                name="library_share_unit_once",
            ),
        )

    def __str__(self) -> str:
        return f"{self.item_id} → {self.person_id or self.unit_id} ({self.access})"

    @property
    def target_name(self) -> str:
        person, unit = self.person, self.unit
        if person is not None:
            return f"{person.display_name}（{person.unit.short_name}）"
        return unit.full_name if unit is not None else ""


class LibraryAdmin(models.Model):
    """文档管理员 (S1 art. 44) of a unit, named by the unit's system administrator: answers for
    the confidentiality, correctness, completeness and publishing scope of its documents."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(_USER, on_delete=models.CASCADE, related_name="+")
    assigned_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "文档管理员"
        ordering = ("unit_id", "id")
        constraints = (
            models.UniqueConstraint(fields=["unit", "person"], name="library_admin_once"),
        )

    def __str__(self) -> str:
        return f"{self.unit_id}:{self.person_id}"
