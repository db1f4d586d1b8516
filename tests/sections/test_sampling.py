"""Drawing the monthly sample: every rule on hand-made caseloads, reproducibility, and the demo."""

from __future__ import annotations

import dataclasses

import nbformat
import pandas as pd
import papermill as pm
import pytest

from helpers import REPO, run_cli
from qa_lib.errors import QAPackError, ValidationFailed
from qa_lib.inputs.caseload import load_caseload
from qa_lib.inputs.load import load_audits
from qa_lib.render.html import notebook_to_html
from qa_lib.sections.sampling import figures as sampling


def caseload(rows: list[tuple]) -> pd.DataFrame:
    """(child, worker, area, plan, outcome)"""
    f = pd.DataFrame(rows, columns=["child_id", "social_worker_id", "service_area", "plan_type", "assessment_outcome"])
    return f.assign(team="", source_row=range(2, len(f) + 2))


def history(rows: list[tuple[str, str]]) -> pd.DataFrame:
    """(child, audit month)"""
    return pd.DataFrame(rows, columns=["child_id", "audit_month"])


def with_sampling(params, **changes):
    return dataclasses.replace(params, sampling=dataclasses.replace(params.sampling, **changes))


def after(result, step: int, area: str = "All service areas") -> int:
    s = result.summary
    return int(s[(s["step"] == step) & (s["service_area"] == area)]["after"].iloc[0])


@pytest.mark.parametrize("cla_first", [True, False])
def test_a_child_on_both_a_cla_and_a_cp_plan_counts_as_cla_in_every_draw(params, cla_first):
    # The repo's own cohorts.yml: swapping cla and cp in plan_precedence must fail this test.
    rows = [("CH-1", "SW-1", "East", "cla", ""), ("CH-1", "SW-1", "East", "cp", "")]
    c = caseload([*(rows if cla_first else rows[::-1]), ("CH-2", "SW-2", "East", "cp", ""), ("CH-3", "SW-3", "East", "cla", "")])
    for seed in range(5):
        cp = sampling.draw(c, history([]), "2022-01", "cp", params, seed=seed)
        cla = sampling.draw(c, history([]), "2022-01", "cla", params, seed=seed)
        assert cp.sample["child_id"].tolist() == ["CH-2"]
        assert sorted(cla.sample["child_id"]) == ["CH-1", "CH-3"]


def test_a_child_in_cp_and_cin_counts_as_cp(params):
    c = caseload([("CH-1", "SW-1", "East", "cin", ""), ("CH-1", "SW-1", "East", "cp", ""), ("CH-2", "SW-2", "East", "cin", "")])
    cin = sampling.draw(c, history([]), "2022-01", "cin", params, seed=1)
    assert cin.sample["child_id"].tolist() == ["CH-2"]
    assert after(cin, 1) == 2 and after(cin, 2) == 1  # two children, one of them in the CIN cohort
    cp = sampling.draw(c, history([]), "2022-01", "cp", params, seed=1)
    assert cp.sample["child_id"].tolist() == ["CH-1"]


def test_no_plan_cohort_needs_the_assessment_outcome(params):
    c = caseload(
        [("CH-1", "SW-1", "East", "none", "NFA"), ("CH-2", "SW-2", "East", "none", "Step down"), ("CH-3", "SW-3", "West", "none", " nfa ")]
    )
    r = sampling.draw(c, history([]), "2022-01", "no_plan_nfa", params, seed=1)
    assert sorted(r.sample["child_id"]) == ["CH-1", "CH-3"]


def test_six_month_window(params):
    # January 2022: the window is July to December 2021.
    c = caseload(
        [
            ("CH-5", "SW-1", "East", "cin", ""),
            ("CH-6", "SW-2", "East", "cin", ""),
            ("CH-7", "SW-3", "East", "cin", ""),
            ("CH-0", "SW-4", "East", "cin", ""),
        ]
    )
    h = history([("CH-5", "2021-08"), ("CH-6", "2021-07"), ("CH-7", "2021-06"), ("CH-0", "2022-01")])
    r = sampling.draw(c, h, "2022-01", "cin", params, seed=1)
    # audited 5 months ago: out; 6 months ago: out; 7 months ago: in; audited this month already: not "before", so in.
    assert sorted(r.sample["child_id"]) == ["CH-0", "CH-7"]
    assert r.summary.query("step == 3 and service_area == 'All service areas'")["excluded"].item() == 2


