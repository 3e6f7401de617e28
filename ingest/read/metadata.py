"""Report metadata from the cover, titles and the 部门：/单位： lines: department, region, fiscal year, unit."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .text import PageText, squeeze
from .titles import TitleMark

_COVER_AFTER = re.compile(r"(20\d{2})年度?(.{2,40}?)(?:部门|单位)?(?:决算|决算报告|决算公开)")
# a department's name: Chinese characters, brackets, and the X / × of a template's placeholder (上海市XX局)
_COVER_BEFORE = re.compile(r"([\u4e00-\u9fff（）()XxＸｘ×]{2,40}?)(20\d{2})年度?(?:部门|单位)?(?:决算|决算报告|决算公开)")
_YEAR = re.compile(r"(20\d{2})年度?")

# Issuing governments: province / autonomous region, city (prefecture), county-level unit.
_PROVINCE = r"(?:[\u4e00-\u9fff]{2,9}?(?:省|自治区))"
# A city's or county's own name holds no 省/市/县/区 (安吉县城市管理局 is 安吉县 + 城市管理局, not a city 安吉县城市).
_CITY = r"(?:(?:(?![省市县区])[\u4e00-\u9fff]){2,5}?(?:市|自治州|地区|盟))"
_COUNTY = r"(?:(?:(?![省市县区])[\u4e00-\u9fff]){1,5}?(?:区|县|旗|市))"
_REGION = re.compile(rf"^({_PROVINCE})?({_CITY})?({_COUNTY})?")
# Words ending in 区/市 that are parts of department names, not districts.
# 矿区, 林区, 山区 alone are words too, but 洪山区 and 神农架林区 are districts.
_NOT_COUNTY = re.compile(r"(社区|园区|景区|校区|小区|片区|辖区|牧区|库区|垦区|开发区|示范区|试验区|保护区|城市|超市|市场)$|^(矿区|林区|山区)$")
_DEPARTMENT_END = re.compile(r"(局|委员会|委|办公室|办|院|中心|厅|部|会|所|馆|站|队|社|处|团|校|学|园|庭|宫|台|署|司|室|组|集团|公司|研究院)$")


@dataclass
class ReportMeta:
    title: str | None
    department: str | None
    region: str | None
    fiscal_year: int | None
    unit: str | None
    department_type: str | None = None  # the department without its region: 财政局, 区委社会工作部


def split_region(department: str) -> tuple[str | None, str]:
    """(region, department_type): 上海市普陀区财政局 → (上海市普陀区, 财政局)."""
    if department.startswith("中共"):  # party organs: 中共上海市普陀区委社会工作部 → 上海市普陀区, 区委社会工作部
        region, rest = split_region(department[2:])
        if region and rest.startswith("委"):
            rest = region[-1] + rest
        return region, rest
    match = _REGION.match(department)
    if not match or not match.group(0):
        return None, department
    province, city, county = match.groups()
    if county and (_NOT_COUNTY.search(county) or len(department) - match.end() < 2):
        county = None
    if city and not county and (_NOT_COUNTY.search(city) or len(department) - len((province or "") + city) < 2):
        city = None
    region = (province or "") + (city or "") + (county or "")
    if not region:
        return None, department
    return region, department[len(region):]


def _cover_title(pages: list[PageText]) -> tuple[str | None, str | None, int | None]:
    """(title, department, year) from the first pages' largest title-like text."""
    for page in pages[:3]:
        text = squeeze(page.text)
        for pattern, dept_group, year_group in ((_COVER_AFTER, 2, 1), (_COVER_BEFORE, 1, 2)):
            match = pattern.search(text)
            if match:
                department = match.group(dept_group)
                department = re.sub(r"^(第[一二三四五]部分|目录)", "", department)
                if _DEPARTMENT_END.search(department) or len(department) >= 4:
                    return match.group(0), department, int(match.group(year_group))
    return None, None, None


def report_metadata(pages: list[PageText], marks: list[TitleMark]) -> ReportMeta:
    title, cover_department, cover_year = _cover_title(pages)
    printed = Counter(m.department for m in marks if m.department)
    department = printed.most_common(1)[0][0] if printed else cover_department
    if cover_department and department and cover_department != department and cover_department.endswith(department):
        department = cover_department
    year = cover_year
    if year is None:
        years = Counter()
        for page in pages:
            for line in page.lines:
                for match in _YEAR.finditer(line.compact):
                    years[int(match.group(1))] += 1
        year = years.most_common(1)[0][0] if years else None
    units = Counter(m.unit for m in marks if m.unit)
    unit = units.most_common(1)[0][0] if units else None
    region, department_type = split_region(department) if department else (None, None)
    return ReportMeta(title, department, region, year, unit, department_type)
