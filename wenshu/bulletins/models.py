"""Notices and public information (通知公告/公共信息) and information reports (信息上报).

A notice is written in a unit, approved by one of its leaders (S2 art. 3, S4 art. 9) and then
read by its audience until its expiry date; the daily clean-up archives it (S2 art. 6). An
information report goes from a unit to a receiving office (S2 art. 2), which adopts it,
returns it for rework (the unit resubmits a new version linked to the old one) or declines it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from wenshu.org.models import check_transition

_USER = settings.AUTH_USER_MODEL


# --- notices -----------------------------------------------------------------------------


class Notice(models.Model):
    class Kind(models.TextChoices):
        NOTICE = "notice", "通知"
        ANNOUNCEMENT = "announcement", "公告"
        PUBLIC_INFO = "public_info", "公共信息"

    class Audience(models.TextChoices):
        CITY = "city", "全市"  # every unit of the city
        UNITS = "units", "部分单位"  # chosen units and/or unit groups (plus the publisher)
        OWN = "own", "本单位"  # the publishing unit only

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"  # being written; only its drafter sees it
        SUBMITTED = "submitted", "待审核"  # waiting for a leader of the unit (S2 art. 3)
        RETURNED = "returned", "已退回"  # a leader sent it back with an opinion; editable
        PUBLISHED = "published", "已发布"  # approved; its audience reads it until it expires
        ARCHIVED = "archived", "已归档"  # expired, archived by the daily clean-up (S2 art. 6)
        WITHDRAWN = "withdrawn", "已撤下"  # removed by the digital office (S2 art. 3)

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name="发布单位",
        on_delete=models.PROTECT,
        related_name="bulletin_notices",
    )
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.NOTICE)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    audience = models.CharField(
        "发布范围", max_length=10, choices=Audience.choices, default=Audience.OWN
    )
    # What the drafter chose; the units it reached are fixed in NoticeAudience on publication.
    audience_units = models.ManyToManyField(
        "org.Unit", verbose_name="指定单位", blank=True, related_name="+"
    )
    audience_groups = models.ManyToManyField(
        "org.UnitGroup", verbose_name="指定单位分组", blank=True, related_name="+"
    )
    pinned = models.BooleanField("置顶", default=False)
    pinned_until = models.DateField("置顶截止日期", null=True, blank=True)
    expires_on = models.DateField("有效期至")  # shown through this day (Asia/Shanghai)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(
        _USER, verbose_name="拟稿人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("拟稿时间")
    updated_at = models.DateTimeField("修改时间")
    submitted_at = models.DateTimeField("送审时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        _USER,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_opinion = models.TextField("审核意见", blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        _USER,
        verbose_name="撤下人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField("撤下时间", null=True, blank=True)
    withdraw_reason = models.TextField("撤下原因", blank=True)

    class Meta:
        ordering = ("-published_at", "-id")
        indexes = (
            models.Index(fields=["status", "expires_on"], name="bulletins_notice_live"),
            models.Index(fields=["unit", "status"], name="bulletins_notice_unit"),
        )
        constraints = (
            models.CheckConstraint(
                condition=Q(pinned=False) | Q(pinned_until__isnull=False),
                name="bulletins_pinned_has_end",
            ),
        )

    def __str__(self) -> str:
        return self.title

    def move_to(self, target: str) -> None:
        """Change status through NOTICE_TRANSITIONS (the caller saves and audits)."""
        check_transition(
            NOTICE_TRANSITIONS, dict(self.Status.choices), self.status, target, "该通知"
        )
        self.status = target

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


# Draft → submitted → published (leader approves) or returned (edited and submitted again);
# the drafter may recall a submitted notice to draft. Published notices end archived (expired)
# or withdrawn (digital office); both are final.
NOTICE_TRANSITIONS: dict[str, frozenset[str]] = {
    Notice.Status.DRAFT: frozenset({Notice.Status.SUBMITTED}),
    Notice.Status.SUBMITTED: frozenset(
        {Notice.Status.PUBLISHED, Notice.Status.RETURNED, Notice.Status.DRAFT}
    ),
    Notice.Status.RETURNED: frozenset({Notice.Status.SUBMITTED}),
    Notice.Status.PUBLISHED: frozenset({Notice.Status.ARCHIVED, Notice.Status.WITHDRAWN}),
    Notice.Status.ARCHIVED: frozenset(),
    Notice.Status.WITHDRAWN: frozenset(),
}


class NoticeAudience(models.Model):
    """A unit a published "部分单位"/"本单位" notice reached, fixed at publication: a later
    change of a group's members does not change who was addressed."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reached")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["notice", "unit"], name="bulletins_audience_once"),
        )

    def __str__(self) -> str:
        return f"{self.notice_id}→{self.unit_id}"


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    upload = models.ForeignKey("files.Upload", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ("id",)
        constraints = (
            models.UniqueConstraint(fields=["notice", "upload"], name="bulletins_notice_file_once"),
        )

    def __str__(self) -> str:
        return str(self.upload_id)


class NoticeRead(models.Model):
    """First opening of a published notice by a person (the read statistics)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    reader = models.ForeignKey(_USER, on_delete=models.CASCADE, related_name="+")
    # The reader's unit when reading: statistics stay right if the person moves later.
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        ordering = ("read_at", "id")
        constraints = (
            models.UniqueConstraint(fields=["notice", "reader"], name="bulletins_read_once"),
        )
        indexes = (models.Index(fields=["notice", "unit"], name="bulletins_read_unit"),)

    def __str__(self) -> str:
        return f"{self.reader_id}@{self.notice_id}"


# --- information reports -----------------------------------------------------------------


class ReceivingUnit(models.Model):
    """A unit the digital office flagged as a receiver of information reports (S2 art. 2:
    the party/government office, the information centre). An inactive receiver takes no new
    reports but still handles those it has."""

    unit = models.OneToOneField(
        "org.Unit", on_delete=models.PROTECT, related_name="bulletin_receiver"
    )
    active = models.BooleanField("接收信息上报", default=True)
    note = models.CharField("说明", max_length=200, blank=True)
    updated_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ("unit_id",)

    def __str__(self) -> str:
        return str(self.unit_id)


class InfoReport(models.Model):
    class Category(models.TextChoices):
        GOV_INFO = "gov_info", "政务信息"
        WORK_NEWS = "work_news", "工作动态"
        PRACTICE = "practice", "经验做法"
        SUGGESTION = "suggestion", "问题建议"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待处理"  # waiting for the receiving office
        ADOPTED = "adopted", "已采用"  # used, with where (刊物/期数 or 报送上级)
        RETURNED = "returned", "已退回"  # sent back for rework with an opinion
        DECLINED = "declined", "不采用"  # final: not used
        RESUBMITTED = "resubmitted", "已重报"  # a returned version replaced by a new one
        WITHDRAWN = "withdrawn", "已撤回"  # taken back by the unit before handling

    class UsedIn(models.TextChoices):
        JOURNAL = "journal", "刊物采用"
        SUPERIOR = "superior", "报送上级"

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name="报送单位",
        on_delete=models.PROTECT,
        related_name="bulletin_reports",
    )
    receiver = models.ForeignKey(
        "org.Unit",
        verbose_name="接收单位",
        on_delete=models.PROTECT,
        related_name="bulletin_reports_received",
    )
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    version = models.PositiveSmallIntegerField("版本", default=1)
    # The returned version this one reworks; unique, so a double click cannot fork the item.
    previous = models.OneToOneField(
        "self",
        verbose_name="上一版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    # When the item (its first version) was submitted: the statistics count items by it.
    first_submitted_at = models.DateTimeField("首次报送时间")
    submitted_by = models.ForeignKey(
        _USER, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("报送时间")
    handled_by = models.ForeignKey(
        _USER,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    opinion = models.TextField("处理意见", blank=True)
    used_in = models.CharField("采用方式", max_length=20, choices=UsedIn.choices, blank=True)
    journal_name = models.CharField("刊物名称", max_length=100, blank=True)
    journal_issue = models.CharField("期数", max_length=40, blank=True)
    used_note = models.CharField("采用说明", max_length=300, blank=True)

    class Meta:
        ordering = ("-submitted_at", "-id")
        indexes = (
            models.Index(fields=["receiver", "status"], name="bulletins_report_inbox"),
            models.Index(fields=["unit", "-submitted_at"], name="bulletins_report_unit"),
            models.Index(fields=["first_submitted_at"], name="bulletins_report_period"),
        )

    def __str__(self) -> str:
        return self.title

    def move_to(self, target: str) -> None:
        check_transition(
            REPORT_TRANSITIONS, dict(self.Status.choices), self.status, target, "该信息"
        )
        self.status = target

    @property
    def used_where(self) -> str:
        if self.used_in == self.UsedIn.JOURNAL:
            return f"{self.journal_name}（{self.journal_issue}）"
        return self.used_note


# Only a waiting report is handled; a returned one is reworked as a new version (the old one
# becomes "resubmitted"); adopted, declined, resubmitted and withdrawn are final.
REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    InfoReport.Status.SUBMITTED: frozenset(
        {
            InfoReport.Status.ADOPTED,
            InfoReport.Status.RETURNED,
            InfoReport.Status.DECLINED,
            InfoReport.Status.WITHDRAWN,
        }
    ),
    InfoReport.Status.RETURNED: frozenset({InfoReport.Status.RESUBMITTED}),
    InfoReport.Status.ADOPTED: frozenset(),
    InfoReport.Status.DECLINED: frozenset(),
    InfoReport.Status.RESUBMITTED: frozenset(),
    InfoReport.Status.WITHDRAWN: frozenset(),
}


class ReportAttachment(models.Model):
    report = models.ForeignKey(InfoReport, on_delete=models.CASCADE, related_name="attachments")
    upload = models.ForeignKey("files.Upload", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ("id",)
        constraints = (
            models.UniqueConstraint(fields=["report", "upload"], name="bulletins_report_file_once"),
        )

    def __str__(self) -> str:
        return str(self.upload_id)
