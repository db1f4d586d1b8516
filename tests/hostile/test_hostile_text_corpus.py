"""The hostile-text corpus (issue 25): identifiers, e-mail addresses and phone numbers spelled every way a QA lead
might type them, or an attacker might, through every place the QA lead's own words enter the pack: the
commentary, each column of the action register, calibration exercise labels and case references. Each is
stopped on entry; and the last check on what a reader sees stops any that reaches a page some other way."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import REPO
from qa_lib.commentary.check import actions_personal_data, personal_data
from qa_lib.commentary.document import Commentary
from qa_lib.errors import ValidationFailed
from qa_lib.inputs.params import load_params
from qa_lib.run.reader_check import LeakFound, check_outputs
from qa_lib.sections.calibration.load import load_calibration
from qa_lib.sections.themes.actions import Actions
from qa_lib.sections.themes.register import Action

CHILD, WORKER, AUDITOR = "CH-864660", "SW-3145", "AU-11"
IDS = {CHILD, WORKER, AUDITOR, "AUD-2021-01-001"}

CORPUS = [
    # the child's ID
    "CH-864660",
    "ch-864660",
    "CH 864660",
    "CH864660",
    "CH_864660",
    "CH/864660",
    "CH.864660",
    "CH,864660",
    "CH;864660",
    "CH&#45;864660",
    "CH&#x2d;864660",
    "CH&hyphen;864660",
    "CH&amp;#45;864660",  # encoded twice
    "CH\u200b-864660",  # zero-width space
    "C\u200dH-864660",  # zero-width joiner inside the letters
    "CH\u2060-\u2060864660",  # word joiners
    "CH\u00ad-864660",  # soft hyphen
    "\u202e066468-HC\u202c",  # a right-to-left override: shown as CH-864660
    "СН-864660",  # Cyrillic С and Н
    "ϹΗ-864660",  # Greek-ish look-alikes (lunate sigma folds by NFKC? and Eta)
    "CH–864660",  # en dash
    "CH—864660",  # em dash
    "CH−864660",  # minus sign
    "ＣＨ－８６４６６０",  # full-width
    "CH-８６４６６０",  # full-width digits
    "CH\u00a0864660",  # no-break space
    "C H 8 6 4 6 6 0",  # typed apart, a piece at a time (more pieces than the IDs in the data have)
    "CH 86 46 60",  # in pairs
    "CH\u2009864660",  # thin space
    # the worker's and the auditor's IDs
    "SW-3145",
    "sw 3145",
    "SW&#45;3145",
    "ＳＷ３１４５",
    "AU-11",
    "au&#8209;11",  # non-breaking hyphen
    # e-mail addresses
    "jo.bloggs@example.org",
    "jo.bloggs&#64;example.org",
    "jo.bloggs @ example.org",
    "jo.bloggs[at]example dot org",
    "jo.bloggs (at) council dot gov dot uk",
    "jo.bloggs＠example.org",  # full-width at
    # phone numbers
    "01274 555123",
    "(01274) 555 123",
    "+44 1274 555123",
    "+44 (0)1274 555123",
    "0044 1274 555123",
    "0 1 2 7 4 5 5 5 1 2 3",
    "07700-900-123",
    "０７７００ ９００１２３",  # full-width digits
]
SAFE = ["14 of 49 audits (29%)", "Moderators kept 52 of 72 grades.", "December 2021: 37 returns.", "Auditor C", "Case 1"]


def test_the_corpus_is_at_least_forty_spellings():
    assert len(CORPUS) >= 40 and len(set(CORPUS)) == len(CORPUS)


@pytest.mark.usefixtures("either_lookup")
@pytest.mark.parametrize("spelling", CORPUS)
def test_commentary_holding_any_spelling_is_stopped(spelling: str):
    c = Commentary(Path("commentary.md"), "0" * 64, ("2021-10", "2021-12"), {"key-messages": (f"- Follow up {spelling} this week.", "x")})
    assert personal_data(c, IDS) == ["Key messages"]


@pytest.mark.usefixtures("either_lookup")
@pytest.mark.parametrize("column", ["action_id", "theme", "action", "owner", "evidence"])
@pytest.mark.parametrize("spelling", CORPUS)
def test_every_register_column_holding_any_spelling_is_stopped(spelling: str, column: str):
    fields = {"action_id": "A1", "raised_month": "2021-10", "theme": "voice", "action": "Refresh guidance", "owner": "QA Lead"}
    fields |= {"due": "", "status": "open", "done_date": "", "evidence": ""}
    fields[column] = f"{fields[column]} {spelling}".strip()
    actions = Actions(register=(Action(**fields, row="row 2"),), is_register=True)
    assert actions_personal_data(actions, IDS) == ["row 2"]


@pytest.mark.usefixtures("either_lookup")
@pytest.mark.parametrize("spelling", SAFE)
def test_ordinary_words_and_numbers_are_not_stopped(spelling: str):
    c = Commentary(Path("commentary.md"), "0" * 64, ("2021-10", "2021-12"), {"key-messages": (spelling, "x")})
    assert personal_data(c, IDS) == []


CALIBRATION_HEADER = "exercise_id,case_ref,auditor_id,overall_grade,grade_risk,grade_voice\n"


@pytest.mark.parametrize("spelling", [s for s in CORPUS if not s.startswith(("SW", "sw", "ＳＷ"))])
def test_calibration_labels_and_case_references_holding_any_spelling_are_refused(tmp_path: Path, spelling: str):
    params = load_params(REPO / "params" / "demo.yml")
    label = spelling.replace(",", " ").replace('"', "")
    rows = f'"Spring {label}",Case 1,AU-11,Good,Good,Good\n"Spring {label}",Case 1,AU-12,Good,Good,Good\n'
    path = tmp_path / "calibration.csv"
    path.write_text(CALIBRATION_HEADER + rows, encoding="utf-8")
    with pytest.raises(ValidationFailed) as err:
        load_calibration(path, params, {CHILD})
    said = err.value.report.render()
    assert "column exercise_id" in said
    for value in ("864660", "3145", "example", "555", "900"):
        assert value not in said.split("column exercise_id")[-1]
    ref = tmp_path / "ref.csv"
    ref.write_text(CALIBRATION_HEADER + f'Spring,"{label}",AU-11,Good,Good,Good\nSpring,"{label}",AU-12,Good,Good,Good\n', encoding="utf-8")
    if any(s in spelling for s in ("CH", "ch", "ＣＨ", "СН", "ϹΗ", "066468", "C\u200dH")):
        with pytest.raises(ValidationFailed, match="column case_ref"):
            load_calibration(ref, params, {CHILD})


@pytest.mark.usefixtures("either_lookup")
@pytest.mark.parametrize("spelling", CORPUS)
def test_the_last_check_stops_any_spelling_that_reaches_a_page(tmp_path: Path, spelling: str):
    page = tmp_path / "highlight_report.html"
    page.write_text(f"<h2>4. Themes and actions</h2><p>Done: {spelling}.</p>", encoding="utf-8")
    with pytest.raises(LeakFound, match="section '4. Themes and actions'"):
        check_outputs([page], IDS)


@pytest.mark.parametrize(
    "value",
    ["Bloggs", "Jo Bloggs", "CH864660", "ch 864660", "07700900123", "0044 7700 900123", "child seen alone at school", "x" * 500],
)
def test_validate_never_quotes_a_value_that_could_name_someone(tmp_path: Path, monkeypatch, capsys, value: str):
    """Issue 25: validate printed single names, ID variants, phone numbers and text fragments from wrong columns."""
    from helpers import row, run_cli, write_rows

    rows = [row(audit_id=f"A{k}") for k in range(3)]
    rows[1]["grade_voice"] = value
    code, text = run_cli(monkeypatch, capsys, "validate", str(write_rows(tmp_path / "audits.csv", rows)))
    assert code == 1 and "row 3, column grade_voice" in text
    assert value not in text and value.lower() not in text.lower()


def test_a_yaml_error_names_the_line_never_its_text(tmp_path: Path):
    from qa_lib.inputs.params import ParamsError

    path = tmp_path / "run.yml"
    path.write_text(f"include: {REPO / 'params' / 'demo.yml'}\nprogramme:\n  author: Jo Bloggs: CH-864660\n", encoding="utf-8")
    with pytest.raises(ParamsError) as err:
        load_params(path)
    said = str(err.value)
    assert "line 3" in said and "Bloggs" not in said and "864660" not in said
