"""Data Docs that work offline and fetch nothing.

GX's pages load their front-end libraries from CDNs, and its logo from GX's S3 with the data
context's id in the query string: offline, the index tables stay empty; online, every page view
reports to third parties. :func:`localize` copies the same files, vendored in
``data_docs_assets/`` (versions and licenses in its README), into the site and points its pages
at them. A GX upgrade that loads another URL is caught by
tests/expectations (no page may load anything but local files).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

ASSETS = Path(__file__).parent / "data_docs_assets"
VENDOR = "static/vendor"  # in the site

_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"
_JSDELIVR = "https://cdn.jsdelivr.net/npm"
_TABLE = "https://unpkg.com/bootstrap-table@1.19.1/dist"
# The pages ask for 1.19.0's filter-control styles next to 1.19.1's script: one file serves both.
_FILTER_CONTROL_CSS = "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control"

# Every URL GX 1.24's page templates load, and the vendored file that replaces it.
LOCAL = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery.min.js",
    f"{_CDNJS}/popper.js/1.12.9/umd/popper.min.js": "popper.min.js",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap.min.css",
    f"{_JSDELIVR}/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": (
        "bootstrap-prefers-dark.min.css"
    ),
    f"{_TABLE}/bootstrap-table.min.js": "bootstrap-table.min.js",
    f"{_TABLE}/bootstrap-table.min.css": "bootstrap-table.min.css",
    f"{_TABLE}/extensions/filter-control/bootstrap-table-filter-control.min.js": (
        "bootstrap-table-filter-control.min.js"
    ),
    f"{_FILTER_CONTROL_CSS}/bootstrap-table-filter-control.css": (
        "bootstrap-table-filter-control.min.css"
    ),
    f"{_FILTER_CONTROL_CSS}/bootstrap-table-filter-control.min.css": (
        "bootstrap-table-filter-control.min.css"
    ),
    f"{_CDNJS}/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": (
        "bootstrap-datepicker.min.js"
    ),
    f"{_CDNJS}/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": (
        "bootstrap-datepicker.min.css"
    ),
    f"{_CDNJS}/font-awesome/6.6.0/css/all.min.css": "fontawesome/css/all.min.css",
    f"{_JSDELIVR}/vega@5": "vega.min.js",
    f"{_JSDELIVR}/vega-lite@5": "vega-lite.min.js",
    f"{_JSDELIVR}/vega-embed@6": "vega-embed.min.js",
}
# GX ships the same logo with the site.
_LOGO = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png"
_SITE_FILES = {_LOGO: "static/images/logo-long.png"} | {
    url: f"{VENDOR}/{name}" for url, name in LOCAL.items()
}

# A src/href attribute with an https URL; the query string (the logo's tracking) is dropped.
_ATTRIBUTE = re.compile(r'(?P<attr>src|href)="(?P<url>https://[^"?#]+)(?:[?#][^"]*)?"')
# Subresource-integrity attributes of the CDN tags: browsers refuse them on file:// pages (CORS).
_CDN_ONLY = re.compile(r'\s(?:integrity|crossorigin)="[^"]*"')


def localize(site: Path) -> None:
    """Vendor the assets into ``site`` and rewrite the pages written since the last call (all of
    them the first time) to load them."""
    stamp = site / VENDOR / ".localized"
    since = stamp.stat().st_mtime if stamp.exists() else 0.0
    shutil.copytree(ASSETS, site / VENDOR, dirs_exist_ok=True)
    for page in site.rglob("*.html"):
        if page.stat().st_mtime < since:
            continue  # localized by an earlier call
        root = Path(os.path.relpath(site, page.parent)).as_posix()

        def local(match: re.Match[str], root: str = root) -> str:
            target = _SITE_FILES.get(match["url"])
            return match[0] if target is None else f'{match["attr"]}="{root}/{target}"'

        text = page.read_text(encoding="utf-8")
        page.write_text(_CDN_ONLY.sub("", _ATTRIBUTE.sub(local, text)), encoding="utf-8")
    stamp.touch()
