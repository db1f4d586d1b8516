"""The hostile corpus, fast part: data files, params, file types, output folders, samples and e-mail,
each tried as an attacker (or a tired analyst) would. Every case asserts the exact message, the exit
status and what is on disk afterwards. Real runs (injection, signals, valid edge cases) are in
test_hostile_runs.py."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest

from helpers import HEADER, REPO, row, run_cli, write_rows
from qa_lib.errors import ParamsError, QAPackError
from qa_lib.files import MARKER
from qa_lib.inputs.params import load_params
from qa_lib.run.workspace import LOCK, PREFIX, remove_stale

CHILD = "CHX-778812"  # a planted child ID: it must never appear in any message


def rows(n: int = 4, **change: str) -> list[dict[str, str]]:
    return [row(audit_id=f"A{k}", child_id=f"CHX-{k:06d}", social_worker_id=f"SW-{k}", **change) for k in range(1, n + 1)]


def assert_clean(code: int, text: str, expected_code: int = 1) -> None:
    assert code == expected_code, text
    assert "Traceback" not in text
    assert all(len(line) <= 2100 for line in text.splitlines()), "a message line is unbounded"


# ------------------------------------------------------------------ data files


def test_excel_error_values_are_named(tmp_path, monkeypatch, capsys):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows(2):
        ws.append(list(r.values()))
    ws.cell(row=3, column=HEADER.index("grade_risk") + 1).value = "#REF!"
    ws.cell(row=3, column=HEADER.index("grade_risk") + 1).data_type = "e"
    ws.cell(row=2, column=HEADER.index("grade_voice") + 1).value = "#N/A"
    ws.cell(row=2, column=HEADER.index("grade_voice") + 1).data_type = "e"
    wb.save(tmp_path / "audits.xlsx")
    code, text = run_cli(monkeypatch, capsys, "validate", str(tmp_path / "audits.xlsx"))
    assert_clean(code, text)
    assert "audits.xlsx row 3, column grade_risk: an Excel error value (#REF!) is not a grade" in text
    assert "audits.xlsx row 2, column grade_voice: an Excel error value (#N/A) is not a grade" in text


def test_a_stray_windows_byte_in_a_utf8_file_is_named_by_row(tmp_path, monkeypatch, capsys):
    path = write_rows(tmp_path / "audits.csv", rows(5, strengths="Zoë's plan"))
    data = path.read_bytes().replace("Zoë's plan".encode(), b"Zo\xeb's plan", 1)  # row 2 only: cp1252 byte
    path.write_bytes(data)
    code, text = run_cli(monkeypatch, capsys, "validate", str(path))
    assert_clean(code, text)
    assert "audits.csv row 2: a character that is not valid UTF-8" in text and "save the file again as CSV UTF-8" in text


def test_a_whole_windows_1252_file_is_still_read(tmp_path, monkeypatch, capsys):
    path = write_rows(tmp_path / "audits.csv", rows(3, strengths="Zoë"), encoding="cp1252")
    code, text = run_cli(monkeypatch, capsys, "validate", str(path))
    assert_clean(code, text, 0)
    assert "3 rows read, 3 used, 0 rejected" in text


def test_utf16_is_read_with_the_right_row_count(tmp_path, monkeypatch, capsys):
    path = write_rows(tmp_path / "audits.csv", rows(20), encoding="utf-16")
    code, text = run_cli(monkeypatch, capsys, "validate", str(path))
    assert_clean(code, text, 0)
    assert "20 rows read, 20 used, 0 rejected" in text


@pytest.mark.parametrize(
    "name,content,words",
    [
        (
            "audits.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "this is an old Excel .xls file or a password-protected workbook",
        ),
        (
            "audits.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "this is an old Excel .xls file or a password-protected workbook",
        ),
        ("audits.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "this is a PDF file"),
        ("audits.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        ("audits.ods", None, "this is an OpenDocument (.ods) spreadsheet"),
        ("audits.xlsx", "zip", "this is a zip file, not an .xlsx workbook"),
        ("audits.numbers", b"hello", "this is a .numbers file"),
    ],
)
def test_other_file_types_are_said_plainly(tmp_path, monkeypatch, capsys, name, content, words):
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            z.writestr("content.xml", "<x/>")
    elif content == "zip":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("notes.txt", "not a workbook")
    else:
        path.write_bytes(content)
    code, text = run_cli(monkeypatch, capsys, "validate", str(path))
    assert_clean(code, text)
    assert words in text and "save it as .xlsx or CSV (UTF-8)" in text


def test_uk_dates_are_summarised_by_column_and_read_with_dayfirst(tmp_path, monkeypatch, capsys):
    header = [*HEADER, "date_distributed"]
    data = [r | {"date_distributed": f"{k:02d}/10/2021"} for k, r in enumerate(rows(12), start=1)]
    path = write_rows(tmp_path / "audits.csv", data, header)
    code, text = run_cli(monkeypatch, capsys, "validate", str(path))
    assert_clean(code, text)
    lines = text.splitlines()
    assert lines[1] == (
        "audits.csv: date_distributed: 12 rows are not ISO dates, e.g. row 2 '01/10/2021'; this looks like "
        "DD/MM/YYYY (Excel's UK format): set `date_format: dayfirst` in params to read such dates, "
        "or save them as YYYY-MM-DD"
    )
    assert lines[2].startswith("audits.csv row 2, column date_distributed: '01/10/2021' is not a date")
    params = tmp_path / "dayfirst.yml"
    params.write_text(f"include: [{REPO / 'params' / 'pack.yml'}]\ndate_format: dayfirst\n")
    code, text = run_cli(monkeypatch, capsys, "validate", str(path), "--params", str(params))
    assert_clean(code, text, 0)


def test_a_duplicated_id_is_never_echoed(tmp_path, monkeypatch, capsys):
    data = rows(4)
    data[3]["audit_id"] = data[1]["audit_id"] = CHILD
    code, text = run_cli(monkeypatch, capsys, "validate", str(write_rows(tmp_path / "audits.csv", data)))
    assert_clean(code, text)
    assert "audits.csv row 5, column audit_id: a duplicated audit_id (rows 3 and 5); expected each audit_id only once" in text
    assert CHILD not in text


def test_an_identifier_in_the_wrong_column_is_never_echoed(tmp_path, monkeypatch, capsys):
    data = rows(4)
    data[0]["child_id"] = CHILD
    data[2]["service_area"] = CHILD  # a child ID where a service area should be
    data[3]["cohort"] = "CHX-000002"  # another child's ID, present in this file
    code, text = run_cli(monkeypatch, capsys, "validate", str(write_rows(tmp_path / "audits.csv", data)))
    assert_clean(code, text)
    assert ("audits.csv row 4, column service_area: a value (not shown: it may identify someone) is not a service area in params") in text
    assert "audits.csv row 5, column cohort: a value (not shown: it may identify someone) is not a cohort" in text
    assert CHILD not in text and "CHX-000002" not in text


def test_a_name_typed_into_a_coded_column_is_never_echoed(tmp_path, monkeypatch, capsys):
    data = rows(3)
    data[1]["status"] = "Ömer Çelik"
    data[2]["sw_participated"] = "jo.bloggs@council.gov.uk"
    code, text = run_cli(monkeypatch, capsys, "validate", str(write_rows(tmp_path / "audits.csv", data)))
    assert_clean(code, text)
    assert "audits.csv row 3, column status: a value (not shown: it may identify someone) is not a status" in text
    assert "row 4, column sw_participated: a value (not shown: it may identify someone) is not yes or no" in text
    assert "Çelik" not in text and "bloggs" not in text


def test_a_huge_cell_gives_a_bounded_message(tmp_path, monkeypatch, capsys):
    data = rows(2)
    data[0]["grade_voice"] = "x" * 1_000_000
    code, text = run_cli(monkeypatch, capsys, "validate", str(write_rows(tmp_path / "audits.csv", data)))
    assert_clean(code, text)
    assert (
        "audits.csv row 2, column grade_voice: a value (not shown: it may identify someone) is not a grade" in text and "xxxx" not in text
    )
    assert len(text) < 2000


def test_inconsistent_rows_are_warnings_with_their_rows(tmp_path, monkeypatch, capsys):
    data = rows(4)
    data[0].update(status="not_returned", sw_participated="")  # grades left on an unreturned row
    data[1].update(moderated="no", moderated_grade="Good")  # a moderated grade without moderation
    data[2].update(audit_month="2099-01")  # years in the future
    code, text = run_cli(monkeypatch, capsys, "validate", str(write_rows(tmp_path / "audits.csv", data)))
    assert_clean(code, text, 0)
    assert "3 rows with warnings (the rows are used; the report's data-quality appendix counts them):" in text
    # Issue 26: one line a kind, with its count and its rows (the file listed one line a row before).
    assert (
        "warning: 1 row, column status: grades on a row whose status is not returned or exempt (the grades are not counted) (rows 2)"
    ) in text
    assert "warning: 1 row, column moderated_grade: a moderated_grade although moderated is not yes (it is not counted) (rows 3)" in text
    assert "warning: 1 row, column audit_month: an audit month later than this month (rows 4)" in text


def test_validate_gives_the_same_verdict_with_or_without_params_and_groups_warnings(tmp_path, monkeypatch, capsys):
    """Issue 26: without --params validate said "no problems found" where the run then reported 191 rows with
    warnings, one line per row, calling months after the period "inconsistent"."""
    from helpers import REPO

    data = rows(30)
    for r in data[:12]:
        r.update(status="not_returned", sw_participated="")  # twelve rows with grades left on them
    for r in data[20:]:
        r.update(audit_month="2022-02")  # months after the demo period: outside the report, not a fault
    path = write_rows(tmp_path / "audits.csv", data)
    code, plain = run_cli(monkeypatch, capsys, "validate", str(path))
    code2, with_params = run_cli(monkeypatch, capsys, "validate", "--params", str(REPO / "params" / "demo.yml"), str(path))
    assert code == code2 == 0
    line = "warning: 12 rows, column status: grades on a row whose status is not returned or exempt"
    assert line in plain and line in with_params and plain.count("warning:") == with_params.count("warning:") == 1
    assert "10 row(s) are of months after the reporting period: outside this report (not a problem)." in with_params
    assert "inconsistent" not in with_params


def test_a_renamed_workbook_is_read_by_its_content(tmp_path, monkeypatch, capsys):
    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    for r in rows(3):
        wb.active.append(list(r.values()))
    wb.save(tmp_path / "audits.csv")  # an .xlsx saved with the wrong ending
    code, text = run_cli(monkeypatch, capsys, "validate", str(tmp_path / "audits.csv"))
    assert_clean(code, text, 0)
    assert "3 rows read, 3 used" in text


# ------------------------------------------------------------------ params


def params_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "run.yml"
    path.write_text(f"include: [{REPO / 'params' / 'pack.yml'}]\n{text}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text,words",
    [
        ("execution_timeout: ten", "run.yml: execution_timeout must be a whole number, e.g. 600"),
        ("quotes: {per_theme: lots}", "run.yml: quotes per_theme must be a whole number, e.g. 600"),
        ("programme: [a, b]", "'programme' must be a mapping of key: label"),
        (
            "non_participation_reasons: [{label: Left, keywords: {a: b}}]",
            "non_participation_reasons item 1 keywords must be a list, not a mapping",
        ),
        ("themes: {x: {phrases: [[a]]}}", "themes x phrases item 1 must be text, not a list"),
        ('email: {subject: "a\\nBcc: victim@example.org"}', "email subject must be on one line"),
        ('email: {to: ["a@council.example\\nBcc: x@example.org"]}', "is not an e-mail address"),
        ("email: {smtp: smtp.council.example}", "run.yml: email smtp must be a mapping of settings, not str"),
        ("notebooks: [../../etc/passwd]", "notebooks item 1 is not a notebook name"),
        ("date_format: us", "date_format: expected iso (YYYY-MM-DD) or dayfirst (DD/MM/YYYY)"),
        ("service_areas: [[East]]", "service_areas item 1 must be text, not a list"),
        ("key_themes: {strengths: many}", "key_themes strengths must be a whole number"),
    ],
)
def test_params_of_the_wrong_type_are_explained(tmp_path, monkeypatch, capsys, text, words):
    with pytest.raises(ParamsError) as exc:
        load_params(params_file(tmp_path, text))
    assert words in str(exc.value)
    code, out = run_cli(
        monkeypatch, capsys, "validate", str(write_rows(tmp_path / "a.csv", rows(1))), "--params", str(tmp_path / "run.yml")
    )
    assert_clean(code, out)
    assert words in out


def test_a_params_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "run.yml"
    path.write_bytes(b"include: [pack.yml]\nprogramme: {author: Sin\xe9ad}\n")
    # "include: [pack.yml]\n" is 20 bytes and "programme: {author: Sin" 23 more: the bad byte is byte 43.
    with pytest.raises(ParamsError, match=r"not UTF-8 text \(byte 43\); save it as UTF-8"):
        load_params(path)


def test_a_single_keyword_is_read_as_a_list_of_one(tmp_path):
    p = load_params(params_file(tmp_path, "non_participation_reasons: [{label: Left, keywords: 5}]"))
    assert p.reason_categories[0].keywords == ("5",)


# ------------------------------------------------------------------ output folders


@pytest.fixture
def audits_csv(tmp_path) -> Path:
    return write_rows(tmp_path / "in" / "audits.csv", rows(4)) if (tmp_path / "in").mkdir() is None else Path()


def run_args(audits: Path, out: Path, *more: str, params: Path = REPO / "params" / "demo.yml") -> list[str]:
    return [
        "run",
        "--params",
        str(params),
        "--audits",
        str(audits),
        "--from",
        "2021-10",
        "--to",
        "2021-10",
        "--out",
        str(out),
        "--quiet",
        *more,
    ]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_out_with_someones_notes_and_a_fake_manifest_is_refused(tmp_path, monkeypatch, capsys, audits_csv):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "manifest.json").write_text("{}")
    (out / "analysis.py").write_text("print('my work')")
    before = snapshot(out)
    code, text = run_cli(monkeypatch, capsys, *run_args(audits_csv, out))
    assert_clean(code, text)
    assert f"{out} is not empty and is not a qa-pack run folder (no {MARKER}), so a run will not replace it" in text
    assert snapshot(out) == before


def test_a_forged_marker_does_not_cover_files_it_does_not_list(tmp_path, monkeypatch, capsys, audits_csv):
    out = tmp_path / "run"
    out.mkdir()
    (out / MARKER).write_text(json.dumps({"kind": "qa-pack run folder", "files": ["highlight_report.html"]}))
    (out / "highlight_report.html").write_text("old")
    (out / "my_notes.docx").write_bytes(b"notes")
    code, text = run_cli(monkeypatch, capsys, *run_args(audits_csv, out))
    assert_clean(code, text)
    assert "holds files a qa-pack run did not write ('my_notes.docx')" in text
    assert (out / "my_notes.docx").read_bytes() == b"notes"


@pytest.mark.parametrize("inside", ["audits", "params", "actions"])
def test_inputs_inside_the_output_folder_are_refused(tmp_path, monkeypatch, capsys, inside):
    out = tmp_path / "out"
    out.mkdir()
    audits = write_rows((out if inside == "audits" else tmp_path) / "audits.csv", rows(3))
    params = (out if inside == "params" else tmp_path) / "run.yml"
    actions = (out if inside == "actions" else tmp_path) / "actions.yml"
    actions.write_text("- theme: Voice\n  actions: [Training]\n")
    params.write_text(f"include: [{REPO / 'params' / 'demo.yml'}]\nactions: {actions}\n")
    before = snapshot(out)
    code, text = run_cli(monkeypatch, capsys, *run_args(audits, out, params=params))
    assert_clean(code, text)
    word = {"audits": "audits file", "params": "params file", "actions": "actions file"}[inside]
    assert f"the {word} (" in text and f"is inside the output folder {out}, which a run replaces" in text
    assert snapshot(out) == before


def test_out_that_is_a_file_is_refused(tmp_path, monkeypatch, capsys, audits_csv):
    out = tmp_path / "report.html"
    out.write_text("keep me")
    code, text = run_cli(monkeypatch, capsys, *run_args(audits_csv, out))
    assert_clean(code, text)
    assert f"{out} exists and is not a folder" in text and out.read_text() == "keep me"


def test_a_second_run_to_the_same_folder_is_refused_at_once(tmp_path, monkeypatch, capsys, audits_csv):
    out = tmp_path / "out"
    with open(tmp_path / ".out.qa-pack.lock", "a") as held:  # another run holds the publishing lock
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        code, text = run_cli(monkeypatch, capsys, *run_args(audits_csv, out))
    assert_clean(code, text)
    assert f"another run is publishing to {out}; wait for it to finish, or choose another --out" in text
    assert not out.exists()


def test_a_read_only_or_full_disk_is_a_message_and_nothing_is_left(tmp_path, monkeypatch, capsys, audits_csv):
    import qa_lib.run.publish

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / ".out.building-x"))

    monkeypatch.setattr(qa_lib.run.publish.tempfile, "mkdtemp", full)
    code, text = run_cli(monkeypatch, capsys, *run_args(audits_csv, tmp_path / "out"))
    assert_clean(code, text)
    assert "Error: the disk is full" in text and "the last good report is unchanged" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_stale_private_folders_of_dead_runs_are_removed_but_live_ones_kept(tmp_path):
    dead, live = tmp_path / f"{PREFIX}dead", tmp_path / f"{PREFIX}live"
    for folder in (dead, live):
        folder.mkdir()
        (folder / "audits.parquet").write_text(CHILD)
        (folder / LOCK).touch()
    with open(live / LOCK, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        removed = remove_stale(tmp_path)
    assert removed == [dead] and not dead.exists() and (live / "audits.parquet").exists()


# ------------------------------------------------------------------ samples


def sample_args(out: Path, demo_csv: Path) -> list[str]:
    """`qa-pack sample` for the demo's January CIN cohort into `out` (run in this process by `run_cli`)."""
    return [
        "sample",
        "--caseload",
        str(demo_csv.with_name("caseload.csv")),
        "--history",
        str(demo_csv),
        "--month",
        "2022-01",
        "--cohort",
        "cin",
        "--out",
        str(out),
    ]


