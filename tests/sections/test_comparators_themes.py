"""Comparator cohorts, key themes, recurring themes, redaction and actions (sections 3.1.3-3.2 and 4)."""

from __future__ import annotations

import pandas as pd
import pytest

from qa_lib.errors import ParamsError
from qa_lib.inputs.params import Theme
from qa_lib.inputs.period import Period
from qa_lib.sections.comparators import figures as comparators
from qa_lib.sections.comparators import words as comparators_words
from qa_lib.sections.themes import actions
from qa_lib.sections.themes import figures as themes
from qa_lib.sections.themes import words as themes_words
from qa_lib.sections.themes.redact import REDACTED, Redactor

KEYS = ["risk", "voice"]


def audits(rows: list[tuple]) -> pd.DataFrame:
    """(month, cohort, status, risk, voice, comment_risk, learning)."""
    f = pd.DataFrame(rows, columns=["audit_month", "cohort", "status", "grade_risk", "grade_voice", "comment_risk", "learning"])
    f["comment_voice"], f["strengths"], f["source_row"] = "", "", range(2, len(f) + 2)
    return f


def block(month: str, cohort: str, risk_good: int, n: int) -> list[tuple]:
    return [(month, cohort, "returned", "G" if k < risk_good else "RI", "G", "", "") for k in range(n)]


# CIN audited in January (2/10 good on risk), May (4/10) and November (9/10); CP only in December.
A = audits(
    block("2021-01", "cin", 2, 10)
    + block("2021-05", "cin", 4, 10)
    + block("2021-11", "cin", 9, 10)
    + block("2021-12", "cp", 5, 10)
    + [("2021-03", "cin", "not_returned", "", "", "", "")]
)
PERIOD = ["2021-10", "2021-11", "2021-12"]


def test_cohort_months_found_across_the_year():
    assert comparators.period_cohorts(A, PERIOD) == ["cin", "cp"]
    assert comparators.cohort_months(A, "cin", "2021-12") == ["2021-01", "2021-05", "2021-11"]  # March: nothing returned
    assert comparators.cohort_months(A, "cin", "2021-06") == ["2021-01", "2021-05"]  # nothing after the period's end


def test_comparators_table_follows_the_contract():
    comp = comparators.comparators(A, PERIOD, KEYS)
    out = comp[comparators.CONTRACT_COLUMNS]
    assert out.columns.tolist() == ["cohort", "audit_month", "standard", "graded", "pct_good_or_outstanding"]
    risk = out[(out["cohort"] == "cin") & (out["standard"] == "risk")]
    assert risk[["audit_month", "graded", "pct_good_or_outstanding"]].values.tolist() == [
        ["2021-01", 10, 20.0],
        ["2021-05", 10, 40.0],
        ["2021-11", 10, 90.0],
    ]


def test_comparison_with_the_previous_audit_uses_the_noise_rule():
    comp = comparators.comparators(A, PERIOD, KEYS)
    cmp = comparators.comparison(comp, "cin").set_index("standard")
    # May 4/10 -> November 9/10: Fisher p = 0.057, not below 0.05: a rise within noise.
    assert cmp.at["risk", "previous_month"] == "2021-05" and cmp.at["risk", "p"] == pytest.approx(0.0573, abs=1e-3)
    assert cmp.at["risk", "reading"] == "rose within noise"
    assert cmp.at["voice", "reading"] == "no change"
    assert comparators.picture(cmp.reset_index()) is None  # nothing beyond chance: no "improving picture"
    text = comparators_words.comparator_text(
        "Child in Need plan", ["2021-01", "2021-05", "2021-11"], cmp.reset_index(), None, {"risk": "Risk", "voice": "Voice"}
    )
    assert text[0] == (
        "Child in Need plan: audited in January, May and November 2021. Compared with the previous audit, "
        "no clear change overall: no change is bigger than chance would explain."
    )
    assert "- Risk (40% to 90%)" in text[1]


