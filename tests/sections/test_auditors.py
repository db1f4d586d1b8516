"""Auditor consistency under moderation (issue 17, item 2) on hand-worked data: shifts, shrinkage, codes, words."""

from __future__ import annotations

import pandas as pd
import pytest

from qa_lib.sections.grades import display
from qa_lib.sections.grades import words as grades_words
from qa_lib.sections.grades.auditors import MIN_MODERATED, auditor_codes, consistency, letters, moderation_shifts

GRADE_BY_RANK = ["O", "G", "RI", "I"]


def moderated(auditor: str, month: str, shift: int, auditor_grade: str = "RI") -> dict[str, object]:
    """A returned, moderated audit whose moderator moved the grade `shift` steps (+ = higher, a better grade)."""
    rank = GRADE_BY_RANK.index(auditor_grade) - shift
    return {
        "auditor_id": auditor,
        "audit_month": month,
        "status": "returned",
        "moderated": True,
        "overall_grade": auditor_grade,
        "moderated_grade": GRADE_BY_RANK[rank],
    }


def frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows)


# The hand-worked groups of tests/test_stats.py::test_shrunk_means_hand_worked, as auditors' shifts:
# AU-X (first seen in January): +1, +1, 0, +1, +2; AU-Y (February): 0, 0, 0, +1, -1; AU-Z (March): 0, -1, 0, -1, 0;
# AU-W has 4 moderated audits, one fewer than the least that is shown.
HAND = (
    [moderated("AU-X", "2021-01", s) for s in (1, 1, 0, 1, 2)]
    + [moderated("AU-Y", "2021-02", s) for s in (0, 0, 0, 1, -1)]
    + [moderated("AU-Z", "2021-03", s) for s in (0, -1, 0, -1, 0)]
    + [moderated("AU-W", "2021-03", s) for s in (2, 2, 2, 2)]
)
MONTHS = ["2021-01", "2021-02", "2021-03"]


def test_a_shift_is_plus_when_the_moderator_grades_higher():
    rows = [moderated("AU-1", "2021-01", 1, "RI"), moderated("AU-1", "2021-01", -2, "G")]
    assert rows[0]["moderated_grade"] == "G" and rows[1]["moderated_grade"] == "I"
    assert moderation_shifts(frame(rows), ["2021-01"])["shift"].tolist() == [1, -2]


def test_unreturned_unmoderated_and_unattributed_audits_are_left_out():
    rows = [
        moderated("AU-1", "2021-01", 1),
        {**moderated("AU-1", "2021-01", 1), "status": "not_returned"},
        {**moderated("AU-1", "2021-01", 1), "moderated": False},
        {**moderated("AU-1", "2021-01", 1), "auditor_id": "  "},
        moderated("AU-1", "2020-12", 1),  # outside the months
    ]
    assert len(moderation_shifts(frame(rows), ["2021-01"])) == 1


def test_letters_run_like_spreadsheet_columns():
    assert [letters(i) for i in (0, 1, 25, 26, 27, 51, 52)] == ["A", "B", "Z", "AA", "AB", "AZ", "BA"]


def test_codes_follow_first_appearance_and_stay_stable_as_history_grows():
    codes = auditor_codes(frame(HAND))
    assert codes["AU-X"] == "Auditor A" and codes["AU-Y"] == "Auditor B"  # January, then February
    assert {codes["AU-Z"], codes["AU-W"]} == {"Auditor C", "Auditor D"}  # both first seen in March
    later = frame([*HAND, moderated("AU-NEW", "2021-04", 0), moderated("AU-X", "2021-04", 0)])
    assert {k: v for k, v in auditor_codes(later).items() if k != "AU-NEW"} == codes  # a newcomer changes no one's code
    assert auditor_codes(later)["AU-NEW"] == "Auditor E"
    assert auditor_codes(frame(HAND), extra=["AU-Y", "AU-CAL"])["AU-CAL"] == "Auditor E"  # a calibration-only auditor comes last


