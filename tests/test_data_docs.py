"""`make docs` builds from a copy of the warehouse, and its GX Data Docs work with no network.

One real `make docs` run on a copy of the sample build, while another process holds the warehouse open,
then Debian's Chromium (headless, driven by Playwright, every request that is not a local file sent to
a proxy on a closed port) opens the pages as an analyst would from the file system.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.build import data_docs
from ingest.build.checks import load_config

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
# As the machine notes say Chromium needs here; the proxy on port 9 (discard, nothing listens) is where
# any http(s) request would go, and <-loopback> stops it bypassing the proxy for localhost.
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
]
# one validation per suite of the check catalogue, each suite built from the template
SUITES = {v["suite"]: v["suite_json"] for v in load_config()["validations"]}
VALIDATIONS = list(SUITES)

HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("select count(*) from marts.dim_report").fetchall()
print("holding", flush=True)
sys.stdin.readline()
"""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Holder:
    """Another process with the warehouse open (read-only, as the notebook opens it)."""

    def __init__(self, path: Path):
        self.proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "holding"

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def _make_docs(sample_warehouse: Path, tmp: Path) -> dict:
    folder = tmp / "published"
    folder.mkdir()
    warehouse = folder / "warehouse.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)
    docs = tmp / "data_docs"
    dbt_docs = tmp / "dbt_docs"
    before = (_sha256(warehouse), warehouse.stat().st_mtime_ns)
    started = time.time()
    holder = Holder(warehouse)
    try:
        # the holder's lock is real: opening the file for writing, as `make docs` used to, fails now
        writer = subprocess.run([sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1])",
                                 str(warehouse)], capture_output=True, text=True)
        assert writer.returncode != 0 and "lock" in writer.stderr.lower(), writer.stderr
        result = subprocess.run(
            ["make", "--no-print-directory", "docs", f"WAREHOUSE={warehouse}", f"DOCS_DIR={docs}",
             f"DBT_DOCS_DIR={dbt_docs}"],
            cwd=ROOT, capture_output=True, text=True, timeout=600,
        )
    finally:
        holder.close()
    return {"result": result, "warehouse": warehouse, "before": before, "docs": docs, "dbt_docs": dbt_docs,
            "folder": folder,
            "started": started,
            "after": (_sha256(warehouse), warehouse.stat().st_mtime_ns)}


@pytest.fixture(scope="module")
def made_docs(tmp_path_factory, sample_warehouse) -> dict:
    """`make docs` on a copy of the sample build while a reader holds it open read-only."""
    return _make_docs(sample_warehouse, tmp_path_factory.mktemp("docs"))


def test_make_docs_succeeds_while_a_reader_holds_the_warehouse(made_docs):
    result = made_docs["result"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "data docs: " in result.stdout and "0 failed" in result.stdout, result.stdout
    assert (made_docs["docs"] / "index.html").is_file()
    assert (made_docs["dbt_docs"] / "static_index.html").is_file()


def test_make_docs_leaves_the_published_warehouse_as_it_was(made_docs):
    assert made_docs["after"] == made_docs["before"]  # bytes and modification time
    # nothing beside it either: no WAL, no copy, no lock file
    assert sorted(p.name for p in made_docs["folder"].iterdir()) == ["warehouse.duckdb"]


def test_no_page_or_stylesheet_loads_anything_remote(made_docs):
    docs = made_docs["docs"]
    pages = sorted(docs.rglob("*.html"))
    assert len(pages) == 1 + 2 * len(VALIDATIONS)  # index, a suite page and a validation page each
    for page in pages:
        assert data_docs.remote_references(page.read_text(encoding="utf-8")) == [], page
    for sheet in docs.joinpath("static").rglob("*.css"):
        assert data_docs.remote_references(sheet.read_text(encoding="utf-8"), css=True) == [], sheet
    # what the pages load is in the site, at the pinned version, with the package's licence
    pinned = data_docs.pinned_versions()
    for asset in data_docs.CDN_ASSETS:
        folder = docs / data_docs.VENDOR / f"{asset.package}@{pinned[asset.package]}"
        assert (folder / asset.path).is_file(), asset
        meta = json.loads((folder / "package.json").read_text(encoding="utf-8"))
        assert meta["version"] == pinned[asset.package] and meta["license"], folder
    # the files GX gives integrity hashes for are the very files the CDNs serve
    assert "integrity=" not in (docs / "index.html").read_text(encoding="utf-8")


# ---------- headless Chromium, network off


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium, as root)")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        yield b
        b.close()


