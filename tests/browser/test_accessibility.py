"""Every HTML output in a real browser (Debian's Chromium driven by playwright), checked by axe-core: no
violations at 1280 px and 390 px, no page-wide sideways scroll at 390 px, and nothing wider than an A4 page
in print. Skipped, with the reason, when there is no browser (`.ci/run` installs Debian's chromium)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from helpers import REPO, params_in, qa_pack

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
try:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the test extra installs both
    Axe = sync_playwright = None  # type: ignore[assignment]

if CHROMIUM is None or sync_playwright is None:
    pytest.skip(
        "browser tests skipped: no Chromium found (Debian: apt-get install chromium; .ci/run installs it) "
        "or playwright / axe-playwright-python missing",
        allow_module_level=True,
    )

A4_CONTENT_PX = 680  # 210 mm less 2 x 15 mm margins, at 96 CSS px an inch
A4_LANDSCAPE_PX = 1009  # 297 mm less the margins: a table of many columns prints on a landscape page of its own


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def wider(demo_csv, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wider-browser")
    out = folder / "out"
    proc = qa_pack("run", "--params", str(params_in(folder)), "--audits", str(demo_csv), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def calibration(demo_csv, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("calibration-browser") / "out"
    demo = str(REPO / "params" / "demo.yml")
    calibration = str(demo_csv.with_name("calibration.csv"))
    proc = qa_pack("calibrate", "--params", demo, "--audits", str(demo_csv), "--calibration", calibration, "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    return out / "calibration.html"


def pages(published: Path, wider: Path, calibration: Path) -> list[Path]:
    found = [*sorted(published.glob("*.html")), wider / "highlight_report.html", calibration]
    assert len(found) == 7
    return found


def test_no_accessibility_violations_and_no_sideways_scroll(browser, published, wider, calibration):
    axe = Axe()
    problems = []
    for path in pages(published, wider, calibration):
        for width in (1280, 390):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(path.as_uri())
            for v in axe.run(page).response["violations"]:
                problems.append(f"{path.parent.name}/{path.name} at {width}px: {v['id']} ({v['help']}) x{len(v['nodes'])}")
            scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            if scroll > client:
                problems.append(f"{path.name} at {width}px scrolls sideways ({scroll} > {client})")
            page.close()
    assert problems == []


def test_every_table_fits_an_a4_page_in_print(browser, published, wider, calibration):
    overflow = []
    for path in pages(published, wider, calibration):
        page = browser.new_page(viewport={"width": A4_CONTENT_PX, "height": 1100})
        page.emulate_media(media="print")
        page.goto(path.as_uri())
        wide = page.evaluate(
            "Array.from(document.querySelectorAll('table.qa-table, img'))"
            f".filter(e => e.getBoundingClientRect().right > (e.closest('.qa-wide') ? {A4_LANDSCAPE_PX} : document.documentElement.clientWidth) + 1).length"
        )
        if wide:
            overflow.append(f"{path.name}: {wide} table(s) or chart(s) wider than the page")
        page.close()
    assert overflow == []


def test_a_wide_table_scrolls_in_its_own_frame_at_phone_width(browser, published):
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto((published / "highlight_report.html").as_uri())
    frames = page.evaluate(
        "Array.from(document.querySelectorAll('.qa-table-wrap')).filter(w => w.scrollWidth > w.clientWidth)"
        ".map(w => [w.getAttribute('tabindex'), w.getAttribute('role'), w.getAttribute('aria-label')])"
    )
    page.close()
    assert frames, "at 390 px the standards table should need its own scroll frame"
    assert all(t == "0" and r == "region" and label for t, r, label in frames)  # reachable and named for keyboard users


def test_printing_forces_no_page_break(browser, published):
    # The A4 print keeps rows, captions and figures whole but never forces a new page (a forced break after the
    # contents left a half-empty page): every element's computed break-before/after is auto or avoid.
    page = browser.new_page(viewport={"width": A4_CONTENT_PX, "height": 1100})
    page.emulate_media(media="print")
    page.goto((published / "highlight_report.html").as_uri())
    forced = page.evaluate(
        "Array.from(document.querySelectorAll('body *')).filter(e => {"
        " const s = getComputedStyle(e); return ['page', 'always', 'left', 'right'].includes(s.breakBefore)"
        " || ['page', 'always', 'left', 'right'].includes(s.breakAfter); }).map(e => e.tagName + '.' + e.className).slice(0, 5)"
    )
    rows_whole = page.evaluate("getComputedStyle(document.querySelector('table.qa-table tr')).breakInside")
    page.close()
    assert forced == []
    assert rows_whole == "avoid"


def _printed_pages(browser, path: Path) -> int:
    page = browser.new_page()
    page.goto(path.as_uri())
    pdf = page.pdf(format="A4")
    page.close()
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_the_highlight_is_a_highlight_on_paper(browser, published, wider):
    """Issue 26: the highlight printed to 27 A4 pages (about 5,000 words). Now at most 8 pages and about 3,000
    words, as the reference report it replaces; the detail is in the section reports."""
    for path in (published / "highlight_report.html", wider / "highlight_report.html"):
        assert _printed_pages(browser, path) <= 8, path.parent.name
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(path.as_uri())
        words = len(page.inner_text("main").split())
        page.close()
        assert words <= 3200, (path.parent.name, words)


def test_no_chart_is_shrunk_to_a_phone_screen(browser, published, wider, calibration):
    """Issue 26: JupyterLab's img rule shrank every chart to the screen at 390 px (a heat map's text to about
    2 px). Each chart keeps its drawn width and scrolls inside its own frame."""
    shrunk = []
    for path in pages(published, wider, calibration):
        page = browser.new_page(viewport={"width": 390, "height": 900})
        page.goto(path.as_uri())
        found = page.evaluate(
            "Array.from(document.querySelectorAll('.qa-figure img')).map(i => [i.naturalWidth, i.getBoundingClientRect().width])"
        )
        page.close()
        assert found or path.name == "calibration.html" or "wider" in str(path), path
        shrunk += [f"{path.name}: {w:.0f} of {n}" for n, w in found if w < n - 1]
    assert shrunk == []


def test_no_word_is_broken_in_a_printed_table(browser, published, wider, calibration):
    """Issue 26: in print, the standards table's name column broke words ("Perfor/mance", "identific/ation").
    Every word of every table cell sits on one line."""
    broken = []
    for path in pages(published, wider, calibration):
        page = browser.new_page(viewport={"width": A4_CONTENT_PX, "height": 1100})
        page.emulate_media(media="print")
        page.goto(path.as_uri())
        broken += page.evaluate(
            """() => {
              const out = [];
              for (const cell of document.querySelectorAll('table.qa-table th, table.qa-table td')) {
                const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                  for (const m of node.textContent.matchAll(/[^\\s\\u00a0]+/g)) {
                    const r = document.createRange();
                    r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
                    const lines = new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top)));
                    if (lines.size > 1) out.push(m[0]);
                  }
                }
              }
              return out.slice(0, 5);
            }"""
        )
        page.close()
    assert broken == []