def test_codes_come_from_the_install_secret_and_cannot_be_rebuilt_from_the_ids():
    """Issue 25: a plain SHA-256 of the IDs reproduced every demo code; a keyed hash with this install's secret
    does not, and another secret gives another order (auditors first seen in the same month)."""
    import hashlib

    same_month = frame([moderated(f"AU-{i:02d}", "2021-01", 0) for i in range(1, 15)])
    a = auditor_codes(same_month, secret=b"k" * 32)
    b = auditor_codes(same_month, secret=b"j" * 32)
    assert a != b and sorted(a.values()) == sorted(b.values())
    by_sha = sorted(a, key=lambda x: hashlib.sha256(x.encode()).hexdigest())
    assert [a[x] for x in by_sha] != [f"Auditor {letters(i)}" for i in range(14)]
    assert auditor_codes(same_month, secret=b"k" * 32) == a  # the same secret: the same codes, run after run


def test_the_secret_is_made_once_privately_and_refused_when_others_can_read_it(tmp_path, monkeypatch):
    import stat

    from qa_lib.errors import QAPackError
    from qa_lib.files import install_secret

    path = tmp_path / "cfg" / "secret.key"
    monkeypatch.setenv("QA_PACK_SECRET", str(path))
    first = install_secret()
    assert len(first) == 32 and install_secret() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    with pytest.raises(QAPackError, match="no one else can read"):
        install_secret()


def test_codes_never_follow_the_ids_alphabetical_order():
    """Auditors first seen in the same month: the order comes from a hash, so renaming an ID can move it."""
    same_month = [moderated(f"AU-{i:02d}", "2021-01", 0) for i in range(1, 9)]
    codes = auditor_codes(frame(same_month))
    assert list(codes.values()) == [f"Auditor {letters(i)}" for i in range(8)]
    assert list(codes) != sorted(codes)


def test_consistency_hand_worked():
    c = consistency(frame(HAND), MONTHS, auditor_codes(frame(HAND)))
    assert c is not None
    t = c.table.set_index("code")
    assert list(t.index) == ["Auditor A", "Auditor B", "Auditor C"] or list(t.index) == ["Auditor A", "Auditor B", "Auditor D"]
    assert c.left_out == 1  # AU-W: 4 moderated audits
    x, z = t.loc["Auditor A"], t.loc[auditor_codes(frame(HAND))["AU-Z"]]
    assert (x["moderated"], x["raw_mean"]) == (5, 1.0)
    # Shrunk means as hand-worked in test_stats (B = 5/6 towards 0.2); the difference from the team is what is judged.
    assert [x["shrunk"], x["difference"]] == pytest.approx([0.86667, 0.66667], abs=5e-5)
    assert [z["shrunk"], z["difference"]] == pytest.approx([-0.3, -0.5], abs=5e-5)
    assert c.team_mean == pytest.approx(0.2)
    # Three auditors of five audits each: the spread between auditors is itself very uncertain, and three are
    # compared at once, so the interval for A's difference is wider than the normal one (0.54 either side) and
    # includes zero: no one is named on so little.
    assert x["high"] - x["low"] > 2 * 0.54401
    assert x["low"] < 0 < x["high"] and not c.table["stands_out"].any()
    f = c.funnel.set_index("code")
    # Funnel limits at n = 5: 0.2 +- 1.96 sqrt(13/30) / sqrt(5) = 0.2 +- 0.5770.
    assert f.loc["Auditor A", ["lower95", "upper95"]].tolist() == pytest.approx([0.2 - 0.57699, 0.2 + 0.57699], abs=5e-5)


# Six auditors of twenty moderated audits. Five grade as the team does: moderators move 5 of their 20 grades one
# step down and 1 one step up (mean -0.20, the team-wide shift). AU-HARSH's cases move a full step more: 14 up one
# step, 5 unchanged, 1 up two (mean +0.80).
TEAM = [-1] * 5 + [1] + [0] * 14
HARSH = [1] * 14 + [0] * 5 + [2]
SIX = [moderated(f"AU-T{i}", "2021-01", s) for i in range(5) for s in TEAM] + [moderated("AU-HARSH", "2021-01", s) for s in HARSH]


