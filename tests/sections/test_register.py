"""The action register (data contract section 4): validation like the audits file's, and section 4's
progress on hand-worked registers (overdue days counted by hand from the period's last day, 31 December 2021)."""

from __future__ import annotations

import pytest

from qa_lib.inputs.period import Period
from qa_lib.sections.themes.actions import load_actions, section_markdown
from qa_lib.sections.themes.register import RegisterInvalid, progress

HEADER = "action_id,raised_month,theme,action,owner,due,status,done_date,evidence\n"
KEYS = {"voice", "records", "chronology"}
LABELS = {"voice": "Voice of the child", "records": "Case records", "chronology": "Chronologies"}
Q4 = Period("2021-10", "2021-12")


def register(tmp_path, body: str, name: str = "register.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_overdue_done_raised_and_carried_on_a_hand_worked_register(tmp_path):
    path = register(
        tmp_path,
        "A1,2021-06,voice,Reinforce the voice of the child in plans,Head of Service,2021-09-30,open,,\n"  # 92 days overdue
        "A2,2021-08,records,Dip-sample chronologies monthly,Practice Lead,2022-01-31,open,,\n"  # open, not yet due
        "A3,2021-10,chronology,Chronology training for two teams,Workforce Development,2021-11-15,done,2021-11-20,"
        "Two sessions held; 34 staff attended\n"
        "A4,2021-11,voice,Voice champions in each team,Team Managers,2021-12-30,open,,\n"  # 1 day overdue
        "A5,2021-03,records,Old audit tool retired,QA Lead,2021-06-30,done,2021-07-01,Replaced\n"  # done before the period
        "A6,2021-12,records,Review case summary template,QA Lead,,dropped,,\n",
    )
    actions = load_actions(path, KEYS)
    p = progress(actions.register, Q4)
    assert [a.action_id for a in p.raised] == ["A3", "A4", "A6"]
    assert [a.action_id for a in p.open_] == ["A1", "A2", "A4"]
    assert [(a.action_id, d) for a, d in p.overdue] == [("A1", 92), ("A4", 1)]  # 30 Sep -> 31 Dec; 30 Dec -> 31 Dec
    assert [a.action_id for a in p.done] == ["A3"]
    assert [a.action_id for a in p.carried] == ["A1", "A2"]

    text = section_markdown(actions, Q4, LABELS)
    assert "3 actions open, of which 2 overdue; 1 action done in the period." in text
    assert "- **A1** (Voice of the child; owner: Head of Service; due 30 September 2021; 92 days overdue):" in text
    assert "; 1 day overdue)" in text
    assert "**A3** Chronology training for two teams *Done 20 November 2021.* Two sessions held; 34 staff attended" in text
    carried = text.split("4.4 Open actions carried from earlier periods")[1]
    assert "**A1**" in carried and "*(overdue)*" in carried and "**A2**" in carried and "**A4**" not in carried


def test_every_problem_in_one_pass_by_row_and_column_never_quoting_free_text(tmp_path):
    path = register(
        tmp_path,
        "A1,2021-13,voice,Something,Head of Service,2021-09-31,open,,\n"  # row 2: month 13; 31 September
        "A1,2021-10,nonsense,Something else,,2021-10-01,closed,,\n"  # row 3: duplicate id, theme, blank owner, status
        "A3,2021-10,records,Call jo.bloggs@council.example,QA Lead,,done,,\n",  # row 4: e-mail; done without date
    )
    with pytest.raises(RegisterInvalid) as err:
        load_actions(path, KEYS)
    said = str(err.value)
    for expected in (
        "register.csv row 2, column raised_month: not a month; expected YYYY-MM",
        "register.csv row 2, column due: not a date; expected YYYY-MM-DD",
        "register.csv row 3, column action_id: the same action_id as row 2",
        "register.csv row 3, column theme: not a theme or standard key from params",
        "register.csv row 3, column owner: blank; expected a role",
        "register.csv row 3, column status: not a status; expected open, done or dropped",
        "register.csv row 4, column action: holds an e-mail address or phone number (not shown)",
        "register.csv row 4, column done_date: blank for a done action",
    ):
        assert expected in said, expected
    assert "jo.bloggs" not in said and "Something" not in said  # free text is never quoted
    assert "2021-13" not in said and "nonsense" not in said and "closed" not in said  # nor any value (issue 25)


def test_a_yaml_register_reads_like_the_csv_and_the_older_shape_still_works(tmp_path):
    (tmp_path / "register.yml").write_text(
        "- action_id: B1\n  raised_month: '2021-11'\n  action: Refresh supervision guidance\n  owner: Principal Social Worker\n"
        "  due: '2021-12-01'\n  status: open\n",
        encoding="utf-8",
    )
    actions = load_actions(tmp_path / "register.yml", KEYS)
    assert actions.is_register and [(a.action_id, d) for a, d in progress(actions.register, Q4).overdue] == [("B1", 30)]
    (tmp_path / "old.yml").write_text("- theme: Voice\n  actions: [Reinforce voice]\n", encoding="utf-8")
    old = load_actions(tmp_path / "old.yml", KEYS)
    assert not old.is_register and "An action register" in section_markdown(old, Q4, LABELS)


def test_validate_actions_says_every_problem_and_exits_non_zero(tmp_path, monkeypatch, capsys):
    from helpers import REPO, run_cli

    path = register(tmp_path, "A1,2021-10,voice,Something,,2021-12-01,open,,\n")
    code, said = run_cli(monkeypatch, capsys, "validate", "--params", str(REPO / "params" / "demo.yml"), "--actions", str(path))
    assert code != 0 and "register.csv row 2, column owner: blank" in said and "Traceback" not in said
    code, said = run_cli(
        monkeypatch, capsys, "validate", "--params", str(REPO / "params" / "demo.yml"), "--actions", str(REPO / "params" / "register.yml")
    )
    assert code == 0 and "an action register of 10 action(s); no problems found" in said


def test_a_name_typed_into_a_coded_column_is_never_quoted(tmp_path):
    path = register(tmp_path, "A1,2021-10,Jo Bloggs,Something,QA Lead,,open,,\n")
    with pytest.raises(RegisterInvalid) as err:
        load_actions(path, KEYS)
    said = str(err.value)
    assert "register.csv row 2, column theme:" in said and "Jo Bloggs" not in said


def test_an_action_holding_a_childs_id_stops_the_run_naming_the_action_not_the_id(tmp_path, demo_csv):
    from dataclasses import replace

    from helpers import REPO
    from qa_lib.errors import QAPackError
    from qa_lib.inputs.load import load_audits
    from qa_lib.inputs.params import load_params
    from qa_lib.run.validate import check_actions

    params = load_params(REPO / "params" / "demo.yml")
    data = load_audits(demo_csv, params)
    child = str(data.frame["child_id"].iloc[0])
    path = register(
        tmp_path, f"A1,2021-10,voice,Review the plan for {child.lower()},QA Lead,,open,,\nA2,2021-10,voice,Fine,QA Lead,,open,,\n"
    )
    with pytest.raises(QAPackError) as err:
        check_actions(replace(params, actions=path), data)
    said = str(err.value)
    assert "row 2" in said and "row 3" not in said and child.lower() not in said.lower()
    assert "A1" not in said  # named by its row: an action_id is the QA lead's text and could itself be an ID
    # An action_id that is a child's ID, written with an HTML entity for the hyphen, stops the run too.
    sneaky = register(tmp_path, f"{child.replace('-', '&#45;')},2021-10,voice,Fine,QA Lead,,open,,\n", name="sneaky.csv")
    with pytest.raises(QAPackError, match="row 2") as err:
        check_actions(replace(params, actions=sneaky), data)
    assert child.split("-")[-1] not in str(err.value)
    old = tmp_path / "old.yml"
    old.write_text(f"- theme: Voice\n  actions: [Call 07700 900123 about {child}]\n", encoding="utf-8")
    with pytest.raises(QAPackError, match="theme 1"):
        check_actions(replace(params, actions=old), data)
    check_actions(params, data)  # the demo register is clean
