"""Each report section's drafted text, from the run's figures. The report shows exactly these when a section
is left as drafted; `qa-pack commentary` writes exactly these for the QA lead to edit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from qa_lib.figures import RunFigures
from qa_lib.findings import key_messages
from qa_lib.inputs.params import Params
from qa_lib.inputs.period import Period, join_words
from qa_lib.render.words import spc_sentence
from qa_lib.sections.comparators import words as comparator_words
from qa_lib.sections.compliance import display as compliance_display
from qa_lib.sections.compliance import words as compliance_words
from qa_lib.sections.grades import words as grades_words
from qa_lib.sections.standards import words as standards_words
from qa_lib.sections.themes import words as theme_words


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    draft: Callable[[RunFigures, Params, Period], list[str]]


def _context(f: RunFigures, p: Params, period: Period) -> list[str]:
    months = period.months
    return [
        "**Themes:**",
        compliance_words.cohort_theme_lines(f.compliance.month_themes, months),
        compliance_display.SAMPLING_NOTE,
        compliance_words.exemption_sentence(f.compliance.monthly, months),
    ]


def _compliance(f: RunFigures, p: Params, period: Period) -> list[str]:
    c = f.compliance
    spc = [x for x in [spc_sentence(c.spc, "the return rate")] if x]
    return (
        compliance_words.compliance_sentences(c.monthly, period.months, p.target_return_rate)
        + spc
        + (compliance_words.full_return_sentences(c.full_areas, period.months))
    )


def _participation(f: RunFigures, p: Params, period: Period) -> list[str]:
    c = f.compliance
    return compliance_words.participation_sentences(c.participation_trend, c.reasons, period.months, p.reason_categories)


def _moderation(f: RunFigures, p: Params, period: Period) -> list[str]:
    g = f.grades
    return grades_words.moderation_text(g.moderation_summary, g.moderation_outcomes, period.months, f.compliance.month_themes)


def _agreement(f: RunFigures, p: Params, period: Period) -> list[str]:
    return grades_words.agreement_sentences(f.grades.agreement, period.months, f.grades.agreement_changes)


def _overall(f: RunFigures, p: Params, period: Period) -> list[str]:
    g = f.grades
    spc = [x for x in [spc_sentence(g.spc, "the share of audits graded good or outstanding overall")] if x]
    return grades_words.overall_grade_sentences(g.before, g.after, period.months) + spc


def _standards(f: RunFigures, p: Params, period: Period) -> list[str]:
    """Across the period, and one sentence on the months between; each month's paragraph is in the audit quality
    report (`standards.month_detail`), not the highlight."""
    s = f.standards
    months = [x for x in [standards_words.month_summary(s.moves, p.short_names)] if x]
    return standards_words.standards_sentences(s.trends, p.short_names, s.cohorts) + months


def _comparators(f: RunFigures, p: Params, period: Period) -> list[str]:
    out = []
    for c in f.comparators.cohorts:
        out += [f"#### {c.label}", *comparator_words.comparator_text(c.label, c.months, c.comparison, c.picture, p.short_names)]
    return out


def _key_themes(f: RunFigures, p: Params, period: Period) -> list[str]:
    out = []
    for month in period.months:
        strengths, learning = f.themes.key[month]
        label = f.compliance.month_themes.get(month) or "no audits"
        from qa_lib.inputs.period import month_name

        out += [
            f"#### {month_name(month, with_year=True)} – {label}",
            theme_words.key_theme_text(f.standards.table, month, strengths, learning, p.short_names, f.themes.by_standard),
        ]
    return out


def _key_messages(f: RunFigures, p: Params, period: Period) -> list[str]:
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


def draft(key: str, figures: RunFigures, params: Params, period: Period) -> list[str]:
    """One section's drafted text, as paragraphs (what the report shows when the section is left as drafted)."""
    return BY_KEY[key].draft(figures, params, period)


def drafts(figures: RunFigures, params: Params, period: Period) -> dict[str, str]:
    """Every section's drafted text as one Markdown block."""
    return {s.key: "\n\n".join(b for b in s.draft(figures, params, period) if b) for s in SECTIONS}


def commentary_lines(f: RunFigures) -> list[str]:
    """Who wrote what: the sections whose text is the QA lead's, and any note on publishing it against
    changed figures."""
    edited = [BY_KEY[k].heading for k in BY_KEY if k in f.commentary]
    if not edited:
        return []
    lines = [f"The text of {join_words(edited)} was written by the QA lead; the rest of the text is drafted from the figures."]
    return [*lines, f.commentary_note] if f.commentary_note else lines
