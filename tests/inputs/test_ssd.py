"""The SSD extract (data contract section 6) and what happened next to audited children (6.2), hand-worked:
open on a date, the window's edges, the latest open episode, unmatched and not-yet-followed-up audits, every
validation error and warning, and no ID's value in any message."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from qa_lib.inputs.ssd import SsdInvalid, read_ssd
from qa_lib.sections.outcomes.figures import compute
from qa_lib.stats import trend_test

TODAY = dt.date(2026, 12, 6)


def write(folder: Path, name: str, header: str, *rows: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def extract(folder: Path) -> Path:
    """Six persons, each with the one thing the hand-worked figures below turn on."""
    write(folder, "ssd_person", "pers_person_id,pers_forename,pers_dob", *(f"P{i},Name{i},2010-01-01" for i in range(1, 6)))
    write(
        folder,
        "ssd_cin_episodes",
        "cine_referral_id,cine_person_id,cine_referral_date,cine_close_date",
        "R1,P1,2020-06-01,2021-12-01",  # P1: open on A, but not the latest open one
        "R2,P1,2021-02-28,NULL",  # P1: referred on A itself: not in the window, and the latest open on A (never closed)
        "R3,P1,2022-02-28 00:00:00.000,",  # P1: referred on E: in the window
        "R4,P2,2020-01-01,2021-08-01",  # P2: open on A, closed inside the window
        "R5,P3,2020-01-01,",
        "R6,P4,2020-01-01,",
        "R7,P5,2021-01-01,",
        "R9,PX,2021-01-01,",  # a person not in ssd_person: set aside
    )
    write(folder, "ssd_cp_plans", "cppl_person_id,cppl_cp_plan_start_date,cppl_cp_plan_end_date", "P2,2021-03-01T09:30,")
    write(
        folder,
        "ssd_cla_episodes",
        "clae_person_id,clae_cla_episode_start,clae_cla_episode_ceased,clae_cla_id",  # the older column names
        "P3,2020-01-01,,C3",  # P3 looked after on A
        "P4,2021-05-01,,C4",  # P4 enters care in the window
    )
    write(
        folder,
        "ssd_cla_placement",
        "clap_person_id,clap_cla_id,clap_cla_placement_start_date,clap_cla_placement_end_date",
        ",C3,2021-06-01,",  # P3 moves placement (its person found through the episode)
        "P3,,2020-01-01,2021-06-01",
    )
    return folder


def audits() -> pd.DataFrame:
    rows = [
        ("P1", "2021-02", "I"),
        ("P2", "2021-02", "G"),
        ("P3", "2021-02", "RI"),
        ("P4", "2021-02", "RI"),
        ("P5", "2022-06", "G"),  # E = 2023-06-30, after the extract date: not followed up
        ("P6", "2021-02", "I"),  # not in ssd_person
        ("P2", "2022-09", "G"),  # after the period's last month: not counted
    ]
    return pd.DataFrame(
        {
            "child_id": [r[0] for r in rows],
            "audit_month": [r[1] for r in rows],
            "overall_grade": [r[2] for r in rows],
            "status": "returned",
            "moderated": False,
            "moderated_grade": "",
        }
    )


def test_what_happened_next_hand_worked(tmp_path):
    ssd = read_ssd(extract(tmp_path / "ssd"), "run", today=TODAY, extract_date=dt.date(2022, 12, 31))
    assert ssd.set_aside == {"ssd_cin_episodes.csv": 1}
    f = compute(audits(), ssd, follow_up_months=12, last_month="2022-06")
    got = f.table.set_index("grade_group").astype(object).where(f.table.set_index("grade_group").notna(), None)
    expected = {
        # matched, followed up, re-referral, new CP plan, entered care, looked after on A, moved, closed
        "good_or_outstanding": [2, 1, 0, 1, 0, 0, 0, 1],
        "requires_improvement": [2, 2, 0, 0, 1, 1, 1, 0],
        "inadequate": [1, 1, 1, 0, 0, 0, 0, 0],
        "not_matched": [1, None, None, None, None, None, None, None],
    }
    assert list(got.index) == list(expected)
    for group, values in expected.items():
        assert list(got.loc[group]) == values, group
    assert f.audits_counted == 6 and f.extract_date == "2022-12-31"


def test_without_an_extract_date_it_is_the_latest_date_in_the_rows_used(tmp_path):
    ssd = read_ssd(extract(tmp_path / "ssd"), "run", today=TODAY)
    assert ssd.extract_date == dt.date(2022, 2, 28)  # R3's referral (PX's row, set aside, is not used)
    f = compute(audits(), ssd, follow_up_months=12, last_month="2022-06")
    # E for a February 2021 audit is 2022-02-28 = X: followed up (E <= X)
    assert int(f.table.set_index("grade_group").at["inadequate", "followed_up"]) == 1


@pytest.mark.parametrize(
    ("name", "header", "row", "column", "expected"),
    [
        ("ssd_person", "pers_person_id,pers_forename,pers_dob", "NULL,Name9,2010-01-01", "pers_person_id", "it is blank"),
        ("ssd_person", "pers_person_id,pers_forename,pers_dob", "P1,Name1,2010-01-01", "pers_person_id", "on an earlier row too"),
        (
            "ssd_cin_episodes",
            "cine_referral_id,cine_person_id,cine_referral_date,cine_close_date",
            "R1,P1,2021-13-01,",
            "cine_referral_date",
            "YYYY-MM-DD",
        ),
        (
            "ssd_cin_episodes",
            "cine_referral_id,cine_person_id,cine_referral_date,cine_close_date",
            "R8,P1,2027-01-01,",
            "cine_referral_date",
            "in the future",
        ),
        (
            "ssd_cin_episodes",
            "cine_referral_id,cine_person_id,cine_referral_date,cine_close_date",
            "R8,P1,2021-05-01,2021-04-30",
            "cine_close_date",
            "on or after",
        ),
        (
            "ssd_cin_episodes",
            "cine_referral_id,cine_person_id,cine_referral_date,cine_close_date",
            "R8,,2021-05-01,",
            "cine_person_id",
            "it is blank",
        ),
        (
            "ssd_cin_episodes",
            "cine_referral_id,cine_person_id,cine_referral_date,cine_close_date",
            "R8,P1,,",
            "cine_referral_date",
            "a start date",
        ),
        ("ssd_cp_plans", "cppl_person_id,cppl_cp_plan_start_date", "P1,2021-01-01", "cppl_cp_plan_end_date", "was not found"),
        (
            "ssd_cla_placement",
            "clap_person_id,clap_cla_id,clap_cla_placement_start_date,clap_cla_placement_end_date",
            ",,2021-01-01,",
            "clap_person_id or clap_cla_id",
            "both are blank",
        ),
        (
            "ssd_cla_episodes",
            "clae_person_id,clae_cla_episode_start_date,clae_cla_episode_ceased_date,clae_cla_id",
            "P2,2021-01-01,,C3",
            "clae_cla_id",
            "another person",
        ),
    ],
)
def test_each_error_names_file_row_and_column_never_the_value(tmp_path, name, header, row, column, expected):
    folder = extract(tmp_path / "ssd")
    path = folder / f"{name}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    # the row added under the file's own header, or under the header given (keeping the rows where they fit)
    kept = lines[1:] if lines[0] == header or name == "ssd_cla_episodes" else []
    path.write_text("\n".join([header, *kept, row]) + "\n", encoding="utf-8")
    with pytest.raises(SsdInvalid) as err:
        read_ssd(folder, "run", today=TODAY)
    message = str(err.value)
    assert f"{name}.csv row" in message and column in message and expected in message, message
    for value in ("P1", "P2", "R1", "R8", "C3", "Name1"):
        assert f" {value}" not in message and f"'{value}'" not in message, message


def test_a_needed_file_missing_is_named_and_an_optional_one_is_not(tmp_path):
    folder = extract(tmp_path / "ssd")
    (folder / "ssd_cp_plans.csv").unlink()
    with pytest.raises(SsdInvalid, match="ssd_cp_plans.csv.*needed"):
        read_ssd(folder, "run", today=TODAY)
    folder = extract(tmp_path / "ssd2")
    (folder / "ssd_cla_placement.csv").unlink()  # needed by run, not by sample
    with pytest.raises(SsdInvalid):
        read_ssd(folder, "run", today=TODAY)


def test_names_and_dates_of_birth_are_never_read(tmp_path):
    ssd = read_ssd(extract(tmp_path / "ssd"), "run", today=TODAY)
    assert list(ssd.frame("ssd_person").columns) == ["pers_person_id", "row"]
    assert not any("Name" in str(v) for f in ssd.frames.values() for v in f.to_numpy().ravel())


def test_cochran_armitage_matches_agrestis_worked_example():
    """Agresti, Categorical Data Analysis (2nd ed., table 3.7 / section 3.4.6): infant malformation by
    mother's alcohol consumption, scores 0, 0.5, 1.5, 4, 7: M-squared = 6.57, P = 0.01."""
    present, absent = [48, 38, 5, 1, 1], [17066, 14464, 788, 126, 37]
    test = trend_test(present, [a + b for a, b in zip(present, absent)], [0, 0.5, 1.5, 4, 7], exact=False)
    assert test.z**2 == pytest.approx(6.57, abs=0.005) and test.p == pytest.approx(0.0104, abs=0.0005)


