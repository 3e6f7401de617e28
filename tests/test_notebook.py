"""notebooks/explore.ipynb runs top to bottom and draws its charts as static SVG, with nothing online.

It runs twice through nbclient and a real kernel: on the sample build, and on a build that adds the two
Putuo reports of ../shared/real (three department types, 三公 figures printed blank, a 09 table printed
without figures), where the charts must say "not printed" and list only what exists.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import duckdb
import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
NOT_PRINTED = "空白 not printed"
CHARTS = ("spending_by_class", "share_by_class", "personnel_share", "budget_vs_actual", "three_public_items")
# The test's own last cell: the Vega-Lite spec of each chart the notebook made, to check their data
DUMP_SPECS = f"""
import json as _json
print("CHART_SPECS " + _json.dumps({{_name: globals()[_name].to_dict() for _name in {CHARTS!r}}}, ensure_ascii=False))
"""
# what an SVG may name: its own XML namespaces, never a script or stylesheet to fetch
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def _execute(warehouse: Path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(DUMP_SPECS))
    old = os.environ.get("JUESUAN_WAREHOUSE")
    os.environ["JUESUAN_WAREHOUSE"] = str(warehouse)  # the kernel inherits the environment
    try:
        nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                                resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    finally:
        if old is None:
            os.environ.pop("JUESUAN_WAREHOUSE", None)
        else:
            os.environ["JUESUAN_WAREHOUSE"] = old
    return nb


def _notebook_outputs(nb) -> list:
    """The outputs of the notebook's own cells (not the test's last one)."""
    return [o for c in nb.cells[:-1] if c.cell_type == "code" for o in c.outputs]


def _specs(nb) -> dict[str, dict]:
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    return json.loads(printed.split("CHART_SPECS ", 1)[1])


def _svgs(nb) -> dict[str, str]:
    """The SVG each chart cell displayed, by the name of the chart the cell ends with."""
    svgs = {}
    for cell in nb.cells[:-1]:
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        last = cell.source.strip().splitlines()[-1].strip()
        for output in cell.outputs:
            if "image/svg+xml" in output.get("data", {}):
                svgs[last] = output["data"]["image/svg+xml"]
    return svgs


def _rows(spec: dict, dataset_of: dict | None = None) -> list[dict]:
    """Rows of a spec's data (or of one layer's own data)."""
    data = (dataset_of or spec).get("data", {})
    if "name" in data:
        return spec["datasets"][data["name"]]
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def _title(spec: dict) -> str:
    title = spec.get("title", "")
    return title if isinstance(title, str) else title.get("text", "")


def _layer(spec: dict, mark: str) -> dict:
    inner = spec.get("spec", spec)  # a faceted chart holds its layers in "spec"
    found = [layer for layer in inner["layer"] if (layer["mark"]["type"] if isinstance(layer["mark"], dict)
                                                   else layer["mark"]) == mark]
    assert len(found) == 1, (mark, inner["layer"])
    return found[0]


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


@pytest.fixture(scope="module")
def executed(sample_warehouse):
    return _execute(sample_warehouse)


@pytest.fixture(scope="module")
def executed_putuo(putuo_warehouse):
    return _execute(putuo_warehouse)


def _query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_notebook_runs_without_errors(executed, sample_warehouse):
    outputs = _notebook_outputs(executed)
    assert not [o for o in outputs if o.output_type == "error"]
    assert all(c.execution_count for c in executed.cells if c.cell_type == "code")
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert str(Path(sample_warehouse).resolve()) in printed  # it used JUESUAN_WAREHOUSE


@pytest.mark.parametrize("run", ["executed", "executed_putuo"])
def test_charts_are_static_svg_and_no_output_refers_to_the_network(run, request):
    nb = request.getfixturevalue(run)
    assert not [o for o in _notebook_outputs(nb) if o.output_type == "error"]
    svgs = _svgs(nb)
    assert sorted(svgs) == sorted(CHARTS)
    for output in _notebook_outputs(nb):
        data = output.get("data", {})
        assert not {m for m in data if "javascript" in m or m.startswith("application/vnd.vega")}, list(data)
        for mime, value in data.items():
            text = value if isinstance(value, str) else json.dumps(value)
            assert "<script" not in text.lower(), mime
            assert set(re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"'<>)]*", text)) <= NAMESPACES, mime
    for name, svg in svgs.items():
        assert svg.lstrip().startswith("<svg") and len(_texts(svg)) > 5, name


def test_notebook_draws_cross_city_charts_with_chinese_labels(executed, sample_warehouse):
    specs = _specs(executed)
    assert sorted(specs) == sorted(CHARTS)
    svgs = _svgs(executed)
    for name, spec in specs.items():
        title = _title(spec)
        assert re.search(r"[\u4e00-\u9fff]", title), title
        assert title in _texts(svgs[name]), (name, title)  # drawn, not only specified
        assert _rows(spec), f"chart {name} has no data"

    by_class = specs["spending_by_class"]
    bars = _layer(by_class, "bar")
    assert bars["encoding"]["x"]["title"] == "支出（万元）"
    assert {r["region"] for r in _rows(by_class, bars)} == {"焦作市", "三门峡市"}
    jiaozuo_201 = [r for r in _rows(by_class, bars) if r["region"] == "焦作市" and r["func_code"] == "201"]
    assert [r["amount_wan"] for r in jiaozuo_201] == [pytest.approx(1376.91)]

    personnel = specs["personnel_share"]
    expected = dict(_query(sample_warehouse, "select region, personnel_share from marts.cmp_department_year"))
    assert {r["region"]: pytest.approx(float(r["personnel_share"])) for r in _rows(personnel)} == \
        {k: float(v) for k, v in expected.items()}

    three_public = specs["budget_vs_actual"]
    got = {(r["label"].split()[0], r["stage_zh"]): r["amount_wan"] for r in _rows(three_public)}
    assert got == {("焦作市", "预算数"): pytest.approx(6.04), ("焦作市", "决算数"): pytest.approx(6.04),
                   ("三门峡市", "预算数"): pytest.approx(0.2), ("三门峡市", "决算数"): pytest.approx(0.12)}
    # every figure of the samples is printed: no chart says otherwise
    assert not [n for n, svg in svgs.items() if NOT_PRINTED in svg]


def test_blank_three_public_figures_say_not_printed(executed_putuo, putuo_warehouse):
    """A total printed blank, and a 09 table printed without figures, are marked where the bar would be."""
    blank = {(label, stage) for label, stage in _query(putuo_warehouse, """
        select r.region || ' ' || r.department_type, s.stage_zh
        from marts.dim_report r
        cross join (values ('budget', '预算数'), ('actual', '决算数')) as s(stage, stage_zh)
        left join marts.fct_three_public t on t.report_id = r.report_id and t.stage = s.stage and t.item = 'total'
        where t.amount_yuan is null""")}
    assert ("上海市普陀区 财政局", "决算数") in blank and ("上海市普陀区 区委社会工作部", "预算数") in blank
    spec = _specs(executed_putuo)["budget_vs_actual"]
    rows = _rows(spec)
    assert {(r["label"], r["stage_zh"]) for r in rows if r["amount_wan"] is None} == blank
    assert len(rows) == 2 * len(_query(putuo_warehouse, "select 1 from marts.dim_report"))  # no report left out
    text = _layer(spec, "text")
    assert text["encoding"]["text"] == {"value": NOT_PRINTED} and "isValid" in text["transform"][0]["filter"]
    svg_texts = _texts(_svgs(executed_putuo)["budget_vs_actual"])
    assert svg_texts.count(NOT_PRINTED) == len(blank)

    items = _specs(executed_putuo)["three_public_items"]
    notes = {r["label"]: r["note"] for r in _rows(items, _layer(items, "text"))}
    assert set(notes) == {"上海市普陀区 财政局", "上海市普陀区 区委社会工作部"}
    for note in notes.values():
        assert note.startswith(NOT_PRINTED) and "公务接待费" in note
    assert sum(t.startswith(NOT_PRINTED) for t in _texts(_svgs(executed_putuo)["three_public_items"])) == 2


def test_personnel_share_lists_only_the_regions_that_have_each_department_type(executed_putuo, putuo_warehouse):
    types_of = {}
    for region, department_type in _query(putuo_warehouse,
                                          "select region, department_type from marts.cmp_department_year"):
        types_of.setdefault(region, set()).add(department_type)
    assert len(set().union(*types_of.values())) == 3 and len(types_of["上海市普陀区"]) == 2
    spec = _specs(executed_putuo)["personnel_share"]
    assert spec["resolve"]["scale"]["y"] == "independent"
    texts = _texts(_svgs(executed_putuo)["personnel_share"])
    # one axis label per department of the region: a shared axis would repeat every region in every row
    assert {region: texts.count(region) for region in types_of} == {r: len(t) for r, t in types_of.items()}
