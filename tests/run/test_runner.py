"""`qa-pack run` end to end on the demo data: offline HTML, no identifiers, contract tables, atomic publishing."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from helpers import PLANTED, QA_PACK, REPO
from qa_lib.errors import RunFailed
from qa_lib.inputs.params import load_params
from qa_lib.run.runner import run

CHARTS = {
    "highlight_report.html": 2,  # a highlight: the return rate against target and the overall grades (issue 26)
    "compliance.html": 6,
    "grades.html": 8,
    "comparators.html": 3,
    "themes.html": 1,
}  # charts each report draws
REPORTS = list(CHARTS)


@pytest.mark.parametrize("name", REPORTS)
def test_html_is_self_contained_and_offline(published, name):
    html = (published / name).read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert not re.search(r"<link[^>]+href=[\"']?https?:", html, re.I)
    assert not re.search(r"@import\s+url\(\s*[\"']?https?:", html, re.I)
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", html, re.I)
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == CHARTS[name]  # every chart, each embedded with alt text
    assert all('src="data:image/png;base64,' in img and 'alt="' in img for img in images)
    assert (published / name).stat().st_size < 1_500_000


def test_html_has_title_headings_alt_text_and_hidden_code(published):
    html = (published / "compliance.html").read_text(encoding="utf-8")
    assert "<title>Audit compliance and social worker participation – October, November and December 2021</title>" in html
    assert re.search(r"<h2[^>]*>1\. Audits distributed and returned", html)
    assert 'alt="Audit return rate by month, against the 80% target.' in html
    assert "Oct 2021 55% (38 of 69)" in html  # alt text states the figures
    assert "open_run(" not in html and "import " not in html  # code cells hidden
    assert re.search(r"<th [^>]*>Audits distributed</th>", html)  # real table header cells
    assert re.search(r"<caption>Audits distributed and returned by month and cohort</caption>", html)
    assert "Compliance has increased from 55% in October to 71% in November, although it remains below the 80% target." in html


def test_no_identifier_or_free_text_reaches_html_or_tables(published, planted_csv):
    df = pd.read_csv(planted_csv, dtype=str, keep_default_na=False)
    outputs = [*(published / n for n in REPORTS), published / "manifest.json", *(published / "tables").glob("*.csv")]
    text = "\n".join(p.read_text(encoding="utf-8") for p in outputs)
    for col in ("child_id", "social_worker_id", "auditor_id", "audit_id"):
        leaked = [v for v in df[col].unique() if v and v in text]
        assert not leaked, f"{col} values in outputs: {leaked[:5]}"
    assert PLANTED not in text and "zq@example.org" not in text


def test_tables_follow_the_contract(published):
    t = published / "tables"
    returns = pd.read_csv(t / "returns.csv", dtype={"audit_month": str})
    assert returns.columns.tolist() == ["audit_month", "cohort", "distributed", "returned", "exempt", "return_rate"]
    assert returns.values.tolist() == [
        ["2021-10", "no_plan_nfa", 69, 38, 17, 55.1],
        ["2021-11", "cin", 69, 49, 23, 71.0],
        ["2021-12", "cp", 77, 37, 10, 48.1],
    ]
    assert (t / "returns.csv").read_text().splitlines()[2] == "2021-11,cin,69,49,23,71.0"  # one decimal, always
    area = pd.read_csv(t / "returns_by_area.csv")
    assert area.columns.tolist() == ["audit_month", "service_area", "distributed", "returned", "return_rate"]
    assert area[(area["audit_month"] == "2021-10") & (area["service_area"] == "CCHDT")][
        ["distributed", "returned", "return_rate"]
    ].values.tolist() == [[4, 4, 100.0]]
    part = pd.read_csv(t / "participation.csv")
    assert part.columns.tolist() == ["audit_month", "returned", "participated", "participation_rate"]
    assert part["participation_rate"].tolist() == [55.3, 65.3, 51.4]
    reasons = pd.read_csv(t / "non_participation_reasons.csv")
    assert reasons.columns.tolist() == ["audit_month", "reason", "count"]
    assert reasons.groupby("audit_month")["count"].sum().tolist() == [17, 17, 18]  # returned - participated


def test_grades_report_content(published):
    html = (published / "grades.html").read_text(encoding="utf-8")
    assert "<title>Audit quality: moderation, overall grades and practice standards – October, November and December 2021</title>" in html
    assert "15 out of 38 audits were moderated in October." in html
    assert "<strong>November moderations – Child in Need plan</strong>" in html
    # Plain words in the sentences; the coefficients with their intervals in the table.
    assert "Agreement beyond chance was somewhere between moderate and substantial" in html
    assert "0.59 (0.44 to 0.74)" in html and "weighted kappa 0.59" not in html
    assert html.count("data:image/png;base64,") >= 5


def test_quality_tables_follow_the_contract(published):
    t = published / "tables"
    mod = pd.read_csv(t / "moderation.csv", dtype={"audit_month": str})
    assert mod.columns.tolist() == ["audit_month", "from_grade", "to_grade", "outcome", "count"]
    assert set(mod["outcome"]) == {"same", "upgraded", "downgraded"}
    assert mod.groupby("audit_month")["count"].sum().tolist() == [15, 37, 20]
    area = pd.read_csv(t / "grades_by_area.csv")
    assert area.columns.tolist() == ["service_area", "O", "G", "RI", "I", "ALL"]
    assert area.iloc[-1].tolist() == ["TOTAL", 1, 32, 64, 27, 124]
    og = pd.read_csv(t / "overall_grades.csv", dtype={"audit_month": str})
    assert og.columns.tolist() == ["audit_month", "grade", "count", "percent"]
    assert og[og["audit_month"] == "2021-10"]["grade"].tolist() == ["O", "G", "RI", "I"]
    st = pd.read_csv(t / "standards.csv", dtype={"audit_month": str})
    assert st.columns.tolist() == [
        "audit_month",
        "standard",
        "graded",
        "good_or_outstanding",
        "requires_improvement",
        "inadequate",
        "pct_good_or_outstanding",
        "pct_requires_improvement",
        "pct_inadequate",
    ]
    risk_nov = st[(st["audit_month"] == "2021-11") & (st["standard"] == "risk")].iloc[0]
    assert (risk_nov["graded"], risk_nov["good_or_outstanding"], risk_nov["pct_good_or_outstanding"]) == (49, 29, 59.2)
    assert len(st) == 27  # 3 months x 9 standards


def test_manifest_accounts_for_every_row(published, planted_csv):
    m = json.loads((published / "manifest.json").read_text())
    rows = planted_csv.read_bytes().count(b"\n") - 1
    assert m["input"]["rows_read"] == rows == m["input"]["rows_used"] + m["input"]["rows_rejected"]
    assert m["input"]["sha256"] == hashlib.sha256(planted_csv.read_bytes()).hexdigest()
    assert m["period"] == {"from": "2021-10", "to": "2021-12", "months": ["2021-10", "2021-11", "2021-12"]}
    assert {"pandas", "pandera", "papermill", "nbconvert"} <= set(m["versions"])
    assert m["timings_seconds"]["total"] > 0
    assert {o["file"] for o in m["outputs"]} >= {"compliance.html", "tables/returns.csv"}


def test_nothing_private_is_left_behind(published):
    files = [p.relative_to(published).as_posix() for p in published.rglob("*")]
    assert not any(f.endswith((".parquet", ".ipynb")) or f.startswith("_work") for f in files), files
    assert not list(published.parent.glob(".demo.*"))  # no build or old folders


def _broken_notebooks(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    shutil.copytree(REPO / "notebooks", folder)
    nb = nbformat.read(folder / "compliance.ipynb", as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell("raise ValueError('planted failure')"))
    nbformat.write(nb, folder / "compliance.ipynb")
    return folder


@pytest.mark.slow
def test_failed_notebook_publishes_nothing_and_keeps_the_last_report(published, planted_csv, tmp_path):
    out = tmp_path / "run"
    shutil.copytree(published, out)
    before = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    params = load_params(REPO / "params" / "demo.yml")
    with pytest.raises(RunFailed) as exc:
        run(
            params.with_overrides(notebooks=("compliance",)),
            audits=planted_csv,
            out=out,
            quiet=True,
            notebooks_dir=_broken_notebooks(tmp_path),
        )
    msg = str(exc.value)
    # Cell 5 of the executed notebook: papermill inserts its injected-parameters cell after cell 1.
    assert "notebook compliance.ipynb failed at cell 5" in msg and "starting \"raise ValueError('planted failure')\"" in msg
    assert "ValueError: planted failure" in msg
    assert {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert (tmp_path / "run.failed" / "compliance.ipynb").exists()
    assert not list(tmp_path.glob(".run.*"))


def test_bad_data_stops_the_run_before_anything_is_written(tmp_path, demo_csv):
    df = pd.read_csv(demo_csv, dtype=str, keep_default_na=False)
    df.loc[6, "grade_voice"] = "Excelent"
    bad = tmp_path / "audits.csv"
    df.to_csv(bad, index=False)
    out = tmp_path / "out"
    proc = subprocess.run(
        [QA_PACK, "run", "--params", str(REPO / "params" / "demo.yml"), "--audits", str(bad), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "audits.csv row 8, column grade_voice: a value (not shown: it may identify someone) is not a grade" in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


def test_refuses_to_replace_a_folder_that_is_not_a_run(tmp_path, demo_csv):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.docx").write_text("keep me")
    proc = subprocess.run(
        [QA_PACK, "run", "--params", str(REPO / "params" / "demo.yml"), "--audits", str(demo_csv), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and "is not a qa-pack run folder" in proc.stderr
    assert (out / "thesis.docx").read_text() == "keep me"


@pytest.mark.slow
def test_period_override_from_the_command_line(tmp_path, demo_csv):
    out = tmp_path / "nov"
    shutil.copy(REPO / "params" / "pack.yml", tmp_path / "pack.yml")
    (tmp_path / "run.yml").write_text("include: [pack.yml]\nperiod: {from: '2021-10', to: '2021-12'}\nnotebooks: [compliance]\n")
    proc = subprocess.run(
        [
            QA_PACK,
            "run",
            "--params",
            str(tmp_path / "run.yml"),
            "--audits",
            str(demo_csv),
            "--from",
            "2021-11",
            "--to",
            "2021-11",
            "--out",
            str(out),
            "--quiet",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    returns = pd.read_csv(out / "tables" / "returns.csv", dtype={"audit_month": str})
    assert returns[["audit_month", "distributed", "returned"]].values.tolist() == [["2021-11", 69, 49]]
    assert "<title>Audit compliance and social worker participation – November 2021</title>" in (out / "compliance.html").read_text()


def test_a_period_with_no_audits_is_explained(tmp_path, demo_csv):
    proc = subprocess.run(
        [
            QA_PACK,
            "run",
            "--params",
            str(REPO / "params" / "demo.yml"),
            "--audits",
            str(demo_csv),
            "--from",
            "2022-01",
            "--to",
            "2022-03",
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "has no audits in the reporting period 2022-01 to 2022-03; its months run from 2021-01 to 2021-12" in proc.stderr


def test_comparator_and_theme_reports_and_tables(published):
    comp = (published / "comparators.html").read_text(encoding="utf-8")
    assert "Child in Need plan: audited in January, May and November 2021." in comp
    themes_html = (published / "themes.html").read_text(encoding="utf-8")
    assert "<strong>4.1 Actions raised in October, November and December 2021</strong>" in themes_html  # the demo register
    assert "<strong>4.3 You said, we did</strong>" in themes_html and "92 days overdue" in themes_html
    assert "Exemplar quotes are switched off" in themes_html
    assert "23 (47%) of the audits were graded as requires improvement and 11 (22%) audits were graded as inadequate" in themes_html
    t = pd.read_csv(published / "tables" / "comparators.csv", dtype={"audit_month": str})
    assert t.columns.tolist() == ["cohort", "audit_month", "standard", "graded", "pct_good_or_outstanding"]
    assert sorted(t.loc[t["cohort"] == "cin", "audit_month"].unique()) == ["2021-01", "2021-05", "2021-11"]
    th = pd.read_csv(published / "tables" / "themes.csv")
    assert th.columns.tolist() == ["audit_month", "theme", "audits", "returned", "percent"]


@pytest.fixture(scope="module")
def quoted(demo_csv, tmp_path_factory):
    """A run with quotes switched on, on a file whose comments hold identifiers, a name and personal details."""
    folder = tmp_path_factory.mktemp("quoted")
    for name in ("pack.yml", "themes.yml", "actions.yml"):
        shutil.copy(REPO / "params" / name, folder / name)
    (folder / "run.yml").write_text(
        "include: [pack.yml, themes.yml]\nperiod: {from: '2021-10', to: '2021-12'}\nnotebooks: [themes]\nactions: actions.yml\n"
        "quotes: {enabled: true, per_theme: 3, redact_names: [Zebedee Quartermaine], allowed_words: [NHS]}\n"
    )
    df = pd.read_csv(demo_csv, dtype=str, keep_default_na=False)
    ids = df[["child_id", "social_worker_id", "auditor_id"]].values
    secrets = []
    for i, col in enumerate([c for c in df.columns if c.startswith("comment_")]):
        has = df[col].ne("")
        child, worker, auditor = ids[i]
        planted = (
            f"Genogram shared with Zebedee Quartermaine and {child} ({worker}, {auditor}); mum on 07700 900{i:03d}, "
            f"zq{i}@example.org, NHS 943 476 59{i:02d}, BD{i + 1} 4AS, seen 1{i}/03/2021. Chronology and genogram updated"
        )
        secrets += [
            child,
            worker,
            auditor,
            f"07700 900{i:03d}",
            f"zq{i}@example.org",
            f"943 476 59{i:02d}",
            f"BD{i + 1} 4AS",
            f"1{i}/03/2021",
        ]
        df.loc[has, col] = planted + ". " + df.loc[has, col]
    audits = folder / "audits.csv"
    df.to_csv(audits, index=False)
    out = folder / "out"
    proc = subprocess.run(
        [QA_PACK, "run", "--params", str(folder / "run.yml"), "--audits", str(audits), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    return out, secrets


def test_quotes_are_redacted_before_they_reach_the_html(quoted):
    out, secrets = quoted
    html = (out / "themes.html").read_text(encoding="utf-8")
    assert "Exemplar quotes from auditors&#x27; comments (redacted)" in html or "Exemplar quotes from auditors' comments (redacted)" in html
    assert "Genogram shared with [redacted]" in html  # the planted sentence was quoted, redacted
    for value in [*secrets, "Zebedee", "Quartermaine", "example.org"]:
        assert value not in html, value
    tables = "\n".join(p.read_text() for p in (out / "tables").glob("*.csv"))
    assert "Zebedee" not in tables and not any(s in tables for s in secrets)


def test_highlight_report_is_one_document_in_the_reference_order(published):
    html = (published / "highlight_report.html").read_text(encoding="utf-8")
    assert "<title>Quality Assurance Highlight Report – October, November and December 2021</title>" in html
    headings = [re.sub(r"<[^>]+>|¶", "", h).strip() for h in re.findall(r"<h[23] id=\"[^\"]+\">(.*?)</h[23]>", html, re.S)]
    expected = [
        "Key messages",
        "1. Context and background: Quality Assurance Framework",
        "2. Audit compliance and quality",
        "2.1 Audit compliance",
        "2.2 Social worker participation",
        "2.3 Audit quality: moderation",
        "3. Findings of monthly case file audits",
        "3.1.1 Overall grades",
        "3.1.2 Audit grades across the practice standards",
        "3.1.3 Comparator cohorts",
        "3.2 Key themes",
        "4. Themes and actions taken forward",
        "Appendix: data quality",
        "Appendix: how to read this report",
    ]
    assert headings == expected
    for words in (
        "Programme name",
        "Children &amp; Young People Service",
        "There were 17 exemptions in October",
        "Audits moderated and their outcome, by month",
        "All 976 rows were used; none were rejected.",
        "<strong>4.1 Actions raised in October, November and December 2021</strong>",
        "<strong>4.3 You said, we did</strong>",
        "Compliance has increased from 55% in October to 71% in November",
    ):
        assert words in html, words
    # The detail is one link away, in the section report, never lost (issue 26).
    grades = (published / "grades.html").read_text(encoding="utf-8")
    assert "15 out of 38 audits were moderated in October." in grades and 'href="grades.html"' in html
    assert "<caption>Rows in " in (published / "compliance.html").read_text(encoding="utf-8")


def test_contents_links_all_resolve(published):
    html = (published / "highlight_report.html").read_text(encoding="utf-8")
    found = re.search(r'<nav class="qa-toc".*?</nav>', html, re.S)
    assert found is not None
    nav = found.group(0)
    links = re.findall(r'href="#([^"]+)"', nav)
    assert len(links) == 14
    for anchor in links:
        assert f'id="{anchor}"' in html, anchor
    assert html.index("<nav") < html.index("1. Context and background")


def test_tables_workbook(published):
    import openpyxl

    wb = openpyxl.load_workbook(published / "tables.xlsx")
    csvs = sorted(p.stem for p in (published / "tables").glob("*.csv"))
    assert sorted(wb.sheetnames) == csvs
    ws = wb["returns"]
    assert [c.value for c in ws[1]] == ["audit_month", "cohort", "distributed", "returned", "exempt", "return_rate"]
    assert ws["A1"].font.bold
    assert ws["F2"].value == pytest.approx(0.551) and ws["F2"].number_format == "0.0%"  # 55.1% stored as a number
    assert ws["C2"].value == 69 and isinstance(ws["C2"].value, int)


def test_every_report_stays_under_one_and_a_half_megabytes(published):
    sizes = {p.name: p.stat().st_size for p in published.glob("*.html")}
    assert len(sizes) == 5 and max(sizes.values()) < 1_500_000, sizes


def test_a_folder_made_from_a_file_of_the_same_name_is_only_a_hint(tmp_path):
    """`made_from`: the manifest of the report in the folder names the audits file (a re-run into the same folder,
    where the run begins reading identifiers early); anything else, however malformed, is simply no."""
    import json

    from qa_lib.run.publish import MANIFEST_MOST, made_from

    out = tmp_path / "out"
    out.mkdir()
    assert not made_from(out, tmp_path / "audits.csv")  # no manifest
    (out / "manifest.json").write_text(json.dumps({"input": {"file": "audits.csv"}}), encoding="utf-8")
    assert made_from(out, tmp_path / "elsewhere" / "audits.csv")
    assert not made_from(out, tmp_path / "audits_2022.csv")
    for hostile in ("[1, 2]", "{not json", json.dumps({"input": "audits.csv"}), json.dumps({"input": {"file": ["audits.csv"]}})):
        (out / "manifest.json").write_text(hostile, encoding="utf-8")
        assert not made_from(out, tmp_path / "audits.csv")
    (out / "manifest.json").write_text(json.dumps({"input": {"file": "audits.csv"}, "pad": "x" * MANIFEST_MOST}), encoding="utf-8")
    assert not made_from(out, tmp_path / "audits.csv")  # not what the pack writes: not read
    (out / "manifest.json").unlink()
    (tmp_path / "real.json").write_text(json.dumps({"input": {"file": "audits.csv"}}), encoding="utf-8")
    (out / "manifest.json").symlink_to(tmp_path / "real.json")
    assert not made_from(out, tmp_path / "audits.csv")
