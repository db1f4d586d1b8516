"""Section 4: themes and actions taken forward, written by the QA lead in params (actions.yml)."""
from __future__ import annotations

from pathlib import Path

import yaml

from .errors import ParamsError

MISSING = ("No themes and actions have been recorded for this period. The QA lead adds them to the actions file "
           "named in params (`actions:`, e.g. params/actions.yml); each has a theme and a list of actions.")


def load_actions(path: Path | None) -> list[dict]:
    """The period's themes and actions: [{"theme": str, "actions": [str, ...]}]. Missing or empty file: []."""
    if path is None or not Path(path).is_file():
        return []
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path}: not valid YAML ({exc})") from None
    if not data:
        return []
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
    return out


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
