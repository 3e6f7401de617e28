"""The audit as people read it: one self-contained HTML page per report and an index, or plain text.

Pure functions of `warehouse.audit.ReportAudit` values (no click, no rich, no warehouse): `juesuan audit`
calls them. The pages load nothing: their CSS and script are inline, so they open from a mail attachment,
a shared folder or a machine with no network.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

LEVEL_LABELS = {"error": "error", "warning": "warning", "not_run": "not run"}
VERDICT_LABELS = {"failed": "failed", "incomplete": "incomplete", "warnings": "warnings", "passed": "passed"}

_STYLE = """
:root { --error: #b3261e; --warning: #9a6700; --not-run: #5b6770; --passed: #1a7f37; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Zen Hei",
       system-ui, sans-serif; margin: 2rem auto; max-width: 76rem; padding: 0 1rem; color: #1f2328; line-height: 1.45; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
.meta { color: #57606a; margin: 0 0 1rem; } .meta span { margin-right: 1.25rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { border-bottom: 1px solid var(--line); padding: .4rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; white-space: nowrap; }
th.sortable { cursor: pointer; user-select: none; } th.sortable::after { content: " \\2195"; color: #8c959f; }
th[aria-sort="ascending"]::after { content: " \\2191"; color: #1f2328; }
th[aria-sort="descending"]::after { content: " \\2193"; color: #1f2328; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; border-radius: 1rem; padding: 0 .6rem; font-size: .85rem; color: #fff; white-space: nowrap; }
.badge.error, .badge.failed { background: var(--error); } .badge.warning, .badge.warnings { background: var(--warning); }
.badge.not_run, .badge.incomplete { background: var(--not-run); } .badge.passed { background: var(--passed); }
tr.finding.error td:first-child { border-left: 4px solid var(--error); }
tr.finding.warning td:first-child { border-left: 4px solid var(--warning); }
tr.finding.not_run td:first-child { border-left: 4px solid var(--not-run); }
.quote { font-family: inherit; background: #f6f8fa; border-radius: .25rem; padding: 0 .25rem; }
.counts { display: flex; gap: 1rem; margin: 1rem 0; flex-wrap: wrap; }
.counts div { border: 1px solid var(--line); border-radius: .5rem; padding: .5rem 1rem; min-width: 7rem; }
.counts b { display: block; font-size: 1.4rem; }
.filters { margin: 1rem 0; } .filters label { margin-right: 1rem; }
.none { color: var(--passed); } footer { margin-top: 3rem; color: #8c959f; font-size: .85rem; }
a { color: #0550ae; }
"""

_SORT_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  var headers = table.querySelectorAll("th.sortable");
  headers.forEach(function (th, column) {
    th.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var index = Array.prototype.indexOf.call(th.parentNode.children, th);
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[index].getAttribute("data-value") || a.cells[index].textContent;
        var y = b.cells[index].getAttribute("data-value") || b.cells[index].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, "zh");
        return ascending ? c : -c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""

_FILTER_SCRIPT = """
document.querySelectorAll(".filters input").forEach(function (box) {
  box.addEventListener("change", function () {
    document.querySelectorAll("tr.finding." + box.value).forEach(function (row) {
      row.hidden = !box.checked;
    });
  });
});
"""


def _e(value) -> str:
    return "" if value is None else html.escape(str(value))


def _page(title: str, body: str, script: str = "") -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n{body}\n"
        "<footer>juesuan audit: the checks last run on the warehouse (quality.findings, marts.report_audit)."
        "</footer>\n"
        + (f"<script>{script}</script>\n" if script else "")
        + "</body>\n</html>\n"
    )


def page_name(audit) -> str:
    """The file name of a report's page: its report_id (16 hex digits), safe on any file system."""
    return re.sub(r"[^0-9A-Za-z_-]", "_", audit.report_id) + ".html"


def render_index(audits) -> str:
    """The index across reports: one row each, sortable by any column (most errors first)."""
    rows = []
    for a in audits:
        rows.append(
            "<tr class=\"report\">"
            f"<td><a href=\"{_e(page_name(a))}\">{_e(a.label)}</a></td>"
            f"<td>{_e(a.source_file)}</td><td>{_e(a.region)}</td>"
            f"<td class=\"num\">{_e(a.fiscal_year)}</td>"
            f"<td data-value=\"{['failed', 'incomplete', 'warnings', 'passed'].index(a.verdict) if a.verdict in VERDICT_LABELS else 9}\">"
            f"<span class=\"badge {_e(a.verdict)}\">{_e(VERDICT_LABELS.get(a.verdict, a.verdict))}</span></td>"
            f"<td class=\"num errors\">{a.errors}</td><td class=\"num warnings\">{a.warnings}</td>"
            f"<td class=\"num not-run\">{a.checks_not_run}</td><td class=\"num\">{a.checks_run}</td></tr>")
    head = ("<tr><th class=\"sortable\">report</th><th class=\"sortable\">file</th><th class=\"sortable\">region</th>"
            "<th class=\"sortable num\">year</th><th class=\"sortable\">verdict</th>"
            "<th class=\"sortable num\" id=\"sort-errors\" aria-sort=\"descending\">errors</th>"
            "<th class=\"sortable num\">warnings</th><th class=\"sortable num\">not run</th>"
            "<th class=\"sortable num\">checks run</th></tr>")
    total = sum(a.errors for a in audits)
    body = (f"<h1>Audit of {len(audits)} report{'s' if len(audits) != 1 else ''}</h1>\n"
            f"<p class=\"meta\">{total} error{'s' if total != 1 else ''} in all; click a column to sort, a report to "
            "see its findings.</p>\n"
            f"<table class=\"sortable\" id=\"reports\"><thead>{head}</thead><tbody>\n" + "\n".join(rows)
            + "\n</tbody></table>")
    return _page("juesuan audit", body, _SORT_SCRIPT)


def render_report(audit) -> str:
    """One report's page: what it is, its counts and verdict, and each finding grouped by table and section."""
    a = audit
    meta = " ".join(f"<span>{label}: {_e(value)}</span>" for label, value in (
        ("file", a.source_file), ("region", a.region), ("fiscal year", a.fiscal_year), ("report", a.report_id))
        if value is not None)
    counts = "".join(f"<div class=\"{cls}\"><b>{n}</b>{label}</div>" for cls, n, label in (
        ("errors", a.errors, "errors"), ("warnings", a.warnings, "warnings"),
        ("not-run", a.checks_not_run, "checks not run"), ("run", a.checks_run, "checks run")))
    parts = [f"<p><a href=\"index.html\">← all reports</a></p>",
             f"<h1>{_e(a.label)} <span class=\"badge {_e(a.verdict)}\">{_e(VERDICT_LABELS.get(a.verdict, a.verdict))}"
             "</span></h1>",
             f"<p class=\"meta\">{meta}</p>", f"<div class=\"counts\">{counts}</div>"]
    if a.ocr_note:
        parts.append(f"<p class=\"ocr\">{_e(a.ocr_note)}</p>")
    if not a.findings:
        parts.append("<p class=\"none\">Every check ran and passed.</p>")
    else:
        parts.append("<div class=\"filters\">show: "
                     + "".join(f"<label><input type=\"checkbox\" value=\"{level}\" checked> {label}</label>"
                               for level, label in LEVEL_LABELS.items()) + "</div>")
    for section, findings in a.sections():
        rows = []
        for f in findings:
            rows.append(
                f"<tr class=\"finding {_e(f.level)}\" data-rank=\"{f.rank}\">"
                f"<td><span class=\"badge {_e(f.level)}\">{_e(LEVEL_LABELS.get(f.level, f.level))}</span></td>"
                f"<td class=\"num page\">{_e(f.page)}</td>"
                f"<td class=\"check\">{_e(f.check_name)}<br><small>{_e(f.family)} / {_e(f.suite)}</small></td>"
                f"<td class=\"subject\">{_e(f.subject)}</td>"
                f"<td class=\"printed\"><span class=\"quote\">{_e(f.printed_value)}</span></td>"
                f"<td class=\"expected\">{_e(f.expected_value)}</td>"
                f"<td class=\"message\">{_e(f.message)}</td></tr>")
        parts.append(f"<section><h2>{_e(section)}</h2>\n<table class=\"findings\"><thead><tr><th></th>"
                     "<th class=\"num\">page</th><th>check</th><th>subject</th><th>printed</th><th>expected</th>"
                     "<th>what is wrong</th></tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table></section>")
    return _page(f"{a.label}: juesuan audit", "\n".join(parts), _FILTER_SCRIPT)


def write_site(audits, out_dir: Path) -> list[Path]:
    """index.html and one page per report in ``out_dir`` (created when missing); returns the files written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for audit in audits:
        path = out_dir / page_name(audit)
        path.write_text(render_report(audit), encoding="utf-8")
        written.append(path)
    index = out_dir / "index.html"
    index.write_text(render_index(audits), encoding="utf-8")
    return [index, *written]


def format_text(audits) -> str:
    """The audit in plain text, for a terminal and a mail: per report its verdict and counts, then each
    finding by section with its page, what was printed and what was expected."""
    if not audits:
        return "no report in the warehouse"
    out = []
    for a in audits:
        out.append(f"{a.label} ({a.source_file}): {VERDICT_LABELS.get(a.verdict, a.verdict)}: {a.errors} "
                   f"error{'s' if a.errors != 1 else ''}, {a.warnings} warning{'s' if a.warnings != 1 else ''}, "
                   f"{a.checks_not_run} not run, {a.checks_run} checks run")
        if a.ocr_note:
            out.append(f"  {a.ocr_note}")
        for section, findings in a.sections():
            out.append(f"  {section}")
            for f in findings:
                where = f"p{f.page}" if f.page is not None else "-"
                out.append(f"    {LEVEL_LABELS.get(f.level, f.level).upper():<8} {where:>4}  {f.check_name}  "
                           f"{f.subject}")
                out.append(f"{'':15}{f.message}")
                if f.outcome != "not_run" and (f.printed_value or f.expected_value):
                    out.append(f"{'':15}printed: {f.printed_value or '-'}  |  expected: {f.expected_value or '-'}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
