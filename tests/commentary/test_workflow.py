"""The commentary workflow end to end, as a QA lead uses it: draft, edit, publish; the data changes; an
identifier slips in. Real runs (marked slow)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers import REPO, qa_pack

pytestmark = pytest.mark.slow
PARAMS = str(REPO / "params" / "demo.yml")


def edit(path: Path, key: str, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"<!-- qa-pack section {key} "))
    end = next((i for i in range(at + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    path.write_text("\n".join([*lines[: at + 1], "", text, "", *lines[end:]]), encoding="utf-8")


@pytest.fixture(scope="module")
def drafted(demo_csv, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("commentary")
    path = folder / "commentary.md"
    proc = qa_pack("commentary", "--params", PARAMS, "--audits", str(demo_csv), "--write", str(path))
    assert proc.returncode == 0, proc.stderr
    edit(
        path,
        "compliance",
        "Returns fell in December, which the team links to staff leave. <script>alert(1)</script> **We will chase weekly.**",
    )
    return path


def test_draft_edit_publish(drafted, demo_csv, tmp_path):
    text = drafted.read_text(encoding="utf-8")
    assert "## Key messages" in text and "## 3.2 Key themes" in text
    assert "Compliance has dropped sharply from 71% in November to 48% in December" not in text  # the lead replaced it
    out = tmp_path / "out"
    proc = qa_pack("run", "--params", PARAMS, "--audits", str(demo_csv), "--commentary", str(drafted), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    page = (out / "highlight_report.html").read_text(encoding="utf-8")
    assert "Returns fell in December, which the team links to staff leave." in page
    assert "<strong>We will chase weekly.</strong>" in page  # simple formatting kept
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # markup is text
    assert "Compliance has dropped sharply from 71% in November to 48% in December" not in page  # the lead's words replace it
    assert "There were 17 exemptions in October, 23 in November and 10 in December 2021." in page  # unedited: drafted
    assert "The text of 2.1 Audit compliance was written by the QA lead" in page
    assert "- **Returns:** 48% of audits came back in December" not in page and "<strong>Returns:</strong> 48%" in page  # key messages


def changed_data(demo_csv: Path, folder: Path) -> Path:
    """The demo with one more December audit returned (a late return): December's figures change."""
    df = pd.read_csv(demo_csv, dtype=str, keep_default_na=False)
    late = df.index[(df["audit_month"] == "2021-12") & (df["status"] == "not_returned")][0]
    like = df[(df["audit_month"] == "2021-12") & (df["status"] == "returned")].iloc[0]
    for col in df.columns:
        if col not in ("audit_id", "child_id", "social_worker_id", "service_area", "cohort", "audit_month", "team", "auditor_id"):
            df.at[late, col] = like[col]
    path = folder / "audits-late.csv"
    df.to_csv(path, index=False)
    return path


def test_changed_data_stops_before_publishing_then_can_be_accepted(drafted, demo_csv, tmp_path):
    late = changed_data(demo_csv, tmp_path)
    out = tmp_path / "out"
    proc = qa_pack("run", "--params", PARAMS, "--audits", str(late), "--commentary", str(drafted), "--out", str(out), "--quiet")
    assert proc.returncode == 1
    assert "the figures behind 'Audit compliance' have changed since" in proc.stderr and "Nothing was published." in proc.stderr
    assert not out.exists()
    args = ("--audits", str(late), "--commentary", str(drafted), "--out", str(out), "--quiet", "--accept-changed-data")
    proc = qa_pack("run", "--params", PARAMS, *args)
    assert proc.returncode == 0, proc.stderr
    page = (out / "highlight_report.html").read_text(encoding="utf-8")
    assert "was written against earlier data; the figures have changed since" in page


def test_an_identifier_in_the_commentary_stops_the_run_naming_the_section_only(drafted, demo_csv, tmp_path):
    child = pd.read_csv(demo_csv, dtype=str)["child_id"].iloc[5]
    planted = tmp_path / "commentary.md"
    planted.write_text(drafted.read_text(encoding="utf-8"), encoding="utf-8")
    edit(planted, "key-themes", f"Good direct work, as in the file of {child.lower().replace('-', ' ')}.")
    out = tmp_path / "out"
    proc = qa_pack("run", "--params", PARAMS, "--audits", str(demo_csv), "--commentary", str(planted), "--out", str(out), "--quiet")
    assert proc.returncode == 1
    assert "is in the commentary for 'Key themes'" in proc.stderr
    digits = child.split("-")[-1]
    assert digits not in proc.stderr + proc.stdout and not out.exists()


def test_a_re_run_that_reads_only_the_identifiers_still_stops_an_identifier(drafted, demo_csv, tmp_path):
    """Issue 29: a re-run of a file its key has validated reads only the identifier columns (the run cache holds
    the figures). The QA lead's words are still searched for every identifier, however it is typed."""
    worker = pd.read_csv(demo_csv, dtype=str)["social_worker_id"].iloc[7]
    first = qa_pack("run", "--params", PARAMS, "--audits", str(demo_csv), "--out", str(tmp_path / "one"))
    assert first.returncode == 0, first.stderr
    assert "validated before" not in first.stderr  # cold: read and validated in full (progress goes to stderr)
    planted = tmp_path / "commentary.md"
    planted.write_text(drafted.read_text(encoding="utf-8"), encoding="utf-8")
    edit(planted, "participation", f"Thanks to {worker.upper().replace('-', ' – ')} for taking part.")
    out = tmp_path / "two"
    again = qa_pack("run", "--params", PARAMS, "--audits", str(demo_csv), "--commentary", str(planted), "--out", str(out))
    assert "validated before (the same file, params and code)" in again.stderr  # the quick read was taken
    assert again.returncode == 1
    assert "is in the commentary for 'Social worker participation'" in again.stderr
    assert worker.split("-")[-1] not in again.stderr + again.stdout and not out.exists()