class Visit:
    """One page in a fresh browser context, with everything it asked for and every error it met."""

    def __init__(self, browser, path: Path):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(path.as_uri(), wait_until="load")
        self.page.evaluate("document.fonts.ready.then(() => true)")

    def style(self, selector: str, prop: str) -> str:
        return self.page.evaluate(
            "([s, p]) => getComputedStyle(document.querySelector(s)).getPropertyValue(p)", [selector, prop])

    def rows(self, selector: str) -> list[str]:
        return self.page.eval_on_selector_all(f"{selector} tbody tr", "rs => rs.map(r => r.innerText)")

    def assert_offline_and_clean(self) -> None:
        assert self.requests and all(u.startswith("file://") for u in self.requests), \
            [u for u in self.requests if not u.startswith("file://")]
        assert self.failed == [] and self.errors == [], (self.failed, self.errors)

    def close(self) -> None:
        self.context.close()


def _validation_pages(docs: Path) -> dict[str, Path]:
    pages = {}
    for family in VALIDATIONS:
        found = sorted(docs.glob(f"validations/juesuan_{family}/*/*/*.html"))
        assert len(found) == 1, (family, found)
        pages[family] = found[0]
    return pages


def _assert_styled(visit: Visit) -> None:
    # bootstrap's reboot and navbar, and Font Awesome's icon font, as the CDN files would give them
    assert visit.style("body", "font-family").startswith("-apple-system"), visit.style("body", "font-family")
    assert visit.style("nav.navbar", "display") == "flex"
    assert visit.style(".alert-secondary", "background-color") == "rgb(226, 227, 229)"
    assert visit.page.evaluate(
        "[...document.fonts].some(f => f.family.includes('Font Awesome 6 Free') && f.status === 'loaded')")


def test_the_index_lists_every_validation_and_suite_offline(browser, made_docs):
    visit = Visit(browser, made_docs["docs"] / "index.html")
    try:
        visit.assert_offline_and_clean()
        _assert_styled(visit)
        validations = visit.rows(".ge-index-page-validation-results-table")
        assert sorted(r.split("\t")[-1].strip() for r in validations) == sorted(f"juesuan_{f}" for f in VALIDATIONS)
        suites = visit.rows(".ge-index-page-expectation_suites-table")
        assert sorted(r.strip() for r in suites) == sorted(f"juesuan_{f}" for f in VALIDATIONS)
        # a row leads to its validation page (bootstrap-table's click handler, not a plain link)
        row = visit.page.locator(".ge-index-page-validation-results-table tbody tr", has_text="juesuan_functional")
        with visit.page.expect_navigation():
            row.locator("td").first.click()
        assert "validations/juesuan_functional/" in visit.page.url
        visit.assert_offline_and_clean()
    finally:
        visit.close()


def test_every_validation_page_shows_its_expectations_offline(browser, made_docs):
    for family, path in _validation_pages(made_docs["docs"]).items():
        visit = Visit(browser, path)
        try:
            visit.assert_offline_and_clean()
            _assert_styled(visit)
            expectations = SUITES[family]["expectations"]
            stats = dict(r.split("\n\t\n") for r in visit.rows("#section-1-content-block-2-body"))
            assert int(stats["Evaluated Expectations"]) == len(expectations), (family, stats)
            assert stats["Unsuccessful Expectations"] == "0"
            rendered = [r for table in visit.page.locator("table[id$='-content-block-2-body']").all()[1:]
                        for r in table.locator("tbody tr").all_inner_texts()]
            assert len(rendered) == len(expectations), (family, rendered)
            text = visit.page.inner_text("body")
            for e in expectations:
                if e.get("description"):
                    assert e["description"] in text, (family, e["description"])
        finally:
            visit.close()


def test_the_dbt_docs_page_works_offline_too(browser, made_docs):
    page = made_docs["dbt_docs"] / "static_index.html"
    assert page.stat().st_mtime > made_docs["started"]  # written by this make docs
    visit = Visit(browser, page)
    try:
        visit.page.wait_for_selector("text=juesuan warehouse")
        # dbt's own page, one file: nothing is fetched from the network (its Angular app logs
        # file:// history errors of its own, which are not ours to mend)
        assert visit.requests and all(u.startswith(("file://", "data:")) for u in visit.requests), \
            sorted({u for u in visit.requests if not u.startswith(("file://", "data:"))})
    finally:
        visit.close()


