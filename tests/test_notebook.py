"""notebooks/explore.ipynb runs top to bottom against the sample build and draws its charts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
# Altair's HTML output embeds the Vega-Lite spec as the first argument of its loader function
SPEC_RE = re.compile(r"\}\)\((\{.*\}), \{\"mode\": \"vega-lite\"\}\);", re.S)


def _chart_specs(nb) -> list[dict]:
    specs = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime, value in data.items():
                if mime.startswith("application/vnd.vegalite"):
                    specs.append(value)
            html = data.get("text/html", "")
            if "vegaEmbed" in html or "vega-embed" in html:
                match = SPEC_RE.search(html)
                assert match, "an Altair HTML output without its spec"
                specs.append(json.loads(match.group(1)))
    return specs


def _rows(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def _title(spec: dict) -> str:
    title = spec.get("title", "")
    return title if isinstance(title, str) else title.get("text", "")


@pytest.fixture(scope="module")
def executed(sample_warehouse):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    import os

    old = os.environ.get("JUESUAN_WAREHOUSE")
    os.environ["JUESUAN_WAREHOUSE"] = str(sample_warehouse)  # the kernel inherits the environment
    try:
        nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                                resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    finally:
        if old is None:
            os.environ.pop("JUESUAN_WAREHOUSE", None)
        else:
            os.environ["JUESUAN_WAREHOUSE"] = old
    return nb


def test_notebook_runs_without_errors(executed, sample_warehouse):
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert all(c.execution_count for c in executed.cells if c.cell_type == "code")
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert str(Path(sample_warehouse).resolve()) in printed  # it used JUESUAN_WAREHOUSE


def test_notebook_draws_cross_city_charts_with_chinese_labels(executed, sample_warehouse):
    specs = {_title(s): s for s in _chart_specs(executed)}
    assert len(specs) >= 4, list(specs)
    for title, spec in specs.items():
        assert re.search(r"[\u4e00-\u9fff]", title), title
        assert _rows(spec), f"chart {title} has no data"

    by_class = specs["各部门按功能分类（类）的支出"]
    assert by_class["encoding"]["x"]["title"] == "支出（万元）"
    assert {r["region"] for r in _rows(by_class)} == {"焦作市", "三门峡市"}
    jiaozuo_201 = [r for r in _rows(by_class) if r["region"] == "焦作市" and r["func_code"] == "201"]
    assert [r["amount_wan"] for r in jiaozuo_201] == [pytest.approx(1376.91)]

    personnel = specs["各类部门的人员经费占比（跨城市）"]
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    try:
        expected = dict(con.execute(
            "select region, personnel_share from marts.cmp_department_year").fetchall())
    finally:
        con.close()
    assert {r["region"]: pytest.approx(float(r["personnel_share"])) for r in _rows(personnel)} == \
        {k: float(v) for k, v in expected.items()}

    three_public = specs["“三公”经费：预算数与决算数"]
    got = {(r["label"].split()[0], r["stage_zh"]): r["amount_wan"] for r in _rows(three_public)}
    assert got == {("焦作市", "预算数"): pytest.approx(6.04), ("焦作市", "决算数"): pytest.approx(6.04),
                   ("三门峡市", "预算数"): pytest.approx(0.2), ("三门峡市", "决算数"): pytest.approx(0.12)}
