"""Each report section's drafted text, from the run's figures. The report shows exactly these when a section
is left as drafted; `qa-pack commentary` writes exactly these for the QA lead to edit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from qa_lib.disclosure.published import STANDARD_COUNTS, ShownFigures, hidden_months, whole_months
from qa_lib.figures import RunFigures
from qa_lib.findings import key_messages
from qa_lib.inputs.params import Params
from qa_lib.inputs.period import Period, join_words, month_name
from qa_lib.render.words import spc_sentence
from qa_lib.sections.comparators import words as comparator_words
from qa_lib.sections.compliance import display as compliance_display
from qa_lib.sections.compliance import words as compliance_words
from qa_lib.sections.grades import words as grades_words
from qa_lib.sections.grades.words import AGREEMENT_NOT_SHOWN
from qa_lib.sections.standards import words as standards_words
from qa_lib.sections.themes import words as theme_words


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    draft: Callable[[ShownFigures, Params, Period], list[str]]


# Each draft reads the view of the figures (`ShownFigures`): the run's own for the QA team, the published ones for
# a wider audience. With nothing hidden the two give the same words; a sentence that would rest on a hidden count
# (c) is not written, or says the figure is not shown.


def _context(f: ShownFigures, p: Params, period: Period) -> list[str]:
    months = period.months
    lines = ["**Themes:**", compliance_words.cohort_theme_lines(f.compliance.month_themes, months), compliance_display.SAMPLING_NOTE]
    exempt = f.shown_rows("compliance.monthly", ["exempt"])
    if set(months) <= set(exempt["audit_month"]):
        lines.append(compliance_words.exemption_sentence(exempt, months))
    return lines


def returns_sentences(f: ShownFigures, months: list[str], target: float) -> list[str]:
    """Each month's return rate against the target and the months before (the report's and the e-mail's)."""
    monthly = f.shown_rows("compliance.monthly", ["distributed", "returned", "return_rate"])
    shown = [m for m in months if m in set(monthly["audit_month"])]
    out = compliance_words.compliance_sentences(monthly, shown, target) if shown else []
    return out + [f"The return rate for {month_name(m, with_year=True)} is not shown (c)." for m in months if m not in shown]


def overall_sentences(f: ShownFigures, months: list[str]) -> list[str]:
    """Each month's audits graded good or outstanding overall, before and (when published) after moderation."""
    before = f.frame("grades.before")
    shown, hidden = whole_months(before, ["count"])
    return grades_words.overall_grade_sentences(shown, f.grades.after, months, hidden)


def standards_sentences(f: ShownFigures, short_names: dict[str, str]) -> list[str]:
    """The noise rule's verdicts across the period, on the standards compared; a line on any left out (c)."""
    s = f.standards
    out = [] if s.trends.empty and s.not_compared else standards_words.standards_sentences(s.trends, short_names, s.cohorts)
    if s.not_compared:
        names = "; ".join(short_names.get(x, x) for x in s.not_compared)
        out.append(f"Not compared across the period, because a count in its first or last month is small or could reveal one (c): {names}.")
    return out


def _compliance(f: ShownFigures, p: Params, period: Period) -> list[str]:
    months = period.months
    out = returns_sentences(f, months, p.target_return_rate)
    spc = f.compliance.spc  # None when a count behind the chart is hidden
    out += [x for x in [spc_sentence(spc, "the return rate") if spc is not None else None] if x]
    by_area = f.frame("compliance.by_area_period")
    partial = hidden_months(by_area, ["distributed", "returned"])
    out += compliance_words.full_return_sentences(f.compliance.full_areas, months, partial)
    if partial:
        out.append("Areas whose returns include small numbers are shown as c and are not named here.")
    return out


def _participation(f: ShownFigures, p: Params, period: Period) -> list[str]:
    reasons = f.frame("compliance.reasons")
    whole, _ = whole_months(reasons, ["count"])  # a month's reasons only when every one is shown
    part = f.frame("compliance.participation_trend")
    return compliance_words.participation_sentences(part, whole, period.months, p.reason_categories)


def _moderation(f: ShownFigures, p: Params, period: Period) -> list[str]:
    g = f.grades
    return grades_words.moderation_text(g.moderation_summary, g.moderation_outcomes, period.months, f.compliance.month_themes)


