"""Section 4: themes and actions taken forward, from the file params name (`actions:`): an action register
(`qa_lib.sections.themes.register`: CSV, .xlsx or YAML rows with owner, due date and status), or the older
`actions.yml` shape (themes, each with a list of actions, without dates or status), which keeps working."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from qa_lib.errors import ParamsError, bounded
from qa_lib.inputs.params import Params
from qa_lib.inputs.period import Period
from qa_lib.sections.themes.register import Action, RegisterInvalid, is_register, read_rows, register_markdown, validate

MISSING = (
    "No themes and actions have been recorded for this period. The QA lead adds them to the actions file "
    "named in params (`actions:`, e.g. params/actions.yml); each has a theme and a list of actions."
)


@dataclass(frozen=True)
class Actions:
    """What section 4 shows: a register's actions, or the older shape's themes (never both)."""

    register: tuple[Action, ...] = ()
    themes: tuple[dict, ...] = ()  # [{"theme": str, "actions": [str, ...]}], the older actions.yml shape
    is_register: bool = False


def load_actions(path: Path | None, keys: set[str] | None = None) -> Actions:
    """Section 4's actions. No file named: none; a file named in params but missing is an error (a typo in
    `actions:` must not quietly drop section 4). A register (CSV, .xlsx, or YAML rows with `action_id`) is
    validated against the contract, every problem listed at once; `keys` are the theme and standard keys a
    row's `theme` may name."""
    if path is None:
        return Actions()
    path = Path(path)
    if not path.is_file():
        raise ParamsError(f"params actions: {path} not found; fix the path, or remove `actions:` to report no actions")
    if path.suffix.lower() in {".csv", ".xlsx"}:
        return _register(path, keys)
    try:
        data = yaml.safe_load(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ParamsError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path}: not valid YAML ({bounded(str(exc), 300)})") from None
    if not data:
        return Actions()
    if is_register(data):
        return _register(path, keys)
    if not isinstance(data, list):
        raise ParamsError(f"{path}: expected a list of items, each with a theme and a list of actions")
    out = []
    for i, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not str(item.get("theme", "")).strip():
            raise ParamsError(f"{path}: item {i} needs a theme")
        acts = item.get("actions") or []
        if not isinstance(acts, list):
            raise ParamsError(f"{path}: item {i}: actions must be a list")
        out.append({"theme": " ".join(str(item["theme"]).split()), "actions": [" ".join(str(a).split()) for a in acts]})
    return Actions(themes=tuple(out))


def _register(path: Path, keys: set[str] | None) -> Actions:
    rows, first = read_rows(path)
    found, problems = validate(rows, first, path.name, keys or set(), yaml_items=first == 1)
    if keys is None:  # theme keys unknown here: only the other rules apply
        problems = [p for p in problems if ", column theme:" not in p]
    if problems:
        listed = "\n".join(f"  {p}" for p in problems[:50])
        raise RegisterInvalid(f"{path.name}: {len(problems)} problem(s) in the action register:\n{listed}")
    return Actions(register=tuple(found), is_register=True)


def theme_labels(params: Params) -> dict[str, str]:
    """The keys a register row's `theme` may name (params themes and standards), with their labels."""
    return {**{t.key: t.label for t in params.themes}, **{k: params.short_name(k) for k in params.standards}}


REGISTER_NOTE = (
    "*These actions come from the older actions file (themes and actions, without owners, dates or status). "
    "An action register (params `actions:` naming a CSV, .xlsx or YAML register) also shows what is overdue "
    'and what was done ("you said, we did").*'
)


def section_markdown(actions: Actions, period: Period, labels: dict[str, str], section: int = 4) -> str:
    """Section 4: from a register, its progress for the period; from the older shape, the themes and actions
    numbered like the reference report, with a note that a register gives more."""
    if actions.is_register:
        return register_markdown(actions.register, period, labels, section)
    if not actions.themes:
        return MISSING
    return actions_markdown(list(actions.themes), section) + "\n\n" + REGISTER_NOTE


def actions_markdown(items: list[dict], section: int = 4) -> str:
    """Numbered like the reference report: 4.1, 4.2 ... each theme then its actions."""
    if not items:
        return MISSING
    blocks = []
    for i, item in enumerate(items, start=1):
        lines = [f"**{section}.{i}** {item['theme']}", ""]
        if item["actions"]:
            lines += ["*Actions*", "", *(f"- {a}" for a in item["actions"])]
        else:
            lines.append("*No actions recorded for this theme.*")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
