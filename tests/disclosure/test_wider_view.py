"""The wider audience is a view of the internal report's figures: its verdicts are the internal report's, on the
comparisons whose counts are all shown, and its sentences are shapes the internal report uses, never about a
hidden figure. (Issue 24: the wider report had re-run the change tests in a smaller family, so its marks could
differ from the internal report's.)"""

from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd
import pytest

from qa_lib.commentary import drafts
from qa_lib.disclosure.claims import published_claims
from qa_lib.disclosure.protect import publish
from qa_lib.inputs.period import Period
from qa_lib.notebook import Run
from qa_lib.run.tables import changes_of
from qa_lib.sections.comparators import words as comparators_words
from qa_lib.sections.standards import words as standards_words

KEY = ["family", "measure", "standard", "from_month", "to_month"]


@pytest.fixture(scope="module")
def demo(params, demo_figures):
    return params, demo_figures, publish(demo_figures)


def shape(line: str) -> str:
    """A sentence with its numbers taken out: the words it is built from."""
    return re.sub(r"[+−-]?\d+(?:\.\d+)?", "#", line)


def lines_of(sentences: list[str]) -> list[str]:
    return [x for s in sentences for x in s.split("\n") if x.strip()]


def test_every_wider_verdict_is_the_internal_reports_own(demo):
    _, figures, pub = demo
    inside = changes_of(figures).set_index(KEY)
    wider = changes_of(pub).set_index(KEY)
    assert len(wider) > 0, "the demo's wider pack should compare some standards"
    assert set(wider.index) <= set(inside.index)
    both = inside.loc[wider.index]
    # the same family: the same q across the report (a smaller family gives other q values), the same verdict
    pd.testing.assert_series_equal(wider["q_report"].astype(float), both["q_report"].astype(float), check_exact=False, rtol=1e-12)
    assert (wider["beyond_chance"].astype(str) == both["beyond_chance"].astype(str)).all()


def test_the_wider_marks_are_the_internal_marks_on_the_standards_shown(demo):
    _, figures, pub = demo
    moves = published_claims(pub).moves
    table = pub.frame("standards.table").set_index(["standard", "audit_month"])
    inside = figures.standards.moves.set_index(["standard", "previous_month", "audit_month"])
    compared = {"go": 0, "ri": 0}
    for r in moves.itertuples():
        for label, count in (("go", "good_or_outstanding"), ("ri", "requires_improvement")):
            cells = [table.loc[(r.standard, m), c] for m in (r.previous_month, r.audit_month) for c in ("graded", count)]
            mark = getattr(r, f"{label}_mark")
            if "c" in [str(v) for v in cells]:  # a test on a hidden count: neither marked nor its change shown
                assert mark == "" and pd.isna(getattr(r, f"{label}_change")), (r.standard, r.audit_month, label)
            else:
                assert mark == inside.loc[(r.standard, r.previous_month, r.audit_month), f"{label}_mark"]
                compared[label] += 1
    assert compared["go"] > 0 and compared["ri"] > 0, "the demo's wider pack should mark some changes"
    assert len(moves) > sum(compared.values()) / 2, "and leave some out (else this test proves little)"


def test_wider_sentences_are_internal_shapes_and_never_name_a_hidden_standard(demo):
    params, figures, pub = demo
    labels = params.standards
    inside = {shape(x) for x in lines_of(standards_words.standards_sentences(figures.standards.trends, labels, figures.standards.cohorts))}
    claims = published_claims(pub)
    hidden = [labels[s] for s in labels if s not in set(claims.trends["standard"])]
    for line in lines_of(drafts.standards_sentences(pub, labels)):
        if line.startswith("Not compared across the period, because a count"):  # the one line a wider pack adds
            continue
        assert shape(line) in inside, line
        assert not any(h in line for h in hidden), line
    for c, shown in zip(figures.comparators.cohorts, pub.comparators.cohorts):
        _rows, _cmp, left = claims.comparisons[c.cohort]
        assert list(shown.not_compared) == left
        wider = comparators_words.cohort_text(shown, labels)
        inside_lines = {shape(x) for x in lines_of(comparators_words.cohort_text(c, labels))}
        for line in lines_of(wider):
            assert shape(line) in inside_lines or line.startswith("Compared with") or line == comparators_words.NOT_COMPARED, line
            assert not any(labels[s] in line for s in left), line


