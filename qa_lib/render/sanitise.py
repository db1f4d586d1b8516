"""Outside text on its way into HTML: escaped as text, or rendered from markdown and sanitised.

Everything that comes from outside the code (params labels, programme fields, file
names, the QA lead's actions) is text, never markup. Display helpers escape it;
drafted commentary and the QA lead's markdown are rendered with raw HTML switched
off and then cleaned by `nh3` (the Rust `ammonia` sanitiser) against an allow-list.
`offline_problems` is the last check before a report is published: no script, no
event handler, nothing loaded from a URL.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

from qa_lib.errors import QAPackError

# Formatting a sentence or the QA lead's notes may use; nothing that loads, runs or styles.
TEXT_TAGS = frozenset({"p", "strong", "em", "b", "i", "ul", "ol", "li", "h2", "h3", "h4", "h5", "br", "code", "blockquote", "hr"})
LINK_TAGS = TEXT_TAGS | {"a"}


def escape(text: object) -> str:
    """Text for HTML: `<`, `>`, `&` and quotes escaped."""
    return html.escape(str(text), quote=True)


def _https_only(tag: str, attribute: str, value: str) -> str | None:
    """Links may go to https:// pages only (no javascript:, data:, protocol-relative or relative URLs)."""
    if tag == "a" and attribute == "href":
        return value if value.lower().startswith("https://") else None
    return value


def markdown_html(text: str, links: bool = False) -> str:
    """Markdown -> sanitised HTML. Raw HTML in the text is shown as text; images are never rendered;
    with `links`, plain links to https:// pages are kept (opened without referrer), otherwise dropped."""
    md = MarkdownIt("commonmark", {"html": False}).disable("image")
    rendered = md.render(str(text))
    cleaned = nh3.clean(
        rendered,
        tags=set(LINK_TAGS if links else TEXT_TAGS),
        attributes={"a": {"href"}} if links else {},
        url_schemes={"https"},
        attribute_filter=_https_only,
        link_rel="noopener noreferrer" if links else None,
        strip_comments=True,
    )
    return _anchor_headings(cleaned)


def _slug(text: str) -> str:
    plain = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"[^\w\-]+", "-", html.unescape(plain), flags=re.UNICODE).strip("-") or "section"


def _anchor_headings(body: str) -> str:
    """h2/h3 get an id and an anchor link in nbconvert's own shape, so the contents list can link them."""
    return re.sub(
        r"<h([23])>(.*?)</h\1>",
        lambda m: (
            f'<h{m.group(1)} id="{escape(_slug(m.group(2)))}">{m.group(2)}'
            f'<a class="anchor-link" href="#{escape(_slug(m.group(2)))}">¶</a></h{m.group(1)}>'
        ),
        body,
        flags=re.S,
    )


# ------------------------------------------------------------------ the last check before publishing

FORBIDDEN_TAGS = frozenset(
    {
        "script",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "base",
        "form",
        "link",
        "audio",
        "video",
        "source",
        "track",
        "portal",
        "noscript",
    }
)
URL_ATTRIBUTES = frozenset(
    {
        "src",
        "href",
        "action",
        "formaction",
        "poster",
        "background",
        "srcset",
        "xlink:href",
        "data",
        "codebase",
        "cite",
        "longdesc",
        "ping",
        "manifest",
    }
)
# The section reports a highlight may link to (page -> its name for a reader): pages of the same run's folder,
# named by the pack, never by input.
SECTION_REPORTS = {
    "compliance": "audit compliance report",
    "grades": "audit quality report",
    "comparators": "comparator cohorts report",
    "themes": "key themes report",
}
SIBLING_PAGE = re.compile(rf"(?:{'|'.join(SECTION_REPORTS)})\.html")
CSS_URL = re.compile(r"url\(\s*['\"]?\s*(?!data:|#)([^'\")\s]*)", re.I)
CSS_IMPORT = re.compile(r"@import", re.I)


class _OfflineCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"a <{tag}> element")
        if tag == "meta" and any(k.lower() == "http-equiv" and (v or "").lower() == "refresh" for k, v in attrs):
            self.problems.append("a <meta http-equiv=refresh>")
        self._in_style = tag == "style"
        for name, value in attrs:
            name, value = name.lower(), (value or "").strip()
            if name.startswith("on"):
                self.problems.append(f"an event handler ({name}) on <{tag}>")
            elif name in URL_ATTRIBUTES and value:
                self._url(tag, name, value)
            elif name == "style":
                self._css(value, f"a style attribute on <{tag}>")

    def _url(self, tag: str, name: str, value: str) -> None:
        lowered = re.sub(r"[\s\x00-\x1f]+", "", html.unescape(value)).lower()
        if lowered.startswith("#"):
            return
        if tag == "img" and name == "src" and lowered.startswith("data:image/png;base64,"):
            return
        if tag == "a" and name == "href" and (lowered.startswith("https://") or SIBLING_PAGE.fullmatch(lowered)):
            return  # a link the reader may choose to follow (or another page of the same run); nothing loads by itself
        self.problems.append(f"a {name}={value[:40]!r} on <{tag}>")

    def _css(self, css: str, where: str) -> None:
        for match in CSS_URL.finditer(css):
            self.problems.append(f"a CSS url({match.group(1)[:40]}) in {where}")
        if CSS_IMPORT.search(css):
            self.problems.append(f"a CSS @import in {where}")

    def handle_endtag(self, tag: str) -> None:
        if tag.lower() == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css(data, "a <style> block")


def offline_problems(page: str) -> list[str]:
    """What in `page` would run a script or load something from outside the file (empty: safe to publish)."""
    check = _OfflineCheck()
    check.feed(page)
    check.close()
    return sorted(set(check.problems))


class UnsafeReport(QAPackError):
    """A report would run a script or load something from outside the file."""


def checked(page: str) -> str:
    """The page, if it is safe to publish: the last line of defence, run on every page before it is written."""
    problems = offline_problems(page)
    if problems:
        raise UnsafeReport(f"the report would hold {', '.join(problems[:5])}; it was not published")
    return page
