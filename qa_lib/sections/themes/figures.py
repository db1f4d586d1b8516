"""Section 3.2: key themes (strengths and learning) and recurring themes in auditors' free text.

Key themes come from the standards figures (one definition, `qa_lib.sections.standards.figures`):
strengths are the standards with the highest share of Good/Outstanding in a
month, learning those with the highest share of Requires Improvement or
Inadequate. Recurring themes count the returned audits whose free text
(comment_<standard>, strengths, learning) mentions a theme from params/themes.yml;
the text itself is never reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from qa_lib.inputs.params import Params, Theme
from qa_lib.inputs.period import RunMonths
from qa_lib.sections.themes.actions import load_actions, theme_labels
from qa_lib.sections.themes.redact import Redactor
from qa_lib.stats import pct

if TYPE_CHECKING:
    from qa_lib.sections.themes.actions import Actions


def phrase_pattern(phrase: str) -> str:
    """A phrase as a regex: any case, each word with an optional plural, words joined by space, hyphen or nothing."""
    words = [w for w in re.split(r"[\s\-]+", phrase.strip().lower()) if w]
    return r"\b" + r"[\s\-]*".join(re.escape(w) + r"(?:s|es)?" for w in words) + r"\b"


def theme_pattern(theme: Theme) -> re.Pattern[str]:
    return re.compile("|".join(phrase_pattern(p) for p in theme.phrases), re.IGNORECASE)


def text_columns(audits: pd.DataFrame, keys: list[str]) -> list[str]:
    return [c for c in (*(f"comment_{k}" for k in keys), "strengths", "learning") if c in audits]


def mentions(audits: pd.DataFrame, months: list[str], themes: tuple[Theme, ...], keys: list[str]) -> pd.DataFrame:
    """Boolean frame: one row per returned audit in the months, one column per (theme, text column)."""
    cols = text_columns(audits, keys)
    r = audits.loc[audits["audit_month"].isin(months) & audits["status"].eq("returned"), cols]
    out = {}
    coded = {col: pd.factorize(r[col].fillna("").astype(str)) for col in cols}  # each distinct text matched once
    for theme in themes:
        pattern = theme_pattern(theme)
        for col, (codes, uniques) in coded.items():
            hits = pd.Series(uniques, dtype=object).str.contains(pattern, regex=True).to_numpy(dtype=bool)
            out[(theme.key, col)] = pd.Series(hits[codes] if len(uniques) else False, index=r.index)
    frame = pd.DataFrame(out, index=r.index)
    frame.columns = pd.MultiIndex.from_tuples(frame.columns, names=["theme", "column"]) if out else frame.columns
    return frame


def theme_counts(
    audits: pd.DataFrame, months: list[str], themes: tuple[Theme, ...], keys: list[str], found: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per month and theme: returned audits whose free text mentions the theme, and the % of returned audits
    (`found`: the `mentions` frame, when it is made already)."""
    r = audits.loc[audits["audit_month"].isin(months) & audits["status"].eq("returned"), ["audit_month"]]
    m = mentions(audits, months, themes, keys) if found is None else found
    returned = r.groupby("audit_month").size().reindex(months, fill_value=0)
    rows = []
    for theme in themes:
        any_col = m[theme.key].any(axis=1) if theme.key in m.columns.get_level_values(0) else pd.Series(False, index=r.index)
        per_month = any_col.groupby(r["audit_month"]).sum().reindex(months, fill_value=0)
        for month in months:
            rows.append(
                {
                    "audit_month": month,
                    "theme": theme.key,
                    "label": theme.label,
                    "audits": int(per_month[month]),
                    "returned": int(returned[month]),
                }
            )
    out = pd.DataFrame(rows, columns=["audit_month", "theme", "label", "audits", "returned"])
    out["percent"] = pct(out["audits"], out["returned"])
    return out