def test_one_child_per_worker_chosen_at_random_but_reproducibly(params):
    c = caseload([(f"CH-{k}", "SW-1", "East", "cin", "") for k in range(5)] + [("CH-9", "SW-2", "West", "cin", "")])
    picks = {sampling.draw(c, history([]), "2022-01", "cin", params, seed=s).sample["child_id"].tolist()[0] for s in range(12)}
    assert len(picks) > 1 and picks <= {f"CH-{k}" for k in range(5)}  # different seeds, different choices
    a = sampling.draw(c, history([]), "2022-01", "cin", params, seed=3).sample
    b = sampling.draw(c, history([]), "2022-01", "cin", params, seed=3).sample
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 2 and a["social_worker_id"].is_unique


def test_exclusions_list(params):
    c = caseload([("CH-1", "SW-1", "East", "cin", ""), ("CH-2", "SW-1", "East", "cin", "")])
    r = sampling.draw(c, history([]), "2022-01", "cin", with_sampling(params, exclusions=("CH-1",)), seed=1)
    assert r.sample["child_id"].tolist() == ["CH-2"]  # the worker keeps an audit: exclusions come before the per-worker choice
    assert r.summary.query("step == 4 and service_area == 'All service areas'")["excluded"].item() == 1


def test_cap_shared_fairly_across_areas(params):
    rows = [(f"CH-E{k}", f"SW-E{k}", "East", "cin", "") for k in range(10)]
    rows += [(f"CH-W{k}", f"SW-W{k}", "West", "cin", "") for k in range(5)]
    rows += [(f"CH-S{k}", f"SW-S{k}", "South", "cin", "") for k in range(5)]
    r = sampling.draw(caseload(rows), history([]), "2022-01", "cin", with_sampling(params, max_sample=8), seed=1)
    # 8 of 20 in proportion: East 10 x 8/20 = 4, West 2, South 2.
    assert r.sample["service_area"].value_counts().to_dict() == {"East": 4, "South": 2, "West": 2}
    assert after(r, 6) == 8 and after(r, 6, "East") == 4


def test_an_empty_cohort_is_a_clear_message(params):
    c = caseload([("CH-1", "SW-1", "East", "cin", "")])
    with pytest.raises(QAPackError, match="no child in the caseload is in the cohort 'cla'.*no file was written"):
        sampling.draw(c, history([]), "2022-01", "cla", params, seed=1)
    with pytest.raises(QAPackError, match="none left after the rule 'Not audited in the 6 months before 2022-01'"):
        sampling.draw(c, history([("CH-1", "2021-12")]), "2022-01", "cin", params, seed=1)


def test_caseload_errors_name_row_and_column(tmp_path, params):
    path = tmp_path / "caseload.csv"
    path.write_text("child_id,social_worker_id,service_area,plan_type\nCH-1,SW-1,East,cin\nCH-2,SW-2,CCHD,cpp\n,SW-3,West,cla\n")
    with pytest.raises(ValidationFailed) as exc:
        load_caseload(path, params)
    text = str(exc.value)
    assert "caseload.csv row 3, column service_area: 'CCHD' is not a service area in params" in text and "did you mean 'CCHDT'?" in text
    assert "caseload.csv row 3, column plan_type: 'cpp' is not a plan type; expected none, cin, cp, cla or care_leaver" in text
    assert "caseload.csv row 4, column child_id: blank is not allowed" in text


def test_cli_is_reproducible_byte_for_byte_and_writes_nothing_on_an_empty_cohort(tmp_path, demo_csv, monkeypatch, capsys):
    def sample(caseload_csv, cohort: str, out, *seed: str) -> tuple[int, str]:
        return run_cli(
            monkeypatch, capsys, "sample", "--caseload", str(caseload_csv), "--history", str(demo_csv),
            "--month", "2022-01", "--cohort", cohort, *seed, "--out", str(out),
        )  # fmt: skip

    runs = {}
    for name, seed in (("a", "5"), ("b", "5"), ("c", "6")):
        out = tmp_path / name / "sample.csv"
        code, said = sample(demo_csv.with_name("caseload.csv"), "cin", out, "--seed", seed)
        assert code == 0, said
        runs[name] = out.read_bytes()
        assert (out.parent / "sampling_summary.csv").is_file()
    assert runs["a"] == runs["b"] and runs["a"] != runs["c"]
    empty = tmp_path / "none" / "sample.csv"
    (tmp_path / "one.csv").write_text("child_id,social_worker_id,service_area,plan_type\nCH-1,SW-1,East,cin\n")
    code, said = sample(tmp_path / "one.csv", "cla", empty)
    assert code == 1 and "no child in the caseload is in the cohort 'cla'" in said and "Traceback" not in said
    assert not empty.parent.exists()


