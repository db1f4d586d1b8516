"""Parts of a page drawn from the QA lead's own files, not from the audits: the commentary and the actions.

Each is shown inside a marked block, named by what it shows (`section:compliance`, `actions`, ...). The
run's cache (`qa_lib.run.cache`) keeps each page as the notebook made it; when a re-run changes only the
commentary or the actions, the runner draws each block again, with the same function the notebook used
(`qa_lib.notebook.Run.block_html`), and puts it in place of the old one, instead of running the notebook
again. The blocks' text is sanitised Markdown (`qa_lib.render.sanitise.markdown_html`), which never holds an
HTML comment, so the end marker cannot occur inside a block.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from qa_lib.render.sanitise import escape

END = "</div><!--/qa-block-->"
BLOCK = re.compile(r'<div class="qa-block" data-block="([^"<>]+)">(.*?)</div><!--/qa-block-->', re.S)


def wrap(name: str, inner: str) -> str:
    """A block's HTML: its content inside a marked div."""
    return f'<div class="qa-block" data-block="{escape(name)}">{inner}{END}'


def names(page: str) -> list[str]:
    """The blocks of a page, in order."""
    return [m.group(1) for m in BLOCK.finditer(page)]


def as_exported(fragment: str) -> str:
    """A block's HTML as nbconvert writes it into a page: nbconvert reads every page back through BeautifulSoup's
    HTML parser and writes it out again (attributes in order, whitespace between tags as parsed), so a block
    drawn again is put through the same, and the page comes out byte for byte as a notebook would make it."""
    from bs4 import BeautifulSoup  # nbconvert's own dependency, needed only when a cached page is redrawn

    return str(BeautifulSoup(fragment, features="html.parser"))


def redraw(page: str, inner: Callable[[str], str]) -> str:
    """The page with each block's content drawn again by `inner(name)`; everything else kept byte for byte."""
    import html

    return BLOCK.sub(lambda m: wrap(html.unescape(m.group(1)), as_exported(inner(html.unescape(m.group(1))))), page)
