"""Claims: one record per statement of a figure in the narrative, read from the sentence forms of the
Ministry's template and its regional variants.

A figure's *label* is the text between the figure before it (or the start of its clause) and the figure:
财政拨款收入 | 1,641.76万元. The label and the words around the figure decide its role: a 年初预算 / 决算 pair
with its completion rate (budget_final), 比上年增加 X，增长 Y% (yoy), 占 X% (share), an amount, a count, a
score. A figure whose role or subject cannot be read is kept as an ``unresolved`` claim with its sentence:
nothing is guessed.

Matching claims against the tables happens in dbt: a claim carries the subject as printed, the function code
where one is printed, the 类/款/项 names, the table the section speaks of (table_hint) and the measure the
label names (measure, measure_zh).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .layout import ITEM_LABEL, Sentence
from .numbers import Figure, find_figures
from .vocab import func_subject, measure_of, section_table

KINDS = ("amount", "share", "yoy", "budget_final", "count", "other", "unresolved")
RELATIONS = ("大于", "小于", "等于", "持平")
_RELATION_WORDS = {"大于": "大于", "高于": "大于", "超过": "大于", "多于": "大于", "小于": "小于", "低于": "小于",
                   "少于": "小于", "等于": "等于", "一致": "等于", "相等": "等于", "相同": "等于", "无差异": "等于",
                   "持平": "持平", "基本持平": "持平", "存在差异": None, "有差异": None, "存在差距": None}


@dataclass(frozen=True)
class Claim:
    """One stated figure (or, for budget_final and yoy, one statement of two or three figures)."""

    claim_no: int
    sentence_no: int
    page: int                       # page of the claim's first figure
    part_no: str
    section_no: str
    section_title: str
    subsection_no: str
    subsection_title: str
    item_no: str
    kind: str                       # amount share yoy budget_final count other unresolved
    subject: str                    # as printed, framing words (year, 其中, 为) removed
    sentence: str
    subject_code: str | None = None         # function code as printed (201, 20103, 2010301)
    func_level: str | None = None           # 类 / 款 / 项 (from the markers or the code's length)
    class_name: str | None = None           # 类 / 款 / 项 names as printed, without their markers
    kuan_name: str | None = None
    item_name: str | None = None
    table_hint: str | None = None           # 01–09: the standard table the figure is about
    measure: str | None = None              # stable English name of the measure the label names
    measure_zh: str | None = None           # the words of the label that name it, as printed
    value: Decimal | None = None            # the principal figure as printed (budget_final: 决算; yoy: the change)
    value_text: str | None = None           # its spelling: 1,642.78
    unit: str | None = None                 # 万元 元 % 个 辆 人次 分 …
    unit_inferred: bool = False             # % left out in print (占72.23；)
    # budget_final
    budget: Decimal | None = None           # 年初预算 (or the only budget printed)
    budget_text: str | None = None          # its spelling (the printed decimals decide the rounding checks)
    budget_label: str | None = None         # 年初预算 / 全年预算 / 预算 / 预算数 as printed
    budget_full: Decimal | None = None      # 全年预算 / 调整预算 when printed beside 年初预算
    final: Decimal | None = None            # 支出决算 / 执行数
    rate: Decimal | None = None             # budget_final: completion rate; yoy: the rate of change
    rate_text: str | None = None            # its spelling: 95.89, 100, 2.1
    rate_basis: str | None = None           # budget_final: 完成 …的 (年初预算 / 全年预算 / 预算)
    relation: str | None = None             # 大于 小于 等于 持平 (normalised)
    relation_text: str | None = None        # the words as printed: 基本持平, 无差异, 存在差异 …
    reason: str | None = None               # the stated reason (主要原因是 …)
    # yoy
    change: Decimal | None = None
    direction: str | None = None            # 增加 减少 持平
    compared_with: str | None = None        # 上年度 / 2023年度 as printed
    current: Decimal | None = None          # the current figure the change is stated against, when printed
    # share
    numerator: Decimal | None = None
    base_text: str | None = None            # 占 …的: 支出合计, 政府采购支出总额 (None when implicit)
    base_table_hint: str | None = None
    base_measure: str | None = None
    base_value: Decimal | None = None       # the whole, when the sentence states it
    note: str | None = None                 # unresolved: what could not be read
    offsets: tuple = ()                     # where in the sentence the figures it states begin


@dataclass
class _Role:
    fig: Figure
    role: str            # budget final rate share yoy_change yoy_rate money count score percent
    label: str           # clause text before the figure
    subject: str = ""    # label without the role words
    word: str = ""       # the role words: 年初预算, 支出决算, 占…的, 增加 …


@dataclass
class _Context:
    """What a sentence inherits from the sentences before it in its (sub)section."""

    out: list                                   # every claim so far (claims of earlier sentences are updated in place)
    path: tuple = ()                            # (section, subsection)
    item: str = ""
    item_subject: str = ""                      # the 类/款/项 or 三公 item a list item is about
    last_amount: Claim | None = None            # for a yoy statement in the next sentence
    prev: range = range(0)                      # indices in `out` of the claims of the sentence before
    last_budget_final: int | None = None        # index in `out`
    budget_finals: list = field(default_factory=list)   # indices in `out` of the (sub)section's budget_final claims
    paragraph: int = 0
    topic: str = ""                             # the project a 绩效 paragraph is about
    yoy_flat: int | None = None                 # index of a 持平 statement whose list may continue


# a department name and the year before a label (上海市普陀区财政局2024年度收入支出总计)
_YEAR_FRAME = re.compile(r"^([\u4e00-\u9fff（）()]*?(局|部|委|院|会|办|中心|所|站|队|厅|室|处|社|馆|校|政府|机关|单位|部门|）|\)))?"
                         r"20\d{2}年(度)?(期末|末|底)?")
_LEAD = re.compile(r"^(其中|另外|此外|具体情况如下|主要用于以下方面|主要用于|包括)[：:，,]?")
_OWNER = re.compile(r"^(我部门|本部门|我单位|本单位|部门|单位|本年度)(（单位）)?")
_TRAIL = re.compile(r"(均|各|共|合计)?(为|是|达到|达)$")
_BUDGET = re.compile(r"^(?P<subj>.*?)(?P<word>年初预算|全年预算|调整预算|年度预算|预算)(数)?(为|是)?$")
_FINAL = re.compile(r"^(?P<subj>.*?)(?P<word>支出决算|决算支出|全年执行|执行数|实际支出|决算|执行)(数)?(为|是)?$")
_COMPLETION = re.compile(r"^完成(?P<basis>年初预算|全年预算|调整预算|年度预算|预算)?(数)?的?$|(执行率|完成率)(为|是|达)?$")
_SHARE = re.compile(r"^(?P<subj>.*?)占(?P<base>.*?)的?(比重|比例)?(为|是)?$")
_YOY_WORD = re.compile(r"^(?P<subj>.*?)(?P<word>增加|减少|增长|下降|上升|降低|节约|节省|增|减)(了)?$")
_COMPARE = re.compile(r"(与|比|较|同比)(?P<what>上年度?|上一年度?|去年|20\d{2}年度?|同期)?(相比|同期)?")
_RELATION = re.compile(r"决算(数)?(?P<rel>大于|小于|等于|高于|低于|超过|多于|少于)(?P<basis>年初预算|全年预算|调整预算|预算)?(数)?"
                       r"|决算(数)?与(?P<basis2>年初预算|全年预算|调整预算|预算)(数)?(?P<rel2>基本持平|持平|一致|相等|相同|无差异|存在差异|有差异|存在差距)")
_REASON = re.compile(r"(主要)?原因(是|为|主要是)?[：:，,]?(?P<reason>.+)$")
_GENERIC_AMOUNT = re.compile(r"(共|共计|合计|累计)?(涉及)?(预算|采购|合同)?(资金|金额)")
_GENERIC = {"", "项目", "资金", "金额", "合计", "共计", "累计", "其中", "共", "总额", "支出", "涉及资金", "涉及金额"}


def clean_subject(label: str) -> str:
    """A label without framing: department and year (上海市普陀区财政局2024年度), 其中：, 我部门, a final 为/是."""
    s = label.replace("*", "")
    s = ITEM_LABEL.sub("", s)
    s = _YEAR_FRAME.sub("", s)
    for _ in range(3):
        s = s.lstrip("，,；;：:、。")
        s = _LEAD.sub("", s)
        s = _OWNER.sub("", s)
    s = _TRAIL.sub("", s)
    s = s.strip("，,；;：:、")
    return s.removesuffix("“").removeprefix("”")


def read_claims(sentences: list[Sentence]) -> list[Claim]:
    """Every claim of the narrative, in reading order."""
    out: list[Claim] = []
    ctx = _Context(out)
    for s in sentences:
        path = (s.section_no, s.subsection_no)
        if s.heading or path != ctx.path:
            ctx = _Context(out, path=path)
        if s.heading:
            continue
        if s.item_no != ctx.item:
            ctx.item, ctx.item_subject, ctx.last_budget_final = s.item_no, "", None
        if s.paragraph_no != ctx.paragraph:
            ctx.paragraph, ctx.topic = s.paragraph_no, ""      # a project named in one paragraph only
        claims = [_fits(c) for c in _sentence_claims(s, ctx)]
        start = len(out)
        for k, c in enumerate(claims):
            out.append(replace(c, claim_no=start + k + 1))
            if c.kind == "budget_final":
                ctx.last_budget_final = start + k
                ctx.budget_finals.append(start + k)
            if c.kind == "amount" and c.unit in ("万元", "元", "亿元", "千元"):
                ctx.last_amount = out[-1]
        ctx.prev = range(start, len(out))
        if claims and s.item_no and not ctx.item_subject:
            ctx.item_subject = next((c.subject for c in claims if c.kind != "unresolved"), "")
    return out


MAX_PLACES = 4       # figures are stored as DECIMAL(20, 4): 0.0001 万元 is one 元


def _fits(c: Claim) -> Claim:
    """A claim whose figures have more places than the warehouse keeps is not stored rounded: unresolved."""
    if c.kind == "unresolved":
        return c
    for v in (c.value, c.budget, c.budget_full, c.final, c.rate, c.change):
        if v is not None and -v.as_tuple().exponent > MAX_PLACES:
            return replace(c, kind="unresolved", note=f"a figure with more than {MAX_PLACES} decimal places")
    return c


# ---------------------------------------------------------------------------------------------------- one sentence
def _sentence_claims(s: Sentence, ctx: _Context) -> list[Claim]:
    text = s.text
    figs = find_figures(text)
    if s.item_no and not ctx.item_subject and not figs:
        lead = ITEM_LABEL.sub("", text)
        if func_subject(lead) is not None or len(lead) < 40:
            ctx.item_subject = clean_subject(lead.rstrip("。"))
    reason_at = _reason_start(text)
    roles = [_role(text, figs, i, reason_at) for i in range(len(figs))]
    table = section_table(s.section_title, s.subsection_title)
    claims: list[Claim] = []
    i = 0
    money_seen: list[Claim] = []
    while i < len(roles):
        r = roles[i]
        if r.role in ("budget", "final"):
            j = i
            budgets, final, rate = [], None, None
            while j < len(roles) and roles[j].role in ("budget", "final", "rate"):
                rj = roles[j]
                if rj.role == "budget" and final is None and rate is None:
                    budgets.append(rj)
                elif rj.role == "final" and final is None and rate is None:
                    final = rj
                elif rj.role == "rate" and rate is None and (final is not None or budgets):
                    rate = rj
                else:
                    break
                j += 1
            claim = _budget_final(s, ctx, table, budgets, final, rate)
            claims.append(claim)
            if claim.kind in ("budget_final", "amount"):
                money_seen.append(claim)
            i = j
            continue
        if r.role == "yoy_change":
            rate = roles[i + 1] if i + 1 < len(roles) and roles[i + 1].role == "yoy_rate" else None
            claims.append(_yoy(s, ctx, table, r, rate, money_seen))
            i += 2 if rate else 1
            continue
        if r.role == "yoy_rate":
            claims.append(_yoy(s, ctx, table, None, r, money_seen))
        elif r.role == "share":
            claims.append(_share(s, ctx, table, r, money_seen))
        elif r.role == "rate":
            claims.append(_unresolved(s, r, "a completion rate without the budget or final figure it is of"))
        elif r.role == "money":
            c = _amount(s, ctx, table, r, claims)
            claims.append(c)
            if c.kind == "amount":
                money_seen.append(c)
        elif r.role == "count":
            claims.append(_count(s, ctx, r, text))
        else:
            claims.append(_other(s, ctx, r))
        i += 1
    claims += _flat_yoy(s, ctx, table, figs, len(claims))
    _relation_and_reason(s, ctx, claims)
    m = re.search(r"([^，。：；“”、]+?项目)(绩效自评|全年预算|绩效评价)", text)
    if m:
        ctx.topic = clean_subject(m.group(1))
    return claims


def _label(text: str, figs: list[Figure], i: int) -> str:
    start = figs[i - 1].end if i > 0 else 0
    label = text[start:figs[i].start]
    cut = max(label.rfind(ch) for ch in "，,；;：:。")
    return label[cut + 1:] if cut >= 0 else label


def _reason_start(text: str) -> int:
    m = re.search(r"(主要)?原因(是|为|主要是)?", text)
    return m.start() if m else len(text) + 1


def _role(text: str, figs: list[Figure], i: int, reason_at: int) -> _Role:
    fig = figs[i]
    label = _label(text, figs, i)
    if fig.start > reason_at:
        return _Role(fig, "other", label, clean_subject(label))
    if fig.is_count:
        return _Role(fig, "count", label, clean_subject(label))
    if fig.is_score:
        return _Role(fig, "score", label, clean_subject(label))
    before = text[:fig.start]
    if fig.is_percent:
        m = _COMPLETION.search(label)
        if m and re.search(r"完成|执行率|完成率", label):
            return _Role(fig, "rate", label, "", m.group("basis") or "")
        m = _SHARE.match(label)
        if m:
            return _Role(fig, "share", label, clean_subject(m.group("subj").removesuffix("所")), m.group("base"))
        m = _YOY_WORD.match(label)
        if m:
            return _Role(fig, "yoy_rate", label, clean_subject(m.group("subj")), m.group("word"))
        return _Role(fig, "percent", label, clean_subject(label))
    if fig.is_money:
        m = _YOY_WORD.match(label)
        if m and _COMPARE.search(before) and not re.search(r"追加|调增|调减", label):
            return _Role(fig, "yoy_change", label, clean_subject(m.group("subj")), m.group("word"))
        m = _BUDGET.match(label)
        if m and not re.search(r"完成", label):
            return _Role(fig, "budget", label, clean_subject(m.group("subj")), m.group("word"))
        m = _FINAL.match(label)
        if m:
            return _Role(fig, "final", label, clean_subject(m.group("subj")), m.group("word"))
        return _Role(fig, "money", label, clean_subject(label))
    return _Role(fig, "other", label, clean_subject(label))


# ---------------------------------------------------------------------------------------------------- builders
def _base(s: Sentence, kind: str, subject: str, fig: Figure | None, **kw) -> Claim:
    fs = func_subject(subject) if subject else None
    fields = dict(claim_no=0, sentence_no=s.sentence_no, page=s.page_at(fig.start) if fig else s.page,
                  part_no=s.part_no, section_no=s.section_no, section_title=s.section_title,
                  subsection_no=s.subsection_no, subsection_title=s.subsection_title, item_no=s.item_no,
                  kind=kind, subject=subject, sentence=s.text)
    if fs is not None:
        fields.update(subject_code=fs.code, func_level=fs.level, class_name=fs.class_name, kuan_name=fs.kuan_name,
                      item_name=fs.item_name)
    if fig is not None:
        fields.update(value=fig.value, value_text=fig.text, unit=fig.unit, unit_inferred=fig.unit_inferred,
                      offsets=(fig.start,))
    fields.update(kw)
    return Claim(**fields)


def _hints(subject: str, table: str | None, s: Sentence, *, words: str = "") -> dict:
    """table_hint, measure and measure_zh of a subject in its section."""
    procurement = "采购" in (s.section_title + s.subsection_title)
    m = measure_of(subject + words, procurement=procurement) or measure_of(subject, procurement=procurement)
    fs = func_subject(subject)
    if fs is not None and fs.level:
        # a 类/款/项 line of a functional table: the section's table (05 in 一般公共预算 sections)
        return dict(table_hint=table, measure="total" if table in ("05", "07", "08") else
                    ("total_expenditure" if table == "03" else None), measure_zh=None)
    if m is None:
        return dict(table_hint=table, measure=None, measure_zh=None)
    hint = m.table or table
    if m.table == "09" and table not in ("09", None):
        hint = table
    return dict(table_hint=hint, measure=m.name, measure_zh=m.printed)


def _subject_or_context(subject: str, ctx: _Context) -> str:
    if subject in ("项目", "该项目", "本项目") and ctx.topic:
        return ctx.topic
    if subject in _GENERIC and ctx.item_subject:
        return ctx.item_subject
    return subject


def _budget_final(s: Sentence, ctx: _Context, table, budgets: list[_Role], final: _Role | None,
                  rate: _Role | None) -> Claim:
    first = budgets[0] if budgets else final
    subject = next((r.subject for r in budgets + ([final] if final else []) if r.subject), "")
    subject = _subject_or_context(subject, ctx)
    if not subject:
        return _unresolved(s, first, "a budget or final figure whose subject is not printed")
    hints = _hints(subject, table, s)
    if final is None and rate is None and len(budgets) == 1:
        b = budgets[0]
        return _base(s, "amount", subject, b.fig, **hints, measure_zh=b.word,
                     budget=b.fig.value, budget_text=b.fig.text, budget_label=b.word)
    if not budgets and rate is None:
        return _base(s, "amount", subject, final.fig, **hints, final=final.fig.value)
    plain = next((b for b in budgets if b.word in ("年初预算", "预算", "年度预算")), budgets[0] if budgets else None)
    full = next((b for b in budgets if b is not plain and b.word in ("全年预算", "调整预算")), None)
    kw = dict(hints)
    if plain is not None:
        kw.update(budget=plain.fig.value, budget_text=plain.fig.text, budget_label=plain.word)
    if full is not None:
        kw.update(budget_full=full.fig.value)
    if rate is not None:
        kw.update(rate=rate.fig.value, rate_text=rate.fig.text, rate_basis=rate.word or None)
    if final is None:
        return _unresolved(s, first, "budget figures and a completion rate without the final figure")
    kw.update(final=final.fig.value)
    claim = _base(s, "budget_final", subject, final.fig, **kw)
    used = tuple(r.fig.start for r in budgets + [final] + ([rate] if rate else []))
    return replace(claim, page=s.page_at(first.fig.start), offsets=used)


def _yoy(s: Sentence, ctx: _Context, table, change: _Role | None, rate: _Role | None,
         money_seen: list[Claim]) -> Claim:
    lead = change or rate
    before = s.text[:lead.fig.start]
    cmp_ = list(_COMPARE.finditer(before))
    compared = None
    if cmp_:
        m = cmp_[-1]
        compared = m.group("what") or None
    # X比上年增加 / 与上年相比，X各增加 / 比上年增加 (X in the sentence before)
    subject = lead.subject
    m = re.search(r"(与|比|较)(上年度?|上一年度?|去年|20\d{2}年度?|同期)(相比|同期)?|同比", subject)
    if m:
        subject = subject[m.end():].strip("，,、") or subject[:m.start()]
    subject = clean_subject(subject).rstrip("各均")
    current = None
    source = money_seen[-1] if money_seen else ctx.last_amount
    if not subject and source is not None:
        subject = source.subject
    if source is not None and (not subject or source.subject == subject or subject in source.subject
                               or source.subject in subject):
        current = source.value if source.kind == "amount" else source.final
    if not subject:
        return _unresolved(s, lead, "a change over the previous year whose subject is not printed")
    word = lead.word
    direction = "增加" if word in ("增加", "增长", "上升", "增") else "减少"
    hints = _hints(subject, table, s)
    if change is None:
        return _base(s, "yoy", subject, None, **hints, page=s.page_at(rate.fig.start), rate=rate.fig.value,
                     rate_text=rate.fig.text,
                     direction=direction, compared_with=compared, current=current, unit="%",
                     unit_inferred=rate.fig.unit_inferred, offsets=(rate.fig.start,))
    kw = dict(hints, change=change.fig.value, direction=direction, compared_with=compared, current=current)
    if rate is not None:
        kw.update(rate=rate.fig.value, rate_text=rate.fig.text, offsets=(change.fig.start, rate.fig.start))
    return _base(s, "yoy", subject, change.fig, **kw)


def _share(s: Sentence, ctx: _Context, table, r: _Role, money_seen: list[Claim]) -> Claim:
    num = money_seen[-1] if money_seen else None
    subject = r.subject or (num.subject if num else "")
    subject = _subject_or_context(subject, ctx)
    if not subject:
        return _unresolved(s, r, "a share whose subject is not printed")
    base_text = clean_subject(re.sub(r"^(比重|比例|比)|(比重|比例)$", "", r.word)) or None    # 占比 X%: no base named
    procurement = "采购" in (s.section_title + s.subsection_title)
    if base_text:
        bm = measure_of(base_text, procurement=procurement)
        base_measure = bm.name if bm else None
        base_table = (bm.table or _base_table_of(base_measure, table)) if bm else None
        base_value = next((c.value for c in money_seen if c.measure and c.measure == base_measure
                           and c is not num), None)
    else:
        base_table, base_measure = _implicit_base(table, s)
        base_value = money_seen[0].value if money_seen and money_seen[0] is not num and (
            money_seen[0].measure == base_measure or money_seen[0].measure in (None, "total", "total_income",
                                                                               "total_expenditure")) else None
    numerator = (num.value if num.kind == "amount" else num.final) if num is not None else None
    hints = _hints(subject, table, s)
    return _base(s, "share", subject, r.fig, **hints, numerator=numerator, base_text=base_text,
                 base_table_hint=base_table, base_measure=base_measure, base_value=base_value)


def _base_table_of(measure: str | None, table: str | None) -> str | None:
    return {"total_income": "02", "total_expenditure": "03", "grand_total": table}.get(measure or "", table)


def _implicit_base(table: str | None, s: Sentence) -> tuple[str | None, str | None]:
    """占 X% with no 占 …的: the whole the section speaks of."""
    if table == "02":
        return "02", "total_income"
    if table == "03":
        return "03", "total_expenditure"
    if table in ("05", "07", "08"):
        return table, "total"
    if table == "09":
        return "09", "total"
    return None, None


def _amount(s: Sentence, ctx: _Context, table, r: _Role, before: list[Claim]) -> Claim:
    subject = _subject_or_context(r.subject, ctx)
    if subject in _GENERIC or _GENERIC_AMOUNT.fullmatch(subject):
        # 采购金额, 涉及资金: the clauses before it in the sentence say what of
        text = s.text[:r.fig.start]
        start = max(text.rfind(ch) for ch in "；;。") + 1
        prefix = clean_subject(text[start:])
        if prefix == subject or not prefix:
            return _unresolved(s, r, "an amount whose subject is not printed")
        return _base(s, "amount", prefix, r.fig, **_hints(prefix, table, s))
    if not subject:
        return _unresolved(s, r, "an amount whose subject is not printed")
    return _base(s, "amount", subject, r.fig, **_hints(subject, table, s))


def _count(s: Sentence, ctx: _Context, r: _Role, text: str) -> Claim:
    subject = clean_subject(r.label.rsplit("、", 1)[-1])
    after = re.split(r"[，,；;：:。、（(）)]", text[r.fig.end:], maxsplit=1)[0]
    if after:
        subject = f"{subject}…{after}" if subject else after
    if not subject:
        return _unresolved(s, r, "a count whose subject is not printed")
    return _base(s, "count", subject, r.fig)


def _other(s: Sentence, ctx: _Context, r: _Role) -> Claim:
    subject = _subject_or_context(r.subject, ctx)
    if not subject:
        return _unresolved(s, r, "a figure whose subject is not printed")
    measure = "score" if r.fig.is_score else None
    return _base(s, "other", subject, r.fig, measure=measure)


def _unresolved(s: Sentence, r: _Role, note: str) -> Claim:
    return _base(s, "unresolved", r.subject or r.label, r.fig, note=note)


# ---------------------------------------------------------------------------------------------------- 持平, reasons
_FLAT = re.compile(r"(?P<subj>[^，,；;。：:]*?)(与|比|较)(?P<what>上年度?|上一年度?|20\d{2}年度?)(相比)?[，,]?(?P<subj2>[^，,；;。]*?)(基本)?持平")
_FLAT_ITEM = re.compile(r"(?P<subj>[^，,；;。：:]+?)(基本)?持平")


def _flat_yoy(s: Sentence, ctx: _Context, table, figs: list[Figure], n_before: int) -> list[Claim]:
    """与上年度相比 … 持平 (no figure): a yoy statement of no change; a list after it (其中：A持平；B持平)."""
    out = []
    text = s.text
    for m in _FLAT.finditer(text):
        subject = clean_subject(m.group("subj2") or m.group("subj"))
        subject = re.sub(r"(决算数|决算)$", "", subject)
        if not subject and ctx.last_amount is not None:
            subject = ctx.last_amount.subject
        if subject:
            last = ctx.last_amount
            out.append(_base(s, "yoy", subject, None, **_hints(subject, table, s), direction="持平",
                             compared_with=m.group("what"),
                             current=last.value if last is not None and last.subject == subject else None))
    if not out and not figs and ctx.yoy_flat is not None and ctx.yoy_flat in ctx.prev:
        for m in _FLAT_ITEM.finditer(text):
            subject = clean_subject(m.group("subj"))
            subject = re.sub(r"(决算数|决算)$", "", subject)
            if subject and "预算" not in subject:
                out.append(_base(s, "yoy", subject, None, **_hints(subject, table, s), direction="持平",
                                 compared_with=ctx.out[ctx.yoy_flat].compared_with))
    if out:
        ctx.yoy_flat = len(ctx.out) + n_before + len(out) - 1    # its index once this sentence is appended
    return out


def _relation_and_reason(s: Sentence, ctx: _Context, claims: list[Claim]) -> None:
    """决算数大于/小于/与预算数持平 … 主要原因是 …: the relation and reason of the budget_final claim it follows
    (in the same sentence or the same list item); 主要原因是 … after a yoy statement: its reason."""
    text = s.text
    m = _RELATION.search(text)
    reason_m = _REASON.search(text)
    reason = None
    if reason_m:
        reason = re.sub(r"[。，：:]*(其中[：:])?$", "", reason_m.group("reason")) or None
    if m:
        word = m.group("rel") or m.group("rel2")
        update = dict(relation=_RELATION_WORDS.get(word), relation_text=word)
        if reason:
            update["reason"] = reason
        named = clean_subject(text[:m.start()])
        k = _last_index(claims, "budget_final", named)
        if k is not None:
            claims[k] = replace(claims[k], **update)
            return
        k = next((k for k in reversed(ctx.budget_finals) if _names(ctx.out[k], named)), None) if named else None
        if k is None:
            k = ctx.last_budget_final
        if k is not None:
            ctx.out[k] = replace(ctx.out[k], **update)
        return
    if reason is None:
        return
    k = next((k for k in range(len(claims) - 1, -1, -1) if claims[k].kind in ("budget_final", "yoy")
              and _reason_start(text) > 0), None)
    if k is not None:
        claims[k] = replace(claims[k], reason=reason)
        return
    if not claims and text.startswith(("主要原因", "原因")):
        k = next((k for k in reversed(ctx.prev) if ctx.out[k].kind in ("yoy", "budget_final")), None)
        if k is not None:
            ctx.out[k] = replace(ctx.out[k], reason=reason)


def _last_index(claims: list[Claim], kind: str, named: str = "") -> int | None:
    """The last claim of a kind, the last one about `named` when a subject is named and one matches."""
    ks = [k for k in range(len(claims) - 1, -1, -1) if claims[k].kind == kind]
    if named:
        for k in ks:
            if _names(claims[k], named):
                return k
    return ks[0] if ks else None


def _names(claim: Claim, named: str) -> bool:
    """Does a subject named again in a later sentence (“三公”经费支出) speak of this claim?"""
    if not named:
        return False
    if named in claim.subject or claim.subject in named:
        return True
    m = measure_of(named)
    return m is not None and m.name == claim.measure and (m.table or claim.table_hint) == claim.table_hint
