"""Run parameters: plain YAML read into a small typed object.

A params file may `include:` other YAML files (paths relative to itself); keys in
the including file win. Paths in params are relative to the file they appear in.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from qa_lib.errors import ParamsError
from qa_lib.inputs.period import Period

ADDRESS = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+")


@dataclass(frozen=True)
class ReasonCategory:
    """A non-participation reason category: how it is shown and matched."""

    label: str
    phrase: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Theme:
    """A recurring theme in auditors' free text and the phrases that mark it."""

    key: str
    label: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class QuoteSettings:
    """Exemplar quotes: off unless enabled; always redacted when on."""

    enabled: bool = False
    per_theme: int = 2
    redact_names: tuple[str, ...] = ()
    allowed_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class EmailSettings:
    """Who gets the report and how it is sent. The password is never in params: only the name of
    the environment variable that holds it."""

    subject: str = "QA Highlight Report: {period}"
    sender: str = ""
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    host: str = "localhost"
    port: int = 587
    security: str = "starttls"  # starttls, ssl or none (none: only for a relay on this machine)
    username: str = ""
    password_env: str = ""
    cafile: str = ""  # a council's own certificate authority, if its mail server uses one
    timeout: float = 30.0
    retries: int = 3
    retry_delay: float = 10.0
    attach_tables: bool = False
    report: str = "highlight_report"


@dataclass(frozen=True)
class SamplingSettings:
    """How a month's sample is drawn from the caseload."""

    cohort_rules: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    plan_precedence: tuple[str, ...] = ("cla", "cp", "cin", "care_leaver", "none")
    window_months: int = 6
    exclusions: tuple[str, ...] = ()
    max_sample: int | None = None
    practice_week: dict[str, int] = field(default_factory=dict)  # service area -> audits, for a practice-week draw
    reaudit_grades: tuple[str, ...] = ()  # final overall grades whose cases are audited again (codes: I, RI, G, O)
    reaudit_after_months: int = 3  # ... this many months after the audit that graded them


# Which way is better for each measure the report judges (params `improvement:` may override any of them).
IMPROVEMENT = {
    "return_rate": "higher",
    "participation": "higher",
    "good_or_outstanding": "higher",
    "agreement": "higher",
    "requires_improvement_or_inadequate": "lower",
}


@dataclass(frozen=True)
class SsdSettings:
    """params `ssd:` (data contract section 6): the council's Standard Safeguarding Dataset extract."""

    folder: Path | None = None  # the extract's folder (or `--ssd FOLDER`); none: no outcomes, no SSD caseload
    extract_date: str | None = None  # YYYY-MM-DD; blank: the latest date in the rows used
    follow_up_months: int = 12  # W: months after an audit in which what happened next is counted
    worker_roles: tuple[str, ...] = ("Allocated Case Worker",)  # involvement roles that make a child's worker
    service_areas: dict[str, str] = field(default_factory=dict)  # team ID or name -> service area


