"""Great Expectations Data Docs that work offline, built from a warehouse without writing it.

GX 1.x writes pages that load bootstrap, bootstrap-table, jQuery, popper, bootstrap-datepicker, a dark
theme, Font Awesome and vega from six CDNs, and its logos from S3. Without a network the pages are
unstyled and the index lists nothing, since bootstrap-table draws its rows. :func:`make_offline`
copies those files into the site (``static/vendor/<package>@<version>/``) and points every page at them:

* the files come from the npm packages GX names, at the versions it names, installed by
  ``make docs-assets`` into ``expectations/assets/node_modules`` (``package.json`` and
  ``package-lock.json`` there pin them; each package's licence file, where it ships one, and its
  ``package.json``, which names the licence and the version, are copied beside its files);
* where GX gives a subresource-integrity hash, the local file must have it (so it is the very file
  the CDN serves); the ``integrity`` and ``crossorigin`` attributes are then dropped, as a page opened
  from ``file://`` has no origin to send CORS requests from;
* the S3 logos become GX's own ``static/images/logo-long.png``, which the site already holds;
* a remote stylesheet, script, image, font or ``@import`` that is not in :data:`CDN_ASSETS` is an
  error (a newer GX that adds a CDN must not go online silently). Links (``<a href>``) stay.

``python -m ingest.cli.data_docs WAREHOUSE --out DIR`` (what ``make docs`` runs, on a snapshot copy)
builds the site: it opens WAREHOUSE read-only, validates ``quality.check_comparisons`` with the suites
of ``expectations/`` and writes the pages into a fresh folder that then replaces DIR.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..paths import EXPECTATIONS_DIR

ASSETS_DIR = EXPECTATIONS_DIR / "assets"
NODE_MODULES = ASSETS_DIR / "node_modules"
VENDOR = "static/vendor"  # inside the site
LOCAL_LOGO = "static/images/logo-long.png"  # written by GX into every site


@dataclass(frozen=True)
class Asset:
    """One file a GX page loads from a CDN, and where that file is in its npm package."""

    url: str
    package: str
    path: str
    #: files or folders the file refers to by relative URL (Font Awesome's webfonts)
    siblings: tuple[str, ...] = ()


_BT = "https://unpkg.com/bootstrap-table"
_CF = "https://cdnjs.cloudflare.com/ajax/libs"
#: Every remote file GX 1.x Data Docs load, by the URL GX writes. GX asks for the filter-control CSS of
#: bootstrap-table 1.19.0 and everything else of 1.19.1; the 1.19.1 package serves both (the file is
#: unchanged between them). "vega@5", "vega-lite@5" and "vega-embed@6" are jsDelivr's latest of each
#: major version; package.json pins the one served.
CDN_ASSETS: tuple[Asset, ...] = (
    Asset("https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css", "bootstrap", "dist/css/bootstrap.min.css"),
    Asset("https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js", "bootstrap", "dist/js/bootstrap.min.js"),
    Asset("https://code.jquery.com/jquery-3.7.1.min.js", "jquery", "dist/jquery.min.js"),
    Asset(f"{_CF}/popper.js/1.12.9/umd/popper.min.js", "popper.js", "dist/umd/popper.min.js"),
    Asset(f"{_BT}@1.19.1/dist/bootstrap-table.min.css", "bootstrap-table", "dist/bootstrap-table.min.css"),
    Asset(f"{_BT}@1.19.1/dist/bootstrap-table.min.js", "bootstrap-table", "dist/bootstrap-table.min.js"),
    Asset(f"{_BT}@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js", "bootstrap-table",
          "dist/extensions/filter-control/bootstrap-table-filter-control.min.js"),
    Asset(f"{_BT}@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css", "bootstrap-table",
          "dist/extensions/filter-control/bootstrap-table-filter-control.min.css"),
    Asset(f"{_BT}@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css", "bootstrap-table",
          "dist/extensions/filter-control/bootstrap-table-filter-control.css"),
    Asset(f"{_CF}/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css", "bootstrap-datepicker",
          "dist/css/bootstrap-datepicker.min.css"),
    Asset(f"{_CF}/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js", "bootstrap-datepicker",
          "dist/js/bootstrap-datepicker.min.js"),
    Asset("https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css",
          "@forevolve/bootstrap-dark", "dist/css/bootstrap-prefers-dark.css"),
    Asset(f"{_CF}/font-awesome/6.6.0/css/all.min.css", "@fortawesome/fontawesome-free", "css/all.min.css",
          siblings=("webfonts",)),
    Asset("https://cdn.jsdelivr.net/npm/vega@5", "vega", "build/vega.min.js"),
    Asset("https://cdn.jsdelivr.net/npm/vega-lite@5", "vega-lite", "build/vega-lite.min.js"),
    Asset("https://cdn.jsdelivr.net/npm/vega-embed@6", "vega-embed", "build/vega-embed.min.js"),
)
_BY_URL = {a.url: a for a in CDN_ASSETS}
#: GX's logos on S3 (the page logo carries a cache-busting query string; the dark-theme CSS a dark logo)
_GX_IMAGES = re.compile(r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/[\w.-]+\.png(\?[^\"')\s]*)?")

_TAG = re.compile(r"<(script|link|img)\b[^>]*>", re.I)
_ATTR = re.compile(r"""\s(src|href|integrity|crossorigin)\s*=\s*("[^"]*"|'[^']*')""", re.I)
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""", re.I)
_REMOTE = re.compile(r"^(https?:)?//", re.I)
_LICENSE = re.compile(r"^(LICEN[CS]E|COPYING)(\.\w+)?$", re.I)


class DataDocsError(Exception):
    """The Data Docs could not be made to work offline."""


class AssetsMissing(DataDocsError):
    """The npm packages of expectations/assets are not installed, or not at the pinned versions."""


class UnknownRemoteAsset(DataDocsError):
    """A page loads a remote file this module does not know how to serve locally."""


def pinned_versions(assets_dir: Path = ASSETS_DIR) -> dict[str, str]:
    """The package versions expectations/assets/package.json pins."""
    return json.loads((assets_dir / "package.json").read_text(encoding="utf-8"))["dependencies"]


def _check_installed(node_modules: Path, assets_dir: Path) -> dict[str, str]:
    pinned = pinned_versions(assets_dir)
    problems = []
    for package in sorted({a.package for a in CDN_ASSETS}):
        meta = node_modules / package / "package.json"
        if package not in pinned:
            problems.append(f"{package} is not in {assets_dir / 'package.json'}")
        elif not meta.is_file():
            problems.append(f"{package} is not installed")
        elif (got := json.loads(meta.read_text(encoding="utf-8"))["version"]) != pinned[package]:
            problems.append(f"{package} {got} is installed, package.json pins {pinned[package]}")
    if problems:
        raise AssetsMissing(
            f"the Data Docs assets in {node_modules} are not ready ({'; '.join(problems)}): "
            "run `make docs-assets` (npm ci in expectations/assets)"
        )
    return pinned


def remote_references(text: str, *, css: bool = False) -> list[str]:
    """URLs of remote files that a page (or, with css=True, a stylesheet) loads when shown.

    Counts ``<script src>``, ``<link href>``, ``<img src>`` and CSS ``url()`` / ``@import``; not
    ``<a href>``, which loads nothing until followed.
    """
    found = []
    if not css:
        for tag in _TAG.finditer(text):
            for name, value in _ATTR.findall(tag.group(0)):
                if name.lower() in ("src", "href") and _REMOTE.match(value[1:-1].strip()):
                    found.append(value[1:-1].strip())
    for m in _CSS_URL.finditer(text):
        url = (m.group(2) or m.group(4) or "").strip()
        if _REMOTE.match(url):
            found.append(url)
    return found


def _sri_ok(integrity: str, data: bytes) -> bool:
    """True when one of the space-separated sha256/384/512 hashes of an integrity attribute matches."""
    for token in integrity.split():
        algo, _, digest = token.partition("-")
        if algo in ("sha256", "sha384", "sha512"):
            if base64.b64encode(hashlib.new(algo, data).digest()).decode() == digest:
                return True
    return False


class _Site:
    """Rewrites the pages of one site and copies the files they need into it."""

    def __init__(self, site: Path, node_modules: Path, pinned: dict[str, str]):
        self.site, self.node_modules, self.pinned = site, node_modules, pinned
        self.copied: dict[str, Path] = {}  # site-relative path -> file in the site
        self.unknown: dict[str, set[str]] = {}  # URL -> pages

    def _vendor(self, asset: Asset) -> str:
        """Copy the asset (and its licence, and what it refers to) into the site; its site-relative path."""
        package_dir = self.node_modules / asset.package
        base = f"{VENDOR}/{asset.package}@{self.pinned[asset.package]}"
        rel = f"{base}/{asset.path}"
        if rel not in self.copied:
            for name in [asset.path, *asset.siblings]:
                src, dst = package_dir / name, self.site / base / name
                dst.parent.mkdir(parents=True, exist_ok=True)
                if src.is_dir():
                    shutil.copytree(src, dst, dirs_exist_ok=True)
                else:
                    shutil.copyfile(src, dst)
            for meta in package_dir.iterdir():  # its licence, and package.json, which names it and the version
                if _LICENSE.match(meta.name) or meta.name == "package.json":
                    shutil.copyfile(meta, self.site / base / meta.name)
            self.copied[rel] = self.site / rel
        return rel

    def _local(self, url: str, page: Path) -> str | None:
        """The site-relative path serving a remote URL, or None when unknown (recorded)."""
        if url in _BY_URL:
            return self._vendor(_BY_URL[url])
        if _GX_IMAGES.fullmatch(url):
            if not (self.site / LOCAL_LOGO).is_file():
                raise DataDocsError(f"{self.site / LOCAL_LOGO} is missing: GX did not write its static files")
            return LOCAL_LOGO
        self.unknown.setdefault(url, set()).add(str(page.relative_to(self.site)))
        return None

    def _relative(self, rel: str, page: Path) -> str:
        return Path(os.path.relpath(self.site / rel, page.parent)).as_posix()

    def _rewrite_css(self, text: str, page: Path) -> str:
        def css_url(m: re.Match) -> str:
            if m.group(2) is not None:
                quote, url = m.group(1), m.group(2).strip()
                if _REMOTE.match(url) and (rel := self._local(url, page)):
                    return f"url({quote}{self._relative(rel, page)}{quote})"
            else:
                quote, url = m.group(3), m.group(4).strip()
                if _REMOTE.match(url) and (rel := self._local(url, page)):
                    return f"@import {quote}{self._relative(rel, page)}{quote}"
            return m.group(0)

        return _CSS_URL.sub(css_url, text)

    def _rewrite_tag(self, tag: str, page: Path) -> str:
        attrs = {name.lower(): value[1:-1] for name, value in _ATTR.findall(tag)}
        key = "src" if "src" in attrs else "href"
        url = attrs.get(key, "").strip()
        if not _REMOTE.match(url):
            return self._reanchor(tag, key, url, page)
        if (rel := self._local(url, page)) is None:
            return tag
        if "integrity" in attrs and not _sri_ok(attrs["integrity"], (self.site / rel).read_bytes()):
            raise DataDocsError(
                f"{self.site / rel} does not have the integrity hash {attrs['integrity']} that GX gives for {url}"
            )

        def attr(m: re.Match) -> str:
            name = m.group(1).lower()
            if name in ("integrity", "crossorigin"):
                return ""
            if name == key:
                return f' {m.group(1)}="{self._relative(rel, page)}"'
            return m.group(0)

        return _ATTR.sub(attr, tag)

    def _reanchor(self, tag: str, key: str, url: str, page: Path) -> str:
        """GX links validation pages, one folder deeper than it counts, to ``../../../static/...``
        (their favicon): point such a link at the site's static/ folder."""
        if not url or url.startswith(("data:", "#", "javascript:")) or "static/" not in url:
            return tag
        if (page.parent / url.split("?")[0]).exists():
            return tag
        rel = "static/" + url.split("static/", 1)[1].split("?")[0]
        if not (self.site / rel).is_file():
            return tag
        return tag.replace(f'{key}="{url}"', f'{key}="{self._relative(rel, page)}"')

    def rewrite_page(self, page: Path) -> None:
        text = page.read_text(encoding="utf-8")
        new = _TAG.sub(lambda m: self._rewrite_tag(m.group(0), page), text)
        new = self._rewrite_css(new, page)  # <style> blocks and style="" attributes
        if new != text:
            page.write_text(new, encoding="utf-8")

    def rewrite_stylesheet(self, sheet: Path) -> None:
        text = sheet.read_text(encoding="utf-8")
        new = self._rewrite_css(text, sheet)
        if new != text:
            sheet.write_text(new, encoding="utf-8")


