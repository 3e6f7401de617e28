"""Both sample PDFs through real camelot into a real DuckDB file, compared cell by cell with the published text."""

from __future__ import annotations

import duckdb
import pytest

from golden import SAMPLE_KEYS, squash


def _raw_tables(path, report_id):
    con = duckdb.connect(str(path), read_only=True)
    try:
        cells = con.execute(
            "select table_no, row_no, col_no, row_kind, text from raw.cells where report_id = ? order by all",
            [report_id]).fetchall()
        columns = con.execute(
            "select table_no, col_no, role, block_no, header_zh from raw.table_columns where report_id = ? order by all",
            [report_id]).fetchall()
        tables = {r[0]: r for r in con.execute(
            "select table_no, title_zh, caption, unit, first_page, last_page, is_empty from raw.report_tables "
            "where report_id = ?", [report_id]).fetchall()}
        report = con.execute("select region, department, fiscal_year, unit, title from raw.reports where report_id = ?",
                             [report_id]).fetchone()
    finally:
        con.close()
    body: dict[int, dict[int, list[str]]] = {}
    for table_no, row_no, col_no, kind, text in cells:
        if kind == "body":
            row = body.setdefault(table_no, {}).setdefault(row_no, [])
            row.extend([""] * (col_no + 1 - len(row)))
            row[col_no] = squash(text)
    cols: dict[int, list[tuple]] = {}
    for table_no, col_no, role, block, header in columns:
        cols.setdefault(table_no, []).append((role, block, header))
    return tables, {t: list(rows.values()) for t, rows in body.items()}, cols, report


def _golden_body(table):
    rows = []
    for row in table.body_rows:
        cells = [squash(c) for c in row] + [""] * (table.n_cols - len(row))
        if any(cells):
            rows.append(cells)
    return rows


@pytest.mark.parametrize("key", SAMPLE_KEYS)
def test_every_cell_of_every_table_matches_the_published_text(sample_raw, golden, key):
    report = golden[key]
    tables, body, columns, _ = _raw_tables(sample_raw, report.report_id)
    assert sorted(tables) == sorted(report.tables) == list(range(1, 10))
    for table_no, table in report.tables.items():
        expected = _golden_body(table)
        assert len(columns[table_no]) == table.n_cols, f"table {table_no:02d}: column count"
        assert body.get(table_no, []) == expected, f"table {table_no:02d}: body cells differ"


@pytest.mark.parametrize("key", SAMPLE_KEYS)
def test_column_roles_and_blocks_match_the_published_headers(sample_raw, golden, key):
    report = golden[key]
    _, _, columns, _ = _raw_tables(sample_raw, report.report_id)
    for table_no, table in report.tables.items():
        roles = [c[0] for c in columns[table_no]]
        blocks = [c[1] for c in columns[table_no]]
        assert roles == table.roles(), f"table {table_no:02d}"
        assert blocks == table.blocks(), f"table {table_no:02d}"


@pytest.mark.parametrize("key", SAMPLE_KEYS)
def test_report_metadata_and_table_catalogue(sample_raw, golden, key):
    report = golden[key]
    tables, _, _, meta = _raw_tables(sample_raw, report.report_id)
    region, department, fiscal_year, unit, title = meta
    assert (region, department, fiscal_year, unit) == (report.region, report.department, report.fiscal_year, report.unit)
    assert title == report.title
    for table_no, table in report.tables.items():
        _, title_zh, caption, t_unit, first_page, last_page, is_empty = tables[table_no]
        assert squash(caption) == table.caption
        assert title_zh == table.title_zh
        assert t_unit == table.unit
        assert is_empty == table.is_empty, f"table {table_no:02d}"
        assert 1 <= first_page <= last_page


def test_ingesting_again_replaces_rows_and_same_bytes_are_a_duplicate(tmp_path, samples_dir):
    from ingest.build.ingest import ingest

    warehouse = tmp_path / "w.duckdb"
    copy = tmp_path / "in" / "copy-of-jiaozuo.pdf"
    copy.parent.mkdir()
    copy.write_bytes((samples_dir / "jiaozuo-2024.pdf").read_bytes())
    first = ingest([samples_dir / "jiaozuo-2024.pdf"], warehouse, jobs=1)
    assert first.loaded == ["jiaozuo-2024.pdf"]
    con = duckdb.connect(str(warehouse), read_only=True)
    n_cells = con.execute("select count(*) from raw.cells").fetchone()[0]
    con.close()
    again = ingest([samples_dir / "jiaozuo-2024.pdf", copy], warehouse, jobs=1, force=True)
    assert again.loaded == ["jiaozuo-2024.pdf"] and again.duplicate == ["copy-of-jiaozuo.pdf"]
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select count(*) from raw.cells").fetchone()[0] == n_cells
    assert con.execute("select count(*) from raw.reports").fetchone()[0] == 1
    dup = con.execute("select status, duplicate_of, report_id from raw.files where source_file = 'copy-of-jiaozuo.pdf'").fetchone()
    loaded = con.execute("select report_id from raw.files where source_file = 'jiaozuo-2024.pdf'").fetchone()
    con.close()
    assert dup == ("duplicate", "jiaozuo-2024.pdf", loaded[0])
