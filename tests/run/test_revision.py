"""What changed (qa_lib.run.revision): a run that replaces the published version of the same period opens
with "Changes since the version of ...", keeps the earlier version in history/, and its e-mail says revised."""

from __future__ import annotations

import email
import email.policy
import json

import pandas as pd
import pytest

from helpers import REPO, qa_pack


@pytest.mark.slow
def test_a_late_correction_appears_in_changes_since_and_the_earlier_version_is_kept(demo_csv, tmp_path):
    out = tmp_path / "qa"
    params = str(REPO / "params" / "demo.yml")
    first = qa_pack("run", "--params", params, "--audits", str(demo_csv), "--out", str(out), "--quiet")
    assert first.returncode == 0, first.stderr
    assert not (out / "revision.json").exists()
    grades = pd.read_csv(out / "tables" / "overall_grades.csv", dtype={"audit_month": str})
    good = int(grades.loc[(grades["audit_month"] == "2021-12") & (grades["grade"] == "G"), "count"].iloc[0])
    ri = int(grades.loc[(grades["audit_month"] == "2021-12") & (grades["grade"] == "RI"), "count"].iloc[0])
    made = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["created"]

    # A moderator's correction arrives late: one December audit graded requires improvement is now good.
    rows = pd.read_csv(demo_csv, dtype=str, keep_default_na=False)
    pick = rows.index[
        (rows["audit_month"] == "2021-12") & (rows["status"] == "returned") & (rows["overall_grade"] == "Requires Improvement")
    ][0]
    rows.loc[pick, "overall_grade"] = "Good"
    corrected = tmp_path / "audits-corrected.csv"
    rows.to_csv(corrected, index=False)
    second = qa_pack("run", "--params", params, "--audits", str(corrected), "--out", str(out), "--quiet", "--no-cache")
    assert second.returncode == 0, second.stderr

    page = (out / "highlight_report.html").read_text(encoding="utf-8")
    assert "Changes since the version of" in page
    assert f"Overall grades, December 2021, good: count {good} → {good + 1}" in page
    assert f"Overall grades, December 2021, requires improvement: count {ri} → {ri - 1}" in page
    assert "October 2021, good" not in page  # only what changed
    earlier = list((out / "history").iterdir())
    assert len(earlier) == 1 and (earlier[0] / "highlight_report.html").exists()
    assert json.loads((earlier[0] / "manifest.json").read_text(encoding="utf-8"))["created"] == made

    mail = qa_pack("email", "--run", str(out), "--params", params)
    assert mail.returncode == 0, mail.stderr
    msg = email.message_from_bytes((out / "email.eml").read_bytes(), policy=email.policy.default)
    assert msg["Subject"].startswith("Revised: ")
    body = msg.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "This report revises the version of" in body and "overall grades" in body


def test_an_earlier_table_not_as_the_pack_wrote_it_is_never_shown_again(tmp_path):
    """Issue 25: "changes since" read an earlier version's tables unchecked into the report. A count cell holding
    text (say an ID typed into it), or a key that is not a month, makes that table's comparison skipped."""
    import json

    import pandas as pd

    from qa_lib.inputs.period import Period
    from qa_lib.run.revision import revision

    earlier = tmp_path / "earlier"
    (earlier / "tables").mkdir(parents=True)
    (earlier / "manifest.json").write_text(json.dumps({"created": "2022-01-05T09:00:00+00:00"}), encoding="utf-8")
    good = pd.DataFrame({"audit_month": ["2021-12"], "distributed": ["77"], "returned": ["37"], "exempt": ["10"]})
    new = {"returns": pd.DataFrame({"audit_month": ["2021-12"], "distributed": [77], "returned": [38], "exempt": [10]})}
    good.to_csv(earlier / "tables" / "returns.csv", index=False)
    rev = revision(earlier, new, Period("2021-10", "2021-12"))
    assert [(c.column, c.old, c.new) for c in rev.changes] == [("returned", "37", "38")]
    good.assign(returned=["CH-864660"]).to_csv(earlier / "tables" / "returns.csv", index=False)
    assert revision(earlier, new, Period("2021-10", "2021-12")).changes == ()
    good.assign(audit_month=["Jo Bloggs"]).to_csv(earlier / "tables" / "returns.csv", index=False)
    assert revision(earlier, new, Period("2021-10", "2021-12")).changes == ()


def test_an_earlier_version_whose_tables_are_this_runs_own_bytes_has_nothing_changed(demo_figures, tmp_path, monkeypatch):
    """A re-run under a key the cache knows publishes the tables a run under that key wrote (their bytes, kept):
    an earlier version of the same period whose compared tables are those very bytes changed nothing, and is not
    read into frames again; one byte otherwise, and the tables are compared as always."""
    from qa_lib.files import write_marker
    from qa_lib.inputs.period import Period
    from qa_lib.run import compute
    from qa_lib.run.tables import all_tables, rounded, write_tables

    period = Period("2021-10", "2021-12")
    earlier = tmp_path / "qa"
    earlier.mkdir()
    write_tables(rounded(all_tables(demo_figures)), earlier)
    write_marker(earlier, ["tables", "manifest.json"])
    manifest = {"created": "2022-01-05T09:00:00+00:00", "period": {"from": period.start, "to": period.end}}
    (earlier / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    kept = {f"tables/{p.name}": p.read_bytes() for p in (earlier / "tables").glob("*.csv")}
    build = tmp_path / "build"
    build.mkdir()

    def not_again(*_):
        raise AssertionError("the tables were made again")

    with monkeypatch.context() as m:
        m.setattr(compute, "all_tables", not_again)
        assert compute.with_revision(demo_figures, earlier, period, build, kept) == (demo_figures, None)
    grades = kept["tables/overall_grades.csv"].decode()
    changed = {**kept, "tables/overall_grades.csv": grades.replace("2021-12,G,", "2021-12,G,1", 1).encode()}
    assert changed != kept
    shown, tables = compute.with_revision(demo_figures, earlier, period, build, changed)
    assert tables is not None and shown is demo_figures  # compared in full: the same figures, nothing revised
    assert not (build / "revision.json").exists()