def no_child_ids_under(folder: Path, demo_csv: Path) -> bool:
    ids = set(__import__("pandas").read_csv(demo_csv.with_name("caseload.csv"), dtype=str)["child_id"])
    for path in folder.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace")
            if any(i in text for i in ids):
                return False
    return True


def test_a_sample_is_never_written_into_a_run_folder(published, demo_csv, monkeypatch, capsys):
    before = snapshot(published)
    for target in (published / "tables.xlsx", published / "sample.csv", published / "tables" / "sample.csv"):
        code, said = run_cli(monkeypatch, capsys, *sample_args(target, demo_csv))
        assert_clean(code, said)
        assert (
            "a sample is written as a .csv file" in said
            if target.suffix == ".xlsx"
            else f"is inside the report folder {published}; a sample names children" in said
        )
    assert snapshot(published) == before
    assert no_child_ids_under(published, demo_csv)


def test_a_sample_never_overwrites_what_it_did_not_write(tmp_path, demo_csv, monkeypatch, capsys):
    folder = tmp_path / "samples"
    folder.mkdir()
    code, said = run_cli(monkeypatch, capsys, *sample_args(folder, demo_csv))  # a folder, not a file
    assert_clean(code, said)
    assert "--out" in said and "is a folder; give a file name inside it" in said
    theirs = folder / "sample.csv"
    theirs.write_text("someone else's file")
    code, said = run_cli(monkeypatch, capsys, *sample_args(theirs, demo_csv))
    assert_clean(code, said)
    assert "already exists and was not written by qa-pack sample" in said
    assert theirs.read_text() == "someone else's file"
    assert sorted(p.name for p in folder.iterdir()) == ["sample.csv"]  # no .tmp left behind
    ours = tmp_path / "mine" / "sample.csv"
    for _ in range(2):  # a sample the command wrote may be drawn again
        code, said = run_cli(monkeypatch, capsys, *sample_args(ours, demo_csv))
        assert code == 0, said
    assert oct(ours.stat().st_mode & 0o777) == "0o600"  # it names children: its owner's eyes only


