"""The published figures of a wider pack: every count shown as a number or as c, decided once per run.

Everything a wider pack shows (tables, CSV and workbook, sentences, charts and their alt text, the e-mail
headlines, the appendix) is drawn from here; the unprotected figures never reach a wider notebook. A
percentage is shown only when both its counts are; a sentence or chart that needs a hidden count is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pandas as pd

from qa_lib.disclosure import relations
from qa_lib.disclosure.problem import Key
from qa_lib.figures import RunFigures
from qa_lib.inputs.period import RunMonths
from qa_lib.inputs.schema import GRADES
from qa_lib.sections.comparators.figures import picture as comparator_picture
from qa_lib.sections.compliance.figures import full_return_areas
from qa_lib.sections.themes.actions import Actions
from qa_lib.sections.themes.figures import key_themes

if TYPE_CHECKING:
    from qa_lib.figures.revision import Revision

SYMBOL = "c"
NOTE = (
    "c: not shown, so that no child, family or worker can be identified in a report shared beyond the QA team. "
    "Counts from 1 to {top} are never shown, nor any figure from which one could be worked out, alone or with "
    "other figures in this pack; a percentage is shown only when both its counts are. Some detail is not "
    "published at all in this version: grades after moderation, the moderation grid, exemplar quotes and trends "
    "by service area."
)


@dataclass(frozen=True)
class PublishedFigures:
    """One wider run's published figures: section namespaces holding the protected tables (the same names
    as RunFigures, so the contract tables are gathered the same way), plus the words-only facts."""

    months: RunMonths
    data: dict[str, Any]  # rows read, used and rejected: counts of the file, shown in full
    compliance: SimpleNamespace
    grades: SimpleNamespace
    standards: SimpleNamespace
    comparators: SimpleNamespace
    themes: SimpleNamespace
    hidden: frozenset[Key] = field(default_factory=frozenset)
    min_count: int = 5
    revision: Revision | None = None  # which tables changed since the version it replaces (no numbers)
    improvement: dict[str, str] = field(default_factory=dict)  # which way is better, per measure (no counts)
    release_shown: dict[Key, int] = field(default_factory=dict)  # what this release shows, for the folder's ledger
    release_hidden: frozenset[Key] = frozenset()  # and the keys it hides (never their values)

    def frame(self, name: str) -> pd.DataFrame:
        """The protected table (cells may be c)."""
        section, attr = name.split(".")
        result: pd.DataFrame = getattr(getattr(self, section), attr)
        return result

    def complete(self, name: str) -> pd.DataFrame | None:
        """The table with its numbers, when nothing in it is hidden; else None."""
        table = self.frame(name)
        return None if hidden_rows(table).any() else as_numbers(table)

    def shown_rows(self, name: str, columns: list[str]) -> pd.DataFrame:
        """The rows whose given columns are all shown, as numbers (for sentences and tests that need only those)."""
        table = self.frame(name)
        return as_numbers(table[~hidden_rows(table, columns)])

    @property
    def note(self) -> str:
        return NOTE.format(top=self.min_count - 1)


def hidden_rows(table: pd.DataFrame, columns: list[str] | None = None) -> pd.Series:
    """Which rows show a hidden count (c) in any of `columns` (every column when None): the one test of "hidden"
    that every view of the figures uses (none in the QA team's figures)."""
    cells = table if columns is None else table[columns]
    return cells.astype(str).eq(SYMBOL).any(axis=1)


def hidden_months(table: pd.DataFrame, columns: list[str]) -> set[str]:
    """The months with a hidden count (c) in any of `columns` (none in the QA team's figures)."""
    return set(table.loc[hidden_rows(table, columns), "audit_month"])


def whole_months(table: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, set[str]]:
    """The rows of the months with nothing hidden in `columns`, as numbers, and the months left out: for a
    sentence about a month that needs every one of its counts (all of them, for the QA team)."""
    hidden = hidden_months(table, columns)
    return as_numbers(table[~table["audit_month"].isin(hidden)]), hidden


def as_numbers(table: pd.DataFrame) -> pd.DataFrame:
    """The table with its shown counts as numbers (object columns of numbers and c, once the c rows are left out)."""
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == object:
            converted = pd.to_numeric(out[col], errors="coerce")
            if converted.notna().sum() == out[col].notna().sum() and out[col].map(lambda v: not isinstance(v, str)).all():
                out[col] = converted
    return out


def protect_frame(name: str, table: pd.DataFrame, hidden: set[Key] | frozenset[Key]) -> pd.DataFrame:
    """A figure table with each hidden count, and each percentage built on one, shown as c."""
    out = table.astype(object).copy()
    for i, counts, pcts in relations.cells(name, table):
        for col, key in counts.items():
            if key in hidden:
                out.iat[i, out.columns.get_loc(col)] = SYMBOL
        for col, (num, den) in pcts.items():
            if col in out.columns and (num in hidden or den in hidden):
                out.iat[i, out.columns.get_loc(col)] = SYMBOL
    return out


NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*%?(?![\w])")
HIDDEN_NUMBER = "[number not shown]"


def _no_numbers(text: str, areas: tuple[str, ...]) -> str:
    """The text with every number a reader could take for a count hidden (a service area's own name, such as
    16+, is kept)."""
    kept = {chr(0xE000 + i): a for i, a in enumerate(sorted(areas, key=len, reverse=True)) if any(ch.isdigit() for ch in a)}
    for mark, area in kept.items():
        text = text.replace(area, mark)
    text = NUMBER.sub(HIDDEN_NUMBER, text)
    for mark, area in kept.items():
        text = text.replace(mark, area)
    return text


def without_numbers(actions: Actions, areas: tuple[str, ...]) -> Actions:
    """Section 4 for a wider audience: the QA lead's words with their numbers hidden ("the 2 children in 16+
    graded inadequate" could single a child out, and disclosure control cannot check a number typed into
    words). Dates, statuses and owners stay."""
    register = tuple(replace(a, action=_no_numbers(a.action, areas), evidence=_no_numbers(a.evidence, areas)) for a in actions.register)
    themes = tuple(
        {**t, "theme": _no_numbers(str(t["theme"]), areas), "actions": [_no_numbers(str(x), areas) for x in t["actions"]]}
        for t in actions.themes
    )
    return replace(actions, register=register, themes=themes)


STANDARD_COUNTS = ["graded", "good_or_outstanding", "requires_improvement", "inadequate"]
COMPARATOR_COUNTS = ["graded", "good_or_outstanding"]


def fully_shown(table: pd.DataFrame, by: str, columns: list[str]) -> list[str]:
    """The values of `by` (standards) whose every row shows every one of `columns`: the comparisons a wider
    pack may mark or word, because nothing behind them is hidden."""
    hidden = set(table.loc[hidden_rows(table, columns), by])
    return [v for v in dict.fromkeys(table[by]) if v not in hidden]


MEASURE_COUNTS = {"go": ["graded", "good_or_outstanding"], "ri": ["graded", "requires_improvement"]}


def _shown(table: pd.DataFrame, columns: list[str]) -> set[tuple[str, str]]:
    """(standard, month) pairs whose `columns` are all shown in the protected standards table."""
    keep = ~hidden_rows(table, columns)
    return set(zip(table.loc[keep, "standard"], table.loc[keep, "audit_month"]))


def shown_moves(moves: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """The report's month-on-month verdicts where both months' counts for that measure are shown; elsewhere the
    change, its test and its mark are blank (a change from a hidden month would reveal that month's figure)."""
    out = moves.copy()
    for label, counts in MEASURE_COUNTS.items():
        seen = _shown(table, counts)
        both = [(s, a) in seen and (s, b) in seen for s, a, b in zip(out["standard"], out["previous_month"], out["audit_month"])]
        hide = ~pd.Series(both, index=out.index, dtype=bool)
        for col in [c for c in out.columns if c.startswith(f"{label}_")]:
            out.loc[hide, col] = "" if col.endswith("_mark") else float("nan")
    return out


def shown_trends(trends: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """The report's first-to-last verdicts for the standards whose first and last months' counts are shown."""
    seen = _shown(table, MEASURE_COUNTS["go"])
    keep = [(s, a) in seen and (s, b) in seen for s, a, b in zip(trends["standard"], trends["first_month"], trends["last_month"])]
    return trends[pd.Series(keep, index=trends.index, dtype=bool)].reset_index(drop=True)


def _keep(frame: pd.DataFrame, standards: list[str]) -> pd.DataFrame:
    if frame.empty or "standard" not in frame.columns:
        return frame.copy()
    return frame[frame["standard"].isin(standards)].reset_index(drop=True)


def _all_pairs(figures: RunFigures) -> pd.DataFrame:
    """Every from -> to moderation pair of every month, zeros included: in a wider pack a hidden zero must
    still have its row (an absent row would say zero)."""
    rank = {g: i for i, g in enumerate(GRADES)}
    pairs = figures.grades.moderation_outcomes.set_index(["audit_month", "from_grade", "to_grade"])["count"]
    rows = []
    for m in figures.months.months:
        for a in GRADES:
            for b in GRADES:
                outcome = "same" if a == b else ("upgraded" if rank[b] < rank[a] else "downgraded")
                rows.append({"audit_month": m, "from_grade": a, "to_grade": b, "outcome": outcome, "count": int(pairs.get((m, a, b), 0))})
    return pd.DataFrame(rows, columns=["audit_month", "from_grade", "to_grade", "outcome", "count"])


def sections(figures: RunFigures, hidden: set[Key] | frozenset[Key]) -> dict[str, Any]:
    sections: dict[str, dict[str, Any]] = {s: {} for s in ("compliance", "grades", "standards", "comparators", "themes")}
    for name in relations.FRAMES:
        section, attr = name.split(".")
        table = _all_pairs(figures) if name == "grades.moderation_outcomes" else relations.frame(figures, name)
        sections[section][attr] = protect_frame(name, table, hidden)
    c, t = figures.compliance, figures.themes
    sections["compliance"]["month_themes"] = dict(c.month_themes)  # cohort labels per month: no counts
    areas = tuple(str(a) for a in c.by_area_period["service_area"].unique())
    sections["themes"]["actions"] = without_numbers(t.actions, areas)  # the QA lead's words, their numbers hidden
    sections["standards"]["months"] = tuple(figures.standards.months)
    # The report's own verdicts (one family, `qa_lib.figures.claims`), kept only where every count behind them
    # is shown: a wider pack marks and words exactly what the internal report does, on fewer comparisons.
    table = sections["standards"]["table"]
    sections["standards"]["moves"] = shown_moves(figures.standards.moves, table)
    sections["standards"]["trends"] = shown_trends(figures.standards.trends, table)
    trends = sections["standards"]["trends"]
    sections["standards"]["family"] = figures.standards.family  # the q's allow for every test of the report
    sections["standards"]["not_compared"] = tuple(s for s in figures.standards.trends["standard"] if s not in set(trends["standard"]))
    comp = sections["comparators"]["comp"]
    cohorts = []
    for x in figures.comparators.cohorts:
        whole = fully_shown(comp[comp["cohort"] == x.cohort], "standard", COMPARATOR_COUNTS)
        kept = _keep(x.comparison, whole)
        left = tuple(s for s in dict.fromkeys(comp.loc[comp["cohort"] == x.cohort, "standard"]) if s not in whole)
        cohorts.append(
            SimpleNamespace(
                cohort=x.cohort,
                label=x.label,
                months=list(x.months),
                comparison=kept,
                picture=comparator_picture(kept),
                audit_months=x.audit_months,
                not_compared=left,
            )
        )
    sections["comparators"]["cohorts"] = tuple(cohorts)
    sections["comparators"]["comparisons"] = {x.cohort: x.comparison for x in cohorts}
    sections["standards"]["cohorts"] = dict(figures.standards.cohorts)  # cohort labels per month: no counts
    agree, changes = sections["grades"]["agreement"], figures.grades.agreement_changes
    complete = not hidden_rows(agree).any()  # the changes' counts are the agreement table's
    sections["grades"]["agreement_changes"] = changes if complete else changes.iloc[0:0]
    _view_figures(figures, sections)
    return {k: SimpleNamespace(**v) for k, v in sections.items()}


def _view_figures(figures: RunFigures, sections: dict[str, dict[str, Any]]) -> None:
    """The figures the sections' words read besides the tables, in the same shapes as the QA team's, worked only
    from what is shown: a chart's usual range when every count behind it is shown (else None, not drawn), the
    areas that returned every audit among those shown, and each month's strengths and learning chosen among
    the standards shown in full. What is never published for a wider audience is None."""
    c, g = sections["compliance"], sections["grades"]
    months = list(figures.months.months)
    by_area = c["by_area_period"]
    c["full_areas"] = full_return_areas(as_numbers(by_area[~hidden_rows(by_area, ["distributed", "returned"])]), months)
    c["spc"] = figures.compliance.spc if not hidden_rows(c["monthly"]).any() else None
    g["spc"] = figures.grades.spc if not hidden_rows(g["trend"]).any() else None
    c["funnel"] = g["funnel"] = c["funnel_curve"] = g["funnel_curve"] = None  # by service area over the period: not published
    g["after"] = g["moderation_matrix"] = None  # grades after moderation and the grid: not published
    sections["standards"]["quality"] = None  # counts of standards N/A or ungraded: not published
    sections["standards"]["spc"] = {}  # each standard over 12 months: not published
    table = sections["standards"]["table"]
    whole = as_numbers(table[~hidden_rows(table, STANDARD_COUNTS)])
    strengths, learning = figures.themes.key_counts
    sections["themes"]["key"] = {m: key_themes(whole, m, strengths, learning) for m in months}
    sections["themes"]["by_standard"] = None  # themes by standard: not published


ShownFigures = RunFigures | PublishedFigures
"""The view of the figures a section's words, tables and charts read, the same for both audiences: the run's own
figures for the QA team, the published ones for a wider audience (a hidden count is c). Both answer `frame`,
`complete` and `shown_rows`, and hold each section's figures under the same names."""
