"""What stops a run using a commentary file: sections the lead edited whose figures have changed since they
were drafted, and any identifier from the data, e-mail address or phone number in the lead's text. Problems
name the section, never the value."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from qa_lib.commentary.document import Commentary, CommentaryError, fingerprint
from qa_lib.commentary.drafts import BY_KEY
from qa_lib.inputs.personal import IdentifierKeys, holds_contact, reader_text
from qa_lib.sections.themes.redact import Redactor

if TYPE_CHECKING:
    from qa_lib.sections.themes.actions import Actions


def changed_sections(commentary: Commentary, drafts: dict[str, str]) -> list[str]:
    """Headings of the edited sections whose draft (its figures) differs from the one the lead edited."""
    return [BY_KEY[k].heading for k in commentary.edited() if fingerprint(drafts[k]) != commentary.sections[k][1]]


def holds_personal_data(text: str, redactor: Redactor) -> bool:
    """Whether the QA lead's text holds an identifier from the data, an e-mail address or a phone number."""
    return redactor.finds_identifier(text) or holds_contact(text)


def personal_data(commentary: Commentary, identifiers: Iterable[str] | IdentifierKeys) -> list[str]:
    """Headings of the edited sections holding an identifier from the data, an e-mail address or a phone number."""
    redactor = Redactor(identifiers)
    edited = commentary.edited()
    redactor.look_up(reader_text(text) for text in edited.values())  # every possible identifier in them at once
    return [BY_KEY[key].heading for key, text in edited.items() if holds_personal_data(text, redactor)]


def actions_personal_data(actions: Actions, identifiers: Iterable[str] | IdentifierKeys) -> list[str]:
    """Where in the register ("row 3", or "theme N" in the older shape) an identifier from the data, an e-mail
    address or a phone number is, in any column the QA lead typed (action_id included): section 4 is the QA
    lead's text, checked like the commentary. Named by row, never by its words or its action_id."""
    redactor = Redactor(identifiers)
    typed = [t for a in actions.register for t in (a.action_id, a.theme, a.action, a.owner, a.evidence)]
    typed += [t for item in actions.themes for t in (item["theme"], *item["actions"])]
    redactor.look_up(reader_text(t) for t in typed)  # every possible identifier in them at once
    found = [
        a.row or f"action {i}"
        for i, a in enumerate(actions.register, start=1)
        if any(holds_personal_data(t, redactor) for t in (a.action_id, a.theme, a.action, a.owner, a.evidence))
    ]
    for i, item in enumerate(actions.themes, start=1):
        if any(holds_personal_data(t, redactor) for t in (item["theme"], *item["actions"])):
            found.append(f"theme {i}")
    return found


def texts_for_run(
    commentary: Commentary, drafts: dict[str, str], identifiers: Iterable[str] | IdentifierKeys, data_sha256: str, accept_changed: bool
) -> tuple[dict[str, str], str]:
    """The lead's text for each edited section, and a note for the appendix ("" when none is needed).
    Raises CommentaryError, naming sections only, when the run must stop."""
    leaked = personal_data(commentary, identifiers)
    if leaked:
        raise CommentaryError(
            f"{commentary.source.name}: an identifier from the data, an e-mail address or a phone number is in the "
            f"commentary for {_list(leaked)}; remove it (nothing was published)"
        )
    return edited_texts(commentary, drafts, accept_changed)


def edited_texts(commentary: Commentary, drafts: dict[str, str], accept_changed: bool) -> tuple[dict[str, str], str]:
    """`texts_for_run` but for the search for personal data: what the run would publish if the commentary holds
    none. Raises CommentaryError when the figures behind an edited section changed and the run was not told to
    publish it anyway."""
    changed = changed_sections(commentary, drafts)  # whatever changed them: the data, or params such as the target
    note = ""
    if changed:
        if not accept_changed:
            raise CommentaryError(
                f"{commentary.source.name} was drafted from other data, and the figures behind {_list(changed)} have changed "
                "since; update those sections (or write a new draft with `qa-pack commentary`), or run with "
                "--accept-changed-data to publish the edited text anyway. Nothing was published."
            )
        note = (
            f"The QA lead's commentary for {_list(changed)} was written against earlier data; the figures have changed since "
            "and the run was told to publish it anyway (--accept-changed-data)."
        )
    return commentary.edited(), note


def _list(headings: list[str]) -> str:
    quoted = [f"'{re.sub(r'^[0-9.]+ ', '', h)}'" for h in headings]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