class Shown(Run):
    """A run that records what a section shows instead of displaying it."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.seen: list[tuple] = []

    def show_text(self, text, links=False):
        self.seen.append(("text", text))

    def show_table(self, frame, caption):
        self.seen.append(("table", frame, caption))

    def show_chart(self, draw, *args, **kwargs):
        self.seen.append(("chart", draw.__name__))

    def show_funnel(self, points, curve, measure, title, xlabel, ylabel):
        self.seen.append(("funnel", measure))

    def show_more(self, page, what):
        self.seen.append(("more", page))


def both(demo) -> tuple[Shown, Shown]:
    params, figures, pub = demo
    period = Period("2021-10", "2021-12")
    return Shown(params=params, period=period, figures=figures), Shown(params=params, period=period, published=pub)


def test_one_function_renders_both_audiences_from_their_view(demo):
    """Issue 24: the recurring themes, grades by area and the grades trend are each one function for both
    audiences. What differs is what the view holds: a hidden count is c, and a chart or sentence that needs every
    count is not drawn. No count of 1 to 4 reaches a wider table."""
    from qa_lib.report import grades, themes

    inside, wider = both(demo)
    for run in (inside, wider):
        themes.recurring(run, chart=False, by_standard=False, detail=False)
        grades.by_area(run)
        grades.trend(run)
    kinds = [x[0] for x in inside.seen]
    assert kinds == ["text", "more", "table", "funnel", "chart"]  # the highlight's link; the QA team's funnel and chart
    wider_tables = [x[1] for x in wider.seen if x[0] == "table"]
    assert [x[0] for x in wider.seen if x[0] in ("more", "funnel")] == []  # no section report to link to; no area funnel
    assert wider_tables[0].columns.tolist() == themes_columns(inside)  # the same table shape as the QA team's
    for table in wider_tables:
        cells = table.drop(columns=table.columns[0]).astype(str)
        assert not cells.map(lambda v: bool(re.fullmatch(r"[1-4]|[1-4] \(.*\)", v))).any().any()


def themes_columns(run: Shown) -> list[str]:
    from qa_lib.sections.themes.display import themes_table

    return themes_table(run.frame("themes.counts"), run.months).columns.tolist()


# Issue 24: one set of words for both audiences. Every section's drafted text is one function over the view of the
# figures; what a wider pack adds is only a word that a figure is not shown, never a sentence of its own.

NOT_SHOWN = [  # the only sentences a wider pack's drafts may hold that the QA team's never do (numbers as #)
    r"The return rate for \w+ # is not shown \(c\)\.",
    r"Of the service areas shown, .* completed #% audit returns in the \w+ audit\.",
    r"None of the service areas shown completed #% audit returns in the \w+ audit\.",
    r"Areas whose returns include small numbers are shown as c and are not named here\.",
    r"Social worker participation for \w+ is not shown \(c\)\.",
    r"The number of audits moderated in \w+ is not shown \(c\)\.",
    r".* moderated in \w+\. Their outcomes include small numbers and are not shown \(c\)\.",
    r"\*Agreement between auditors and moderators rests on small numbers .*\*",
    r"The overall grades for \w+ include small numbers; see the table \(c\)\.",
    r"Not compared across the period, because a count in its first or last month is small or could reveal one \(c\): .*\.",
    re.escape(comparators_words.NOT_COMPARED),
    r"\*Chosen among the standards whose counts are all shown this month\.\*",
    # shapes the QA team's words use when a figure is missing, here because it is hidden
    r"The percentage of social workers engaged in audit for \w+ was #% \(# of # returned audits\)\.",  # no reason named
    r"- None among the standards whose counts are all shown this month\.",
    r"- \*\*Practice standards:\*\* No standard shown in full rose or fell by more than chance would explain .*\.",
]


def every_draft(figures, params) -> dict[str, list[str]]:
    period = Period("2021-10", "2021-12")
    return {s.key: lines_of(s.draft(figures, params, period)) for s in drafts.SECTIONS}


def test_with_nothing_hidden_both_audiences_read_the_same_words(demo):
    """Published with nothing to hide (min_count 1), a wider pack's drafted text is the QA team's, word for word,
    but for what is never published: the grades after moderation, the themes auditors' comments raise by
    standard, and the QA lead's own words (the key messages are the findings, not an edited box)."""
    params, figures, _ = demo
    open_pub = publish(figures, 1)
    assert not open_pub.hidden
    inside, wider = every_draft(figures, params), every_draft(open_pub, params)
    for key in inside:
        if key == "overall-grades":  # stops at the auditor's grade
            cut = [re.sub(r"; after moderation, .*\.$", ".", x) for x in inside[key]]
            assert wider[key] == cut and cut != inside[key], key
        elif key == "key-themes":  # no comment themes beside the standards
            assert [re.sub(r" Auditors. comments on this standard most often mentioned .*\.$", "", x) for x in inside[key]] == [
                re.sub(r" Auditors. comments on this standard most often mentioned .*\.$", "", x) for x in wider[key]
            ], key
        elif key == "key-messages":  # the auditors' grades, after moderation not published
            assert [x for x in wider[key] if "Overall grades" not in x] == [x for x in inside[key] if "Overall grades" not in x]
        else:
            assert wider[key] == inside[key], key


