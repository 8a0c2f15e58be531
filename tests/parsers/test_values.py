"""Cell values as printed → numbers; blanks and placeholders → None, never 0."""
from __future__ import annotations

import pytest

from parsers.values import AMOUNT, COUNT, SIGNED, is_blank, read_value


@pytest.mark.parametrize("text, kind, value", [
    ("0", COUNT, 0),
    ("54", COUNT, 54),
    ("1,234", COUNT, 1234),
    ("１２３", COUNT, 123),              # full-width digits
    (" 3 件", COUNT, 3),
    ("2,157.936", AMOUNT, 2157.936),
    ("638.8016", AMOUNT, 638.8016),
    ("251000元", AMOUNT, 25.1),
    ("25.1万元", AMOUNT, 25.1),
    ("1.2亿元", AMOUNT, 12000.0),
    ("0", AMOUNT, 0.0),
    ("+3", SIGNED, 3),
    ("-2", SIGNED, -2),
    ("－2", SIGNED, -2),               # full-width minus
    ("减少2", SIGNED, -2),
    ("增加3", SIGNED, 3),
])
def test_numbers(text, kind, value):
    reading = read_value(text, kind)
    assert reading.ok
    assert reading.value == value
    assert type(reading.value) is type(value)


@pytest.mark.parametrize("text", ["", "  ", "/", "／", "—", "——", "-", "无", "不适用", "\u00a0"])
def test_blanks_are_none(text):
    reading = read_value(text, COUNT)
    assert reading.ok and reading.value is None
    assert is_blank(text)


def test_unit_conversion_is_flagged_only_for_amounts():
    assert read_value("251000元", AMOUNT).unit_converted
    assert not read_value("25.1", AMOUNT).unit_converted


@pytest.mark.parametrize("text", ["见附件", "约10", "12a", "1,23"])
def test_text_is_not_a_value(text):
    reading = read_value(text, COUNT)
    assert not reading.ok and reading.value is None
