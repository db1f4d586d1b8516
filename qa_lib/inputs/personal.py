"""What personal data looks like in text, by name: one definition of each pattern, for redacting quotes
(`qa_lib.sections.themes.redact`), for checking the QA lead's commentary and register, and for calibration
labels. Each pattern is a named constant; `PATTERNS` lists them in the order redaction applies them."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sized
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

import pandas as pd

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
AT = r"(?:@|\s*[\[\(\{<]\s*at\s*[\]\)\}>]\s*|\s+at\s+)"
DOT = r"(?:\.|\s*[\[\(\{<]\s*dot\s*[\]\)\}>]\s*|\s+dot\s+)"
STREET = (
    "road|rd|street|st|avenue|ave|lane|ln|close|cl|drive|dr|way|court|ct|crescent|cres|grove|gr|place|pl|"
    "terrace|gardens|gdns|walk|view|rise|hill|park|square|sq|mews|row|parade|fold|green|croft|bank"
)
EMAIL = re.compile(r"[\w.+\-']+@[\w\-]+(?:\.[\w\-]+)+", re.I)
EMAIL_SPELLED_OUT = re.compile(  # name[at]council dot gov dot uk
    rf"[\w.+\-']+{AT}[\w\-]+(?:{DOT}[\w\-]+)*{DOT}(?:uk|com|org|net|gov|nhs|ac|sch|police|gsx|gcsx|cjsm)\b", re.I
)
NHS_NUMBER = re.compile(r"\b\d{3}[\s\-]?\d{3}[\s\-]?\d{4}\b")  # 3-3-4 or 10 digits
UK_PHONE = re.compile(r"(?:\+44\s?\(?0?\)?\s?|\(\s*0|\b0)\d{2,4}\s*\)?[\s\-.]?\d{3,4}[\s\-.]?\d{3,4}\b")  # 01274 555123, +44 (0)7700 900123
UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I)
STREET_ADDRESS = re.compile(rf"\b\d{{1,4}}[a-z]?,?\s+(?:[^\W\d_][\w'’\-]*\s+){{1,3}}(?:{STREET})\b\.?", re.I)  # 12 Acacia Avenue
DATE_NUMERIC = re.compile(r"\b\d{1,4}[/\-.]\d{1,2}[/\-.]\d{1,4}\b")  # 12/03/2021, 2021-03-12
DATE_DAY_MONTH = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\.?(?:\s+\d{{2,4}})?\b", re.I)  # 12 March 2021
DATE_MONTH_DAY = re.compile(rf"\b(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{2,4}})?\b", re.I)  # March 12th, 2021
EMAIL_SPACED = re.compile(  # name @ council.gov.uk
    r"[\w.+\-']+\s+@\s*[\w\-]+(?:\s*\.\s*[\w\-]+)+|[\w.+\-']+\s*@\s+[\w\-]+(?:\s*\.\s*[\w\-]+)+", re.I
)
UK_PHONE_INTERNATIONAL = re.compile(  # 0044 ..., +44 ...
    r"(?<![\w+])(?:\+|00)\s?44[\s.\-]?(?:\(\s?0\s?\)[\s.\-]?)?(?:\d[\s.\-]?){9,10}(?!\d)"
)
UK_PHONE_SPACED = re.compile(r"(?<![\w.])0(?:[\s.\-]?\d){9,10}(?![\d])")  # 0 1 2 7 4 5 5 5 1 2 3
PATTERNS = [EMAIL, EMAIL_SPELLED_OUT, NHS_NUMBER, UK_PHONE, UK_POSTCODE, STREET_ADDRESS, DATE_NUMERIC, DATE_DAY_MONTH, DATE_MONTH_DAY]
CONTACT = (EMAIL, EMAIL_SPELLED_OUT, EMAIL_SPACED, UK_PHONE, UK_PHONE_INTERNATIONAL, UK_PHONE_SPACED)  # how to reach someone


def holds_contact(text: str) -> bool:
    """An e-mail address (plain, spelled out or spaced) or a UK phone number (any usual layout, +44 or 0044,
    digits spaced out), in the text as a reader sees it (`reader_text`)."""
    return contact_in(reader_text(text))


def contact_in(seen: str) -> bool:
    """`holds_contact` on text already as a reader sees it (`reader_text`, made once for several checks)."""
    return any(p.search(seen) for p in CONTACT)


# What a reader sees. Text typed by the QA lead, or drawn onto a page, can spell an identifier in ways a plain
# search misses: HTML character references (CH&#45;864660), full-width or other compatibility forms of letters
# and digits, zero-width and bidirectional control characters a browser does not show, look-alike letters
# from other scripts, and every kind of dash. `reader_text` undoes each, so a check sees what a reader sees.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)
DASHES = re.compile("[\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d\u058a\u05be\u1806\u2e3a\u2e3b\u301c]")
RIGHT_TO_LEFT_OVERRIDE = re.compile("\u202e([^\u202a-\u202e\u2066-\u2069\n]*)")  # to the next direction mark or line end
SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Letters of other scripts that look like Latin ones (Unicode's confusables, the common ones): folded to the
# Latin letter, so "СН-864660" in Cyrillic is read as CH-864660.
CONFUSABLES = str.maketrans(
    {
        **dict(zip("АВЕКМНОРСТУХаеорсухіјѕԁԛԝІЈЅԌ", "ABEKMHOPCTYXaeopcyxijsdqwIJSG")),  # Cyrillic
        **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαικνορτυχ", "ABEZHIKMNOPTYXaiKvopTuX")),  # Greek
        **dict(zip("ϹϲϳϜ", "CcjF")),  # Greek extras: lunate sigma, yot, digamma
        **dict(zip("ᎪᏴᏟᎬᎻᏆᎫᏦᏞᎷᏃᏢᏚᎢᏙᏔ", "ABCEHIJKLMNPSTVW")),  # Cherokee capitals
        "ı": "i",
        "ℓ": "l",
        "ɡ": "g",
        "ǀ": "l",
    }
)


def reader_text(text: str) -> str:
    """The text as a reader sees it: character references decoded (twice over, for text encoded twice),
    compatibility forms folded (NFKC: full-width digits, ligatures), text after a right-to-left override
    reversed (a browser shows it reversed), invisible and direction-control characters removed, look-alike
    letters folded to Latin, every dash a hyphen and every space a space."""
    import html
    import unicodedata

    text = str(text)
    for _ in range(3):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    text = unicodedata.normalize("NFKC", text.translate(CONFUSABLES))  # folded first too: NFKC turns some into others
    text = RIGHT_TO_LEFT_OVERRIDE.sub(lambda m: m.group(1)[::-1], text)  # shown reversed: read it as shown
    text = INVISIBLE.sub("", text)
    text = text.translate(CONFUSABLES)
    text = DASHES.sub("-", text)
    return SPACES.sub(" ", text)


ID_PART = re.compile(r"[^\W_]+")  # an identifier's letters and digits, whatever separates them


def id_key(value: str) -> str:
    """An identifier without case or separators: CHX-7781, chx 7781 and CHX7781 are one key."""
    return "".join(ID_PART.findall(str(value))).lower()


LOOK_UP_FROM = 200_000  # keys from which a search looks its candidates up in batches (`KeySet.batched`)


class KeySet(AbstractSet[str]):
    """Identifier keys, held as one Arrow array of strings (a key may be in it more than once). `in` is exact, always. A search with many
    candidates asks for them at once first (`look_up`): one pass of Arrow's kernel over every key (a million
    rows' 2.3 million keys: about 0.05 s, the interpreter left free) answers them all. A key nobody looked up is
    answered from a Python set of every key, made the first time one is needed; at a million rows that set took
    about 0.4 s of the interpreter's time to make and 0.15 s to free. Its repr never shows a key."""

    __slots__ = ("_answered", "_every", "_values")

    def __init__(self, values: Any = ()) -> None:
        import pyarrow as pa

        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        if not isinstance(values, pa.Array):
            values = pa.array([str(v) for v in values], pa.large_string())
        self._values = values.cast(pa.large_string())
        self._every: frozenset[str] | None = None
        self._answered: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())  # (asked, found), swapped whole

    @property
    def batched(self) -> bool:
        """Whether there are enough keys that a search should look its candidates up first (`look_up`)."""
        return self._every is None and len(self._values) >= LOOK_UP_FROM

    def look_up(self, candidates: Iterable[str]) -> None:
        """Answer every candidate at once, so that `in` answers them without a Python set of every key."""
        import pyarrow as pa
        import pyarrow.compute as pc

        asked, found = self._answered
        new = {c for c in candidates if c not in asked}
        if not new or self._every is not None:
            return
        hits = self._values.filter(pc.is_in(self._values, value_set=pa.array(list(new), pa.large_string()))).to_pylist()
        self._answered = (asked | new, found | frozenset(hits))

    @property
    def every(self) -> frozenset[str]:
        """Every key, as a Python set (made once, when first needed)."""
        if self._every is None:
            self._every = frozenset(self._values.to_pylist())
        return self._every

    @property
    def longest(self) -> int:
        """The most characters a key has (0 for none)."""
        import pyarrow.compute as pc

        return int(pc.max(pc.utf8_length(self._values)).as_py() or 0) if len(self._values) else 0

    def at_least(self, length: int) -> KeySet:
        """The keys of at least `length` characters."""
        import pyarrow.compute as pc

        return KeySet(self._values.filter(pc.greater_equal(pc.utf8_length(self._values), length)))

    def __contains__(self, key: object) -> bool:
        asked, found = self._answered
        if key in asked:
            return key in found
        return key in self.every

    def __len__(self) -> int:
        return len(self.every)  # distinct keys: the array may hold one twice (two IDs typed apart, one key)

    def __bool__(self) -> bool:
        return len(self._values) > 0

    def __iter__(self) -> Iterator[str]:
        return iter(self.every)

    def __hash__(self) -> int:
        return hash(self.every)

    def __repr__(self) -> str:
        return f"KeySet(at most {len(self._values)} keys)"


