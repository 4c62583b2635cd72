"""The textarea body: one paragraph per line, heading levels from their numbering."""

from __future__ import annotations

import pytest

from wenshu.documents import body
from wenshu.lib.errors import DomainError
from wenshu.lib.gongwen_pdf import ParaKind


def test_it_reads_lines_and_heading_levels():
    parsed = body.parse_text(
        "开头段落。\r\n\r\n一、总体要求\n（一）统筹兼顾。全面反映收支。\n"
        "1.报送时间\n（1）纸质一份\n　二、工作安排"
    )
    assert [(p["kind"], p["text"]) for p in parsed] == [
        ("paragraph", "开头段落。"),
        ("heading1", "一、总体要求"),
        ("heading2", "（一）统筹兼顾。全面反映收支。"),
        ("heading3", "1.报送时间"),
        ("heading4", "（1）纸质一份"),
        ("heading1", "二、工作安排"),
    ]


def test_numbers_that_are_not_headings_stay_paragraphs():
    parsed = body.parse_text("1.5亿元已拨付。\n2026年预算已下达。")
    assert [p["kind"] for p in parsed] == ["paragraph", "paragraph"]


def test_the_text_round_trips_through_the_form():
    text = "一、总体要求\n（一）坚持统筹兼顾。\n正文。"
    assert body.to_text(body.parse_text(text)) == text


def test_a_run_in_heading_is_split_for_the_pdf():
    text = "（一）明确责任。各单位要落实。"
    (paragraph,) = body.to_paragraphs([{"kind": "heading2", "text": text}])
    assert paragraph.kind is ParaKind.HEADING2
    assert (paragraph.text, paragraph.continuation) == ("（一）明确责任。", "各单位要落实。")


@pytest.mark.parametrize(
    "bad", ["not a list", [{"kind": "title", "text": "x"}], [{"kind": "paragraph", "text": " "}]]
)
def test_a_malformed_structured_body_is_refused(bad):
    with pytest.raises(DomainError, match="正文"):
        body.check(bad)