def test_demo_draw_respects_every_rule(demo_csv, params):
    cases = load_caseload(demo_csv.with_name("caseload.csv"), params).frame
    past = load_audits(demo_csv, params).frame
    r = sampling.draw(cases, past, "2022-01", "cin", params, seed=1)
    s = r.sample
    recent = set(past.loc[past["audit_month"].between("2021-07", "2021-12"), "child_id"])
    assert not set(s["child_id"]) & recent  # nobody audited in the window
    assert after(r, 3) < after(r, 2)  # the demo caseload holds recently audited children, and they were left out
    assert s["social_worker_id"].is_unique and s["child_id"].is_unique
    highest = sampling.highest_plans(cases, params.sampling.plan_precedence).set_index("child_id")["plan_type"]
    assert (highest.loc[s["child_id"]] == "cin").all()
    twice = cases[cases.duplicated("child_id", keep=False)]
    assert not set(twice.loc[twice["plan_type"] == "cp", "child_id"]) & set(s["child_id"])  # CP+CIN children count as CP
    # The sample is an audits file in contract format, ready to distribute and fill in.
    path = demo_csv.parent / "sample-check.csv"
    s.to_csv(path, index=False)
    loaded = load_audits(path, params).frame
    assert (loaded["status"] == "not_returned").all() and len(loaded) == len(s)


@pytest.mark.slow
def test_sampling_notebook_html_has_no_identifiers(demo_csv, tmp_path):
    out = tmp_path / "sampling.ipynb"
    pm.execute_notebook(
        str(REPO / "notebooks" / "sampling.ipynb"),
        str(out),
        kernel_name="python3",
        cwd=str(REPO / "notebooks"),
        parameters={"caseload_path": str(demo_csv.with_name("caseload.csv")), "history_path": str(demo_csv)},
        progress_bar=False,
    )
    html = notebook_to_html(nbformat.read(out, as_version=4), "Drawing the monthly audit sample")
    cases = pd.read_csv(demo_csv.with_name("caseload.csv"), dtype=str)
    assert not [v for col in ("child_id", "social_worker_id") for v in cases[col].unique() if v in html]
    assert "Children before and after each rule" in html and "<script" not in html


def test_caseload_from_a_named_excel_sheet(tmp_path, params):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    ws = wb.create_sheet("Open cases")
    ws.append(["Child_ID", "social_worker_id", "Service Area", "plan_type", "assessment_outcome"])
    ws.append(["CH-1", "SW-1", "east", "Child in Need", ""])
    ws.append(["CH-2", "SW-2", "West", "CP", ""])
    path = tmp_path / "caseload.xlsx"
    wb.save(path)
    frame = load_caseload(path, params, sheet="Open cases").frame
    assert frame[["child_id", "service_area", "plan_type"]].values.tolist() == [["CH-1", "East", "cin"], ["CH-2", "West", "cp"]]
    assert frame["source_row"].tolist() == [2, 3]


def test_with_a_cap_the_workers_audited_least_recently_come_first(params):
    # East: four workers, one child each; SW-3 never audited, SW-2 last in June, SW-4 in September, SW-1 in
    # December. A cap of 2 takes SW-3 and SW-2 whatever the seed.
    c = caseload([(f"CH-{i}", f"SW-{i}", "East", "cin", "") for i in range(1, 5)])
    past = history([("CH-91", "2021-12"), ("CH-92", "2021-06"), ("CH-94", "2021-09")])
    past = past.assign(social_worker_id=["SW-1", "SW-2", "SW-4"])
    for seed in range(6):
        drawn = sampling.draw(c, past, "2022-01", "cin", with_sampling(params, max_sample=2), seed=seed)
        assert sorted(drawn.sample["social_worker_id"]) == ["SW-2", "SW-3"]


def test_over_a_year_every_worker_is_audited_before_anyone_is_audited_twice(params):
    # 10 workers in one area, each with three children; a cap of 3 a month. Drawn month after month with each
    # sample added to the history: at the end of every month no worker has two audits more than another, so
    # no one has a second audit while someone still has none (month 4 gives the last worker a first audit).
    c = caseload([(f"CH-{w}-{k}", f"SW-{w:02d}", "East", "cin", "") for w in range(10) for k in range(3)])
    past = pd.DataFrame(columns=["child_id", "audit_month", "social_worker_id"])
    counts = dict.fromkeys((f"SW-{w:02d}" for w in range(10)), 0)
    for m in range(1, 11):
        month = f"2022-{m:02d}"
        drawn = sampling.draw(c, past, month, "cin", with_sampling(params, max_sample=3), seed=m)
        for worker in drawn.sample["social_worker_id"]:
            counts[worker] += 1
        assert max(counts.values()) - min(counts.values()) <= 1, (month, counts)
        new = drawn.sample[["child_id", "social_worker_id"]].assign(audit_month=month)
        past = pd.concat([past, new], ignore_index=True)
    assert sum(counts.values()) == 30 and set(counts.values()) == {3}