def test_an_improving_picture_only_when_the_figures_support_it():
    b = audits(block("2021-05", "cin", 2, 20) + block("2021-11", "cin", 15, 20))
    cmp = comparators.comparison(comparators.comparators(b, PERIOD, KEYS), "cin")
    assert cmp.set_index("standard").at["risk", "reading"] == "improved"  # 2/20 -> 15/20, p < 0.001, q < 0.001
    # One standard beyond chance is not a picture: "no clear change overall", with the standard listed.
    assert comparators.picture(cmp) is None
    text = comparators_words.comparator_text("Child in Need plan", ["2021-05", "2021-11"], cmp, None, {"risk": "Risk", "voice": "Voice"})
    assert text[0].endswith("no clear change overall: the standards that moved beyond chance are listed below.")
    assert text[1] == "Improvements beyond chance in good or outstanding grades between May and November 2021, for:\n\n- Risk (10% to 75%)"

    # The rule on hand-made readings: at least two beyond chance one way, none the other.
    def picture(*readings: str) -> str | None:
        return comparators.picture(pd.DataFrame({"reading": list(readings)}))

    assert picture("improved", "improved", "no change") == "improving"
    assert picture("declined", "declined", "rose within noise") == "declining"
    assert picture("improved", "improved", "declined") is None
    assert picture("improved", "rose within noise", "rose within noise") is None
    improving = comparators_words.comparator_text("CIN", ["2021-05", "2021-11"], cmp, "improving", {"risk": "Risk"})
    assert "the data indicates an improving picture" in improving[0]


def test_a_cohort_audited_once_has_nothing_to_compare():
    comp = comparators.comparators(A, PERIOD, KEYS)
    assert comparators.comparison(comp, "cp").empty
    assert comparators_words.comparator_text("Child Protection plan", ["2021-12"], comparators.comparison(comp, "cp"), None, {}) == [
        "Child Protection plan: audited only in December 2021, so there is no earlier audit to compare."
    ]


@pytest.mark.parametrize(
    "text,hit",
    [
        ("Genogram missing", True),
        ("genograms not updated", True),
        ("GENOGRAMS", True),
        ("no management sign-off", True),
        ("management signoff absent", True),
        ("Management sign off", True),
        ("the genogrammatic view", False),
        ("signed", False),
    ],
)
def test_phrase_matching_tolerates_case_plurals_and_hyphens(text, hit):
    pattern = themes.theme_pattern(Theme("t", "T", ("genogram", "management sign off")))
    assert bool(pattern.search(text)) is hit


def test_theme_counts_count_each_audit_once_per_theme():
    b = audits(
        [
            ("2021-10", "cin", "returned", "G", "G", "Genogram missing; genograms again", "Update the genogram"),
            ("2021-10", "cin", "returned", "G", "G", "Chronology fine", ""),
            ("2021-10", "cin", "returned", "G", "G", "", "chronologies and genograms"),
            ("2021-10", "cin", "not_returned", "", "", "genogram", ""),  # not returned: not counted
            ("2021-11", "cin", "returned", "G", "G", "", ""),
        ]
    )
    t = (Theme("genograms", "Genograms", ("genogram",)), Theme("chronologies", "Chronologies", ("chronology", "chronologies")))
    counts = themes.theme_counts(b, ["2021-10", "2021-11"], t, KEYS).set_index(["audit_month", "theme"])
    assert counts.loc[("2021-10", "genograms"), "audits"] == 2 and counts.loc[("2021-10", "genograms"), "returned"] == 3
    assert counts.loc[("2021-10", "genograms"), "percent"] == pytest.approx(200 / 3)
    assert counts.loc[("2021-10", "chronologies"), "audits"] == 2
    assert counts.loc[("2021-11", "genograms"), "audits"] == 0
    by_std = themes.theme_by_standard(b, ["2021-10"], t, KEYS).set_index(["theme", "standard"])
    assert by_std.loc[("genograms", "risk"), "audits"] == 1 and by_std.loc[("chronologies", "risk"), "audits"] == 1


def test_key_themes_pick_highest_shares_and_never_both():
    table = pd.DataFrame(
        {
            "audit_month": ["2021-11"] * 4,
            "standard": ["a", "b", "c", "d"],
            "graded": [10, 10, 10, 0],
            "good_or_outstanding": [8, 5, 2, 0],
            "requires_improvement": [1, 3, 4, 0],
            "inadequate": [1, 2, 4, 0],
            "pct_good_or_outstanding": [80.0, 50.0, 20.0, float("nan")],
        }
    )
    assert themes.key_themes(table, "2021-11", strengths=1, learning=2) == (["a"], ["c", "b"])
    assert themes.key_themes(table, "2021-11", strengths=3, learning=3) == (["a", "b", "c"], [])