def theme_by_standard(
    audits: pd.DataFrame, months: list[str], themes: tuple[Theme, ...], keys: list[str], found: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per month, theme and standard: returned audits whose comment on that standard mentions the theme
    (`found`: the `mentions` frame, when it is made already)."""
    r = audits.loc[audits["audit_month"].isin(months) & audits["status"].eq("returned"), ["audit_month"]]
    m = mentions(audits, months, themes, keys) if found is None else found
    by_month = m.groupby(r["audit_month"]).sum().reindex(months, fill_value=0) if len(m.columns) else None  # every column at once
    rows = []
    for theme in themes:
        for k in keys:
            col = f"comment_{k}"
            if by_month is None or (theme.key, col) not in m.columns:
                continue
            per_month = by_month[(theme.key, col)]
            rows += [
                {"audit_month": mo, "theme": theme.key, "label": theme.label, "standard": k, "audits": int(n)}
                for mo, n in per_month.items()
            ]
    return pd.DataFrame(rows, columns=["audit_month", "theme", "label", "standard", "audits"])


def key_themes(table: pd.DataFrame, month: str, strengths: int = 3, learning: int = 3) -> tuple[list[str], list[str]]:
    """Standards to draft as strengths (highest % Good/Outstanding) and learning (highest % RI + Inadequate).

    Ties keep the params order of standards; a standard is never both; ungraded standards are left out.
    """
    t = table[(table["audit_month"] == month) & (table["graded"] > 0)].reset_index(drop=True)
    order = t.assign(pos=range(len(t)))
    best = order.sort_values(["pct_good_or_outstanding", "pos"], ascending=[False, True], kind="stable")
    chosen = best["standard"].head(strengths).tolist()
    worst = order.assign(weak=pct(order["requires_improvement"] + order["inadequate"], order["graded"]))
    worst = worst[~worst["standard"].isin(chosen)].sort_values(["weak", "pos"], ascending=[False, True], kind="stable")
    return chosen, worst["standard"].head(learning).tolist()


SENTENCE = re.compile(r"(?<=[.!?])\s+")


def quotes(audits: pd.DataFrame, months: list[str], themes: tuple[Theme, ...], keys: list[str], redact, per_theme: int = 2) -> pd.DataFrame:
    """Exemplar sentences from auditors' comments for each theme, each passed through `redact` first.

    Deterministic: the earliest months and rows first; a sentence is used once. Only call this when
    quotes are switched on in params.
    """
    r = audits[audits["audit_month"].isin(months) & audits["status"].eq("returned")].sort_values(
        ["audit_month", "source_row"] if "source_row" in audits else ["audit_month"]
    )
    cols = text_columns(r, keys)
    rows, used = [], set()
    for theme in themes:
        pattern = theme_pattern(theme)
        found = 0
        for _, audit in r.iterrows():  # only the few rows needed, stopping at per_theme
            for col in cols:
                for sentence in SENTENCE.split(str(audit[col] or "")):
                    if found < per_theme and sentence and sentence not in used and pattern.search(sentence):
                        used.add(sentence)
                        rows.append(
                            {
                                "theme": theme.label,
                                "audit_month": audit["audit_month"],
                                "standard": col.removeprefix("comment_") if col.startswith("comment_") else col,
                                "quote": redact(sentence),
                            }
                        )
                        found += 1
            if found >= per_theme:
                break
    return pd.DataFrame(rows, columns=["theme", "audit_month", "standard", "quote"])


@dataclass(frozen=True)
class ThemesFigures:
    """Every figure of sections 3.2 and 4, computed once per run. Quotes, when params switch them on, are
    kept only redacted; no other free text leaves the rows."""

    counts: pd.DataFrame  # audits whose comments mention each theme, per period month (themes.csv)
    by_standard: pd.DataFrame  # the same per standard, whole period
    key: dict[str, tuple[list[str], list[str]]]  # per period month: strength and learning standards
    quotes: pd.DataFrame | None  # redacted exemplar quotes, or None when quotes are off
    actions: Actions  # section 4, from the QA lead's action register (or the older actions file)
    key_counts: tuple[int, int] = (3, 3)  # how many strengths and learning standards each month names (params)


def compute(audits: pd.DataFrame, params: Params, m: RunMonths, standards_table: pd.DataFrame) -> ThemesFigures:

    months, keys = list(m.months), list(params.standards)
    found = None
    settings = params.quotes
    if settings.enabled:
        redactor = Redactor.for_audits(audits, text_columns(audits, keys), settings.redact_names, settings.allowed_words)
        found = quotes(audits, months, params.themes, keys, redactor, settings.per_theme)
    found_in_text = mentions(audits, months, params.themes, keys)  # once, for both tables
    return ThemesFigures(
        counts=theme_counts(audits, months, params.themes, keys, found_in_text),
        by_standard=theme_by_standard(audits, months, params.themes, keys, found_in_text),
        key={month: key_themes(standards_table, month, **params.key_themes) for month in months},
        quotes=found,
        actions=load_actions(params.actions, set(theme_labels(params))),
        key_counts=(params.key_themes["strengths"], params.key_themes["learning"]),
    )