def test_words_name_only_auditors_who_differ_from_the_team_and_never_an_id():
    c = consistency(frame(SIX), ["2021-01"], auditor_codes(frame(SIX)))
    assert c is not None
    harsh = auditor_codes(frame(SIX))["AU-HARSH"]
    text = " ".join(grades_words.auditor_sentences(c.table, c.team_mean, c.left_out, c.months, MIN_MODERATED))
    assert f"{harsh} may benefit from a calibration conversation." in text
    others = [code for a, code in auditor_codes(frame(SIX)).items() if a != "AU-HARSH"]
    assert not any(f"{o}:" in text or f"{o} may" in text for o in others)  # the team-wide shift names no one
    assert "AU-" not in text
    assert "From January 2021, 6 auditors had 5 or more moderated audits (120 moderated audits in all)." in text
    assert "graded this auditor's cases higher than the team's" in text
    row = c.table.set_index("code").loc[harsh]
    assert 0 < row["low"] < row["difference"] < row["high"]
    table = display.auditor_table(c.table)
    assert table["Auditor"].tolist() == sorted(table["Auditor"], key=lambda x: (len(x), x))  # code order: never ranked
    assert table.set_index("Auditor").loc[harsh, "Reading"] == "may benefit from a calibration conversation"


def test_a_team_wide_shift_names_no_one():
    # Every auditor's cases moved one step down by moderators half the time: the team's shift, not anyone's.
    rows = [moderated(f"AU-{i}", "2021-01", s) for i in range(8) for s in [-1] * 6 + [0] * 5 + [-1 if i % 2 else 0]]
    c = consistency(frame(rows), ["2021-01"], auditor_codes(frame(rows)))
    assert c is not None and c.team_mean < -0.5 and not c.table["stands_out"].any()


def _simulated(rng, bump: float) -> dict[str, list[float]]:
    """Eight auditors of 8 to 30 moderated audits, shifts -1 / 0 / +1 with probabilities 0.33 / 0.62 / 0.05 (a
    team-wide shift of -0.28 steps, as the demo's); the first auditor's grades moved `bump` steps more."""

    out = {}
    for j in range(8):
        x = rng.choice([-1, 0, 1], size=int(rng.integers(8, 31)), p=[0.33, 0.62, 0.05]).astype(float)
        out[f"A{j}"] = list(x + (bump if j == 0 else 0.0))
    return out


def test_simulated_no_auditor_different_names_anyone_under_5_percent():
    """The issue's simulation: against zero, 100% of runs named someone; against the team, with the interval
    allowing for the between-auditor variance and the number of auditors, fewer than 5% may."""
    import numpy as np

    from qa_lib.stats import against_team

    rng = np.random.default_rng(23)
    runs = 300
    named = sum(bool(against_team(_simulated(rng, 0.0), draws=1000, seed=i).groups["stands_out"].any()) for i in range(runs))
    assert named / runs < 0.05


def test_simulated_auditor_a_full_step_from_the_team_is_named():
    import numpy as np

    from qa_lib.stats import against_team

    rng = np.random.default_rng(29)
    runs = 150
    found = sum(bool(against_team(_simulated(rng, 1.0), draws=1000, seed=i).groups["stands_out"].iloc[0]) for i in range(runs))
    assert found / runs >= 0.85


def test_no_one_is_named_when_every_interval_includes_zero():
    rows = [moderated(a, "2021-01", s) for a in ("AU-1", "AU-2") for s in (0, 1, -1, 0, 0)]
    c = consistency(frame(rows), ["2021-01"], auditor_codes(frame(rows)))
    assert c is not None and not c.table["stands_out"].any()
    text = " ".join(grades_words.auditor_sentences(c.table, c.team_mean, c.left_out, c.months, MIN_MODERATED))
    assert "calibration conversation" not in text and "by more than chance would explain" in text


