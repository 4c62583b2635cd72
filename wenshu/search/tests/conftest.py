"""A corpus of realistic Chinese office texts, made through the content apps' own services,
then indexed by a direct call to the indexer (in production the one-minute task does it).

Unit A (市财政局): a mail from a_clerk to a_staff (with a .txt attachment), a notice for unit A
only, a unit library item published to the unit, and a_staff's private library item. Unit B
(市教育局, the outsider): a mail from b_clerk to b_staff.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from wenshu.accounts.api_auth import token_digest
from wenshu.accounts.models import ApiToken
from wenshu.bulletins import services as notices
from wenshu.files.services import file_ingest
from wenshu.library import services as library
from wenshu.messaging.addressing import Addressing, address_set
from wenshu.messaging.services import MailContent, mail_send
from wenshu.search.services import search_index_incremental

MAIL_A = (
    "关于进一步规范公文处理和印章使用的通知",
    "各科室：为规范电子公文的拟稿、审核和签发，现就公文处理和电子印章使用有关事项通知如下。"
    "一、严格履行用印审批手续；二、未经签发的公文不得加盖印章。",
)
MAIL_A_FILE = (
    "2026年预算编制说明.txt",
    "本年度部门预算编制坚持量入为出原则，项目支出须附绩效目标。",
)
NOTICE_A = (
    "关于召开2026年度财政工作会议的通知",
    "定于12月3日上午9时在三楼会议室召开年度财政工作会议，请各科室负责人准时参加会议。",
)
LIBRARY_UNIT = (
    "政府采购管理办法（修订稿）",
    "采购人应当在预算批复后编制采购计划，采购文件须经审核。",
)
LIBRARY_PRIVATE = ("个人工作笔记", "整理档案时发现旧印章登记簿一本，需核对预算台账。")
MAIL_B = ("教育系统公文交换工作提示", "请各校做好公文签收登记，按期报送会议材料。")


def send_mail(actor: Any, *people: Any, subject: str, body: str, files: tuple = ()) -> Any:
    addressing = Addressing(to=address_set(people=[p.pk for p in people]))
    content = MailContent(subject=subject, body=body, addressing=addressing)
    return mail_send(actor=actor, content=content, files=files).message


def publish_notice(author: Any, leader: Any, title: str, body: str) -> Any:
    data = notices.NoticeInput(
        title=title, body=body, expires_on=timezone.localdate() + timedelta(days=30)
    )
    notice = notices.notice_create(actor=author, data=data)
    notices.notice_submit(actor=author, notice=notice)
    return notices.notice_approve(actor=leader, notice=notice)


def library_item(person: Any, title: str, text: str, *, personal: bool) -> Any:
    upload = file_ingest(
        actor=person, name=f"{title}.txt", data_or_fileobj=text.encode(), purpose="library"
    )
    unit_root, personal_root = library.library_roots_ensure(viewer=person)
    return library.library_item_create(
        actor=person, folder=personal_root if personal else unit_root, upload=upload, title=title
    )


def bearer(person: Any) -> dict[str, str]:
    token = secrets.token_urlsafe(24)
    ApiToken.objects.create(user=person, name="测试", prefix=token[:8], digest=token_digest(token))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def corpus(city: Any, clamd_socket: Any) -> SimpleNamespace:
    c = SimpleNamespace(city=city)
    c.mail_a = send_mail(
        city.a_clerk,
        city.a_staff,
        subject=MAIL_A[0],
        body=MAIL_A[1],
        files=((MAIL_A_FILE[0], MAIL_A_FILE[1].encode()),),
    )
    c.notice_a = publish_notice(city.a_clerk, city.a_leader, *NOTICE_A)
    c.item_unit = library_item(city.a_clerk, *LIBRARY_UNIT, personal=False)
    c.item_private = library_item(city.a_staff, *LIBRARY_PRIVATE, personal=True)
    c.mail_b = send_mail(city.b_clerk, city.b_staff, subject=MAIL_B[0], body=MAIL_B[1])
    search_index_incremental()
    return c
