"""Section 4: themes and actions taken forward, written by the QA lead in params (actions.yml)."""

from __future__ import annotations

from pathlib import Path

import yaml

from qa_lib.errors import ParamsError, bounded

MISSING = (
    "No themes and actions have been recorded for this period. The QA lead adds them to the actions file "
    "named in params (`actions:`, e.g. params/actions.yml); each has a theme and a list of actions."
)


def load_actions(path: Path | None) -> list[dict]:
    """The period's themes and actions: [{"theme": str, "actions": [str, ...]}]. No file named: []; a file
    named in params but missing is an error (a typo in `actions:` must not quietly drop section 4)."""
    if path is None:
        return []
    if not Path(path).is_file():
        raise ParamsError(f"params actions: {path} not found; fix the path, or remove `actions:` to report no actions")
    try:
        data = yaml.safe_load(Path(path).read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ParamsError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path}: not valid YAML ({bounded(str(exc), 300)})") from None
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
