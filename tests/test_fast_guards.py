"""Fast guards (issue 24, item 6): what a mutation test found only the slow tier, or no tier, would catch. Each
asserts a guard on its own, in milliseconds, so `make test-fast` kills these faults."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qa_lib.commentary.check import holds_personal_data
from qa_lib.inputs.personal import holds_contact
from qa_lib.render.sanitise import markdown_html
from qa_lib.sections.grades.auditors import auditor_codes, consistency
from qa_lib.sections.themes.redact import REDACTED, Redactor


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        "<iframe src='https://example.org'></iframe>",
        '<div style="background:url(https://example.org/x.png)">x</div>',
        "![chart](https://example.org/x.png)",
    ],
)
def test_raw_html_in_commentary_is_shown_as_text_never_as_markup(text: str):
    from html.parser import HTMLParser

    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    Tags().feed(markdown_html(f"The QA lead wrote: {text}"))
    assert [t for t, _ in found] == ["p"]  # the paragraph alone: the lead's markup is text a reader sees
    assert all(not attrs for _, attrs in found)


def test_a_plain_https_link_is_kept_only_when_links_are_allowed():
    assert 'href="https://example.org/report"' in markdown_html("[the guidance](https://example.org/report)", links=True)
    assert "href=" not in markdown_html("[the guidance](https://example.org/report)")


UK_PHONES = [
    "+44 7700 900123",
    "+447700900123",
    "+44 (0)1274 555123",
    "+44(0)1274 555 123",
    "(01274) 555123",
    "( 01274 ) 555 123",
    "01274 555123",
    "07700-900-123",
    "0113 496 0000",
]


@pytest.mark.parametrize("phone", UK_PHONES)
def test_uk_phone_layouts_are_caught_by_the_commentary_check_and_redacted(phone: str):
    text = f"Ring the duty team on {phone} before Friday."
    assert holds_contact(text)
    assert holds_personal_data(text, Redactor([]))
    redacted = Redactor([])(text)
    digits = "".join(ch for ch in phone if ch.isdigit())
    assert digits[-6:] not in "".join(ch for ch in redacted if ch.isdigit())
    assert REDACTED in redacted


def test_ordinary_numbers_are_not_phone_numbers():
    assert not holds_contact("14 of 49 audits (29%) were graded good; 2021-12 had 37 returns.")


def _moderated(auditor: str, shift: int) -> dict[str, object]:
    grades = ["O", "G", "RI", "I"]
    return {
        "auditor_id": auditor,
        "audit_month": "2021-01",
        "status": "returned",
        "moderated": True,
        "overall_grade": "G",
        "moderated_grade": grades[1 - shift],
    }


def test_an_auditor_wholly_below_the_team_is_named_too():
    """Moderators grade AU-KIND's cases a full step lower than the team's (their grades were generous): the
    interval for the difference lies wholly below zero, and the auditor is named like one wholly above it."""
    team = [0] * 14 + [-1] * 5 + [1]
    kind = [-1] * 14 + [0] * 5 + [-1]  # one step lower than the team: 14 of 20 moved down
    rows = [_moderated(f"AU-T{i}", s) for i in range(5) for s in team] + [_moderated("AU-KIND", s) for s in kind]
    frame = pd.DataFrame(rows)
    c = consistency(frame, ["2021-01"], auditor_codes(frame))
    assert c is not None
    row = c.table.set_index("code").loc[auditor_codes(frame)["AU-KIND"]]
    assert row["high"] < 0 and bool(row["stands_out"])
    assert int(c.table["stands_out"].sum()) == 1


def test_every_librarys_temporary_files_go_into_the_private_folder_and_go_with_it(tmp_path, monkeypatch):
    """Issue 25: a spreadsheet library's temporary file of child IDs was left in the system temp folder. Within
    `private_temp`, Python's tempfile (which openpyxl, nbconvert and matplotlib use) and TMPDIR for child
    processes point into a private 0700 folder, removed when the block ends, by SIGTERM too."""
    import os
    import signal
    import stat
    import tempfile

    from openpyxl import Workbook

    from qa_lib.run.workspace import Interrupted, private_temp

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    with private_temp() as folder:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and folder.parent == tmp_path
        assert os.environ["TMPDIR"] == str(folder) and tempfile.gettempdir() == str(folder)
        handle = tempfile.NamedTemporaryFile(delete=False)  # noqa: SIM115 - the library's way
        handle.write(b"CH-864660")
        handle.close()
        assert Path(handle.name).parent == folder
        book = Workbook(write_only=True)  # openpyxl writes a write-only sheet through a temporary file
        sheet = book.create_sheet()
        sheet.append(["CH-864660"])
        book.save(tmp_path / "out.xlsx")
    assert not folder.exists() and os.environ["TMPDIR"] == str(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]
    with pytest.raises(Interrupted), private_temp() as folder:
        (folder / "x.tmp").write_text("CH-864660", encoding="utf-8")
        os.kill(os.getpid(), signal.SIGTERM)
    assert not folder.exists() and [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]
    # A SIGTERM that arrives while the folder is being removed (the command was finishing) does not cut the
    # removal short: the folder goes all the same (it was left behind, now and then, in CI).
    from qa_lib.run import workspace

    real_rmtree = workspace.shutil.rmtree

    def interrupted_rmtree(path, *args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)
        return real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(workspace.shutil, "rmtree", interrupted_rmtree)
    with private_temp() as folder:
        (folder / "x.tmp").write_text("CH-864660", encoding="utf-8")
    assert not folder.exists() and [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


@pytest.mark.parametrize(
    ("href", "allowed"),
    [
        ("grades.html", True),
        ("compliance.html", True),
        ("other.html", False),
        ("../grades.html", False),
        ("grades.html?x=1", False),
        ("file:///etc/grades.html", False),
        ("javascript:alert(1)//grades.html", False),
    ],
)
def test_a_link_to_a_section_report_is_the_only_local_link_a_page_may_hold(href, allowed):
    """Issue 26: the highlight links to its section reports; the last check lets those four pages through and
    nothing else that is not https:// or an anchor."""
    from qa_lib.render.sanitise import offline_problems

    problems = offline_problems(f'<p><a href="{href}">more</a></p>')
    assert (problems == []) == allowed, problems