def test_key_theme_sentences_in_the_reference_voice():
    row = pd.Series(
        {
            "good_or_outstanding": 15,
            "requires_improvement": 23,
            "inadequate": 11,
            "pct_good_or_outstanding": 100 * 15 / 49,
            "pct_requires_improvement": 100 * 23 / 49,
            "pct_inadequate": 100 * 11 / 49,
        }
    )
    assert themes_words.learning_line(row, "Voice of the child") == (
        "**Voice of the child:** 23 (47%) of the audits were graded as requires improvement and 11 (22%) audits were graded as inadequate."
    )
    row = pd.Series({"good_or_outstanding": 29, "pct_good_or_outstanding": 100 * 29 / 49})
    assert themes_words.strength_line(row, "Timely identification, response and reduction of risk") == (
        "**Timely identification, response and reduction of risk:** 29 (59%) audits were graded as good or outstanding."
    )


PLANTED = {
    "child": "CH-654321",
    "worker": "SW-9876",
    "auditor": "AU-42",
    "name": "Jane Smith",
    "email": "jane.smith@example.org",
    "phone": "07700 900123",
    "nhs": "943 476 5919",
    "postcode": "BD1 4AS",
    "date": "12/03/2021",
    "long date": "3rd March 2021",
}


def test_redaction_removes_every_planted_value():
    text = (
        f"Saw {PLANTED['child']} with {PLANTED['worker']}; {PLANTED['auditor']} agreed. {PLANTED['name']} "
        f"({PLANTED['email']}, {PLANTED['phone']}) NHS {PLANTED['nhs']} lives at {PLANTED['postcode']}. "
        f"Reviewed {PLANTED['date']} and {PLANTED['long date']}. Peter was seen alone. The genogram was updated."
    )
    r = Redactor(
        [PLANTED["child"], PLANTED["worker"], PLANTED["auditor"]],
        names=["Jane Smith"],
        allowed_words=["NHS"],
        vocabulary=["the", "saw", "reviewed", "genogram"],
    )
    out = r(text)
    for value in [*PLANTED.values(), "Jane", "Smith", "Peter", "example.org"]:
        assert value.lower() not in out.lower(), value
    assert "The genogram was updated." in out and "was seen alone" in out and REDACTED in out


def test_actions_numbered_and_a_missing_file_is_a_message(tmp_path):
    path = tmp_path / "actions.yml"
    path.write_text("- theme: Voice of the child\n  actions: [Reinforce voice in plans, Training]\n- theme: Records\n")
    items = actions.load_actions(path)
    assert not items.is_register
    assert actions.actions_markdown(list(items.themes)) == (
        "**4.1** Voice of the child\n\n*Actions*\n\n- Reinforce voice in plans\n- Training\n\n"
        "**4.2** Records\n\n*No actions recorded for this theme.*"
    )
    period = Period("2021-10", "2021-12")
    shown = actions.section_markdown(items, period, {})
    assert shown.startswith("**4.1** Voice of the child") and "An action register" in shown  # the older shape says a register gives more
    assert actions.section_markdown(actions.load_actions(None), period, {}) == actions.MISSING
    with pytest.raises(ParamsError, match="none.yml not found; fix the path, or remove `actions:`"):
        actions.load_actions(tmp_path / "none.yml")  # a typo in params must not quietly drop section 4
    (tmp_path / "empty.yml").write_text("")
    assert actions.load_actions(tmp_path / "empty.yml") == actions.Actions()
    (tmp_path / "bad.yml").write_text("- actions: [x]\n")
    with pytest.raises(ParamsError, match="item 1 needs a theme"):
        actions.load_actions(tmp_path / "bad.yml")


def test_the_themes_table_renders_both_audiences():
    """One table for the QA team and a wider pack (issue 24): counts as "n (x%)", a month with no returns as –, a
    hidden count as c; rows most mentioned first, or as found when a count is hidden (hand-made)."""
    from qa_lib.sections.themes.display import themes_table

    months = ["2021-10", "2021-11"]
    counts = pd.DataFrame(
        {
            "audit_month": months * 2,
            "label": ["Voice", "Voice", "Plans", "Plans"],
            "audits": [2, 0, 9, 0],
            "percent": [10.0, float("nan"), 45.0, float("nan")],
            "returned": [20, 0, 20, 0],
        }
    )
    internal = themes_table(counts, months)
    assert internal.to_dict("list") == {"Theme": ["Plans", "Voice"], "Oct 2021": ["9 (45%)", "2 (10%)"], "Nov 2021": ["–", "–"]}
    wider = themes_table(counts.assign(audits=["c", 0, 9, 0], percent=["c", float("nan"), 45.0, float("nan")]), months)
    assert wider.to_dict("list") == {"Theme": ["Voice", "Plans"], "Oct 2021": ["c", "9 (45%)"], "Nov 2021": ["–", "–"]}