def test_the_exact_trend_test_hand_worked():
    """3 of 9 children had the outcome, all 3 in the third group of 3: of the 84 ways to place 3 outcomes among
    9, one puts all in the third group and one all in the first (as far from the mean, 3): p = 2/84."""
    test = trend_test([0, 0, 3], [3, 3, 3], [0, 1, 2])
    assert test.exact and test.p == pytest.approx(2 / 84)


def caseload_extract(folder: Path) -> Path:
    """For a draw in January 2022 (d = 2022-01-01)."""
    write(folder, "ssd_person", "pers_person_id", *(f"K{i}" for i in range(1, 10)))
    write(
        folder,
        "ssd_cin_episodes",
        "cine_referral_id,cine_person_id,cine_referral_date,cine_close_date",
        "E1,K1,2022-01-01,",  # starts on d: open
        "E2,K2,2021-05-01,2022-01-01",  # ends on d: not open
        "E3,K3,2021-05-01,",
        "E4,K4,2021-05-01,",
        "E5,K5,2021-05-01,",
        "E6,K6,2021-05-01,",
        "E7,K7,2021-05-01,",
        "E8,K8,2021-05-01,",
    )
    write(
        folder,
        "ssd_cla_episodes",
        "clae_person_id,clae_cla_episode_start_date,clae_cla_episode_ceased_date",
        "K3,2021-06-01,",
        "K9,2021-06-01,",
    )
    write(folder, "ssd_cp_plans", "cppl_person_id,cppl_cp_plan_start_date,cppl_cp_plan_end_date", "K3,2021-06-01,", "K4,2021-06-01,")
    write(folder, "ssd_cin_plans", "cinp_person_id,cinp_cin_plan_start,cinp_cin_plan_end", "K4,2021-06-01,", "K5,2021-06-01,")
    write(
        folder,
        "ssd_involvements",
        "invo_professional_id,invo_professional_role_id,invo_professional_team,invo_involvement_start_date,invo_involvement_end_date,invo_person_id,invo_referral_id",
        "W1,Allocated Case Worker,T1,2021-05-01,,K1,",
        "W3a, allocated case worker ,T1,2021-05-01,,,E3",  # found through the referral; role compared loosely
        "W3b,Allocated Case Worker,T1,2021-07-01,,K3,",  # the latest start wins
        "W4a,Allocated Case Worker,East team,2021-05-01,,K4,",
        "W4b,Allocated Case Worker,East team,2021-05-01,,K4,",  # equal starts: the one lower in the file
        "W5,Team Manager,T1,2021-05-01,,K5,",  # not a worker role: K5 is unallocated
        "W6,Allocated Case Worker,Nowhere,2021-05-01,,K6,",  # a team with no service area: set aside
        "W7,Allocated Case Worker,Mapped,2021-05-01,,K7,",  # mapped in params
        "W8,Allocated Case Worker,T1,2021-05-01,2022-01-01,K8,",  # ended on d: K8 unallocated
    )
    write(folder, "ssd_department", "dept_team_id,dept_team_name,dept_team_parent_name", "T1,Central team 1,Central", "T2,East team,East")
    return folder


