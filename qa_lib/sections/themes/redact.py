"""Redaction of free text before any of it may be quoted in a report.

Quotes are off by default. When on, every quote passes through `Redactor`:
- identifiers from the data (child, social worker, auditor and audit IDs), in any case and with any
  separator or none ("CHX 7781", "chx7781" and "CHX/7781" for CHX-7781);
- names listed in params, in any case;
- e-mail addresses, also written "name[at]council dot gov dot uk"; UK phone numbers in the usual
  layouts ("(01274) 555123", "+44 7700 900123"); NHS numbers; postcodes; street addresses; dates;
- capitalised words, the likeliest form of a name nobody listed, in any script ("Zoë", "Łukasz"): one
  inside a sentence unless it is an allowed word; one starting a sentence unless the word is ordinary
  (it also appears in lower case in auditors' text);
- and the same name-like words wherever they are typed in lower case, when auditors' text capitalises
  them mid-sentence more often than not (so "zoë" goes where "Zoë" is a name, "child" stays).
A name typed only in lower case, never capitalised and not listed in params, cannot be told from an
ordinary word: list such names in params (`quotes: redact_names`).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from collections.abc import Set as AbstractSet

import pandas as pd

from qa_lib.inputs.personal import CONTACT, ID_PART, PATTERNS, IdentifierKeys, KeySet, identifier_keys, reader_text

REDACTED = "[redacted]"
ID_GAP = re.compile(r"[\s\-_./\\:#,;|+'*]{0,3}")
WORD = re.compile(r"(?<![\w'’\-])[^\W\d_][\w'’\-]*", re.UNICODE)
SENTENCE_START = re.compile(r"(?:^|(?<=[.!?:;]\s)|(?<=[.!?:;]\s\s)|(?<=\())")


def _mid_sentence_words(text: str) -> Iterable[str]:
    starts = {m.start() for m in SENTENCE_START.finditer(text)}
    for m in WORD.finditer(text):
        if m.start() not in starts and m.group(0)[0].isupper():
            yield m.group(0)


SPLIT_MOST = 16  # the most pieces an ID typed apart is searched in ("C H 8 6 4 6 6 0" is eight)


def _longest(keys: AbstractSet[str]) -> int:
    """The most characters a key has (0 for none)."""
    return keys.longest if isinstance(keys, KeySet) else max((len(k) for k in keys), default=0)


class Redactor:
    """Callable that redacts one piece of free text."""

    def __init__(
        self,
        identifiers: Iterable[str] | IdentifierKeys,
        names: Iterable[str] = (),
        allowed_words: Iterable[str] = (),
        vocabulary: Iterable[str] = (),
    ) -> None:
        keyed = identifiers if isinstance(identifiers, IdentifierKeys) else identifier_keys(identifiers)
        self.ids, self.digit_ids, self.id_parts = keyed.words, keyed.digits, keyed.parts
        self.id_length = max(_longest(keyed.words), _longest(keyed.digits))  # no longer run of parts can spell one
        parts = set()
        for name in names:
            name = str(name).strip()
            if name:
                parts.add(name)
                parts.update(p for p in name.split() if len(p) > 1)
        self.names = (
            re.compile(r"(?<![\w])(?:" + "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True)) + r")(?![\w])", re.I)
            if parts
            else None
        )
        self.allowed = {w.lower() for w in allowed_words}
        self.vocabulary = {w.lower() for w in vocabulary}

    @classmethod
    def for_audits(
        cls, audits: pd.DataFrame, text_columns: Iterable[str], names: Iterable[str] = (), allowed_words: Iterable[str] = ()
    ) -> Redactor:
        """A redactor knowing every identifier in the data, the ordinary (lower-case) words of its free text,
        and the words its free text uses as names (capitalised mid-sentence more often than not)."""
        ids: set[str] = set()
        for col in ("audit_id", "child_id", "social_worker_id", "auditor_id"):
            if col in audits:
                ids.update(audits[col].dropna().astype(str))
        lower: Counter[str] = Counter()
        capital: Counter[str] = Counter()
        allowed = {w.lower() for w in allowed_words}
        for col in text_columns:
            if col in audits:
                for text in audits[col].dropna().astype(str).unique():
                    lower.update(w for w in WORD.findall(text) if w.islower())
                    capital.update(w.lower() for w in _mid_sentence_words(text) if w.lower() not in allowed)
        learned = {w for w, n in capital.items() if n > lower.get(w, 0)}
        vocabulary = set(lower) - learned
        return cls(ids, [*names, *learned], allowed_words, vocabulary)

    def _word(self, match: re.Match[str], starts: set[int]) -> str:
        word = match.group(0)
        if not word[0].isupper() or word.lower() in self.allowed:
            return word
        if match.start() in starts and word.lower() in self.vocabulary:
            return word  # an ordinary word that happens to start a sentence
        return REDACTED

    def finds_identifier(self, text: str) -> bool:
        """Whether the text spells any identifier from the data (in any case, with any separator), as a reader
        sees it (`qa_lib.inputs.personal.reader_text`: entities, full-width forms, invisible characters,
        look-alike letters and dashes undone)."""
        return self.spells_identifier(reader_text(text))

    def spells_identifier(self, seen: str) -> bool:
        """`finds_identifier` on text already as a reader sees it (`reader_text`, made once for several checks)."""
        return self._identifiers(seen) != seen

    def _known(self, key: str) -> bool:
        return key in self.ids or key in self.digit_ids

    def finds_name(self, text: str) -> bool:
        """Whether the text holds a name listed in params, as a reader sees it."""
        return self.holds_name(reader_text(text))

    def holds_name(self, seen: str) -> bool:
        """`finds_name` on text already as a reader sees it (`reader_text`)."""
        return self.names is not None and bool(self.names.search(seen))

    def look_up(self, seen: Iterable[str]) -> list[bool] | None:
        """Before searching many texts (each as a reader sees it, `reader_text`): every run of parts in them that
        could spell an identifier looked up at once (`KeySet.look_up`), when the data has so many identifiers that
        this is quicker than a Python set of them all; then, for each text, whether any run in it is an
        identifier (a text with none cannot spell one: `spells_identifier` is False). None when not looked up.
        The searches' answers are the same either way."""
        batched = [keys for keys in (self.ids, self.digit_ids) if isinstance(keys, KeySet) and keys.batched]
        if not batched:
            return None
        runs = [self._runs(text) for text in seen]
        for keys in batched:
            keys.look_up(set().union(*runs))
        return [any(self._known(key) for key in keys) for keys in runs]

    def _runs(self, text: str) -> set[str]:
        """The key of every run of parts in the text that `_identifiers` may ask about."""
        parts, words, joins = self._parts(text)
        return {"".join(words[i : i + k]) for i in range(len(parts)) for k in range(1, self._run_end(i, parts, joins) - i + 1)}

    @staticmethod
    def _parts(text: str) -> tuple[list[re.Match[str]], list[str], list[bool]]:
        """The text's alphanumeric parts, each in lower case, and whether separators (or nothing) join each to the next."""
        parts = list(ID_PART.finditer(text))
        joins = [ID_GAP.fullmatch(text[a.end() : b.start()]) is not None for a, b in itertools.pairwise(parts)]  # part j to j + 1
        return parts, [p.group(0).lower() for p in parts], joins

    def _run_end(self, i: int, parts: list[re.Match[str]], joins: list[bool]) -> int:
        """Where the run of parts from part i ends: those joined to it, as many as an ID can have and one more,
        or more while they are no longer together than the longest ID (an ID typed in pieces, "C H 8 6 4 6 6 0"),
        up to SPLIT_MOST parts."""
        end = i + 1
        length = len(parts[i].group(0))
        while end < len(parts) and joins[end - 1]:
            length += len(parts[end].group(0))
            if end - i > self.id_parts and (length > self.id_length or end - i >= SPLIT_MOST):
                break
            end += 1
        return end

    def _identifiers(self, text: str) -> str:
        """Every run of 1 to n alphanumeric parts, joined by separators or nothing, that spells a known ID."""
        if not (self.ids or self.digit_ids):
            return text
        parts, words, joins = self._parts(text)
        spans = []
        i = 0
        while i < len(parts):
            end = self._run_end(i, parts, joins)
            hit = next((k for k in range(end - i, 0, -1) if self._known("".join(words[i : i + k]))), 0)
            if hit:
                spans.append((parts[i].start(), parts[i + hit - 1].end()))
                i += hit
            else:
                i += 1
        for start, end in reversed(spans):
            text = text[:start] + REDACTED + text[end:]
        return text

    def __call__(self, text: str) -> str:
        out = reader_text(text)  # redact what a reader would see, and publish that
        for pattern in (*PATTERNS, *CONTACT):
            out = pattern.sub(REDACTED, out)
        out = self._identifiers(out)
        if self.names is not None:
            out = self.names.sub(REDACTED, out)
        starts = {m.start() for m in SENTENCE_START.finditer(out)}
        out = WORD.sub(lambda m: self._word(m, starts), out)
        return re.sub(r"\[redacted\](?:[\s,]*\[redacted\])+", REDACTED, out).strip()