def make_offline(site: Path, *, node_modules: Path = NODE_MODULES, assets_dir: Path = ASSETS_DIR) -> list[Path]:
    """Serve every CSS, JavaScript, font and image file of a GX Data Docs site from the site itself.

    Rewrites the pages and GX's stylesheets in place and returns the vendored files. Raises
    :class:`AssetsMissing` when ``make docs-assets`` has not run, :class:`UnknownRemoteAsset` when a
    page loads a remote file not in :data:`CDN_ASSETS` (nothing is left half-done that matters: the
    site is GX's output, built again by the next run).
    """
    site = Path(site)
    pinned = _check_installed(Path(node_modules), Path(assets_dir))
    state = _Site(site, Path(node_modules), pinned)
    vendor = site / VENDOR
    for page in sorted(site.rglob("*.html")):
        state.rewrite_page(page)
    for sheet in sorted(site.joinpath("static").rglob("*.css")):
        if vendor not in sheet.parents:
            state.rewrite_stylesheet(sheet)
    if state.unknown:
        listed = "; ".join(f"{url} (in {', '.join(sorted(pages)[:3])})" for url, pages in sorted(state.unknown.items()))
        raise UnknownRemoteAsset(
            f"Data Docs load remote files that ingest/build/data_docs.py does not serve: {listed}. "
            "Add them to CDN_ASSETS and expectations/assets/package.json"
        )
    _check_vendored_css(vendor)
    return sorted(state.copied.values())


def _check_vendored_css(vendor: Path) -> None:
    """The vendored stylesheets load nothing remote, and every file they name is there."""
    for sheet in vendor.rglob("*.css"):
        text = sheet.read_text(encoding="utf-8")
        remote = remote_references(text, css=True)
        if remote:
            raise UnknownRemoteAsset(f"{sheet} loads {remote[0]}")
        for m in _CSS_URL.finditer(text):
            url = (m.group(2) or m.group(4) or "").strip()
            if url.startswith(("data:", "#")):
                continue
            target = (sheet.parent / url.split("?")[0].split("#")[0]).resolve()
            if not target.exists():
                raise DataDocsError(f"{sheet} refers to {url}, which is not in the site")
