"""Wider releases protected together (issue 25, item 2): a reader who keeps every release in a folder and its
history combines them; each new release is protected as one problem with every earlier one (`releases.json`)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from helpers import REPO, qa_pack
from qa_lib.disclosure.ledger import Ledger, apply_ledger, qualified, read_ledger, release_entry
from qa_lib.disclosure.problem import Problem, ProtectionError
from qa_lib.disclosure.suppress import choose


def line() -> Problem:
    """October: distributed 20 = returned 17 + not returned 3 (a small implied count)."""
    p = Problem()
    p.count(("ret", "2021-10", "distributed"), 20)
    p.count(("ret", "2021-10", "returned"), 17)
    p.complement(("ret", "2021-10", "distributed"), [("ret", "2021-10", "returned")], ("not_returned", "2021-10"))
    return p


def test_a_count_shown_before_is_known_and_one_hidden_before_stays_hidden():
    p = line()
    earlier = Ledger(shown={("ret", "2021-10", "distributed"): 20}, hidden=frozenset({("ret", "2021-10", "returned")}))
    forced = apply_ledger(p, earlier, 5, "2021-10..2021-12")
    assert p.kind[("ret", "2021-10", "distributed")] == "fixed"  # a reader who kept that release knows it
    assert forced == {("ret", "2021-10", "returned")}
    assert ("ret", "2021-10", "returned") in choose(p, 5, forced=forced)


def test_a_small_change_to_a_count_shown_before_is_refused_never_quoting_it():
    p = line()
    earlier = Ledger(shown={("ret", "2021-10", "returned"): 16})  # a late return since: 16 -> 17
    with pytest.raises(ProtectionError) as err:
        apply_ledger(p, earlier, 5, "2021-10..2021-12")
    said = str(err.value)
    assert "changed by fewer than 5" in said and "ret 2021-10 returned" in said and "16" not in said and "17" not in said
    apply_ledger(line(), Ledger(shown={("ret", "2021-10", "returned"): 10}), 5, "2021-10..2021-12")  # a change of 7: allowed


def test_a_count_over_a_whole_period_is_that_periods_only():
    assert qualified(("grade_area", "CCHDT", "O"), "2021-07..2021-09") == ("@period", "2021-07..2021-09", "grade_area", "CCHDT", "O")
    assert qualified(("ret", "2021-10", "returned"), "2021-10..2021-12") == ("ret", "2021-10", "returned")
    p = Problem()
    p.count(("grade_area", "CCHDT", "O"), 3)
    earlier = Ledger(shown={qualified(("grade_area", "CCHDT", "O"), "2021-07..2021-09"): 2})
    apply_ledger(p, earlier, 5, "2021-10..2021-12")  # another period's count of the same name: not the same count
    shown, hidden = release_entry(p, {("grade_area", "CCHDT", "O")}, "2021-10..2021-12")
    assert shown == {} and hidden == {("@period", "2021-10..2021-12", "grade_area", "CCHDT", "O")}


def test_a_damaged_ledger_stops_the_release(tmp_path):
    (tmp_path / "releases.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ProtectionError, match="cannot be read"):
        read_ledger(tmp_path)
    assert read_ledger(tmp_path / "nothing") == Ledger()


def wider(tmp_path: Path, period: tuple[str, str]) -> Path:
    path = tmp_path / f"wider-{period[0]}.yml"
    path.write_text(
        f"include: {REPO / 'params' / 'demo.yml'}\naudience: wider\nperiod: {{from: '{period[0]}', to: '{period[1]}'}}\n", encoding="utf-8"
    )
    return path


@pytest.mark.slow
@pytest.mark.parametrize(
    "periods",
    [(("2021-07", "2021-09"), ("2021-10", "2021-12")), (("2021-09", "2021-11"), ("2021-10", "2021-12"))],
    ids=["quarterly", "overlapping"],
)
def test_two_releases_in_one_folder_narrow_nothing_together(demo_csv, tmp_path, periods):
    """An attacker who keeps both releases: every count the first showed is known while the second is solved;
    no count the second hides, nor one the first hid, can be narrowed below 5 wide; and every count the first
    hid is still hidden in the second."""
    from qa_lib.disclosure import relations
    from qa_lib.disclosure.attacker import ranges
    from qa_lib.figures import compute_all
    from qa_lib.inputs.load import load_audits
    from qa_lib.inputs.params import load_params
    from qa_lib.inputs.period import Period

    out = tmp_path / "wider"
    for period in periods:
        proc = qa_pack(
            "run", "--params", str(wider(tmp_path, period)), "--audits", str(demo_csv), "--out", str(out), "--no-cache", "--quiet"
        )
        assert proc.returncode == 0, proc.stderr
    first = read_ledger(next((out / "history").iterdir()))
    both = json.loads((out / "releases.json").read_text(encoding="utf-8"))
    assert len(both["releases"]) == 2
    second_hidden = {tuple(k) for k in both["hidden"]}
    assert first.hidden <= second_hidden | {tuple(k) for k, _ in both["shown"] if tuple(k) in first.shown}
    assert not (first.hidden & {tuple(k) for k, _ in both["shown"]})  # nothing hidden before is shown now

    params = load_params(wider(tmp_path, ("2021-10", "2021-12")))
    data = load_audits(demo_csv, params)
    figures = compute_all(data.frame, params, Period("2021-10", "2021-12"), data.summary())
    problem = relations.build(figures)
    names = {qualified(k, "2021-10..2021-12"): k for k in problem.value}
    known = {names[n] for n in first.shown if n in names} | {names[n] for n in {tuple(k) for k, _ in both["shown"]} if n in names}
    for k in known:
        problem.kind[k] = "fixed"
    unknown = {k for k in problem.value if k not in known}
    targets = {k for k in unknown if k in problem.sensitive and (problem.kind[k] == "cell" or 1 <= problem.value[k] < 5)}
    found = ranges(problem, unknown)
    narrow = {k: r for k, r in found.items() if k in targets and r[1] - r[0] < 5}
    assert not narrow, sorted(narrow)[:5]


@pytest.mark.slow
def test_a_late_return_rerun_that_would_show_a_small_change_is_refused(demo_csv, tmp_path):
    out = tmp_path / "wider"
    params = wider(tmp_path, ("2021-10", "2021-12"))
    assert qa_pack("run", "--params", str(params), "--audits", str(demo_csv), "--out", str(out), "--no-cache", "--quiet").returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    late = pd.read_csv(demo_csv, dtype=str, keep_default_na=False)
    row = late.index[(late["audit_month"] == "2021-12") & (late["status"] == "not_returned")][0]
    donor = late[(late["audit_month"] == "2021-12") & (late["status"] == "returned")].iloc[0]
    for col in late.columns:
        if col not in ("audit_id", "child_id", "social_worker_id", "auditor_id", "audit_month", "cohort", "service_area", "team"):
            late.at[row, col] = donor[col]
    path = tmp_path / "late.csv"
    late.to_csv(path, index=False)
    proc = qa_pack("run", "--params", str(params), "--audits", str(path), "--out", str(out), "--no-cache", "--quiet")
    assert proc.returncode == 1 and "changed by fewer than 5" in proc.stderr and "Traceback" not in proc.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