# ------------------------------------------------------------------ e-mail


def test_email_refuses_a_folder_the_pack_did_not_write(tmp_path, monkeypatch, capsys):
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "manifest.json").write_text(json.dumps({"params_file": str(REPO / "params" / "demo.yml"), "outputs": []}))
    (fake / "highlight_report.html").write_text("<p>hi</p>")
    code, text = run_cli(monkeypatch, capsys, "email", "--run", str(fake))
    assert_clean(code, text)
    assert f"no {MARKER}: the folder was not written by a qa-pack run" in text and not (fake / "email.eml").exists()


def test_email_refuses_a_damaged_manifest(published, tmp_path, monkeypatch, capsys):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(published, copy)
    (copy / "manifest.json").write_text('{"params_file": "x", "outputs": [{"file": ')
    code, text = run_cli(monkeypatch, capsys, "email", "--run", str(copy))
    assert_clean(code, text)
    assert "manifest.json is damaged or incomplete" in text


def test_email_attaches_only_files_the_run_wrote(published, tmp_path, monkeypatch, capsys):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(published, copy)
    (copy / "email.eml").unlink(missing_ok=True)  # another test may have written one into the shared run
    (copy / "tables.xlsx").write_bytes(b"child-level sample, swapped in by hand")
    code, text = run_cli(monkeypatch, capsys, "email", "--run", str(copy))
    assert_clean(code, text)
    assert "tables.xlsx has changed since the run wrote it (its checksum differs from manifest.json)" in text
    assert not (copy / "email.eml").exists()


