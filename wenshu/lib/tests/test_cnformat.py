"""Chinese dates, 发文字号 and heading numbers as GB/T 9704-2012 writes them."""

from __future__ import annotations

from datetime import date

import pytest

from wenshu.lib.cnformat import (
    DocNumber,
    cn_date,
    cn_number,
    doc_number,
    heading_prefix,
    parse_doc_number,
)


@pytest.mark.parametrize(
    ("d", "text"),
    [
        (date(2026, 11, 25), "2026年11月25日"),
        (date(2026, 1, 5), "2026年1月5日"),
        (date(2030, 10, 1), "2030年10月1日"),
    ],
)
def test_it_writes_dates_in_arabic_numerals_without_leading_zeros(d: date, text: str) -> None:
    assert cn_date(d) == text


def test_it_writes_doc_numbers_with_full_year_in_hexagonal_brackets() -> None:
    assert doc_number("白财", 2026, 12) == "白财〔2026〕12号"
    assert doc_number("白政办发", 2026, 1) == "白政办发〔2026〕1号"


@pytest.mark.parametrize(
    ("code", "year", "n"),
    [("", 2026, 1), ("白 财", 2026, 1), ("白财〔", 2026, 1), ("白财", 26, 1), ("白财", 2026, 0)],
)
def test_it_refuses_bad_doc_number_parts(code: str, year: int, n: int) -> None:
    with pytest.raises(ValueError, match=r"发文字号|机关代字"):
        doc_number(code, year, n)


def test_it_parses_the_canonical_doc_number() -> None:
    parsed = parse_doc_number("白财〔2026〕12号")
    assert parsed == DocNumber("白财", 2026, 12)
    assert str(parsed) == "白财〔2026〕12号"


@pytest.mark.parametrize(
    "text",
    [
        "白财[2026]12号",
        "白财［2026］12号",
        "白财【2026】12号",
        "白财（2026）12号",
        "白财(2026)12号",
        "白财〔2026〕第12号",
        "白财〔2026〕012号",
        "白财〔２０２６〕１２号",
        " 白财 〔2026〕 12号 ",
    ],
)
def test_it_understands_common_typing_variants_when_lenient(text: str) -> None:
    assert parse_doc_number(text) == DocNumber("白财", 2026, 12)


@pytest.mark.parametrize(
    "text", ["白财[2026]12号", "白财〔2026〕第12号", "白财〔2026〕012号", "白财〔2026〕12"]
)
def test_it_accepts_only_the_canonical_form_when_strict(text: str) -> None:
    with pytest.raises(ValueError, match="无法识别的发文字号"):
        parse_doc_number(text, strict=True)


@pytest.mark.parametrize(
    "text",
    ["", "白财2026号", "〔2026〕12号", "白财〔26〕12号", "白财〔2026〕号", "白财〔2026〕0号"],
)
def test_it_refuses_what_is_not_a_doc_number(text: str) -> None:
    with pytest.raises(ValueError, match="发文字号"):
        parse_doc_number(text)


def test_it_round_trips_every_doc_number_it_writes() -> None:
    for n in (1, 9, 10, 99, 100, 12345):
        assert parse_doc_number(doc_number("甘白教", 2027, n), strict=True).number == n


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (30, "三十"),
        (99, "九十九"),
    ],
)
def test_it_writes_chinese_numbers_up_to_99(n: int, text: str) -> None:
    assert cn_number(n) == text


@pytest.mark.parametrize("n", [0, -1, 100])
def test_it_refuses_chinese_numbers_out_of_range(n: int) -> None:
    with pytest.raises(ValueError, match="1 到 99"):
        cn_number(n)


@pytest.mark.parametrize(
    ("level", "n", "prefix"),
    [
        (1, 1, "一、"),
        (1, 12, "十二、"),
        (2, 3, "（三）"),
        (3, 1, "1."),
        (3, 10, "10."),
        (4, 2, "（2）"),
    ],
)
def test_it_numbers_the_four_heading_levels(level: int, n: int, prefix: str) -> None:
    assert heading_prefix(level, n) == prefix


@pytest.mark.parametrize(("level", "n"), [(0, 1), (5, 1), (3, 0), (4, 100)])
def test_it_refuses_unknown_heading_levels_and_numbers(level: int, n: int) -> None:
    with pytest.raises(ValueError):
        heading_prefix(level, n)
