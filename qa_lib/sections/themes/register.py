"""Section 4 as an action register (data contract section 4): one row per action, with an owner (a role),
a due date and a status, so the report can say what was raised, what is overdue and by how long, and what
was done ("you said, we did").

The file named by params `actions:` may be CSV, `.xlsx` or YAML (a list of rows with the register's columns).
Every problem is found in one pass and said like the audits file's: file, row as the spreadsheet shows it
(or item, for YAML), column, what was expected. Values are never quoted from the free-text columns
(`action`, `owner`, `evidence`), which could hold a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from qa_lib.errors import ParamsError, bounded
from qa_lib.inputs.period import Period, month_name
from qa_lib.inputs.personal import holds_contact

COLUMNS = ("action_id", "raised_month", "theme", "action", "owner", "due", "status", "done_date", "evidence")
REQUIRED = ("action_id", "raised_month", "action", "owner", "status")
STATUSES = ("open", "done", "dropped")
FREE_TEXT = ("action_id", "action", "owner", "evidence")  # typed by the QA lead: checked for contact details and IDs
EVIDENCE_LIMIT = 300  # "short text": a sentence or two, not a case note
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Action:
    """One row of the register (dates ISO; "" when not given)."""

    action_id: str
    raised_month: str
    theme: str
    action: str
    owner: str
    due: str
    status: str
    done_date: str
    evidence: str
    row: str = ""  # where it is in the register ("row 3", "item 3"): what a message names, never its words


class RegisterInvalid(ParamsError):
    """The action register breaks the contract; the message lists every problem."""


def is_register(data: object) -> bool:
    """Whether YAML data is register rows (mappings with an `action_id`) rather than the older themes shape."""
    return isinstance(data, list) and bool(data) and all(isinstance(i, dict) and "action_id" in i for i in data)


def read_rows(path: Path) -> tuple[list[dict[str, str]], int]:
    """The register's rows as text (header names stripped and lower-cased) and the number of the first data
    row as the spreadsheet shows it (2 under a header; 1 for YAML items)."""
    suffix = path.suffix.lower()
    if suffix in {".csv", ".xlsx"}:
        try:
            frame = (
                pd.read_excel(path, dtype=str, keep_default_na=False)
                if suffix == ".xlsx"
                else pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            )
        except UnicodeDecodeError as exc:
            raise RegisterInvalid(f"{path.name}: not UTF-8 text (byte {exc.start}); save it as CSV (UTF-8)") from None
        except Exception as exc:  # noqa: BLE001 - an unreadable file is said in words
            raise RegisterInvalid(f"{path.name}: could not be read as {suffix[1:].upper()} ({bounded(type(exc).__name__, 60)})") from None
        frame.columns = [str(c).strip().lower() for c in frame.columns]
        return [{k: str(v).strip() for k, v in row.items()} for row in frame.to_dict("records")], 2
    import yaml

    data = yaml.safe_load(path.read_bytes().decode("utf-8-sig"))
    rows = [{str(k).strip().lower(): "" if v is None else str(v).strip() for k, v in item.items()} for item in data]
    return rows, 1


def validate(rows: list[dict[str, str]], first: int, name: str, keys: set[str], yaml_items: bool = False) -> tuple[list[Action], list[str]]:
    """The register's actions and every problem with them (file, row, column, expected)."""

    where = "item" if yaml_items else "row"
    problems: list[str] = []
    present = set().union(*(r.keys() for r in rows)) if rows else set()
    for col in REQUIRED:
        if rows and col not in present:
            problems.append(f"{name}: no {col} column; the register needs {', '.join(REQUIRED)}")
    seen: dict[str, int] = {}
    actions = []
    for i, raw in enumerate(rows):
        n = first + i
        r = {c: raw.get(c, "") for c in COLUMNS}

        def bad(col: str, what: str, n: int = n) -> None:
            problems.append(f"{name} {where} {n}, column {col}: {what}")

        for col in REQUIRED:
            if col in present and not r[col]:
                bad(col, "blank; expected " + ("a role such as Head of Service" if col == "owner" else "a value"))
        if r["action_id"]:
            if r["action_id"] in seen:
                bad("action_id", f"the same action_id as {where} {seen[r['action_id']]}; expected each action once")
            seen.setdefault(r["action_id"], n)
        if r["raised_month"] and not MONTH.match(r["raised_month"]):
            bad("raised_month", "not a month; expected YYYY-MM, e.g. 2021-10")
        if r["theme"] and r["theme"] not in keys:
            bad(
                "theme",
                f"not a theme or standard key from params; expected one of {', '.join(sorted(keys))}{did_you_mean(r['theme'], keys)}",
            )
        if r["status"] and r["status"].lower() not in STATUSES:
            bad("status", f"not a status; expected open, done or dropped{did_you_mean(r['status'].lower(), STATUSES)}")
        status = r["status"].lower()
        for col in ("due", "done_date"):
            if r[col] and not _iso(r[col]):
                bad(col, "not a date; expected YYYY-MM-DD")
        if status == "done" and not r["done_date"]:
            bad("done_date", "blank for a done action; expected the date it was done (YYYY-MM-DD)")
        if status != "done" and r["done_date"]:
            bad("done_date", f"given for an action whose status is {status or 'blank'}; expected blank, or status done")
        if len(r["evidence"]) > EVIDENCE_LIMIT:
            bad("evidence", f"{len(r['evidence'])} characters; expected a short note of at most {EVIDENCE_LIMIT}")
        for col in FREE_TEXT:
            if holds_contact(r[col]):
                bad(col, "holds an e-mail address or phone number (not shown); expected roles and plain words, never contact details")
        actions.append(Action(**{**r, "status": status}, row=f"{where} {n}"))
    return actions, problems


