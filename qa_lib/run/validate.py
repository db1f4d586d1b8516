"""The run's first stage: what the user gave is checked before any work, in words (never a traceback, never a
value from the data): the QA lead's commentary and register against every identifier in the data, and for
e-mail addresses and phone numbers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from qa_lib.commentary.check import actions_personal_data, texts_for_run
from qa_lib.commentary.document import Commentary
from qa_lib.commentary.document import read as read_commentary
from qa_lib.commentary.drafts import drafts
from qa_lib.errors import QAPackError
from qa_lib.figures import RunFigures
from qa_lib.files import file_sha256
from qa_lib.inputs import resources
from qa_lib.inputs.load import AuditData
from qa_lib.inputs.params import Params
from qa_lib.inputs.period import Period
from qa_lib.run.messages import say
from qa_lib.run.publish import notebooks_for
from qa_lib.sections.themes.actions import Actions, load_actions, theme_labels


def check_actions(params: Params, data: AuditData, actions: Actions | None = None) -> None:
    """Section 4 is the QA lead's text like the commentary: an action holding an identifier from the data, an
    e-mail address or a phone number stops the run before anything is published (naming the action, never
    the value). `actions`: the register as this run read it (its figures carry it), else read here."""

    actions = load_actions(params.actions, set(theme_labels(params))) if actions is None else actions
    if not (actions.register or actions.themes):  # nothing typed: nothing to check (a million IDs are not keyed for it)
        return
    leaked = actions_personal_data(actions, data.identifier_keys)
    if leaked:
        name = Path(params.actions).name if params.actions else "the actions file"
        raise QAPackError(
            f"{name}: an identifier from the data, an e-mail address or a phone number is in {', '.join(leaked[:10])}; "
            "remove it (nothing was published)"
        )


def with_commentary(
    figures: RunFigures,
    edited: Commentary,
    params: Params,
    period: Period,
    data: AuditData,
    accept: bool,
    drafted: dict[str, str] | None = None,
) -> RunFigures:
    """The run's figures with the QA lead's text for the sections they edited (qa_lib.commentary.check).
    `drafted`: the sections drafted from these figures (`drafts`), when the run drafted them already."""

    drafted = drafts(figures, params, period) if drafted is None else drafted
    texts, note = texts_for_run(edited, drafted, data.identifier_keys, data.sha256, accept)
    return replace(figures, commentary=texts, commentary_note=note)


def prepare(params: Params, notebooks_dir: Path, commentary: Path | None, quiet: bool) -> tuple[Params, Commentary | None]:
    """Before any work: the notebooks params names exist, the register reads, the commentary file has its
    shape; a wider run publishes only the highlight report and never the QA lead's commentary (disclosure
    control cannot check numbers typed into it). Returns the params to run with and the commentary."""
    if set(params.notebooks) - set(notebooks_for(params)):
        say(f"audience: wider: publishing only {', '.join(notebooks_for(params))} (the section notebooks are for the QA team)", quiet)
        params = params.with_overrides(notebooks=notebooks_for(params))
    for name in params.notebooks:
        if not (notebooks_dir / f"{name}.ipynb").is_file():
            raise QAPackError(f"params notebooks: no notebook {name}.ipynb in {notebooks_dir}")
    load_actions(params.actions, set(theme_labels(params)))  # a bad actions file stops the run here, in words, not in a notebook
    if commentary is not None and params.audience == "wider":
        say("audience: wider: the commentary file is not used (disclosure control cannot check its numbers); the report is drafted", quiet)
        commentary = None
    return params, (read_commentary(commentary) if commentary is not None else None)


DEMO_DOMAIN = "@council.example"  # the demo's made-up e-mail addresses


def demo_settings(params: Params) -> list[str]:
    """The settings params still carries from the demo: its made-up register, author or e-mail addresses."""
    found = []
    if "(demo)" in params.programme.get("author", ""):
        found.append("programme: author")
    if params.actions is not None and Path(params.actions).is_file():
        demo_register = resources.default_params("register.yml")
        if demo_register.is_file() and file_sha256(Path(params.actions)) == file_sha256(demo_register):
            found.append("actions (the demo's register)")
    e = params.email
    if any(a.endswith(DEMO_DOMAIN) for a in (e.sender, *e.to, *e.cc) if a):
        found.append("email: from, to and cc")
    return found


def is_demo_data(frame: pd.DataFrame) -> bool:
    """Whether the audits are the demo's (or made from it, as the tests make theirs): most of their audit IDs are
    the demo year's. A council's own file shares none."""
    from qa_lib.inputs.demo import demo_audit_ids

    ids = frame["audit_id"].astype(str)
    return bool(len(ids)) and float(ids.isin(demo_audit_ids()).mean()) >= 0.5


def refuse_demo_settings(params: Params, audits: pd.DataFrame) -> None:
    """A council's own returns never go out with the demo's register, author or recipients: a run whose audits
    file is not the demo's, with params still carrying them, stops and says which setting to change."""
    found = demo_settings(params)
    if found and not is_demo_data(audits):
        source = params.source.name if params.source else "params"
        raise QAPackError(
            f"{source}: {'; '.join(found)} {'is' if len(found) == 1 else 'are'} the demo's, but the audits file is not the demo's: "
            "set your own (your register, or none; the report's author; your recipients) before a real run. "
            "`qa-pack init FOLDER` writes a council's params with these left for you to fill"
        )
