"""The last check on what a reader sees (issue 25, item 1): every page's visible text, table cell and the
e-mail's headlines, normalised as a reader sees them and searched for every identifier in the data, contact
details and names listed in params; a hit stops the run naming the file and section, never the value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import REPO, qa_pack
from qa_lib.inputs.personal import identifier_keys
from qa_lib.run.reader_check import LeakFound, check_outputs, page_text

IDS = {"CH-864660", "SW-3145", "AU-11", "AUD-2021-01-001", "1234"}


def page(tmp_path: Path, body: str, name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(f"<html><head><title>Report</title><style>.x{{color:red}}</style></head><body>{body}</body></html>", encoding="utf-8")
    return path


@pytest.mark.usefixtures("either_lookup")
@pytest.mark.parametrize(
    "body",
    [
        "<h2>Key messages</h2><p>Review CH&#45;864660 today.</p>",  # an entity for the hyphen
        "<h2>Key messages</h2><p>Review CH\u200b-864660 today.</p>",  # a zero-width space
        "<h2>Key messages</h2><p>Review СН–864660 today.</p>",  # Cyrillic letters, an en dash
        "<h2>Key messages</h2><p>Review ＣＨ８６４６６０ today.</p>",  # full-width
        "<h2>Key messages</h2><p>Review \u202e066468-HC\u202c today.</p>",  # shown reversed by the browser
        "<h2>Key messages</h2><p>Review <strong>CH</strong>-<em>864660</em> today.</p>",  # split across markup
        '<h2>Key messages</h2><img alt="A chart of sw 3145" src="data:image/png;base64,AAAA">',  # alt text
        "<h2>Key messages</h2><p>Ring 0044 7700 900123.</p>",  # a phone number
        "<h2>Key messages</h2><p>Write to jo&#64;example.org.</p>",  # an e-mail address behind an entity
        "<h2>Key messages</h2><p>Jo Bloggs said so.</p>",  # a name listed in params
    ],
)
def test_a_page_showing_an_id_however_written_is_refused_naming_the_section(tmp_path, body):
    with pytest.raises(LeakFound) as err:
        check_outputs([page(tmp_path, body)], IDS, names=["Jo Bloggs"])
    said = str(err.value)
    assert "page.html, section 'Key messages'" in said
    for value in ("864660", "3145", "900123", "example.org", "Bloggs"):
        assert value not in said


@pytest.mark.usefixtures("either_lookup")
def test_a_clean_page_a_table_and_headlines_pass_and_short_numeric_ids_are_not_counts(tmp_path):
    body = "<h2>Returns</h2><p>1234 audits were returned; 37 of 77 (48%).</p><table><tr><td>AU</td><td>11%</td></tr></table>"
    table = tmp_path / "returns.csv"
    table.write_text("audit_month,returned\n2021-12,37\n", encoding="utf-8")
    head = tmp_path / "headlines.json"
    head.write_text(json.dumps({"key_messages": ["- **Returns:** 48% of audits came back in December (37 of 77)."]}), encoding="utf-8")
    check_outputs([page(tmp_path, body), table, head], IDS)  # "1234" is too short a number to search a page for
    keyed = identifier_keys(IDS)
    assert keyed.digits == {"1234"} and "ch864660" in keyed.words and keyed.parts == 4  # AUD-2021-01-001: four parts


@pytest.mark.usefixtures("either_lookup")
def test_a_table_cell_and_the_headlines_are_checked_too(tmp_path):
    table = tmp_path / "themes.csv"
    table.write_text("theme,audits\nch 864660,3\n", encoding="utf-8")
    with pytest.raises(LeakFound, match="themes.csv, row 2"):
        check_outputs([table], IDS)
    head = tmp_path / "headlines.json"
    head.write_text(json.dumps({"standards": ["Fine.", "Ask AU&#8209;11."]}), encoding="utf-8")
    with pytest.raises(LeakFound, match="headlines.json, the e-mail's headlines"):
        check_outputs([head], IDS)


def test_style_and_script_are_not_what_a_reader_sees(tmp_path):
    parts = page_text("<style>.ch-864660{}</style><h2>A</h2><p>text</p>")
    assert all("864660" not in t for _, t in parts)


@pytest.mark.slow
def test_an_id_typed_into_params_stops_the_run_and_the_last_report_stays(tmp_path, demo_csv):
    """A path nobody foresaw: the programme's author in params holds a child's ID (with a zero-width space)."""
    import pandas as pd

    child = pd.read_csv(demo_csv, dtype=str)["child_id"].iloc[0]
    out = tmp_path / "out"
    good = qa_pack("run", "--params", str(REPO / "params" / "demo.yml"), "--audits", str(demo_csv), "--out", str(out), "--quiet")
    assert good.returncode == 0, good.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    sneaky = child.replace("-", "\u200b-")
    params = tmp_path / "p.yml"
    params.write_text(
        f"include: {REPO / 'params' / 'demo.yml'}\nprogramme:\n  name: QA Framework\n  author: 'QA team for {sneaky}'\n", encoding="utf-8"
    )
    bad = qa_pack("run", "--params", str(params), "--audits", str(demo_csv), "--out", str(out), "--no-cache", "--quiet")
    assert bad.returncode != 0
    said = bad.stdout + bad.stderr
    assert "highlight_report.html" in said and "Traceback" not in said
    assert child.split("-")[-1] not in said
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before  # the last good report untouched


@pytest.mark.usefixtures("either_lookup")
def test_numeric_ids_are_whole_digit_runs_never_spelled_across_cells(tmp_path):
    """A council's numeric person ID is found on a page; an audit numbered by month (2021-10-3) is not read into
    a table of months and counts ("2021-10 | 3")."""
    ids = {"2021-10-3", "4417290"}
    table = tmp_path / "standards.csv"
    table.write_text("audit_month,graded\n2021-10,3\n", encoding="utf-8")
    check_outputs([table, page(tmp_path, "<h2>Returns</h2><p>In October 2021, 3 audits; 2021-10: 3.</p>")], ids)
    with pytest.raises(LeakFound, match="section 'Returns'"):
        check_outputs([page(tmp_path, "<h2>Returns</h2><p>Person 4417290 was seen.</p>", "p2.html")], ids)
    with pytest.raises(LeakFound):
        check_outputs([page(tmp_path, "<h2>Returns</h2><p>Person ４４１７２９０.</p>", "p3.html")], ids)


@pytest.mark.usefixtures("either_lookup")
def test_a_heading_that_holds_the_id_is_never_quoted(tmp_path):
    with pytest.raises(LeakFound) as err:
        check_outputs([page(tmp_path, "<h2>Review of CH-864660</h2><p>Fine.</p>")], IDS)
    said = str(err.value)
    assert "its heading holds it" in said and "864660" not in said


def test_identifiers_are_keyed_as_a_reader_would_type_them_by_hand():
    """Arrow's kernels key ASCII IDs and Python keys the rest; either way the key is the ID's letters and digits in
    lower case, split into words and all-digit keys, from a list or a frame's column alike (hand-worked)."""
    import pandas as pd

    ids = ["CHX-7781", "chx 7781", "Zoë-12", "2021-10-3", "--", "AUD-2021-01-001", "ÅSA/9"]
    keyed = identifier_keys(ids)
    assert keyed.words == {"chx7781", "zoë12", "aud202101001", "åsa9"}
    assert keyed.digits == {"2021103"}
    assert keyed.parts >= 4  # AUD-2021-01-001 has four parts; a bound from its separators may be larger, never smaller
    assert identifier_keys(pd.Series(ids, dtype="string[pyarrow]")) == keyed
    assert identifier_keys([]) == identifier_keys(["--", " "]) == type(keyed)(frozenset(), frozenset(), 0)