def test_email_subject_keeps_braces_as_typed(published, tmp_path):
    from dataclasses import replace

    from qa_lib.run.emailer import build_message

    settings = replace(load_params(REPO / "params" / "demo.yml").email, subject="QA {foo} {0} {period}")
    msg = build_message(published, settings)
    assert msg["Subject"] == "QA {foo} {0} October, November and December 2021"


def test_a_missing_actions_file_stops_the_run_in_words(tmp_path, monkeypatch, capsys, audits_csv):
    (tmp_path / "run.yml").write_text(f"include: [{REPO / 'params' / 'demo.yml'}]\nactions: actoins.yml\n")
    code, text = run_cli(
        monkeypatch,
        capsys,
        "run",
        "--params",
        str(tmp_path / "run.yml"),
        "--audits",
        str(audits_csv),
        "--out",
        str(tmp_path / "out"),
        "--quiet",
    )
    assert_clean(code, text)
    assert f"params actions: {tmp_path / 'actoins.yml'} not found; fix the path, or remove `actions:`" in text
    assert not (tmp_path / "out").exists()


def test_environment_errors_are_messages(tmp_path, monkeypatch, capsys, published):
    (tmp_path / "file").write_text("x")
    code, text = run_cli(monkeypatch, capsys, "demo", "--out", str(tmp_path / "file" / "demo"))
    assert_clean(code, text)
    assert "Error: a part of the path is a file, not a folder" in text
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(published, copy)
    (copy / "email.eml").unlink(missing_ok=True)
    (copy / "email.eml").mkdir()  # where the message would go, a folder stands
    code, text = run_cli(monkeypatch, capsys, "email", "--run", str(copy))
    assert_clean(code, text)
    assert "Error: that is a folder, not a file" in text


def test_errors_are_qapack_errors_not_crashes():
    assert issubclass(ParamsError, QAPackError)
    assert os.environ.get("QA_PACK_DEBUG") is None  # the suite checks the user's view, without tracebacks