def test_each_sample_has_a_manifest_that_defends_the_draw_and_names_no_one(demo_csv, tmp_path, monkeypatch, capsys):
    import hashlib
    import json

    from helpers import run_cli

    caseload_csv = demo_csv.with_name("caseload.csv")
    out = tmp_path / "samples" / "sample.csv"
    args = ["sample", "--caseload", str(caseload_csv), "--history", str(demo_csv), "--month", "2022-01", "--cohort", "cin"]
    code, said = run_cli(monkeypatch, capsys, *args, "--seed", "7", "--out", str(out))
    assert code == 0, said
    manifest = json.loads(out.with_name("sample_manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["caseload"]["sha256"] == hashlib.sha256(caseload_csv.read_bytes()).hexdigest()
    assert manifest["inputs"]["history"]["sha256"] == hashlib.sha256(demo_csv.read_bytes()).hexdigest()
    assert (manifest["month"], manifest["cohort"], manifest["seed"]) == ("2022-01", "cin", 7)
    sample = pd.read_csv(out, dtype=str)
    assert manifest["drawn"] == len(sample) == manifest["steps"][-1]["after"]
    text = out.with_name("sample_manifest.json").read_text(encoding="utf-8")
    assert not any(child in text for child in sample["child_id"])
    assert out.with_name("sample_manifest.json").stat().st_mode & 0o777 == 0o600


def test_cases_graded_inadequate_are_re_audited_after_the_set_months(params):
    # History (hand-made): October 2021 audits. CH-9 inadequate (auditor); CH-8 requires improvement, moderated
    # to inadequate; CH-7 inadequate, moderated to requires improvement; CH-6 inadequate but in September.
    past = pd.DataFrame(
        [
            ("CH-9", "2021-10", "returned", False, "", "I", "cp", "SW-9"),
            ("CH-8", "2021-10", "returned", True, "I", "RI", "cla", "SW-8"),
            ("CH-7", "2021-10", "returned", True, "RI", "I", "cin", "SW-7"),
            ("CH-6", "2021-09", "returned", False, "", "I", "cin", "SW-6"),
        ],
        columns=["child_id", "audit_month", "status", "moderated", "moderated_grade", "overall_grade", "cohort", "social_worker_id"],
    )
    c = caseload(
        [
            ("CH-9", "SW-9", "East", "cp", ""),
            ("CH-8", "SW-8", "East", "cla", ""),
            ("CH-7", "SW-7", "East", "cin", ""),
            ("CH-6", "SW-6", "East", "cin", ""),
            ("CH-1", "SW-1", "East", "cin", ""),
        ]
    )
    rules = with_sampling(params, reaudit_grades=("I",), reaudit_after_months=3)
    drawn = sampling.draw(c, past, "2022-01", "cin", rules, seed=3)
    s = drawn.sample.set_index("child_id")
    assert sorted(s.index[s["reaudit"] == "yes"]) == ["CH-8", "CH-9"]  # final grade inadequate in October
    assert s.loc["CH-9", "cohort"] == "cp" and s.loc["CH-8", "cohort"] == "cla"  # filed under the cohort re-audited
    assert sorted(s.index[s["reaudit"] == "no"]) == ["CH-1"]  # CH-6 and CH-7 were audited within the 6 months
    again = sampling.draw(c, past, "2022-01", "cin", rules, seed=3)  # the same inputs and seed: the same file
    assert again.sample.to_csv(index=False) == drawn.sample.to_csv(index=False)
    last = drawn.summary[drawn.summary["service_area"] == "All service areas"].iloc[-1]
    assert last["rule"].startswith("Added for re-audit: graded I in 2021-10") and last["added"] == 2 and last["after"] == 3


def test_a_practice_week_draws_each_area_to_its_size(params):
    # Three areas with 4, 2 and 3 eligible workers; sizes East 2, West 3 (only 2 there), North 0.
    c = caseload(
        [(f"CH-E{i}", f"SW-E{i}", "East", "cin", "") for i in range(4)]
        + [(f"CH-W{i}", f"SW-W{i}", "West", "cin", "") for i in range(2)]
        + [(f"CH-N{i}", f"SW-N{i}", "North", "cin", "") for i in range(3)]
    )
    areas = ("East", "West", "North")
    rules = dataclasses.replace(with_sampling(params, practice_week={"East": 2, "West": 3, "North": 0}), service_areas=areas)
    drawn = sampling.draw(c, history([]).assign(social_worker_id=[]), "2022-01", "cin", rules, seed=4, practice_week=True)
    assert drawn.sample["service_area"].value_counts().to_dict() == {"East": 2, "West": 2}
    with pytest.raises(QAPackError, match="no sizes set"):
        sampling.draw(c, history([]), "2022-01", "cin", with_sampling(params, practice_week={}), seed=4, practice_week=True)
