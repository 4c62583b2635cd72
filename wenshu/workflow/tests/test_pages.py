"""The pages: 我的待办, the generic work-item page, flow definitions; outsiders refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wenshu.workflow.models import ProcessDefinition, WorkItem
from wenshu.workflow.tests import bpmn_samples as samples
from wenshu.workflow.tests.conftest import act, as_client, item_of, open_steps, start_fawen

pytestmark = pytest.mark.django_db


def test_the_todo_list_shows_ones_own_items_and_the_workbench_counts_them(city, cast):
    instance = start_fawen(city, cast)
    page = as_client(cast.drafter).get(reverse("workflow:todo"))
    body = page.content.decode()
    assert page.status_code == 200 and "拟稿" in body and "关于做好年度预算编制工作的通知" in body
    item = item_of(instance, cast.drafter)
    assert reverse("workflow:item", args=[item.pk]) in body
    assert "拟稿" not in as_client(city.b_clerk).get(reverse("workflow:todo")).content.decode()
    bench = as_client(cast.drafter).get(reverse("web:workbench")).content.decode()
    assert "待办" in bench and reverse("workflow:todo") in bench


def test_the_todo_list_needs_a_login_and_a_bounded_number_of_queries(
    city, cast, django_assert_max_num_queries
):
    assert as_client(cast.drafter).get(reverse("workflow:todo")).status_code == 200
    anonymous = as_client(cast.drafter)
    anonymous.logout()
    assert anonymous.get(reverse("workflow:todo")).status_code == 302
    for n in range(5):
        start_fawen(city, cast, subject_id=f"q{n}")
    client = as_client(cast.drafter)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("workflow:todo"))
    assert page.content.decode().count("拟稿</a>") == 5


def test_the_item_page_shows_the_step_and_history_and_completes_it(city, cast):
    instance = start_fawen(city, cast)
    act(instance, cast.drafter, opinion="初稿已成")
    review = item_of(instance, cast.reviewer)
    client = as_client(cast.reviewer)
    page = client.get(reverse("workflow:item", args=[review.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "核稿" in body and "初稿已成" in body and "退回" in body
    refused = client.post(
        reverse("workflow:item_complete", args=[review.pk]), {"decision": "return", "opinion": ""}
    )
    assert refused.status_code == 400 and "请填写意见" in refused.content.decode()
    done = client.post(
        reverse("workflow:item_complete", args=[review.pk]),
        {"decision": "approve", "opinion": "可以"},
    )
    assert done.status_code == 302
    assert open_steps(instance) == ["countersign", "countersign"]
    again = client.post(
        reverse("workflow:item_complete", args=[review.pk]), {"decision": "approve"}
    )
    assert again.status_code == 409 and "请勿重复提交" in again.content.decode()


def test_the_item_page_offers_withdrawal_to_the_doer(city, cast):
    instance = start_fawen(city, cast)
    done = act(instance, cast.drafter)
    client = as_client(cast.drafter)
    assert "撤回" in client.get(reverse("workflow:item", args=[done.pk])).content.decode()
    response = client.post(reverse("workflow:item_withdraw", args=[done.pk]))
    assert response.status_code == 302
    assert open_steps(instance) == ["draft"]
    refused = client.post(reverse("workflow:item_withdraw", args=[done.pk]))
    assert refused.status_code == 409 and "不能撤回" in refused.content.decode()


def test_a_colleague_sees_the_item_but_cannot_act(city, cast):
    instance = start_fawen(city, cast)
    draft = item_of(instance, cast.drafter)
    client = as_client(city.a_leader)
    page = client.get(reverse("workflow:item", args=[draft.pk]))
    assert page.status_code == 200 and "提交" not in page.content.decode()
    refused = client.post(
        reverse("workflow:item_complete", args=[draft.pk]), {"decision": "approve"}
    )
    assert refused.status_code == 403
    draft.refresh_from_db()
    assert draft.status == WorkItem.Status.OPEN


def test_outsiders_get_404_on_every_item_route(city, cast):
    instance = start_fawen(city, cast)
    done = act(instance, cast.drafter)
    review = item_of(instance, cast.reviewer)
    client = as_client(city.b_clerk)
    assert client.get(reverse("workflow:item", args=[review.pk])).status_code == 404
    assert (
        client.post(
            reverse("workflow:item_complete", args=[review.pk]), {"decision": "approve"}
        ).status_code
        == 404
    )
    assert client.post(reverse("workflow:item_withdraw", args=[done.pk])).status_code == 404
    assert open_steps(instance) == ["review"]


def test_the_digital_office_uploads_downloads_and_resets_a_flow(city):
    client = as_client(city.shuziban)
    page = client.get(reverse("workflow:definitions"))
    assert page.status_code == 200 and "发文办理" in page.content.decode()
    upload = SimpleUploadedFile(
        "short.bpmn", samples.FAWEN_SHORT.encode("utf-8"), content_type="application/xml"
    )
    response = client.post(
        reverse("workflow:definitions"), {"key": "fawen", "unit": city.a.pk, "bpmn_file": upload}
    )
    assert response.status_code == 302
    definition = ProcessDefinition.objects.get(unit=city.a)
    assert definition.filename == "short.bpmn"
    detail = client.get(reverse("workflow:definition", args=[definition.pk])).content.decode()
    assert "fawen_short" in detail and definition.sm3 in detail
    download = client.get(reverse("workflow:definition_download", args=[definition.pk]))
    assert download.status_code == 200 and download.content.decode("utf-8") == samples.FAWEN_SHORT
    assert (
        client.post(reverse("workflow:definition_reset", args=[definition.pk])).status_code == 302
    )
    definition.refresh_from_db()
    assert not definition.active


def test_the_digital_office_installs_the_shipped_flows_from_the_page(city):
    client = as_client(city.shuziban)
    assert "安装系统内置流程" in client.get(reverse("workflow:definitions")).content.decode()
    assert client.post(reverse("workflow:definitions_install")).status_code == 302
    assert set(ProcessDefinition.objects.values_list("key", flat=True)) == {"fawen", "shouwen"}
    assert client.post(reverse("workflow:definitions_install")).status_code == 302  # idempotent
    assert ProcessDefinition.objects.count() == 2
    assert as_client(city.a_admin).post(reverse("workflow:definitions_install")).status_code == 403


def test_an_invalid_upload_shows_the_reason_and_keeps_the_choices(city):
    client = as_client(city.shuziban)
    upload = SimpleUploadedFile("bad.bpmn", samples.FAWEN_WITHOUT_SEAL.encode("utf-8"))
    response = client.post(
        reverse("workflow:definitions"), {"key": "fawen", "unit": city.a.pk, "bpmn_file": upload}
    )
    body = response.content.decode()
    assert response.status_code == 400 and "用印（id=seal）" in body
    assert f'value="{city.a.pk}" selected' in body
    assert not ProcessDefinition.objects.filter(unit=city.a).exists()


def test_only_the_digital_office_sees_the_definition_pages(city):
    definition = ProcessDefinition.objects.get(pk=_default_pk())
    for person in (city.a_admin, city.b_clerk, city.sysadmin):
        client = as_client(person)
        assert client.get(reverse("workflow:definitions")).status_code == 403
        assert client.get(reverse("workflow:definition", args=[definition.pk])).status_code == 403
        assert (
            client.get(reverse("workflow:definition_download", args=[definition.pk])).status_code
            == 403
        )
        upload = SimpleUploadedFile("short.bpmn", samples.FAWEN_SHORT.encode("utf-8"))
        assert (
            client.post(
                reverse("workflow:definitions"), {"key": "fawen", "bpmn_file": upload}
            ).status_code
            == 403
        )
    assert ProcessDefinition.objects.count() == 1


def _default_pk() -> int:
    from wenshu.workflow.services import definition_install_default

    return definition_install_default(key="fawen").pk


def test_the_unit_leader_cancels_a_process_from_the_item_page(city, cast):
    instance = start_fawen(city, cast)
    draft = item_of(instance, cast.drafter)
    staff_page = as_client(city.a_clerk).get(reverse("workflow:item", args=[draft.pk]))
    assert "终止整个流程" not in staff_page.content.decode()
    refused = as_client(city.a_clerk).post(
        reverse("workflow:item_cancel", args=[draft.pk]), {"reason": "不发了"}
    )
    assert refused.status_code == 403 and "只有流程发起人" in refused.content.decode()
    client = as_client(city.a_leader)
    assert "终止整个流程" in client.get(reverse("workflow:item", args=[draft.pk])).content.decode()
    empty = client.post(reverse("workflow:item_cancel", args=[draft.pk]), {"reason": ""})
    assert empty.status_code == 400
    done = client.post(
        reverse("workflow:item_cancel", args=[draft.pk]), {"reason": "情况变化，不再发文"}
    )
    assert done.status_code == 302
    instance.refresh_from_db()
    assert instance.status == "cancelled" and instance.cancel_reason == "情况变化，不再发文"
    outsider = as_client(city.b_leader).post(
        reverse("workflow:item_cancel", args=[draft.pk]), {"reason": "x"}
    )
    assert outsider.status_code == 404
