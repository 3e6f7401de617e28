"""What the command line prints: plain text that a terminal, a log file and a cron mail read the same way."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date, datetime
from decimal import Decimal


def format_dbt(outcome) -> str:
    """One line of counts for a `build.dbt.DbtOutcome`, then each failure."""
    text = (
        f"dbt build: {outcome.models_passed} models ok, {outcome.models_failed} failed; "
        f"{outcome.seeds_passed} seeds ok; {outcome.tests_passed} tests passed, {outcome.tests_failed} failed, "
        f"{outcome.tests_warned} warned; {outcome.skipped} skipped"
    )
    if outcome.error:
        text += f"\ndbt error: {outcome.error}"
    for f in outcome.failures:
        text += f"\n  {f.status.upper()} {f.resource_type} {f.name}: {f.message}"
    return text


def format_checks(summary, *, max_lines: int = 50) -> str:
    """A `build.checks.CheckSummary`: counts, then each failure by report, check and subject."""
    n_reports = len(summary.failed_reports)
    head = (
        f"checks: {summary.checks_run} run, {summary.checks_failed} failed"
        + (f" in {n_reports} report{'s' if n_reports != 1 else ''}" if n_reports else "")
        + (f", {len(summary.warnings)} warning{'s' if len(summary.warnings) != 1 else ''}" if summary.warnings else "")
        + (f", {summary.checks_not_run} not run" if getattr(summary, "checks_not_run", 0) else "")
    )
    lines = [head]
    shown = [("FAIL", f) for f in summary.failures] + [("warn", f) for f in summary.warnings]
    for kind, f in shown[:max_lines]:
        label = summary.report_labels.get(f.report_id, f.report_id)
        if getattr(f, "family", None) not in (None, "tables") and f.message:
            detail = f.message  # a check of the document: its message quotes what was printed
        elif f.check_name.endswith(("_known", "_matches")):
            detail = "not in the classification seed" if f.check_name.endswith("_known") else "name differs from the seed"
        elif f.check_name.startswith("narrative_"):
            detail = _narrative_detail(f)
        else:
            detail = f"printed {f.observed}, expected {f.expected} (off by {f.observed - f.expected})"
        where = f" (page {f.page})" if getattr(f, "page", None) else ""
        lines.append(f"  {kind} {label}{where}  {f.check_name}  {f.subject}: {detail}")
    if len(shown) > max_lines:
        lines.append(f"  … {len(shown) - max_lines} more: query quality.check_results where not passed")
    if getattr(summary, "checks_not_run", 0):
        lines.append("  checks not run (a table they need is missing …): juesuan audit, or quality.findings")
    if summary.docs_index is not None:
        lines.append(f"  data docs: {summary.docs_index}")
    return "\n".join(lines)


_RELATIONS = {1: "大于", 0: "等于", -1: "小于"}


def _narrative_detail(f) -> str:
    """What a narrative finding compares, back in the figure's terms: the comparison columns are in 元 for
    money and in hundredths of a percent for shares and rates, a relation word is 1 / 0 / -1."""
    aspect = f.subject.split(" (claim", 1)[0]
    if aspect.endswith(" relation"):
        return (f"states 决算{_RELATIONS.get(int(f.observed), '?')}预算, "
                f"the figures say {_RELATIONS.get(int(f.expected), '?')}")
    if aspect.endswith((" share", " rate")):
        if f.check_name == "narrative_yoy" and f.expected == 0:
            return f"states {f.observed / 100}% from a previous year of 0"
        return f"states {f.observed / 100}%, the tables give {f.expected / 100}%"
    return f"states {f.observed} 元, the tables give {f.expected} 元"


def format_runs(runs: list[dict]) -> str:
    """Plain text, one line per run: a cron mail and a terminal read it the same way."""
    header = (f"{'run':<22} {'command':<7} {'started (UTC)':<19} {'secs':>6} {'new':>4} {'chg':>4} {'same':>5} "
              f"{'mv':>4} {'rm':>4} {'fail':>4} {'dbt':<8} {'checks':<8} {'chk!':>4} {'exit':>4}  published")
    lines = [header]
    for r in runs:
        secs = (r["ended_at"] - r["started_at"]).total_seconds() if r.get("ended_at") else None
        lines.append(
            f"{r['run_id']:<22} {r['command']:<7} {r['started_at']:%Y-%m-%d %H:%M:%S} "
            f"{'' if secs is None else f'{secs:.1f}':>6} {_n(r['files_new']):>4} {_n(r['files_changed']):>4} "
            f"{_n(r['files_unchanged']):>5} {_n(r.get('files_moved')):>4} {_n(r['files_removed']):>4} "
            f"{_n(r['files_failed']):>4} "
            f"{r['dbt_status'] or '-':<8} {r['checks_status'] or '-':<8} {_n(r['checks_failed']):>4} "
            f"{_n(r['exit_status']):>4}  {'yes' if r['published'] else 'no'}")
        if r.get("removed_files"):
            lines.append(f"    removed: {r['removed_files']}")
        if r.get("failed_files"):
            lines.append(f"    failed: {r['failed_files']}")
        if r.get("moved_files"):
            lines.append(f"    moved: {r['moved_files']}")
        if r.get("quarantined_files"):
            lines.append(f"    quarantined: {r['quarantined_files']}")
    return "\n".join(lines)


def _n(value) -> str:
    return "-" if value is None else str(value)


def _text(value, *, grouped: bool = False) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal) and grouped:
        return f"{value:,}"  # exact: the digits as stored, with thousands separators
    if isinstance(value, (datetime, date)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def _clip(text: str, width: int) -> str:
    """`text` cut to `width` display columns, an ellipsis marking the cut."""
    if _width(text) <= width:
        return text
    out = ""
    for ch in text:
        if _width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


#: A text column is never narrowed below this many display columns to fit a terminal.
MIN_CLIPPED_WIDTH = 8


def format_table(columns: list[str], rows: list[tuple], *, max_width: int | None = None,
                 grouped: bool = False) -> str:
    """An aligned text table: numbers right-aligned and exact, NULL for NULL. ``grouped`` prints DECIMAL
    amounts with thousands separators; ``max_width`` (a terminal's width) narrows the widest text columns,
    cutting their cells with an ellipsis, until the table fits (numbers are never cut)."""
    cells = [[_text(v, grouped=grouped) for v in row] for row in rows]
    numeric = [
        all(row[i] is None or isinstance(row[i], (int, float, Decimal)) and not isinstance(row[i], bool)
            for row in rows)
        for i in range(len(columns))
    ]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    if max_width is not None:
        while sum(widths) + 2 * (len(widths) - 1) > max_width:
            text_columns = [i for i, n in enumerate(numeric) if not n and widths[i] > MIN_CLIPPED_WIDTH]
            if not text_columns:
                break
            widest = max(text_columns, key=lambda i: widths[i])
            widths[widest] -= 1
        cells = [[c if numeric[i] else _clip(c, widths[i]) for i, c in enumerate(row)] for row in cells]
        columns = [c if numeric[i] else _clip(c, widths[i]) for i, c in enumerate(columns)]
    lines = [
        "  ".join(_pad(c, w, n) for c, w, n in zip(columns, widths, numeric)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    for row in cells:
        lines.append("  ".join(_pad(c, w, n) for c, w, n in zip(row, widths, numeric)).rstrip())
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def format_csv(columns: list[str], rows: list[tuple]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else _text(v) for v in row])
    return out.getvalue()