def test_too_few_moderated_audits_and_no_auditor_column():
    few = [moderated("AU-1", "2021-01", 1)] * 4
    c = consistency(frame(few), ["2021-01"], auditor_codes(frame(few)))
    assert c is not None and c.table.empty and c.left_out == 1
    assert "too few" in grades_words.auditor_sentences(c.table, c.team_mean, c.left_out, c.months, MIN_MODERATED)[0]
    blank = frame([{**moderated("", "2021-01", 1)}] * 6)
    assert consistency(blank, ["2021-01"], {}) is None


def test_counts_are_shown_in_bands_never_exactly():
    """Issue 25: several codes' moderated counts were unique, so someone who knew each auditor's caseload could
    match codes to people. The table, the words and the chart show bands of five."""
    from qa_lib.sections.grades.auditors import band
    from qa_lib.sections.grades.charts import auditor_funnel_chart

    assert [band(n) for n in (5, 9, 10, 23)] == ["5 to 9", "5 to 9", "10 to 14", "20 to 24"]
    c = consistency(frame(SIX), ["2021-01"], auditor_codes(frame(SIX)))
    assert c is not None
    table = display.auditor_table(c.table)
    assert set(table["Moderated audits"]) == {"20 to 24"}
    text = " ".join(grades_words.auditor_sentences(c.table, c.team_mean, c.left_out, c.months, MIN_MODERATED))
    assert "over 20 to 24 moderated audits" in text and "over 20 moderated" not in text
    chart = auditor_funnel_chart(c.funnel, "Shift")
    assert chart.data is not None and "n=20" not in chart.alt
    assert set(chart.data["Moderated audits"]) == {"20 to 24"}


def test_the_bootstrap_gives_the_same_intervals_on_one_core_as_on_several(monkeypatch):
    """The bootstrap's blocks run side by side, one per core (`stats.team_comparison`); each draws from its own
    seed, so the intervals must be the same to the bit however many cores share them."""
    import numpy as np

    from qa_lib import stats

    values = _simulated(np.random.default_rng(7), 0.5)
    one = stats.against_team(values, draws=2000, seed=3).groups  # a small team: one thread
    monkeypatch.setattr(stats, "PARALLEL_DRAWS", 0)  # as a large team's would be drawn
    for cores in (2, 8):
        monkeypatch.setattr(stats.os, "cpu_count", lambda cores=cores: cores)
        pd.testing.assert_frame_equal(stats.against_team(values, draws=2000, seed=3).groups, one, check_exact=True)


def test_the_bootstraps_errors_are_those_of_the_model_fitted_again_step_by_step():
    """`stats._Fit.errors` works each block in place, in reused arrays; its errors must be, to the bit, those of
    the readable fit: draw the true effects and the group means as the docstring says, fit the model again with
    `_moments`, and take the refitted effect minus the true one."""
    import numpy as np

    from qa_lib import stats

    rng = np.random.default_rng(11)
    n = rng.integers(2, 25, 40).astype(float)
    mean, within, between = 12.345, 0.6, 0.05
    fit = stats._Fit(mean, within, between, n, float(n.sum()) - n.size)
    draws = 2 * stats.DRAW_BLOCK + 17  # a short last block too
    seeds = np.random.SeedSequence(5).spawn(3)
    made = fit.errors(range(3), seeds, draws)
    assert [e.shape for e in made] == [(stats.DRAW_BLOCK, 40), (stats.DRAW_BLOCK, 40), (17, 40)]
    for block, errors in enumerate(made):
        draw = np.random.default_rng(seeds[block])
        size = min(stats.DRAW_BLOCK, draws - block * stats.DRAW_BLOCK)
        truth = draw.standard_normal((size, n.size)) * np.sqrt(between)
        ybar = draw.standard_normal((size, n.size)) * np.sqrt(within / n) + truth + mean
        ss = within * draw.chisquare(float(n.sum()) - n.size, size=size)
        expected = (stats._moments(ybar, ss, n)[3] - truth).astype(np.float32)
        np.testing.assert_array_equal(errors, expected)
