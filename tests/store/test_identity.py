"""A version's identity reads the narrative's prose only (nianjian/store/identity.py)."""
from nianjian.store.identity import content_key, sentences

# borderless_2021.pdf's narrative: a sentence wrapped over lines as the PDF prints it
WRAPPED = ("示例县人民政府2023年政府信息公开工作年度报告\n一、总体情况\n"
           "2023年，示例县人民政府坚持以公开为常态、不公开为例外，认真贯彻落\n"
           "实《中华人民共和国政府信息公开条例》。本报告中所列数据的统计期限自\n"
           "2023年1月1日起至2023年12月31日止。")


def test_a_word_changed_on_a_wrapped_line_changes_the_prose():
    assert sentences(WRAPPED.replace("不公开为例外", "不公开为特例")) != sentences(WRAPPED)


def test_the_pages_chrome_around_the_prose_is_not_prose():
    chrome = ("今天是2026年11月2日 星期三 登录\n浏览次数：74 发布时间：2022-01-20\n" + WRAPPED
              + "\n相关文章\n关于做好第3批政务公开工作的通知\n版权所有 © 2022 网站访问量：2000")
    assert sentences(chrome) == sentences(WRAPPED)
    assert sentences(WRAPPED.replace("，", ",").replace("。", "。 ")) == sentences(WRAPPED)


def test_the_identity_holds_every_cell_the_title_and_the_year():
    base = dict(agency="示例县人民政府", year=2023, title="示例县人民政府2023年政府信息公开工作年度报告",
                cells=[("t3.new.total", 60), ("t3.new.natural", None)], narrative=WRAPPED)
    key = content_key(**base)
    assert content_key(**{**base, "cells": [("t3.new.total", 61), ("t3.new.natural", None)]}) != key
    assert content_key(**{**base, "cells": [("t3.new.total", 60)]}) != key        # a row less
    assert content_key(**{**base, "year": 2024}) != key
    assert content_key(**{**base, "title": "示例县人民政府 2023 年政府信息公开工作年度报告 "}) == key