def _agreement(f: ShownFigures, p: Params, period: Period) -> list[str]:
    agree, pairs = f.complete("grades.agreement"), f.complete("grades.moderation_outcomes")
    if agree is None or pairs is None:
        return [f"*{AGREEMENT_NOT_SHOWN}*"]
    return grades_words.agreement_sentences(agree, period.months, f.grades.agreement_changes)


def _overall(f: ShownFigures, p: Params, period: Period) -> list[str]:
    g = f.grades
    spc = [x for x in [spc_sentence(g.spc, "the share of audits graded good or outstanding overall") if g.spc is not None else None] if x]
    return overall_sentences(f, period.months) + spc


def _standards(f: ShownFigures, p: Params, period: Period) -> list[str]:
    """Across the period, and one sentence on the months between; each month's paragraph is in the audit quality
    report (`standards.month_detail`), not the highlight."""
    months = [x for x in [standards_words.month_summary(f.standards.moves, p.short_names)] if x]
    return standards_sentences(f, p.short_names) + months


def _comparators(f: ShownFigures, p: Params, period: Period) -> list[str]:
    out = []
    for c in f.comparators.cohorts:
        out += [f"#### {c.label}", *comparator_words.cohort_text(c, p.short_names)]
    return out


def _key_themes(f: ShownFigures, p: Params, period: Period) -> list[str]:
    """Each month's strengths and learning; in a wider pack, chosen among the standards whose counts are all shown
    that month (the figures' `themes.key` is so chosen), and said to be."""
    table = f.shown_rows("standards.table", STANDARD_COUNTS)
    every = f.frame("standards.table")
    out = []
    for month in period.months:
        strengths, learning = f.themes.key[month]
        label = f.compliance.month_themes.get(month) or "no audits"
        partial = bool((table["audit_month"] == month).sum() < (every["audit_month"] == month).sum())
        out += [
            f"#### {month_name(month, with_year=True)} – {label}",
            theme_words.key_theme_text(table, month, strengths, learning, p.short_names, f.themes.by_standard, partial),
        ]
        if partial:
            out.append("*Chosen among the standards whose counts are all shown this month.*")
    return out


def _key_messages(f: ShownFigures, p: Params, period: Period) -> list[str]:
    return [key_messages(f, p, period)]  # the ranked findings (qa_lib.findings)


SECTIONS: tuple[Section, ...] = (
    Section("key-messages", "Key messages", _key_messages),
    Section("context", "1. Context and background", _context),
    Section("compliance", "2.1 Audit compliance", _compliance),
    Section("participation", "2.2 Social worker participation", _participation),
    Section("moderation", "2.3 Audit quality: moderation", _moderation),
    Section("agreement", "2.3 Agreement between auditors and moderators", _agreement),
    Section("overall-grades", "3.1.1 Overall grades", _overall),
    Section("standards", "3.1.2 Audit grades across the practice standards", _standards),
    Section("comparators", "3.1.3 Comparator cohorts", _comparators),
    Section("key-themes", "3.2 Key themes", _key_themes),
)
BY_KEY = {s.key: s for s in SECTIONS}


def draft(key: str, figures: ShownFigures, params: Params, period: Period) -> list[str]:
    """One section's drafted text, as paragraphs (what the report shows when the section is left as drafted)."""
    return BY_KEY[key].draft(figures, params, period)


def draft_paragraphs(figures: ShownFigures, params: Params, period: Period) -> dict[str, list[str]]:
    """Every section's drafted text, as paragraphs (`draft` of each section, made once for all)."""
    return {s.key: s.draft(figures, params, period) for s in SECTIONS}


def joined(paragraphs: Mapping[str, list[str]]) -> dict[str, str]:
    """Each section's drafted paragraphs as one Markdown block (what `drafts` gives)."""
    return {key: "\n\n".join(b for b in blocks if b) for key, blocks in paragraphs.items()}


def drafts(figures: ShownFigures, params: Params, period: Period) -> dict[str, str]:
    """Every section's drafted text as one Markdown block."""
    return joined(draft_paragraphs(figures, params, period))


def commentary_lines(f: RunFigures) -> list[str]:
    """Who wrote what: the sections whose text is the QA lead's, and any note on publishing it against
    changed figures."""
    edited = [BY_KEY[k].heading for k in BY_KEY if k in f.commentary]
    if not edited:
        return []
    lines = [f"The text of {join_words(edited)} was written by the QA lead; the rest of the text is drafted from the figures."]
    return [*lines, f.commentary_note] if f.commentary_note else lines
