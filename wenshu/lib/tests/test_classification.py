"""Classification markings are detected so classified material never enters the system."""

from __future__ import annotations

import pytest

from wenshu.lib.classification import (
    Marking,
    find_marking,
    find_markings,
    is_unclassified_level,
    level_refusal_message,
    refusal_message,
)


@pytest.mark.parametrize(
    ("text", "level", "marked"),
    [
        ("机密★", "机密", "机密★"),
        ("绝密★", "绝密", "绝密★"),
        ("秘密★", "秘密", "秘密★"),
        ("秘密★1年", "秘密", "秘密★1年"),
        ("机密★长期", "机密", "机密★长期"),
        ("绝密★永久", "绝密", "绝密★永久"),
        ("秘密★6个月", "秘密", "秘密★6个月"),
        ("机密☆10年", "机密", "机密☆10年"),
        ("秘密*1年", "秘密", "秘密*1年"),
        ("秘密＊１年", "秘密", "秘密＊１年"),
        ("秘密 ★ 1 年", "秘密", "秘密 ★ 1 年"),
        ("机　密★", "机密", "机　密★"),
        ("秘密★五年", "秘密", "秘密★五年"),
        ("本通知为 机密★ 文件，请妥善保管", "机密", "机密★"),
        ("密级：秘密", "秘密", "密级：秘密"),
        ("密级:机密", "机密", "密级:机密"),
        ("密级 ： 绝密★长期", "绝密", "密级 ： 绝密★长期"),
        ("秘　密", "秘密", "秘　密"),
        ("机密\n白银市财政局文件", "机密", "机密"),
        ("000123\n  机密 10年\n特急", "机密", "机密 10年"),
        ("国家秘密★", "秘密", "秘密★"),
    ],
)
def test_it_detects_classification_markings(text: str, level: str, marked: str) -> None:
    marking = find_marking(text)
    assert marking is not None
    assert marking.level == level
    assert marking.text == marked
    assert text[marking.start : marking.end] == marked


@pytest.mark.parametrize(
    "text",
    [
        "",
        "非密",
        "密级：非密",
        "本文件密级为非密，可在系统内流转。",
        "保密局",
        "市国家保密局关于做好保密工作的通知",
        "秘密通道",
        "严守国家秘密和工作秘密",
        "商业秘密、个人隐私依法予以保护",
        "机密文件一律按纸质公文流转",
        "他秘密地离开了",
        "机密性、完整性、可用性",
        "绝密的消息",
        "★ 重点工作",
        "*秘密",
        "秘密通道\n机密性",
        "关于加强涉密载体管理的通知",
    ],
)
def test_it_ignores_ordinary_words_that_are_not_markings(text: str) -> None:
    assert find_marking(text) is None


def test_it_reports_line_position_and_period() -> None:
    text = "关于年度预算的通知\n\n正文第一段。\n密级：机密★2年\n"
    marking = find_marking(text)
    start = text.index("密级")
    assert marking == Marking(
        level="机密", text="密级：机密★2年", start=start, end=start + 8, line=4, period="2年"
    )


def test_it_finds_every_marking_in_order() -> None:
    text = "秘密★1年\n正文提到绝密★长期的材料。\n密级：机密"
    assert [m.level for m in find_markings(text)] == ["秘密", "绝密", "机密"]


def test_it_names_the_rule_in_the_refusal() -> None:
    marking = find_marking("这是机密★文件")
    assert marking is not None
    assert refusal_message(marking, "正文") == (
        "检测到密级标志“机密★”（位于正文）。根据《办公自动化管理办法》第四十五条、第五十条，"
        "涉密文件不得进入本系统，请按纸质公文流转。"
    )


@pytest.mark.parametrize(
    ("value", "allowed"),
    [("", True), ("非密", True), (" 非密 ", True), ("秘密", False), ("机密★1年", False)],
)
def test_it_allows_only_unclassified_levels(value: str, allowed: bool) -> None:
    assert is_unclassified_level(value) is allowed


def test_it_refuses_a_classified_level_naming_the_rule() -> None:
    message = level_refusal_message("秘密")
    assert "“秘密”" in message
    assert "第四十五条、第五十条" in message