@dataclass(frozen=True)
class IdentifierKeys:
    """Every identifier's key (`id_key`; empty ones left out): `words` those with a letter, `digits` the
    all-digit ones (a council's numeric person ID), and `parts` at least as many alphanumeric parts as any
    identifier has (how many parts a search must join)."""

    words: AbstractSet[str]
    digits: AbstractSet[str]
    parts: int


PARALLEL_IDS = 100_000  # identifiers from which the columns are keyed side by side, one per core


def identifier_keys(*columns: Iterable[object]) -> IdentifierKeys:
    """The keys of every identifier in `columns` (each an iterable of IDs, or a frame's column), worked out
    column-wise: an ID in ASCII (nearly all) by Arrow's string kernels, where `[^\\W_]` is exactly
    `[A-Za-z0-9]` and an ID has no more parts than separating characters plus one; any other by `id_key`
    itself. The columns are keyed side by side, one per core (Arrow's kernels leave the interpreter free): a
    million-row file's two million IDs take about a second."""
    from concurrent.futures import ThreadPoolExecutor

    sizes = [len(c) if isinstance(c, Sized) else PARALLEL_IDS for c in columns]
    cores = min(len(columns), os.cpu_count() or 1) if sum(sizes) >= PARALLEL_IDS else 1  # a small file: no threads
    with ThreadPoolExecutor(max_workers=max(1, cores)) as pool:
        keyed = list(pool.map(_column_keys, columns))
    import pyarrow as pa

    words: list[Any] = []
    digits: list[Any] = []
    other_words: list[str] = []
    other_digits: list[str] = []
    parts = 0
    for column_words, column_digits, column_parts, others in keyed:
        words.append(column_words)
        digits.append(column_digits)
        parts = max(parts, column_parts)
        for v in others:
            key = id_key(v)
            if key:
                (other_digits if key.isdigit() else other_words).append(key)
            parts = max(parts, len(ID_PART.findall(v)))
    # Kept as Arrow arrays (`KeySet`), every column's keys side by side: no Python set of every key is made unless
    # a search needs one, and none is made distinct (a million rows: 0.4 s of Arrow's hashing, for nothing).
    word_set, digit_set = (
        KeySet(pa.concat_arrays([*arrays, pa.array(extra, pa.large_string())]))
        for arrays, extra in ((words, other_words), (digits, other_digits))
    )
    return IdentifierKeys(word_set, digit_set, parts if word_set or digit_set else 0)