def test_a_wider_pack_says_only_internal_shapes_or_that_a_figure_is_not_shown(demo):
    """With the demo's hidden counts, every line of every wider draft is a shape the QA team's text uses, or one of
    the few "not shown" sentences; and no sentence gives a number that is hidden."""
    params, figures, pub = demo
    assert pub.hidden, "the demo's wider pack should hide some counts (else this test proves little)"
    names = sorted(params.short_names.values(), key=len, reverse=True)

    def words(line: str) -> str:  # a line's shape, with each standard's name as one word
        for name in names:
            line = line.replace(name, "STANDARD")
        return shape(line)

    shapes = {
        words(x) for lines in [*every_draft(figures, params).values(), *every_draft(publish(figures, 1), params).values()] for x in lines
    }
    said_not_shown = 0
    for key, lines in every_draft(pub, params).items():
        for line in lines:
            if words(line) in shapes:
                continue
            assert any(re.fullmatch(p, words(line)) for p in NOT_SHOWN), (key, line)
            said_not_shown += 1
    assert said_not_shown >= 3, "the demo's wider drafts should say some figures are not shown"


def test_no_wider_sentence_gives_a_small_count(demo):
    """No "n of N" or "n out of N" in a wider draft has an n or N from 1 to 4 (min_count 5)."""
    params, _, pub = demo
    for key, lines in every_draft(pub, params).items():
        for line in lines:
            for n in re.findall(r"\b(\d+) (?:of|out of) (\d+)\b", line):
                assert all(int(x) == 0 or int(x) >= 5 for x in n), (key, line)


def test_hand_made_hidden_counts_are_never_worded():
    """The words themselves, on hand-made figures with hidden counts (c): a month whose number moderated is c, or
    whose outcomes include a c, says so and gives no outcome; an overall grade with no published after-moderation
    figure stops at the auditor's grade; a participation month with a c is not shown."""
    from qa_lib.sections.compliance.words import participation_sentences
    from qa_lib.sections.grades.words import moderation_text, overall_grade_sentences

    months = ["2021-10", "2021-11", "2021-12"]
    summary = pd.DataFrame(
        {
            "audit_month": months,
            "returned": [38, 49, 37],
            "moderated": ["c", 12, 10],
            "same": ["c", 7, 10],
            "upgraded": ["c", "c", 0],
            "downgraded": ["c", "c", 0],
        }
    )
    outcomes = pd.DataFrame(
        {
            "audit_month": ["2021-11", "2021-11", "2021-12", "2021-12"],
            "from_grade": ["G", "G", "G", "R"],
            "to_grade": ["G", "R", "G", "G"],
            "outcome": ["same", "downgraded", "same", "upgraded"],
            "count": [7, "c", 10, 0],
        }
    )
    text = moderation_text(summary, outcomes, months)
    assert text[1] == "The number of audits moderated in October is not shown (c)."
    assert text[3] == "12 out of 49 audits were moderated in November. Their outcomes include small numbers and are not shown (c)."
    assert text[5].startswith("10 out of 37 audits were moderated in December.")
    assert "- No moderations were upgraded" in text[5]  # the zero pair a wider pack lists is not an outcome

    before = pd.DataFrame(
        {"audit_month": ["2021-12"] * 4, "grade": ["O", "G", "R", "I"], "count": [5, 10, 15, 10], "percent": [12.5, 25.0, 37.5, 25.0]}
    )
    words = overall_grade_sentences(before, None, months, hidden={"2021-10", "2021-11"})
    assert words == [
        "The overall grades for October include small numbers; see the table (c).",
        "The overall grades for November include small numbers; see the table (c).",
        "In December, 15 of 40 audits (38%) were graded good or outstanding overall by the auditor.",
    ]
    part = pd.DataFrame(
        {"audit_month": months, "returned": [38, "c", 37], "participated": [21, "c", 19], "participation_rate": [55.26, "c", 51.35]}
    )
    reasons = pd.DataFrame(columns=["audit_month", "reason", "count"])
    said = participation_sentences(part, reasons, months, ())
    assert said[1] == "Social worker participation for November is not shown (c)."
    assert said[0] == "The percentage of social workers engaged in audit for October was 55.3% (21 of 38 returned audits)."


