"""Find a Chromium for the browser tests: $CHROMIUM, Debian's, or Playwright's own download."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HOW_TO_INSTALL = (
    "no Chromium found for the browser tests: set CHROMIUM=/path/to/chromium, "
    "or install Debian's package (apt-get install chromium), "
    "or let Playwright download its own (python -m playwright install chromium)"
)


def find_chromium() -> str | None:
    """The first Chromium executable found, or None."""
    candidates = [os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")]
    for path in filter(None, candidates):
        if Path(path).is_file() and os.access(path, os.X_OK):
            return path
    return playwright_chromium()


def playwright_chromium() -> str | None:
    """The browser `playwright install chromium` downloaded, if it did."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as p:
        path = p.chromium.executable_path
    return path if Path(path).is_file() else None


if __name__ == "__main__":
    found = find_chromium()
    print(found or HOW_TO_INSTALL)
    sys.exit(0 if found else 1)