@dataclass(frozen=True)
class Params:
    """Everything a run needs besides the audits file itself."""

    standards: dict[str, str]
    service_areas: tuple[str, ...]
    cohorts: dict[str, str]
    reason_categories: tuple[ReasonCategory, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)
    period: Period | None = None
    target_return_rate: float = 80.0
    audits: Path | None = None
    sheet: str | None = None
    output: Path | None = None
    programme: dict[str, str] = field(default_factory=dict)
    notebooks: tuple[str, ...] = ("compliance",)
    execution_timeout: int = 600
    kernel_name: str = "python3"
    standard_short_names: dict[str, str] = field(default_factory=dict)
    standard_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # label -> standards, for the narrative
    themes: tuple[Theme, ...] = ()
    key_themes: dict[str, int] = field(default_factory=lambda: {"strengths": 3, "learning": 3})
    quotes: QuoteSettings = QuoteSettings()
    actions: Path | None = None
    commentary: Path | None = None  # the QA lead's edited commentary (qa-pack commentary --write), used section by section
    email: EmailSettings = EmailSettings()
    audience: str = "internal"
    min_count: int = 5  # audience wider: counts from 1 to min_count - 1 are never shown nor recoverable
    notebooks_dir: Path | None = None  # default: the pack's notebooks/
    sampling: SamplingSettings = SamplingSettings()
    date_format: str = "iso"  # or "dayfirst": read 31/10/2021 as a UK date
    history_keep: int | None = 12  # earlier runs kept in <out>/history/ (None: all, with history: {keep: all})
    improvement: dict[str, str] = field(default_factory=lambda: dict(IMPROVEMENT))  # measure -> higher / lower is better
    ssd: SsdSettings = SsdSettings()
    source: Path | None = None

    @property
    def short_names(self) -> dict[str, str]:
        """Every standard's short name (or label), in params order."""
        return {k: self.short_name(k) for k in self.standards}

    def short_name(self, standard: str) -> str:
        """The standard's one name in every report (params `standard_short_names`, else its label)."""
        return self.standard_short_names.get(standard) or self.standards.get(standard, standard)

    def with_overrides(self, **changes: Any) -> Params:
        """A copy with the given fields replaced (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def require_period(self) -> Period:
        if self.period is None:
            raise ParamsError("no reporting period: set period: {from: YYYY-MM, to: YYYY-MM} in params or pass --from/--to")
        return self.period


# ---------------------------------------------------------------- typed readers: every value is checked


def _where(src: Path, key: str) -> str:
    return f"{src.name}: {key}"


def _text(value: Any, key: str, src: Path, *, single_line: bool = False) -> str:
    """A label or setting as text: a string or a number, never a list or mapping."""
    if isinstance(value, date):  # YAML reads 2021-10-31 as a date
        value = value.isoformat()[:10]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ParamsError(f"{_where(src, key)} must be text, not {_kind(value)}")
    text = str(value).strip()
    if single_line and ("\n" in text or "\r" in text):
        raise ParamsError(f"{_where(src, key)} must be on one line (it holds a line break)")
    return text


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", bool: "yes/no", type(None): "empty"}.get(type(value), type(value).__name__)


def _int(value: Any, key: str, src: Path, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ParamsError(f"{_where(src, key)} must be a whole number, not {_kind(value)}")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ParamsError(f"{_where(src, key)} must be a whole number, e.g. 600") from None
    if number < minimum:
        raise ParamsError(f"{_where(src, key)} must be at least {minimum}; got {number}")
    return number


def _number(value: Any, key: str, src: Path, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ParamsError(f"{_where(src, key)} must be a number, not {_kind(value)}")
    try:
        number = float(str(value).strip())
    except ValueError:
        raise ParamsError(f"{_where(src, key)} must be a number") from None
    if not number >= minimum:  # also refuses nan
        raise ParamsError(f"{_where(src, key)} must be at least {minimum:g}; got {number:g}")
    return number


def _flag(value: Any, key: str, src: Path) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "yes", "on", "false", "no", "off"}:
        return value.strip().lower() in {"true", "yes", "on"}
    raise ParamsError(f"{_where(src, key)} must be true or false")


def _texts(value: Any, key: str, src: Path) -> tuple[str, ...]:
    """A list of texts (a single text is a list of one)."""
    if value is None:
        return ()
    items = [value] if isinstance(value, (str, int, float)) and not isinstance(value, bool) else value
    if not isinstance(items, list):
        raise ParamsError(f"{_where(src, key)} must be a list, not {_kind(value)}")
    return tuple(_text(v, f"{key} item {i}", src) for i, v in enumerate(items, start=1))


def _section(raw: dict[str, Any], key: str, src: Path, within: str = "") -> dict[str, Any]:
    value = raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ParamsError(f"{_where(src, (within + ' ' + key).strip())} must be a mapping of settings, not {_kind(value)}")
    return value


def _read_yaml(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    path = path.resolve()
    if path in seen:
        raise ParamsError(f"{path}: includes itself")
    if not path.is_file():
        raise ParamsError(f"params file not found: {path}")
    try:
        data = yaml.safe_load(path.read_bytes().decode("utf-8-sig")) or {}
    except UnicodeDecodeError as exc:
        raise ParamsError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise ParamsError(f"{path}: not valid YAML{where}; check the indentation, colons and quotes there") from None
    except OSError as exc:
        raise ParamsError(f"{path}: cannot be read ({exc.strerror})") from None
    if not isinstance(data, dict):
        raise ParamsError(f"{path}: expected a mapping of settings at the top level")
    merged: dict[str, Any] = {}
    for inc in _texts(data.pop("include", None), "include", path):
        merged.update(_read_yaml(path.parent / inc, (*seen, path)))
    for key, value in data.items():
        if key in {"audits", "output", "actions", "notebooks_dir", "commentary"} and value is not None:
            value = str((path.parent / _text(value, key, path)).resolve())
        if key == "ssd" and isinstance(value, str) and value:
            value = str((path.parent / value).resolve())
        if key == "ssd" and isinstance(value, dict) and isinstance(value.get("folder"), str) and value["folder"]:
            value = {**value, "folder": str((path.parent / value["folder"]).resolve())}
        merged[str(key)] = value
    return merged


def _mapping(raw: Any, key: str, src: Path, allow_empty: bool = False) -> dict[str, str]:
    if raw is None and allow_empty:
        return {}
    if not isinstance(raw, dict) or (not raw and not allow_empty):
        raise ParamsError(f"{src}: '{key}' must be a{'' if allow_empty else ' non-empty'} mapping of key: label")
    return {_text(k, f"{key} key", src, single_line=True): _text(v, f"{key} {k}", src) for k, v in raw.items()}


def _groups(raw: dict[str, Any], src: Path) -> dict[str, tuple[str, ...]]:
    """standard_groups: label -> list of standard keys (each known, each in one group at most)."""
    groups: dict[str, tuple[str, ...]] = {}
    seen: set[str] = set()
    standards = set((raw.get("standards") or {}).keys()) if isinstance(raw.get("standards"), dict) else set()
    for label, keys in _section(raw, "standard_groups", src).items():
        name = _text(label, "standard_groups key", src, single_line=True)
        members = _texts(keys, f"standard_groups {name}", src)
        for k in members:
            if standards and k not in standards:
                known = ", ".join(sorted(standards))
                raise ParamsError(f"{src.name}: standard_groups: a group lists a key that is not a standard; expected keys from {known}")
            if k in seen:
                raise ParamsError(
                    f"{src.name}: standard_groups: the standard {k if k in standards else '(not shown)'} is in more than one group"
                )
            seen.add(k)
        groups[name] = members
    return groups


def load_params(path: str | Path) -> Params:
    """Read a params YAML file (and its includes) into `Params`."""
    src = Path(path)
    raw = _read_yaml(src)
    known = {
        "standards",
        "service_areas",
        "cohorts",
        "non_participation_reasons",
        "columns",
        "period",
        "target_return_rate",
        "audits",
        "sheet",
        "output",
        "programme",
        "notebooks",
        "execution_timeout",
        "kernel_name",
        "standard_short_names",
        "standard_groups",
        "themes",
        "key_themes",
        "quotes",
        "actions",
        "commentary",
        "email",
        "audience",
        "disclosure",
        "notebooks_dir",
        "cohort_rules",
        "plan_precedence",
        "sampling",
        "date_format",
        "history",
        "reaudit",
        "improvement",
        "ssd",
    }
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ParamsError(f"{src}: unknown setting(s) {', '.join(unknown)}; expected some of {', '.join(sorted(known))}")
    for key in ("standards", "service_areas", "cohorts"):
        if key not in raw:
            raise ParamsError(f"{src}: '{key}' is missing (include pack.yml or list them)")
    areas = raw["service_areas"]
    if not isinstance(areas, list) or not areas:
        raise ParamsError(f"{src}: 'service_areas' must be a non-empty list")
    reasons = []
    raw_reasons = raw.get("non_participation_reasons") or []
    if not isinstance(raw_reasons, list):
        raise ParamsError(f"{src}: non_participation_reasons must be a list of {{label, phrase, keywords}}")
    for i, item in enumerate(raw_reasons, start=1):
        if not isinstance(item, dict) or "label" not in item:
            raise ParamsError(f"{src}: non_participation_reasons item {i} needs a label")
        label = _text(item["label"], f"non_participation_reasons item {i} label", src)
        reasons.append(
            ReasonCategory(
                label=label,
                phrase=_text(item.get("phrase", label), f"non_participation_reasons item {i} phrase", src),
                keywords=tuple(k.lower() for k in _texts(item.get("keywords"), f"non_participation_reasons item {i} keywords", src)),
            )
        )
    period = None
    if raw.get("period"):
        p = raw["period"]
        if not isinstance(p, dict) or "from" not in p or "to" not in p:
            raise ParamsError(f"{src}: period must be {{from: YYYY-MM, to: YYYY-MM}}")
        period = Period(_text(p["from"], "period from", src), _text(p["to"], "period to", src))
    try:
        target = float(raw.get("target_return_rate", 80))
    except (TypeError, ValueError):
        raise ParamsError(f"{src}: target_return_rate must be a number of percent, e.g. 80") from None
    if target != target:  # nan
        raise ParamsError(f"{src}: target_return_rate must be a number of percent, e.g. 80")
    if not 0 <= target <= 100:
        raise ParamsError(f"{src}: target_return_rate {target} is not between 0 and 100")
    columns = raw.get("columns") or {}
    if not isinstance(columns, dict):
        raise ParamsError(f"{src}: 'columns' must map your header to a contract column")
    themes = []
    for key, item in _section(raw, "themes", src).items():
        if not isinstance(item, dict) or not item.get("phrases"):
            raise ParamsError(f"{src}: themes: each theme needs a list of phrases (one has none)")
        themes.append(
            Theme(
                _text(key, "themes key", src, single_line=True),
                _text(item.get("label", key), f"themes {key} label", src),
                tuple(p for p in _texts(item["phrases"], f"themes {key} phrases", src) if p),
            )
        )
    quotes_raw = _section(raw, "quotes", src)
    quotes = QuoteSettings(
        enabled=_flag(quotes_raw.get("enabled", False), "quotes enabled", src),
        per_theme=_int(quotes_raw.get("per_theme", 2), "quotes per_theme", src, minimum=1),
        redact_names=_texts(quotes_raw.get("redact_names"), "quotes redact_names", src),
        allowed_words=_texts(quotes_raw.get("allowed_words"), "quotes allowed_words", src),
    )
    key_themes = {"strengths": 3, "learning": 3}
    for k, v in _section(raw, "key_themes", src).items():
        if k not in key_themes:
            raise ParamsError(f"{src.name}: key_themes has another key; expected strengths and learning")
        key_themes[k] = _int(v, f"key_themes {k}", src)
    email = _email(raw.get("email") or {}, src)
    audience = _text(raw.get("audience", "internal"), "audience", src)
    date_format = _text(raw.get("date_format", "iso"), "date_format", src).lower()
    if date_format not in {"iso", "dayfirst"}:
        raise ParamsError(f"{src.name}: date_format: expected iso (YYYY-MM-DD) or dayfirst (DD/MM/YYYY)")
    if audience not in {"internal", "wider"}:
        raise ParamsError(f"{src}: audience: expected internal or wider")
    disclosure = _section(raw, "disclosure", src)
    unknown = sorted(set(disclosure) - {"min_count"})
    if unknown:
        raise ParamsError(f"{src.name}: disclosure has another setting; expected min_count")
    min_count = _int(disclosure.get("min_count", 5), "disclosure min_count", src, minimum=2)
    if min_count > 20:
        raise ParamsError(f"{src.name}: disclosure min_count {min_count}; expected 2 to 20 (the usual rule is 5: counts 1 to 4 hidden)")
    history = _section(raw, "history", src)
    if set(history) - {"keep"}:
        raise ParamsError(f"{src.name}: history has another setting; expected keep")
    keep = history.get("keep", 12)
    history_keep = None if str(keep).strip().lower() == "all" else _int(keep, "history keep", src, minimum=1)
    sheet = raw.get("sheet")
    return Params(
        improvement=_improvement(raw, src),
        ssd=_ssd(raw, src),
        history_keep=history_keep,
        standard_short_names=_mapping(raw.get("standard_short_names"), "standard_short_names", src, allow_empty=True),
        standard_groups=_groups(raw, src),
        themes=tuple(themes),
        key_themes=key_themes,
        quotes=quotes,
        actions=Path(raw["actions"]) if raw.get("actions") else None,
        commentary=Path(_text(raw["commentary"], "commentary", src)) if raw.get("commentary") else None,
        email=email,
        audience=audience,
        min_count=min_count,
        date_format=date_format,
        notebooks_dir=Path(raw["notebooks_dir"]) if raw.get("notebooks_dir") else None,
        sampling=_sampling(raw, src),
        standards=_mapping(raw["standards"], "standards", src),
        service_areas=tuple(_text(a, f"service_areas item {i}", src, single_line=True) for i, a in enumerate(areas, start=1)),
        cohorts=_mapping(raw["cohorts"], "cohorts", src),
        reason_categories=tuple(reasons),
        columns={"_".join(_text(k, "columns key", src).split()).lower(): _text(v, f"columns {k}", src).lower() for k, v in columns.items()},
        period=period,
        target_return_rate=target,
        audits=Path(raw["audits"]) if raw.get("audits") else None,
        sheet=None if sheet is None else _text(sheet, "sheet", src),
        output=Path(raw["output"]) if raw.get("output") else None,
        programme=_mapping(raw.get("programme"), "programme", src, allow_empty=True),
        notebooks=_notebooks(raw.get("notebooks"), src),
        execution_timeout=_int(raw.get("execution_timeout", 600), "execution_timeout", src, minimum=1),
        kernel_name=_text(raw.get("kernel_name", "python3"), "kernel_name", src, single_line=True),
        source=src.resolve(),
    )


def _improvement(raw: dict[str, Any], src: Path) -> dict[str, str]:
    """params `improvement:` (measure: higher or lower) over the defaults; a key or value outside them is refused
    by name, never echoing what was typed."""
    out = dict(IMPROVEMENT)
    for key, value in _section(raw, "improvement", src).items():
        if key not in IMPROVEMENT:
            raise ParamsError(f"{src.name}: improvement has a key that is not a measure; expected some of {', '.join(IMPROVEMENT)}")
        if str(value).strip().lower() not in {"higher", "lower"}:
            raise ParamsError(f"{src.name}: improvement {key}: expected higher or lower (which way is better)")
        out[key] = str(value).strip().lower()
    return out


def _notebooks(value: Any, src: Path) -> tuple[str, ...]:
    """Notebook names: plain names of notebooks in the notebooks folder, never paths."""
    names = _texts(value, "notebooks", src) or ("compliance",)
    for i, name in enumerate(names, start=1):
        if not re.fullmatch(r"[A-Za-z0-9_\-]+", name):
            raise ParamsError(
                f"{src.name}: notebooks item {i} is not a notebook name; expected names such as "
                "highlight_report or compliance (letters, digits, _ and -)"
            )
    return names


def _email(raw: Any, src: Path) -> EmailSettings:
    if not isinstance(raw, dict):
        raise ParamsError(f"{src}: 'email' must be a mapping (subject, from, to, smtp, ...)")
    smtp = _section(raw, "smtp", src, within="email")
    if "password" in smtp or "password" in raw:
        raise ParamsError(
            f"{src}: email: never put a password in params; name the environment variable that holds it "
            "with smtp: {password_env: QA_SMTP_PASSWORD}"
        )

    def addresses(key: str) -> tuple[str, ...]:
        found = _texts(raw.get(key), f"email {key}", src)
        for i, address in enumerate(found, start=1):
            if not ADDRESS.fullmatch(address):
                raise ParamsError(
                    f"{src.name}: email {key} item {i} is not an e-mail address; expected one address per item, like name@council.gov.uk"
                )
        return found

    subject = _text(raw.get("subject", EmailSettings.subject), "email subject", src, single_line=True)
    security = _text(smtp.get("security", "starttls"), "email smtp security", src).lower()
    if security not in {"starttls", "ssl", "none"}:
        raise ParamsError(f"{src}: email smtp security: expected starttls, ssl or none")
    try:
        sender = addresses("from")
        if len(sender) > 1:
            raise ParamsError(f"{src.name}: email from: one sender address, not a list")
        return EmailSettings(
            subject=subject,
            sender=sender[0] if sender else "",
            to=addresses("to"),
            cc=addresses("cc"),
            host=_text(smtp.get("host", "localhost"), "email smtp host", src, single_line=True),
            port=_int(smtp.get("port", 465 if security == "ssl" else 587), "email smtp port", src, minimum=1),
            security=security,
            username=_text(smtp.get("username", ""), "email smtp username", src, single_line=True),
            password_env=_text(smtp.get("password_env", ""), "email smtp password_env", src, single_line=True),
            cafile=_text(smtp.get("cafile", ""), "email smtp cafile", src),
            timeout=_number(smtp.get("timeout", 30), "email smtp timeout", src),
            retries=_int(raw.get("retries", 3), "email retries", src),
            retry_delay=_number(raw.get("retry_delay", 10), "email retry_delay", src),
            attach_tables=_flag(raw.get("attach_tables", False), "email attach_tables", src),
            report=_notebooks(raw.get("report", "highlight_report"), src)[0],
        )
    except (TypeError, ValueError) as exc:
        raise ParamsError(f"{src}: email: {exc}") from None


def _sampling(raw: dict[str, Any], src: Path) -> SamplingSettings:
    rules = {}
    for cohort, rule in _section(raw, "cohort_rules", src).items():
        if not isinstance(rule, dict) or not rule.get("plan_type"):
            raise ParamsError(f"{src}: cohort_rules: each cohort needs plan_type: [...] (one has none)")
        rules[str(cohort)] = {str(k): tuple(v.lower() for v in _texts(vals, f"cohort_rules {cohort} {k}", src)) for k, vals in rule.items()}
    s = _section(raw, "sampling", src)
    cap = s.get("max_sample")
    week = _section(s, "practice_week", src, within="sampling")
    areas = {str(a) for a in raw.get("service_areas") or []}
    unknown = [str(a) for a in week if areas and str(a) not in areas]
    if unknown:
        expected = ", ".join(sorted(areas))
        raise ParamsError(f"{src.name}: sampling practice_week names a service area not in params; expected some of {expected}")
    return SamplingSettings(
        cohort_rules=rules,
        plan_precedence=tuple(p.lower() for p in _texts(raw.get("plan_precedence"), "plan_precedence", src))
        or SamplingSettings.plan_precedence,
        window_months=_int(s.get("window_months", 6), "sampling window_months", src),
        exclusions=_texts(s.get("exclusions"), "sampling exclusions", src),
        max_sample=_int(cap, "sampling max_sample", src, minimum=1) if cap not in (None, "", "null") else None,
        practice_week={str(a): _int(n, f"sampling practice_week {str(a)[:30]}", src, minimum=0) for a, n in week.items()},
        **_reaudit(raw, src),
    )


def _ssd(raw: dict[str, Any], src: Path) -> SsdSettings:
    """params `ssd:`: a folder (the extract's), or a mapping of folder, extract_date, follow_up_months,
    worker_roles and service_areas (data contract section 6)."""
    value = raw.get("ssd")
    if value in (None, ""):
        return SsdSettings()
    if isinstance(value, str):
        return SsdSettings(folder=Path(value))
    r = _section(raw, "ssd", src)
    unknown = sorted(set(r) - {"folder", "extract_date", "follow_up_months", "worker_roles", "service_areas"})
    if unknown:
        expected = "folder, extract_date, follow_up_months, worker_roles, service_areas"
        raise ParamsError(f"{src.name}: ssd has another setting; expected {expected}")
    date = r.get("extract_date")
    if date not in (None, ""):
        date = str(date)
        try:
            valid = re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) is not None and bool(dt.date.fromisoformat(date))
        except ValueError:
            valid = False
        if not valid:
            raise ParamsError(f"{src.name}: ssd extract_date: expected a date as YYYY-MM-DD")
    areas = _mapping(r.get("service_areas"), "ssd service_areas", src, allow_empty=True)
    known = {str(a) for a in raw.get("service_areas") or []}
    if any(a not in known for a in areas.values()):
        raise ParamsError(f"{src.name}: ssd service_areas maps a team to a service area not in params' service_areas")
    return SsdSettings(
        folder=Path(str(r["folder"])) if r.get("folder") else None,
        extract_date=date or None,
        follow_up_months=_int(r.get("follow_up_months", 12), "ssd follow_up_months", src, minimum=1),
        worker_roles=_texts(r.get("worker_roles"), "ssd worker_roles", src) or SsdSettings.worker_roles,
        service_areas=areas,
    )


GRADE_CODES = {"o": "O", "outstanding": "O", "g": "G", "good": "G", "ri": "RI", "requires improvement": "RI", "i": "I", "inadequate": "I"}


def _reaudit(raw: dict[str, Any], src: Path) -> dict[str, Any]:
    """params `reaudit: {grades: [Inadequate], after_months: 3}`: cases graded so are drawn again."""
    r = _section(raw, "reaudit", src)
    unknown = sorted(set(r) - {"grades", "after_months"})
    if unknown:
        raise ParamsError(f"{src.name}: reaudit has another setting; expected grades, after_months")
    grades = []
    for g in _texts(r.get("grades"), "reaudit grades", src):
        code = GRADE_CODES.get(g.strip().lower())
        if code is None:
            raise ParamsError(f"{src.name}: reaudit grades: expected Outstanding, Good, Requires Improvement or Inadequate")
        grades.append(code)
    return {"reaudit_grades": tuple(grades), "reaudit_after_months": _int(r.get("after_months", 3), "reaudit after_months", src, minimum=1)}
