"""Redaction of free text before any of it may be quoted in a report.

Quotes are off by default. When on, every quote passes through `Redactor`:
identifiers from the data (child, social worker, auditor and audit IDs), names
listed in params, e-mail addresses, phone numbers, NHS numbers, UK postcodes,
dates, and capitalised words, the likeliest form of a name nobody listed: one
inside a sentence unless it is an allowed word; one starting a sentence unless
the same word also appears in lower case somewhere in the auditors' text
("The", "Genogram" do; "Peter" does not).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

REDACTED = "[redacted]"
MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
          "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
PATTERNS = [
    re.compile(r"[\w.+\-']+@[\w\-]+(?:\.[\w\-]+)+", re.I),  # e-mail
    re.compile(r"\b\d{3}[\s\-]?\d{3}[\s\-]?\d{4}\b"),  # NHS number (3-3-4 or 10 digits)
    re.compile(r"(?:\+44\s?\(?0?\)?|\b0)(?:[\s\-]?\d){9,10}\b"),  # UK phone
    re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I),  # UK postcode
    re.compile(r"\b\d{1,4}[/\-.]\d{1,2}[/\-.]\d{1,4}\b"),  # 12/03/2021, 2021-03-12
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\.?(?:\s+\d{{2,4}})?\b", re.I),  # 12 March 2021
    re.compile(rf"\b(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{2,4}})?\b", re.I),  # March 12th, 2021
]
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-/.]*[A-Za-z0-9]|[A-Za-z0-9]")
WORD = re.compile(r"\b[A-Za-z][A-Za-z'’\-]*\b")
SENTENCE_START = re.compile(r"(?:^|(?<=[.!?:;]\s)|(?<=[.!?:;]\s\s)|(?<=\())")


class Redactor:
    """Callable that redacts one piece of free text."""

    def __init__(self, identifiers: Iterable[str], names: Iterable[str] = (), allowed_words: Iterable[str] = (),
                 vocabulary: Iterable[str] = ()) -> None:
        self.ids = {str(i).strip().lower() for i in identifiers if str(i).strip()}
        parts = set()
        for name in names:
            name = str(name).strip()
            if name:
                parts.add(name)
                parts.update(p for p in name.split() if len(p) > 1)
        self.names = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True)) + r")\b", re.I) if parts else None
        self.allowed = {w.lower() for w in allowed_words}
        self.vocabulary = {w.lower() for w in vocabulary}

    @classmethod
    def for_audits(cls, audits: pd.DataFrame, text_columns: Iterable[str], names: Iterable[str] = (),
                   allowed_words: Iterable[str] = ()) -> "Redactor":
        """A redactor knowing every identifier in the data and the lower-case words of its free text."""
        ids: set[str] = set()
        for col in ("audit_id", "child_id", "social_worker_id", "auditor_id"):
            if col in audits:
                ids.update(audits[col].dropna().astype(str))
        vocabulary: set[str] = set()
        for col in text_columns:
            if col in audits:
                for text in audits[col].dropna().astype(str).unique():
                    vocabulary.update(w for w in WORD.findall(text) if w.islower())
        return cls(ids, names, allowed_words, vocabulary)

    def _word(self, match: re.Match[str], starts: set[int]) -> str:
        word = match.group(0)
        if not word[0].isupper() or word.lower() in self.allowed:
            return word
        if match.start() in starts and word.lower() in self.vocabulary:
            return word  # an ordinary word that happens to start a sentence
        return REDACTED

    def __call__(self, text: str) -> str:
        out = str(text)
        for pattern in PATTERNS:
            out = pattern.sub(REDACTED, out)
        out = TOKEN.sub(lambda m: REDACTED if m.group(0).lower() in self.ids else m.group(0), out)
        if self.names is not None:
            out = self.names.sub(REDACTED, out)
        starts = {m.start() for m in SENTENCE_START.finditer(out)}
        out = WORD.sub(lambda m: self._word(m, starts), out)
        return re.sub(r"\[redacted\](?:[\s,]*\[redacted\])+", REDACTED, out).strip()
