"""The commentary file and its checks, on hand-made drafts (no run), and drafting it from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import params_in, run_cli
from qa_lib.commentary.check import changed_sections, personal_data, texts_for_run
from qa_lib.commentary.document import CommentaryError, read, render, write
from qa_lib.commentary.drafts import SECTIONS

SHA = "a" * 64


def drafts(**changes: str) -> dict[str, str]:
    base = {s.key: f"Drafted text for {s.key}.\n\n- a bullet" for s in SECTIONS}
    return base | changes


def written(tmp_path: Path, **changes: str) -> Path:
    return write(tmp_path / "commentary.md", drafts(**changes), SHA, ("2021-10", "2021-12"))


def edit(path: Path, key: str, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"<!-- qa-pack section {key} "))
    end = next((i for i in range(at + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    path.write_text("\n".join([*lines[: at + 1], "", text, "", *lines[end:]]), encoding="utf-8")


def test_a_drafted_file_reads_back_as_drafted(tmp_path):
    c = read(written(tmp_path))
    assert c.data_sha256 == SHA and c.period == ("2021-10", "2021-12")
    assert {k: t for k, (t, _) in c.sections.items()} == {k: v.strip() for k, v in drafts().items()}
    assert c.edited() == {}


def test_an_edited_section_is_the_leads_and_a_deleted_one_is_drafted_again(tmp_path):
    path = written(tmp_path)
    edit(path, "compliance", "Our own words, with **emphasis**.\n\nA second paragraph.")
    edit(path, "standards", "")
    c = read(path)
    assert c.edited() == {"compliance": "Our own words, with **emphasis**.\n\nA second paragraph."}
    assert changed_sections(c, drafts()) == []
    # The figures behind the edited section change: it is named; an unedited section's change is not.
    assert changed_sections(c, drafts(compliance="New figures.", context="Other new figures.")) == ["2.1 Audit compliance"]


def test_changed_figures_stop_the_run_unless_accepted(tmp_path):
    path = written(tmp_path)
    edit(path, "compliance", "Our own words.")
    c = read(path)
    with pytest.raises(CommentaryError, match="drafted from other data, and the figures behind 'Audit compliance' have changed"):
        texts_for_run(c, drafts(compliance="New figures."), [], "b" * 64, accept_changed=False)
    texts, note = texts_for_run(c, drafts(compliance="New figures."), [], "b" * 64, accept_changed=True)
    assert texts == {"compliance": "Our own words."} and "--accept-changed-data" in note


@pytest.mark.parametrize(
    "planted",
    ["child chx 7781 was seen", "see CHX/7781", "email jo.bloggs@council.example", "call 01274 555123", "jo[at]council dot gov dot uk"],
)
def test_personal_data_stops_the_run_naming_the_section_only(tmp_path, planted):
    path = written(tmp_path)
    edit(path, "key-themes", f"Strong work this month; {planted}.")
    c = read(path)
    assert personal_data(c, ["CHX-7781", "SW-0001"]) == ["3.2 Key themes"]
    with pytest.raises(CommentaryError) as caught:
        texts_for_run(c, drafts(), ["CHX-7781"], SHA, accept_changed=False)
    message = str(caught.value)
    assert "'Key themes'" in message
    for part in ("7781", "jo", "555123", "council"):
        assert part not in message.replace("commentary.md", "")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda t: t.replace("qa-pack section compliance", "qa-pack section complianse"), "unknown section 'complianse'"),
        (
            lambda t: t.replace("<!-- qa-pack section context draft", "<!-- qa-pack section context drafted"),
            "a qa-pack section line was changed",
        ),
        (lambda t: t.split("\n", 1)[1], "line 1: expected the qa-pack commentary line"),
        (lambda t: t + "\n## Again\n" + next(x for x in t.splitlines() if x.startswith("<!-- qa-pack section")) + "\n", "appears twice"),
    ],
)
def test_a_damaged_file_is_refused_with_its_line(tmp_path, change, expected):
    path = written(tmp_path)
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(CommentaryError, match=expected):
        read(path)


def test_write_never_replaces_a_file_it_did_not_write(tmp_path):
    other = tmp_path / "notes.md"
    other.write_text("# My own notes\n", encoding="utf-8")
    with pytest.raises(CommentaryError, match="not a qa-pack commentary file"):
        write(other, drafts(), SHA, ("2021-10", "2021-12"))
    assert other.read_text(encoding="utf-8") == "# My own notes\n"
    with pytest.raises(CommentaryError, match="must end .md"):
        write(tmp_path / "commentary.txt", drafts(), SHA, ("2021-10", "2021-12"))
    (tmp_path / "bad.md").write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(CommentaryError, match="not UTF-8"):
        read(tmp_path / "bad.md")
    assert render(drafts(), SHA, ("2021-10", "2021-12")).count("<!-- qa-pack section ") == len(SECTIONS)


def test_drafting_with_wider_params_says_a_wider_run_will_not_use_it(tmp_path, demo_csv, monkeypatch, capsys):
    wider = params_in(tmp_path)
    path = tmp_path / "commentary.md"
    code, said = run_cli(monkeypatch, capsys, "commentary", "--params", str(wider), "--audits", str(demo_csv), "--write", str(path))
    assert code == 0, said
    assert "A wider run does not use commentary" in said and "from the QA team's figures" in said
    assert path.is_file() and "edit it, then run with" not in said  # not told to use it in the wider run
