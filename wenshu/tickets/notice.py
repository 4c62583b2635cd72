"""The paper notice of S1 art. 51 ("以纸质文件的方式通知使用单位") as a GB/T 9704 PDF.

When a fault stays unresolved 24 hours after it reached the digital office, the office
notifies the units on paper so that documents keep moving. The notice is laid out by
wenshu.lib.gongwen_pdf like any official document: the office's 发文机关标志, a title
"关于…系统故障的紧急通知", the affected units as 主送机关, the fault and the proposed solution
as 正文, the government office as 抄送 (it receives the report at the same time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from wenshu.lib.errors import DomainError
from wenshu.lib.gongwen_pdf import GongwenData, Paragraph, ParaKind, render_pdf
from wenshu.tickets.models import Category, Urgency

OFFICE_NAME = "白银市数字白银工作办公室"  # used when no unit is flagged as the digital office
REGULATION = "《白银市电子政务办公自动化系统管理办法》第五十一条"
DEFAULT_SOLUTION = "市数字办正在组织有关单位查明原因、排除故障，具体解决办法另行通知。"
# What the title calls the failing system: "关于{subject}系统故障的紧急通知".
SUBJECTS = {
    Category.NETWORK: "电子政务网络",
    Category.TERMINAL: "电子公文终端",
    Category.FUNCTION: "电子公文",
    Category.EXCHANGE: "电子公文交换",
    Category.SEAL: "电子印章",
    Category.KEY: "登录密钥",
    Category.OTHER: "电子公文",
}


def notice_title(category: str) -> str:
    return f"关于{SUBJECTS.get(Category(category), '电子公文')}系统故障的紧急通知"


def cn_time(when: datetime) -> str:
    local = timezone.localtime(when)
    return f"{local.year}年{local.month}月{local.day}日{local.hour}时{local.minute:02d}分"


def cn_day(when: date) -> str:
    return f"{when.year}年{when.month}月{when.day}日"


@dataclass(frozen=True)
class NoticeFacts:
    """What the notice says, gathered from the ticket by the service."""

    office_name: str
    category: str
    urgency: str
    summary: str
    details: str
    affected: str
    reporter: str  # "白银市财政局" or "系统自动检测"
    reported_at: datetime
    reached_at: datetime
    breached_at: datetime
    solution: str
    units: tuple[str, ...]
    issue_date: date
    cc: tuple[str, ...] = ()
    contact: str = ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _body(f: NoticeFacts) -> tuple[Paragraph, ...]:
    fault = f"{cn_time(f.reported_at)}，{f.reporter}报告{f.summary}"
    fault = fault.rstrip("。") + "。"
    if f.details and f.details != f.summary:
        fault += f.details.rstrip("。") + "。"
    if f.affected:
        fault += f"影响范围：{f.affected.rstrip('。')}。"
    status = (
        f"市数字办于{cn_time(f.reached_at)}接到报告后，立即组织有关单位查明原因、排除"
        f"故障。截至{cn_time(f.breached_at)}，故障已超过24小时仍未排除，电子公文与信息"
        f"不能在系统中正常交换。根据{REGULATION}，现将有关事项紧急通知如下："
    )
    paragraphs = [Paragraph(fault), Paragraph(status), Paragraph("解决办法", ParaKind.HEADING1)]
    paragraphs += [Paragraph(line) for line in _lines(f.solution) or _lines(DEFAULT_SOLUTION)]
    paragraphs.append(Paragraph("有关要求", ParaKind.HEADING1))
    paragraphs.append(
        Paragraph(
            "故障排除前，各单位之间的公文与信息改以纸质文件方式传递，按纸质公文的有关规定办理，"
            "确保公文与信息交换工作正常进行。"
        )
    )
    paragraphs.append(Paragraph("故障排除后，市数字办将另行通知恢复电子公文交换。"))
    if f.contact:
        paragraphs.append(Paragraph(f"联系人及电话：{f.contact}。"))
    return tuple(paragraphs)


def notice_data(facts: NoticeFacts) -> GongwenData:
    return GongwenData(
        issuer_mark=facts.office_name,
        title=notice_title(facts.category),
        urgency="特急" if facts.urgency == Urgency.CRITICAL else "加急",
        main_recipients="、".join(facts.units),
        body=_body(facts),
        issuer_signature=facts.office_name,
        issue_date=facts.issue_date,
        cc=facts.cc,
        printer=facts.office_name,
        print_date=facts.issue_date,
    )


def render_notice(facts: NoticeFacts) -> bytes:
    """The notice's PDF (fonts embedded); a missing font is a clear refusal, never a 500."""
    try:
        return render_pdf(notice_data(facts))
    except (OSError, ValueError) as exc:
        raise DomainError(f"纸质通知生成失败：{exc}。请系统管理员检查中文字体。") from exc
