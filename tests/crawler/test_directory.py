"""Organ directories as portals print them (crawler/directory.py), read from saved pages: the
real 邯郸 政府信息公开 platform with its department list, and a county 部门信息公开 directory in
the 集约化 style (?unitid= codes, names broken by <br>, townships on the 公开 platform's host)."""
from __future__ import annotations

from pathlib import Path

import pytest

from crawler import directory

PORTALS = Path(__file__).resolve().parents[1] / "fixtures" / "portals"
HANDAN = (PORTALS / "04_handan_hdzfxxgk_platform_entry_nianbao_link.html").read_text("utf-8")
DONGSHAN = (PORTALS / "07_county_directory_unitid_br.html").read_text("utf-8")


def test_handan_platform_names_its_government():
    assert directory.region_government(HANDAN) == ("邯郸市人民政府", "邯郸市")


def test_handan_department_list_gives_44_departments_with_full_names():
    organs = directory.organ_links(HANDAN, "http://hdzfxxgk.hd.gov.cn/zfxxgkzn/", "邯郸市")
    names = [o.name for o in organs]
    assert len(names) == 44 and len(set(names)) == 44
    assert names[:3] == ["邯郸市政府办公室", "邯郸市发展改革委", "邯郸市教育局"]
    assert "邯郸市市场监督管理局" in names          # printed 市场监督管理局: 市场 is no abbreviation
    assert "国家税务总局邯郸市税务局" in names       # prints its own region
    assert "邯郸仲裁委" in names
    assert all(o.level == "department" for o in organs)
    education = next(o for o in organs if o.name == "邯郸市教育局")
    assert education.url == "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/?id=1780/2138"   # as the page links it
    # menu items and services are not organs
    assert not {"政府信息公开指南", "邯郸市政府信息公开", "邯郸市机构职责", "邯郸市网站首页"} & set(names)


def test_handan_entry_links_lead_to_the_disclosure_pages():
    links = directory.entry_links(HANDAN, "http://hdzfxxgk.hd.gov.cn/zfxxgkzn/")
    assert "http://hdzfxxgk.hd.gov.cn/" in links              # 政府信息公开
    assert "http://hdzfxxgk.hd.gov.cn/fdgknr/" in links       # 法定主动公开内容
    assert not any("zmhd" in link or "beian" in link for link in links)


def test_county_directory_with_unitid_codes_and_names_broken_by_br():
    organs = directory.organ_links(DONGSHAN, "http://www.dongshan.gov.cn/xxgk/bm/", "东山县")
    by_name = {o.name: (o.level, o.url) for o in organs}
    assert by_name == {
        "东山县发展和改革局": ("department", "http://www.dongshan.gov.cn/xxgk/bm/list.jsp?unitid=330101"),
        "东山县教育局": ("department", "http://www.dongshan.gov.cn/xxgk/bm/list.jsp?unitid=330102"),
        "东山县卫生健康委员会": ("department", "http://www.dongshan.gov.cn/xxgk/bm/list.jsp?unitid=330103"),
        "东山县市场监督管理局": ("department", "http://www.dongshan.gov.cn/xxgk/bm/list.jsp?unitid=330104"),
        "东山县政府办公室": ("department", "http://www.dongshan.gov.cn/xxgk/bm/list.jsp?unitid=330105"),
        # townships on the county's 公开 platform, another host
        "东山县铜陵镇人民政府": ("township", "http://xxgk.dongshan.gov.cn/col/col2001/index.html"),
        "东山县西埔镇人民政府": ("township", "http://xxgk.dongshan.gov.cn/col/col2002/index.html"),
        "东山县铜山街道办事处": ("township", "http://xxgk.dongshan.gov.cn/col/col2003/index.html"),
        "东山县陈城乡人民政府": ("township", "http://xxgk.dongshan.gov.cn/col/col2004/index.html"),
    }
    assert directory.region_government(DONGSHAN) == ("东山县人民政府", "东山县")


def test_county_directory_entry_links():
    links = directory.entry_links(DONGSHAN, "http://www.dongshan.gov.cn/xxgk/bm/")
    assert links == ["http://www.dongshan.gov.cn/xxgk/"]      # 信息公开 and 政务公开 lead to the same page


@pytest.mark.parametrize("printed, prefix, name, level", [
    ("市教育局", "示例市", "示例市教育局", "department"),
    ("教育局", "示例县", "示例县教育局", "department"),
    ("县卫健委", "示例县", "示例县卫健委", "department"),
    ("市政府办公室", "示例市", "示例市政府办公室", "department"),
    ("东湖镇", "示例县", "示例县东湖镇人民政府", "township"),
    ("城关街道", "示例县", "示例县城关街道办事处", "township"),
    ("城关街道办事处", "示例县", "示例县城关街道办事处", "township"),
    ("示例县", "示例市", "示例县人民政府", "government"),
    ("示例县人民政府", "示例市", "示例县人民政府", "government"),
    ("国家税务总局示例市税务局", "示例市", "国家税务总局示例市税务局", "department"),
])
def test_full_names_and_levels(printed, prefix, name, level):
    assert directory.full_name(printed, prefix) == name
    assert directory.level_of(name) == level


@pytest.mark.parametrize("text", ["政府信息公开", "政府信息公开年报", "示例市召开政务公开工作推进会", "网站地图",
                                  "2023年度报告", "关于印发通知", "更多", "机构职责"])
def test_not_organs(text):
    assert directory.level_of(text) is None


@pytest.mark.parametrize("title, year, organ", [
    ("示例县卫生健康委员会2024年政府信息公开工作年度报告", 2024, "示例县卫生健康委员会"),
    ("示例县东湖镇人民政府2024年度政府信息公开工作年度报告", 2024, "示例县东湖镇人民政府"),
    ("关于2023年政府信息公开工作年度报告", 2023, None),
])
def test_organ_named_by_a_report_title(title, year, organ):
    assert directory.organ_of_title(title, year) == organ