def test_the_caseload_from_the_ssd_hand_worked(tmp_path):
    from qa_lib.inputs.params import SsdSettings
    from qa_lib.sections.sampling.ssd import caseload_from_ssd

    ssd = read_ssd(caseload_extract(tmp_path / "ssd"), "sample", today=TODAY)
    settings = SsdSettings(service_areas={"Mapped": "West"})
    c = caseload_from_ssd(ssd, "2022-01", settings, ("Central", "East", "West"))
    got = {r.child_id: (r.social_worker_id, r.team, r.service_area, r.plan_type) for r in c.frame.itertuples()}
    assert got == {
        "K1": ("W1", "Central team 1", "Central", "none"),
        "K3": ("W3b", "Central team 1", "Central", "cla"),  # looked after over a CP plan
        "K4": ("W4b", "East team", "East", "cp"),  # found by team name; a CP plan over a CIN plan
        "K7": ("W7", "Mapped", "West", "none"),
    }
    assert c.open_children == 7  # K1, K3 to K8 (K2's episode ended on d)
    assert dict((reason.split(" (")[0], n) for reason, n in c.set_aside) == {
        "looked after or on a child protection plan with no open CIN episode": 1,  # K9
        "no allocated social worker": 2,  # K5, K8
        "no service area, or one not in params": 1,  # K6
    }
    assert (c.frame["assessment_outcome"] == "").all()