def _colour_share(png: Path) -> dict[str, float]:
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(png).convert("RGB"), dtype=int).reshape(-1, 3)

    def near(rgb, tol):
        return float((np.abs(pixels - np.array(rgb)) <= tol).all(axis=1).mean())

    # bootstrap's alert-secondary grey, text-success green (the status icons), link blue
    return {"grey": near((226, 227, 229), 3), "green": near((40, 167, 69), 30), "blue": near((0, 123, 255), 30)}


def test_screenshots_of_the_index_and_a_validation_page_are_styled(browser, made_docs, tmp_path):
    """Screenshots against the same pages with the vendored files gone (as the CDN is, offline)."""
    docs = made_docs["docs"]
    bare = tmp_path / "bare"
    shutil.copytree(docs, bare)
    shutil.rmtree(bare / data_docs.VENDOR)
    shots = {}
    for name, site in (("styled", docs), ("bare", bare)):
        for page in ("index", "validation"):
            path = site / "index.html" if page == "index" else _validation_pages(site)["functional"]
            visit = Visit(browser, path)
            try:
                shot = tmp_path / f"{page}-{name}.png"
                visit.page.screenshot(path=str(shot), full_page=False)
                shots[page, name] = _colour_share(shot)
            finally:
                visit.close()
    for page in ("index", "validation"):
        styled, bare_ = shots[page, "styled"], shots[page, "bare"]
        assert styled["grey"] > 0.01 and styled["green"] > 0.0002 and styled["blue"] > 0.001, (page, styled)
        assert all(bare_[k] < styled[k] / 10 for k in styled), (page, styled, bare_)
    if os.environ.get("JUESUAN_SCREENSHOTS"):  # to look at them
        out = Path(os.environ["JUESUAN_SCREENSHOTS"])
        out.mkdir(parents=True, exist_ok=True)
        for png in tmp_path.glob("*.png"):
            shutil.copyfile(png, out / png.name)


# ---------- make_offline on small sites of its own


def _site(tmp_path: Path, head: str) -> Path:
    site = tmp_path / "site"
    (site / "static" / "images").mkdir(parents=True)
    (site / "static" / "images" / "logo-long.png").write_bytes(b"\x89PNG")
    (site / "index.html").write_text(f"<html><head>{head}</head><body></body></html>", encoding="utf-8")
    return site


def test_a_remote_file_it_does_not_know_is_an_error(tmp_path):
    site = _site(tmp_path, '<script src="https://cdn.example.org/new-library.js"></script>')
    with pytest.raises(data_docs.UnknownRemoteAsset, match="cdn.example.org/new-library.js"):
        data_docs.make_offline(site)


def test_a_vendored_file_must_have_the_integrity_hash_gx_gives(tmp_path):
    url = "https://code.jquery.com/jquery-3.7.1.min.js"
    site = _site(tmp_path, f'<script src="{url}" integrity="sha384-AAAA" crossorigin="anonymous"></script>')
    with pytest.raises(data_docs.DataDocsError, match="integrity"):
        data_docs.make_offline(site)


def test_known_files_are_served_from_the_site_and_links_stay(tmp_path):
    bootstrap_js = "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js"
    sri = "sha384-JjSmVgyd0p3pXB1rRibZUAYoIIy6OrQ6VrjIEaFf/nJGzIxFDsf4x0xIM+B07jRM"  # as GX writes it
    site = _site(tmp_path, f'<script src="{bootstrap_js}" integrity="{sri}" crossorigin="anonymous"></script>'
                           '<style>.x { background: url(\'https://great-expectations-web-assets.s3.us-east-2'
                           '.amazonaws.com/full_logo_dark.png\') }</style><a href="https://greatexpectations.io">GX</a>')
    data_docs.make_offline(site)
    html = (site / "index.html").read_text(encoding="utf-8")
    assert '<script src="static/vendor/bootstrap@4.3.1/dist/js/bootstrap.min.js"></script>' in html
    assert "url('static/images/logo-long.png')" in html
    assert '<a href="https://greatexpectations.io">' in html
    assert data_docs.remote_references(html) == []


def test_missing_assets_say_what_to_run(tmp_path):
    site = _site(tmp_path, "")
    with pytest.raises(data_docs.AssetsMissing, match="make docs-assets"):
        data_docs.make_offline(site, node_modules=tmp_path / "node_modules")