@pytest.mark.slow
def test_a_run_checks_each_file_once_and_names_what_it_found_in_the_files_order(tmp_path, demo_csv, monkeypatch):
    """The runner checks each page as its notebook ends (the tables and headlines as they are written), while
    the other notebooks run; what is found stops the run, named in the files' order, and nothing is published."""
    from qa_lib.inputs.params import load_params
    from qa_lib.run import reader_check, runner

    seen: list[str] = []

    def found_in(self, paths):
        seen.extend(path.name for path in paths)
        return {
            path: [f"{path.name}, section 'planted'"] if path.name in ("highlight_report.html", "compliance.html") else [] for path in paths
        }

    monkeypatch.setattr(reader_check.ReaderCheck, "found_in", found_in)
    params = load_params(REPO / "params" / "demo.yml")
    out = tmp_path / "out"
    with pytest.raises(LeakFound) as err:
        runner.run(params, audits=demo_csv, out=out, quiet=True, use_cache=False)
    assert sorted(seen) == sorted(set(seen))  # each file once
    assert {f"{name}.html" for name in params.notebooks} <= set(seen) and "headlines.json" in seen
    said = str(err.value)
    # params' order, not the order the notebooks ended in (the highlight report runs last: it takes the charts)
    assert said.index("highlight_report.html") < said.index("compliance.html")
    assert not out.exists()