def test_a_demo_draw_takes_only_children_open_on_the_first_day_with_the_plan_stated(demo_csv):
    from helpers import REPO
    from qa_lib.inputs.params import load_params
    from qa_lib.sections.sampling.ssd import caseload_from_ssd

    params = load_params(REPO / "params" / "demo.yml")
    ssd = read_ssd(demo_csv.parent / "ssd", "sample", today=TODAY)
    c = caseload_from_ssd(ssd, "2022-01", params.ssd, params.service_areas)
    d = "2022-01-01"
    episodes = pd.read_csv(demo_csv.parent / "ssd" / "ssd_cin_episodes.csv", dtype=str, keep_default_na=False)
    open_ = set(
        episodes[(episodes["cine_referral_date"] <= d) & ((episodes["cine_close_date"] == "") | (episodes["cine_close_date"] > d))][
            "cine_person_id"
        ]
    )
    assert len(c.frame) > 200 and set(c.frame["child_id"]) <= open_
    plans: dict[str, str] = {}
    for name, person, start, end, plan in (
        ("ssd_cla_episodes", "clae_person_id", "clae_cla_episode_start_date", "clae_cla_episode_ceased_date", "cla"),
        ("ssd_cp_plans", "cppl_person_id", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date", "cp"),
        ("ssd_cin_plans", "cinp_person_id", "cinp_cin_plan_start_date", "cinp_cin_plan_end_date", "cin"),
    ):
        f = pd.read_csv(demo_csv.parent / "ssd" / f"{name}.csv", dtype=str, keep_default_na=False)
        for p in f[(f[start] <= d) & ((f[end] == "") | (f[end] > d))][person]:
            plans.setdefault(p, plan)  # cla first, then cp, then cin: the first found is the highest
    for r in c.frame.itertuples():
        assert r.plan_type == plans.get(r.child_id, "none"), r.child_id


def test_the_extracts_warnings_are_counted_in_words_never_listed(tmp_path):
    from qa_lib.sections.outcomes.words import data_notes

    ssd = read_ssd(extract(tmp_path / "ssd"), "run", today=TODAY, extract_date=dt.date(2021, 12, 31))
    assert ssd.after_extract_date == 1  # R3's referral (2022-02-28); PX's row, set aside, is not counted
    said = " ".join(data_notes(ssd.set_aside, ssd.after_extract_date))
    assert "ssd_cin_episodes.csv 1" in said and "1 date in the extract falls after its extract date" in said
    assert "PX" not in said and "R9" not in said


def test_sample_from_the_ssd_on_the_command_line(demo_csv, tmp_path, monkeypatch, capsys):
    import json

    from helpers import REPO, run_cli

    out = tmp_path / "jan" / "sample.csv"
    args = ("sample", "--ssd", str(demo_csv.parent / "ssd"), "--history", str(demo_csv), "--month", "2022-01", "--cohort", "cin")
    code, text = run_cli(monkeypatch, capsys, *args, "--out", str(out), "--params", str(REPO / "params" / "demo.yml"))
    assert code == 0, text
    summary = pd.read_csv(out.with_name("sampling_summary.csv"))
    step0 = summary[summary["step"] == 0]
    assert list(step0["excluded"]) == [99, 8, 8]  # the demo's: on a plan with no open episode, unallocated, unmapped
    assert int(step0["after"].iloc[-1]) == int(summary[summary["step"] == 1]["before"].iloc[0])  # the counts follow on
    manifest = json.loads(out.with_name("sample_manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["inputs"]["ssd"]["files"]) >= {"ssd_person.csv", "ssd_involvements.csv"}
    code, text = run_cli(monkeypatch, capsys, *args[:-2], "--cohort", "no_plan_nfa", "--out", str(tmp_path / "n" / "s.csv"))
    assert code == 1 and "cannot be drawn from an SSD extract" in text
    code, text = run_cli(monkeypatch, capsys, "sample", "--history", str(demo_csv), "--month", "2022-01", "--cohort", "cin")
    assert code == 1 and "give one of --caseload FILE or --ssd FOLDER" in text


def test_the_way_a_rate_moves_is_the_trends_not_the_two_ends():
    """Review: the sentence said "rose" when inadequate's rate was above good or outstanding's, whatever the
    trend across all three grades. The way now follows the trend statistic (and the report's beyond_chance)."""
    from qa_lib.sections.outcomes.words import trend_sentences

    assert trend_test([1, 2, 4], [10, 10, 10], [0, 1, 2]).slope > 0
    assert trend_test([4, 2, 1], [10, 10, 10], [0, 1, 2]).slope < 0
    # Good or outstanding 20% (40/200), requires improvement 1% (10/1000), inadequate 22% (11/50): the ends rise,
    # but by hand p = 61/1250 = 0.0488 and the statistic is 1 x (10 - 48.8) + 2 x (11 - 2.44) = -21.7: a fall.
    rates = pd.DataFrame(
        {
            "grade_group": ["good_or_outstanding", "requires_improvement", "inadequate"],
            "outcome": "re_referral",
            "count": [40, 10, 11],
            "of": [200, 1000, 50],
            "percent": [20.0, 1.0, 22.0],
        }
    )
    test = trend_test([40, 10, 11], [200, 1000, 50], [0, 1, 2])
    assert test.slope < 0  # the bulk of audits, in the middle grade, pulls the trend down
    trends = pd.DataFrame({"outcome": ["re_referral"], "q": [0.001], "slope": [test.slope]})
    said = trend_sentences(rates, trends)[0]
    assert " fell from files graded good or outstanding" in said, said


@pytest.mark.parametrize("value", ["2022-13-45", "31/12/2022", "yesterday"])
def test_an_extract_date_that_is_not_a_date_is_a_params_message(tmp_path, value):
    from helpers import REPO
    from qa_lib.errors import ParamsError
    from qa_lib.inputs.params import load_params

    path = tmp_path / "run.yml"
    path.write_text(f"include: [{REPO / 'params' / 'pack.yml'}]\nssd: {{folder: ssd, extract_date: '{value}'}}\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="ssd extract_date: expected a date as YYYY-MM-DD") as err:
        load_params(path)
    assert value not in str(err.value)