def did_you_mean(typed: str, known: set[str] | frozenset[str] | tuple[str, ...]) -> str:
    """ "; did you mean chronologies?" when what was typed is close to one known key (params' own words are
    named, never what was typed)."""
    import difflib

    close = difflib.get_close_matches(str(typed).strip().lower(), sorted(known), n=1, cutoff=0.75)
    return f"; did you mean {close[0]}?" if close else ""


def _iso(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def overdue_days(a: Action, period: Period) -> int | None:
    """Days an open action is past its due date at the period's last day (None: not overdue)."""
    if a.status != "open" or not a.due:
        return None
    end = (pd.Period(period.end, freq="M").end_time).date()
    days = (end - date.fromisoformat(a.due)).days
    return days if days > 0 else None


@dataclass(frozen=True)
class Progress:
    """Where the register stands at the period's end."""

    raised: tuple[Action, ...]  # raised in the period's months
    open_: tuple[Action, ...]  # open at the period's end
    overdue: tuple[tuple[Action, int], ...]  # open and past due, with days overdue, most overdue first
    done: tuple[Action, ...]  # done within the period ("you said, we did")
    carried: tuple[Action, ...]  # open, raised before the period


def progress(actions: list[Action] | tuple[Action, ...], period: Period) -> Progress:
    """The period's view of the register: what was raised, what is open and overdue, what was done."""
    months = set(period.months)
    end = period.end
    in_period = [a for a in actions if a.raised_month in months]
    still_open = [a for a in actions if a.status == "open" and a.raised_month <= end]
    late = sorted(((a, d) for a in still_open if (d := overdue_days(a, period)) is not None), key=lambda x: (-x[1], x[0].action_id))
    done = [a for a in actions if a.status == "done" and a.done_date[:7] in months]
    carried = [a for a in still_open if a.raised_month < period.start]
    return Progress(tuple(in_period), tuple(still_open), tuple(late), tuple(done), tuple(carried))


def register_markdown(actions: tuple[Action, ...], period: Period, labels: dict[str, str], section: int = 4) -> str:
    """Section 4 from the register: raised in the period, progress (open, overdue with days, done), "you said,
    we did" and open actions carried from earlier periods. The QA lead's words are shown as text."""
    p = progress(actions, period)
    if not actions:
        return "*The action register has no actions yet.*"

    def line(a: Action, extra: str = "") -> str:
        theme = f"{labels.get(a.theme, a.theme)}; " if a.theme else ""
        due = f"; due {_day(a.due)}" if a.due else ""
        return f"- **{a.action_id}** ({theme}owner: {a.owner}{due}{extra}): {a.action}"

    out = [f"**{section}.1 Actions raised in {period.label}**", ""]
    out += [line(a) for a in p.raised] or ["*No actions were raised in the period.*"]
    overdue_ids = {a.action_id for a, _ in p.overdue}
    out += [
        "",
        f"**{section}.2 Progress at the end of {month_name(period.end, True)}**",
        "",
        f"{_n(len(p.open_), 'action')} open, of which {len(p.overdue)} overdue; {_n(len(p.done), 'action')} done in the period.",
    ]
    if p.overdue:
        out += ["", "*Overdue (due before the end of the period and not done):*", ""]
        out += [line(a, f"; {_n(d, 'day')} overdue") for a, d in p.overdue]
    out += ["", f"**{section}.3 You said, we did**", ""]
    out += [f"- **{a.action_id}** {a.action} *Done {_day(a.done_date)}.* {a.evidence}".rstrip() for a in p.done] or [
        "*No actions were done in the period.*"
    ]
    out += ["", f"**{section}.4 Open actions carried from earlier periods**", ""]
    out += [line(a) + (" *(overdue)*" if a.action_id in overdue_ids else "") for a in p.carried] or ["*None.*"]
    return "\n".join(out)


def _day(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%B %Y')}"


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