def test_a_wider_runs_blocks_are_its_drafts_never_the_qa_leads_words(demo):
    """A cached wider re-run redraws its marked blocks (`block_html`) as a notebook draws them: a section's block is
    its draft from the published figures, and the QA lead's edited text never appears, even when the figures the
    wider pack was protected from carry some."""
    params, figures, pub = demo
    period = Period("2021-10", "2021-12")
    wider = Run(params=params, period=period, published=pub)
    inside = Run(params=params, period=period, figures=replace(figures, commentary={"compliance": "The QA lead's own words."}))
    assert "The QA lead's own words." in inside.block_html("section:compliance")
    html = wider.block_html("section:compliance")
    assert html == wider.text_html(drafts.draft("compliance", pub, params, period)) and "QA lead" not in html
    assert wider.block_html("edited:moderation") == "" and wider.block_html("commentary-note") == ""
    assert wider.block_html("cohort-brief:0:####").startswith("<h4>")


def test_drafts_made_once_are_drawn_as_made_for_the_qa_team_and_never_for_a_wider_audience(demo):
    """A re-run drafts each section once (`draft_paragraphs`) and hands the drafts to the view that draws the
    cached pages' blocks and to the e-mail's headlines: the same words as drafting again, and a wider view, whose
    words come from its published figures alone, never takes them."""
    from qa_lib.run.headlines import headlines

    params, figures, pub = demo
    period = Period("2021-10", "2021-12")
    made = drafts.draft_paragraphs(figures, params, period)
    fresh = Run(params=params, period=period, figures=figures)
    shared = Run(params=params, period=period, figures=figures, drafted=made)
    for key in drafts.BY_KEY:
        assert shared.block_html(f"section:{key}") == fresh.block_html(f"section:{key}")
    marked = {**made, "context": ["Words drafted once."], "key-messages": ["- **Once:** drafted once."]}
    assert "Words drafted once." in Run(params=params, period=period, figures=figures, drafted=marked).block_html("section:context")
    assert "Words drafted once." not in Run(params=params, period=period, published=pub, drafted=marked).block_html("section:context")
    assert headlines(figures, params, period, drafts.joined(made)) == headlines(figures, params, period)
    assert headlines(figures, params, period, drafts.joined(marked))["key_messages"] == ["- **Once:** drafted once."]
    assert headlines(pub, params, period, drafts.joined(marked)) == headlines(pub, params, period)


def test_an_empty_list_among_the_standards_shown_never_says_none_stood_out():
    """A wider month whose only standards shown in full are all strengths: its learning list says it chose among
    those, not that no standard needs learning (the QA team's words are unchanged)."""
    from qa_lib.sections.themes.words import key_theme_text

    table = pd.DataFrame(
        {
            "audit_month": ["2021-10"],
            "standard": ["voice"],
            "graded": [20],
            "good_or_outstanding": [12],
            "pct_good_or_outstanding": [60.0],
            "requires_improvement": [6],
            "inadequate": [2],
        }
    )
    wider = key_theme_text(table, "2021-10", ["voice"], [], {"voice": "Voice of the child"}, partial=True)
    inside = key_theme_text(table, "2021-10", ["voice"], [], {"voice": "Voice of the child"})
    assert wider.endswith("- None among the standards whose counts are all shown this month.")
    assert inside.endswith("- None stood out this month.")