SEPARATORS = ("-", " ", "_", "/", ".")  # how IDs are usually written apart: removed as plain text first


def _alphanumeric(plain: Any) -> tuple[Any, Any]:
    """ASCII IDs (an Arrow array) with every character but A-Z, a-z and 0-9 removed, each beside the ID it came
    from (the two arrays reordered alike). The usual separators go first as plain text, which Arrow removes about
    three times quicker than a pattern; the pattern then works only on the IDs with something else left in them
    (or nothing at all). A million rows' audit IDs: 0.44 s to 0.19 s."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = plain
    for separator in SEPARATORS:
        out = pc.replace_substring(out, separator, "")
    done = pc.ascii_is_alnum(out)  # non-empty, and letters and digits only: nothing left to remove
    if pc.all(done).as_py():
        return plain, out
    rest = plain.filter(pc.invert(done))
    return (
        pa.concat_arrays([plain.filter(done), rest]),
        pa.concat_arrays([out.filter(done), pc.replace_substring_regex(rest, r"[^A-Za-z0-9]+", "")]),
    )


def _column_keys(column: Iterable[object]) -> tuple[Any, Any, int, list[str]]:
    """One column's ASCII IDs keyed by Arrow's kernels: (keys with a letter, all-digit keys, each an Arrow array
    of large strings; the most parts an ID has), and its other IDs as they are, for `id_key`. An ID of separators
    alone has no key."""
    import pyarrow as pa  # heavy: Arrow's compute kernels, only when identifiers are keyed
    import pyarrow.compute as pc

    if isinstance(column, pd.Series):
        values = pc.unique(pa.array(column.dropna().astype("string[pyarrow]").array))
    else:
        distinct = column if isinstance(column, (set, frozenset)) else set(column)
        values = pa.array([str(v) for v in distinct if v is not None], pa.string())
    ascii_ = pc.string_is_ascii(values)
    plain, keys = _alphanumeric(values.filter(ascii_))
    keys = pc.ascii_lower(keys).cast(pa.large_string())
    numeric = pc.fill_null(pc.utf8_is_decimal(keys), False)  # ASCII: 0 to 9 only, and not empty
    parts = pc.max(pc.subtract(pc.utf8_length(plain), pc.utf8_length(keys))).as_py() + 1 if len(plain) else 0
    return (
        keys.filter(pc.and_(pc.invert(numeric), pc.greater(pc.utf8_length(keys), 0))),  # no empty key
        keys.filter(numeric),
        parts,
        values.filter(pc.invert(ascii_)).to_pylist(),
    )
