"""The run cache (qa_lib.run.cache) and the marked blocks it redraws (qa_lib.render.blocks).

What it must do: a re-run whose only change is the QA lead's commentary or actions publishes, byte for byte,
what a cold run publishes, without running a notebook; any other change runs the notebooks; the cache holds
finished pages only, privately, and nothing from a page it cannot trust is used."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from helpers import PLANTED, REPO, qa_pack
from qa_lib.commentary.drafts import BY_KEY
from qa_lib.inputs.params import load_params
from qa_lib.inputs.period import Period
from qa_lib.render import blocks
from qa_lib.run.cache import KEEP, RunCache, page_key, run_key

VERSIONS = {"pandas": "3", "matplotlib": "3.10"}


# ---------------------------------------------------------------- blocks


def test_a_redraw_changes_only_the_blocks():
    page = (
        "<html><p>Before</p>"
        + blocks.wrap("section:compliance", "<p>old words</p>")
        + '<div class="other">kept</div>'
        + blocks.wrap("actions", "")
        + "<p>After</p></html>"
    )
    assert blocks.names(page) == ["section:compliance", "actions"]
    new = blocks.redraw(page, lambda name: f"<p>new {name}</p>")
    assert new == (
        '<html><p>Before</p><div class="qa-block" data-block="section:compliance"><p>new section:compliance</p></div><!--/qa-block-->'
        '<div class="other">kept</div><div class="qa-block" data-block="actions"><p>new actions</p></div><!--/qa-block--><p>After</p></html>'
    )


def test_a_block_holding_nested_markup_is_replaced_whole():
    # sanitised Markdown has nested divs and lists, never an HTML comment: the end marker ends the block
    inner = "<div><ul><li>one</li></ul></div><p>two</p>"
    page = "<p>a</p>" + blocks.wrap("section:key-messages", inner) + "<p>b</p>"
    assert blocks.redraw(page, lambda _n: "<p>x</p>") == "<p>a</p>" + blocks.wrap("section:key-messages", "<p>x</p>") + "<p>b</p>"


def test_block_names_are_escaped_and_read_back():
    page = blocks.wrap('cohort:0:<"x">', "")
    assert '<"x">' not in page
    assert blocks.names(blocks.redraw(page, lambda n: n.upper().replace("<", "&lt;"))) == ["cohort:0:&lt;&quot;x&quot;&gt;"]


# ---------------------------------------------------------------- keys


@pytest.fixture(scope="module")
def demo_params():
    return load_params(REPO / "params" / "demo.yml")


def test_the_key_changes_with_the_data_the_params_the_period_and_the_libraries(demo_params):
    period = Period("2021-10", "2021-12")
    base = run_key("a" * 64, demo_params, period, VERSIONS)
    assert run_key("b" * 64, demo_params, period, VERSIONS) != base  # another audits file
    assert run_key("a" * 64, replace(demo_params, target_return_rate=75), period, VERSIONS) != base
    assert run_key("a" * 64, replace(demo_params, standard_groups={}), period, VERSIONS) != base
    assert run_key("a" * 64, demo_params, Period("2021-11", "2021-12"), VERSIONS) != base
    assert run_key("a" * 64, demo_params, period, {**VERSIONS, "matplotlib": "3.11"}) != base


def test_the_key_ignores_the_qa_leads_files_and_where_things_are(demo_params, tmp_path):
    # commentary and actions are redrawn from the files themselves; paths are not content
    period = Period("2021-10", "2021-12")
    base = run_key("a" * 64, demo_params, period, VERSIONS)
    moved = replace(
        demo_params, actions=tmp_path / "a.yml", commentary=tmp_path / "c.md", output=tmp_path / "out", audits=tmp_path / "x.csv"
    )
    assert run_key("a" * 64, moved, period, VERSIONS) == base


def test_a_changed_notebook_is_another_page(tmp_path):
    nb = tmp_path / "n.ipynb"
    nb.write_text("{}", encoding="utf-8")
    first = page_key("k", "n", nb)
    nb.write_text('{"cells": []}', encoding="utf-8")
    assert page_key("k", "n", nb) != first
    assert page_key("k", "m", nb) != page_key("k", "n", nb)


# ---------------------------------------------------------------- the store


def test_a_stored_page_comes_back_only_under_its_key(tmp_path):
    cache = RunCache(tmp_path / "cache", "r" * 64)
    cache.store({"grades": ("k1", "<p>page</p>")})
    assert cache.page("grades", "k1") == "<p>page</p>"
    assert cache.page("grades", "k2") is None
    assert cache.page("themes", "k1") is None
    assert RunCache(tmp_path / "cache", "s" * 64).page("grades", "k1") is None
    assert (tmp_path / "cache").stat().st_mode & 0o777 == 0o700
    assert all(p.stat().st_mode & 0o077 == 0 for p in (tmp_path / "cache").rglob("*"))


def test_a_page_that_was_changed_or_opened_to_others_is_not_used(tmp_path):
    cache = RunCache(tmp_path / "cache", "r" * 64)
    cache.store({"grades": ("k1", "<p>page</p>"), "themes": ("k2", "<p>themes</p>")})
    page = cache.folder / "grades.html"
    page.write_text("<p>page</p><script>alert(1)</script>", encoding="utf-8")  # same mode, other bytes
    assert cache.page("grades", "k1") is None
    (cache.folder / "themes.html").chmod(0o644)
    assert cache.page("themes", "k2") is None
    (cache.folder / "themes.html").chmod(0o600)
    assert cache.page("themes", "k2") == "<p>themes</p>"
    (cache.folder / "pages.json").write_text("not json", encoding="utf-8")
    assert cache.page("themes", "k2") is None


def test_a_cache_that_cannot_be_written_never_fails_the_run(tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    cache = RunCache(blocker, "r" * 64)
    cache.store({"grades": ("k1", "<p>page</p>")})  # no exception
    assert cache.page("grades", "k1") is None


def test_only_the_most_recent_keys_are_kept(tmp_path):
    root = tmp_path / "cache"
    caches = [RunCache(root, f"{i:02d}" + "0" * 62) for i in range(KEEP + 4)]
    for i, cache in enumerate(caches[:-1]):
        cache.store({"grades": ("k", f"<p>{i}</p>")})
        os.utime(cache.folder, (1_000_000 + i, 1_000_000 + i))  # their order of use, whatever the clock's resolution
    caches[-1].store({"grades": ("k", "<p>last</p>")})
    kept = {p.name for p in root.iterdir()}
    assert kept == {c.folder.name for c in caches[-KEEP:]}  # the oldest four went


# ---------------------------------------------------------------- real runs


def _outputs(run: Path) -> dict[str, str]:
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    return {o["file"]: o["sha256"] for o in manifest["outputs"]}


def _manifest(run: Path) -> dict:
    return json.loads((run / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_a_commentary_and_actions_edit_is_redrawn_from_the_cache_byte_for_byte(planted_csv, tmp_path, own_run_cache):
    for name in ("demo.yml", "pack.yml", "themes.yml", "cohorts.yml"):
        shutil.copy(REPO / "params" / name, tmp_path / name)
    actions = tmp_path / "register.yml"
    shutil.copy(REPO / "params" / "register.yml", actions)
    params = tmp_path / "demo.yml"
    base = ["run", "--params", str(params), "--audits", str(planted_csv), "--quiet"]

    first = qa_pack("commentary", "--params", str(params), "--audits", str(planted_csv), "--write", str(tmp_path / "c.md"))
    assert first.returncode == 0, first.stderr
    cold = qa_pack(*base, "--out", str(tmp_path / "one"), "--commentary", str(tmp_path / "c.md"))
    assert cold.returncode == 0, cold.stderr
    assert _manifest(tmp_path / "one")["pages_from_cache"] == []

    # The QA lead rewrites one key message, adds to the participation text (shown in the compliance notebook
    # too) and rewrites the comparators text (which replaces each cohort's drafted words), and marks an
    # overdue action done in the register.
    text = (tmp_path / "c.md").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^- \*\*Returns:\*\*.*$", "- **Returns:** we are chasing the audits that did not come back.", text, count=1)
    text = re.sub(r"(?m)(^## 2\.2 Social worker participation\n<!--[^\n]*-->\n)", r"\1\nQA is chasing them to take part.\n", text)
    text = re.sub(r"(?m)(^## 3\.1\.3 Comparator cohorts\n<!--[^\n]*-->\n)(?s:.*?)(?=^## )", r"\1\nOur own cohort summary.\n\n", text)
    assert "QA is chasing them to take part" in text and "Our own cohort summary" in text
    (tmp_path / "c.md").write_text(text, encoding="utf-8")
    data = actions.read_text(encoding="utf-8")
    done = 'due: "2021-12-15"\n  status: done\n  done_date: "2021-12-20"\n  evidence: New plan template in use from 20 December.'
    actions.write_text(data.replace('due: "2021-12-15"\n  status: open', done, 1), encoding="utf-8")
    assert "New plan template" in actions.read_text(encoding="utf-8")

    warm = qa_pack(*base, "--out", str(tmp_path / "two"), "--commentary", str(tmp_path / "c.md"))
    assert warm.returncode == 0, warm.stderr
    again = _manifest(tmp_path / "two")
    assert again["notebooks_run"] == [] and sorted(again["pages_from_cache"]) == sorted(again["notebooks"])

    no_cache = qa_pack(*base, "--out", str(tmp_path / "three"), "--commentary", str(tmp_path / "c.md"), "--no-cache")
    assert no_cache.returncode == 0, no_cache.stderr
    assert _manifest(tmp_path / "three")["pages_from_cache"] == []

    assert _outputs(tmp_path / "two") == _outputs(tmp_path / "three")  # every report and table, byte for byte
    highlight = (tmp_path / "two" / "highlight_report.html").read_text(encoding="utf-8")
    assert "we are chasing the audits that did not come back" in highlight
    assert "New plan template in use from 20 December." in highlight  # "you said, we did"
    assert "5 actions open, of which 3 overdue" not in highlight and "4 actions open, of which 2 overdue" in highlight
    assert "QA is chasing them to take part" in (tmp_path / "two" / "compliance.html").read_text(encoding="utf-8")
    assert "Our own cohort summary" in (tmp_path / "two" / "comparators.html").read_text(encoding="utf-8")
    assert _outputs(tmp_path / "one")["highlight_report.html"] != _outputs(tmp_path / "two")["highlight_report.html"]

    # The cache holds no row: no identifier from the data and no planted name or address, in the pages, the
    # figures or any table and workbook inside the tables entry (base64 in JSON; the workbook a zip).
    frame = pd.read_csv(planted_csv, dtype=str, keep_default_na=False)
    ids = {v for col in ("audit_id", "child_id", "social_worker_id", "auditor_id") for v in frame[col] if v}
    files = [p for p in own_run_cache.rglob("*") if p.is_file()]
    assert files and {p.suffix for p in files} == {".html", ".json", ".bin"}
    texts = []
    for path in files:
        data = path.read_bytes()
        texts.append(data.decode("latin-1"))
        try:
            members = json.loads(data)
        except ValueError:
            continue
        if isinstance(members, dict) and "$dc" in members:  # the figures entry: JSON (qa_lib.codec), read as text
            texts.append(data.decode("utf-8"))
            continue
        if isinstance(members, dict) and set(members) == set(BY_KEY):  # the drafts entry: each section's paragraphs
            texts += [paragraph for paragraphs in members.values() for paragraph in paragraphs]
            continue
        if isinstance(members, dict) and "pages" not in members:  # the tables entry: file name -> base64
            for name, encoded in members.items():
                raw = base64.b64decode(encoded)
                if name.endswith(".xlsx"):
                    with zipfile.ZipFile(io.BytesIO(raw)) as book:
                        texts += [book.read(n).decode("utf-8") for n in book.namelist()]
                else:
                    texts.append(raw.decode("utf-8"))
    assert len(texts) > len(files)  # the tables were opened, not just their envelope
    for text in texts:
        assert PLANTED not in text and "zq@example.org" not in text
        assert not ids & set(re.findall(r"[\w-]+", text))  # no ID as a word anywhere


@pytest.mark.slow
def test_no_cache_neither_reads_nor_writes_it(demo_csv, tmp_path, own_run_cache):
    out = tmp_path / "out"
    done = qa_pack(
        "run", "--params", str(REPO / "params" / "demo.yml"), "--audits", str(demo_csv), "--out", str(out), "--quiet", "--no-cache"
    )
    assert done.returncode == 0, done.stderr
    assert not own_run_cache.exists() or not any(own_run_cache.iterdir())
    assert _manifest(out)["pages_from_cache"] == []
    digest = hashlib.sha256((out / "highlight_report.html").read_bytes()).hexdigest()
    assert _outputs(out)["highlight_report.html"] == digest


def test_the_cache_command_says_where_the_cache_is_and_clears_it(own_run_cache, monkeypatch, capsys):
    from helpers import run_cli

    RunCache(own_run_cache, "r" * 64).store({"grades": ("k1", "<p>page</p>"), "themes": ("k2", "<p>t</p>")})
    code, said = run_cli(monkeypatch, capsys, "cache")
    assert code == 0 and str(own_run_cache) in said and "1 run key(s), 2 page(s)" in said
    (own_run_cache / "my-notes.txt").write_text("mine", encoding="utf-8")  # QA_PACK_CACHE named a folder of the user's
    (own_run_cache / "my-folder").mkdir()
    (own_run_cache / "my-folder" / "keep.txt").write_text("mine", encoding="utf-8")
    code, said = run_cli(monkeypatch, capsys, "cache", "--clear")
    assert code == 0 and "1 run key(s)" in said
    # Issue 25: only the pack's entries go; the user's file, folder and the folder itself stay.
    assert sorted(p.name for p in own_run_cache.iterdir()) == ["my-folder", "my-notes.txt"]
    assert (own_run_cache / "my-folder" / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_the_same_data_under_another_file_name_is_another_key(demo_params, tmp_path):
    # the report names the audits file (rows read = used + rejected), so a renamed copy must not reuse pages
    from qa_lib.inputs.resources import notebooks_dir
    from qa_lib.run.outputs import cached_pages

    period = Period("2021-10", "2021-12")
    first, second = tmp_path / "audits.csv", tmp_path / "audits-late-returns.csv"
    first.write_text("same bytes", encoding="utf-8")
    second.write_text("same bytes", encoding="utf-8")
    one = cached_pages(demo_params, first, period, notebooks_dir(), VERSIONS)[0]
    two = cached_pages(demo_params, second, period, notebooks_dir(), VERSIONS)[0]
    assert one is not None and two is not None and one.run != two.run


def test_an_entry_written_by_anyone_but_this_install_is_never_read(own_run_cache):
    """Issue 25: the cache was read with pickle beside its own checksums, so anyone who could write the cache
    folder could run code. No entry is a pickle now (tests/test_codec.py), and entries are authenticated with the
    install's secret, kept outside the cache folder: a forged entry with a correct SHA-256 (what an attacker can
    compute) is refused before it is read."""
    import hashlib
    import json

    cache = RunCache(own_run_cache, "r" * 64)
    cache.store({"figures": ("k1", b"the real figures")})
    assert cache.get("figures", "k1") == b"the real figures"
    record_path = cache.folder / "pages.json"
    record = json.loads(record_path.read_text(encoding="utf-8"))
    entry = record["pages"]["figures"]
    forged = b"cos\nsystem\n(S'echo owned'\ntR."  # a pickle that runs a command when loaded
    (cache.folder / entry["file"]).write_bytes(forged)
    entry["sha256"] = hashlib.sha256(forged).hexdigest()
    record_path.write_text(json.dumps(record), encoding="utf-8")
    assert cache.get("figures", "k1") is None
    entry.pop("mac")
    record_path.write_text(json.dumps(record), encoding="utf-8")
    assert cache.get("figures", "k1") is None


def test_a_page_kept_from_an_earlier_day_shows_todays_date_of_report(demo_csv, monkeypatch):
    """Issue 25: a cached re-run on a later day kept the old "Date of report". The programme box is a block now,
    drawn again whenever a cached page is published; the run's key holds the month (the warnings for later
    months change with it), not the day, so a later day of the same month still uses the cache."""
    import datetime as dt

    from qa_lib.notebook import open_run
    from qa_lib.run import cache as cache_mod
    from qa_lib.sections.quality import display as quality_display

    run = open_run(str(REPO / "params" / "demo.yml"), str(demo_csv), "2021-10", "2021-12", 90)
    monkeypatch.setattr(quality_display, "today", lambda: dt.date(2026, 12, 6))
    page = f"<html><p>kept</p>{blocks.wrap('programme', run.block_html('programme'))}</html>"
    assert "06/12/2026" in page
    monkeypatch.setattr(quality_display, "today", lambda: dt.date(2026, 12, 9))
    later = blocks.redraw(page, run.block_html)
    assert "09/12/2026" in later and "06/12/2026" not in later and later.startswith("<html><p>kept</p>")

    class Day(dt.date):
        day_given = dt.date(2026, 12, 6)

        @classmethod
        def today(cls):
            return cls.day_given

    monkeypatch.setattr(cache_mod, "date", Day)
    params, period = load_params(REPO / "params" / "demo.yml"), Period("2021-10", "2021-12")
    first = run_key("a" * 64, params, period, VERSIONS)
    Day.day_given = dt.date(2026, 12, 31)
    assert run_key("a" * 64, params, period, VERSIONS) == first  # the same month: the same pages
    Day.day_given = dt.date(2027, 1, 1)
    assert run_key("a" * 64, params, period, VERSIONS) != first  # a new month: "later than this month" moves
