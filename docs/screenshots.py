"""`make screenshots`: the demo's highlight report in a real browser (Debian's Chromium via playwright) at
1280 px, at 390 px (a phone) and as printed on A4, written to docs/ for the README. Run after `make report`."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
REPORT = REPO / "outputs" / "demo" / "highlight_report.html"
SHOTS = {"highlight-1280.png": (1280, 900, "screen"), "highlight-390.png": (390, 844, "screen"), "highlight-a4.png": (794, 1123, "print")}


def main() -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("screenshots need Chromium (Debian: apt-get install chromium)")
    if not REPORT.is_file():
        sys.exit(f"{REPORT} not found: run `make report` first")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for name, (width, height, media) in SHOTS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.emulate_media(media=media)
            page.goto(REPORT.as_uri())
            if name == "highlight-390.png":  # the standards table: the part a phone finds hardest
                page.evaluate(
                    "Array.from(document.querySelectorAll('caption'))"
                    ".find(c => c.textContent.startsWith('Audit grades by practice standard'))?.scrollIntoView()"
                )
            page.screenshot(path=str(REPO / "docs" / name))
            page.close()
            print(f"docs/{name}")
        browser.close()


if __name__ == "__main__":
    main()
