"""The commentary file: Markdown, one heading per report section, each followed by a line naming the section
and the fingerprint of the draft it was given, then the text (drafted, then the QA lead's).

    <!-- qa-pack commentary | data sha256 <hex> | period 2021-10 to 2021-12 -->
    ## 2.1 Audit compliance
    <!-- qa-pack section compliance draft <hex> -->
    Compliance has dropped from 71% in September to 55% in October ...

A section whose text is still its draft, or is deleted, is drafted afresh from the run's figures.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from qa_lib.commentary.drafts import BY_KEY, SECTIONS
from qa_lib.errors import QAPackError

HEADER = re.compile(r"^<!-- qa-pack commentary \| data sha256 (?P<sha>[0-9a-f]{64}) \| period (?P<start>\S+) to (?P<end>\S+) -->$")
MARKER = re.compile(r"^<!-- qa-pack section (?P<key>[a-z0-9\-]+) draft (?P<hash>[0-9a-f]{64}) -->$")
MAX_BYTES = 1_000_000
GUIDE = (
    "<!-- Edit the text under each heading as you wish: rewrite it, add paragraphs, choose your own evidence.\n"
    "     Keep the headings and the qa-pack lines. Delete a section's text to have it drafted from the data again.\n"
    "     Text only (simple formatting and lists); never a child's, worker's or auditor's name or ID. -->"
)


class CommentaryError(QAPackError):
    """The commentary file cannot be used: nothing is published."""


def fingerprint(text: str) -> str:
    """A section text's fingerprint: line ends and trailing spaces do not count."""
    normal = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Commentary:
    """A read commentary file: the data it was drafted from, and each section's text and draft fingerprint."""

    source: Path
    data_sha256: str
    period: tuple[str, str]
    sections: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (text, draft fingerprint)

    def edited(self) -> dict[str, str]:
        """The sections the lead changed (text differs from its draft and is not empty)."""
        return {k: t for k, (t, h) in self.sections.items() if t.strip() and fingerprint(t) != h}


def render(drafts: dict[str, str], data_sha256: str, period: tuple[str, str]) -> str:
    lines = [f"<!-- qa-pack commentary | data sha256 {data_sha256} | period {period[0]} to {period[1]} -->", GUIDE, ""]
    for s in SECTIONS:
        text = drafts[s.key].strip()
        lines += [f"## {s.heading}", f"<!-- qa-pack section {s.key} draft {fingerprint(text)} -->", "", text, ""]
    return "\n".join(lines)


def write(path: Path, drafts: dict[str, str], data_sha256: str, period: tuple[str, str]) -> Path:
    """Write the drafted commentary whole or not at all; never over a file that is not a commentary file."""
    path = Path(path)
    if path.is_dir():
        raise CommentaryError(f"{path} is a folder; give a file name ending .md")
    if path.suffix.lower() != ".md":
        raise CommentaryError(f"{path.name}: the commentary file must end .md")
    if path.exists():
        head = path.read_bytes()[:300].decode("utf-8", errors="replace").splitlines()[:1]
        if not head or not HEADER.match(head[0]):
            raise CommentaryError(f"{path} exists and is not a qa-pack commentary file; it was left as it is")
    text = render(drafts, data_sha256, period)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read(path: Path) -> Commentary:
    """Read and check a commentary file's shape: header, known sections, each at most once."""
    path = Path(path)
    if not path.is_file():
        raise CommentaryError(f"{path}: no such commentary file (write one with `qa-pack commentary --write FILE`)")
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise CommentaryError(f"{path.name}: {len(raw):,} bytes; a commentary file is at most {MAX_BYTES:,}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommentaryError(f"{path.name}: not UTF-8 text (byte {exc.start + 1}); save it as UTF-8") from None
    lines = text.splitlines()
    header = HEADER.match(lines[0].strip()) if lines else None
    if not header:
        raise CommentaryError(f"{path.name} line 1: expected the qa-pack commentary line (write the file with `qa-pack commentary`)")
    sections: dict[str, tuple[str, str]] = {}
    current: tuple[str, str] | None = None
    body: list[str] = []

    def close() -> None:
        if current is not None:
            while body and body[-1].startswith("## "):
                body.pop()
            sections[current[0]] = ("\n".join(body).strip(), current[1])

    for number, line in enumerate(lines[1:], start=2):
        marker = MARKER.match(line.strip())
        if line.strip().startswith("<!-- qa-pack section") and not marker:
            raise CommentaryError(f"{path.name} line {number}: a qa-pack section line was changed; restore it")
        if marker:
            key = marker.group("key")
            if key not in BY_KEY:
                raise CommentaryError(f"{path.name} line {number}: unknown section {key!r}")
            if key in sections or (current and current[0] == key):
                raise CommentaryError(f"{path.name} line {number}: section {BY_KEY[key].heading!r} appears twice")
            close()
            current, body = (key, marker.group("hash")), []
            continue
        if current is not None:
            body.append(line)
    close()
    return Commentary(path, header.group("sha"), (header.group("start"), header.group("end")), sections)
