"""Run parameters: plain YAML read into a small typed object.

A params file may `include:` other YAML files (paths relative to itself); keys in
the including file win. Paths in params are relative to the file they appear in.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from .errors import ParamsError
from .period import Period


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
    themes: tuple[Theme, ...] = ()
    key_themes: dict[str, int] = field(default_factory=lambda: {"strengths": 3, "learning": 3})
    quotes: QuoteSettings = QuoteSettings()
    actions: Path | None = None
    email: EmailSettings = EmailSettings()
    audience: str = "internal"
    notebooks_dir: Path | None = None  # default: the pack's notebooks/
    sampling: SamplingSettings = SamplingSettings()
    source: Path | None = None

    @property
    def short_names(self) -> dict[str, str]:
        """Every standard's short name (or label), in params order."""
        return {k: self.short_name(k) for k in self.standards}

    def short_name(self, standard: str) -> str:
        """The standard's short name for the key themes, else its label."""
        return self.standard_short_names.get(standard) or self.standards.get(standard, standard)

    def with_overrides(self, **changes: Any) -> "Params":
        """A copy with the given fields replaced (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def require_period(self) -> Period:
        if self.period is None:
            raise ParamsError("no reporting period: set period: {from: YYYY-MM, to: YYYY-MM} in params or pass --from/--to")
        return self.period


def _read_yaml(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    path = path.resolve()
    if path in seen:
        raise ParamsError(f"{path}: includes itself")
    if not path.is_file():
        raise ParamsError(f"params file not found: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ParamsError(f"{path}: expected a mapping of settings at the top level")
    merged: dict[str, Any] = {}
    for inc in data.pop("include", None) or []:
        merged.update(_read_yaml(path.parent / inc, seen + (path,)))
    for key, value in data.items():
        if isinstance(value, (str,)) and key in {"audits", "output", "actions", "notebooks_dir"}:
            value = str((path.parent / value).resolve())
        merged[key] = value
    return merged


def _mapping(raw: Any, key: str, src: Path) -> dict[str, str]:
    if not isinstance(raw, dict) or not raw:
        raise ParamsError(f"{src}: '{key}' must be a non-empty mapping of key: label")
    return {str(k).strip(): str(v).strip() for k, v in raw.items()}


def load_params(path: str | Path) -> Params:
    """Read a params YAML file (and its includes) into `Params`."""
    src = Path(path)
    raw = _read_yaml(src)
    known = {
        "standards", "service_areas", "cohorts", "non_participation_reasons", "columns", "period",
        "target_return_rate", "audits", "sheet", "output", "programme", "notebooks",
        "execution_timeout", "kernel_name", "standard_short_names", "themes", "key_themes", "quotes", "actions",
        "email", "audience", "notebooks_dir", "cohort_rules", "plan_precedence", "sampling",
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
    for i, item in enumerate(raw.get("non_participation_reasons") or [], start=1):
        if not isinstance(item, dict) or "label" not in item:
            raise ParamsError(f"{src}: non_participation_reasons item {i} needs a label")
        reasons.append(ReasonCategory(
            label=str(item["label"]),
            phrase=str(item.get("phrase", item["label"])),
            keywords=tuple(str(k).lower() for k in item.get("keywords") or []),
        ))
    period = None
    if raw.get("period"):
        p = raw["period"]
        if not isinstance(p, dict) or "from" not in p or "to" not in p:
            raise ParamsError(f"{src}: period must be {{from: YYYY-MM, to: YYYY-MM}}")
        period = Period(str(p["from"]), str(p["to"]))
    try:
        target = float(raw.get("target_return_rate", 80))
    except (TypeError, ValueError):
        raise ParamsError(f"{src}: target_return_rate must be a number of percent, e.g. 80") from None
    if not 0 <= target <= 100:
        raise ParamsError(f"{src}: target_return_rate {target} is not between 0 and 100")
    columns = raw.get("columns") or {}
    if not isinstance(columns, dict):
        raise ParamsError(f"{src}: 'columns' must map your header to a contract column")
    themes = []
    for key, item in (raw.get("themes") or {}).items():
        if not isinstance(item, dict) or not item.get("phrases"):
            raise ParamsError(f"{src}: theme {key!r} needs a list of phrases")
        themes.append(Theme(str(key), str(item.get("label", key)), tuple(str(p) for p in item["phrases"])))
    quotes_raw = raw.get("quotes") or {}
    if not isinstance(quotes_raw, dict):
        raise ParamsError(f"{src}: 'quotes' must be a mapping (enabled, per_theme, redact_names, allowed_words)")
    quotes = QuoteSettings(
        enabled=bool(quotes_raw.get("enabled", False)),
        per_theme=int(quotes_raw.get("per_theme", 2)),
        redact_names=tuple(str(n) for n in quotes_raw.get("redact_names") or []),
        allowed_words=tuple(str(w) for w in quotes_raw.get("allowed_words") or []),
    )
    key_themes = {"strengths": 3, "learning": 3} | {str(k): int(v) for k, v in (raw.get("key_themes") or {}).items()}
    email = _email(raw.get("email") or {}, src)
    audience = str(raw.get("audience", "internal"))
    if audience not in {"internal", "wider"}:
        raise ParamsError(f"{src}: audience {audience!r}; expected internal or wider")
    return Params(
        standard_short_names={str(k): str(v) for k, v in (raw.get("standard_short_names") or {}).items()},
        themes=tuple(themes),
        key_themes=key_themes,
        quotes=quotes,
        actions=Path(raw["actions"]) if raw.get("actions") else None,
        email=email,
        audience=audience,
        notebooks_dir=Path(raw["notebooks_dir"]) if raw.get("notebooks_dir") else None,
        sampling=_sampling(raw, src),
        standards=_mapping(raw["standards"], "standards", src),
        service_areas=tuple(str(a).strip() for a in areas),
        cohorts=_mapping(raw["cohorts"], "cohorts", src),
        reason_categories=tuple(reasons),
        columns={"_".join(str(k).split()).lower(): str(v).strip().lower() for k, v in columns.items()},
        period=period,
        target_return_rate=target,
        audits=Path(raw["audits"]) if raw.get("audits") else None,
        sheet=raw.get("sheet"),
        output=Path(raw["output"]) if raw.get("output") else None,
        programme={str(k): str(v) for k, v in (raw.get("programme") or {}).items()},
        notebooks=tuple(raw.get("notebooks") or ("compliance",)),
        execution_timeout=int(raw.get("execution_timeout", 600)),
        kernel_name=str(raw.get("kernel_name", "python3")),
        source=src.resolve(),
    )


def _email(raw: Any, src: Path) -> EmailSettings:
    if not isinstance(raw, dict):
        raise ParamsError(f"{src}: 'email' must be a mapping (subject, from, to, smtp, ...)")
    smtp = raw.get("smtp") or {}
    if "password" in smtp or "password" in raw:
        raise ParamsError(f"{src}: email: never put a password in params; name the environment variable that holds it "
                          "with smtp: {password_env: QA_SMTP_PASSWORD}")

    def addresses(key: str) -> tuple[str, ...]:
        value = raw.get(key) or []
        return tuple([value] if isinstance(value, str) else [str(v) for v in value])

    security = str(smtp.get("security", "starttls")).lower()
    if security not in {"starttls", "ssl", "none"}:
        raise ParamsError(f"{src}: email smtp security {security!r}; expected starttls, ssl or none")
    try:
        return EmailSettings(
            subject=str(raw.get("subject", EmailSettings.subject)), sender=str(raw.get("from", "")),
            to=addresses("to"), cc=addresses("cc"), host=str(smtp.get("host", "localhost")),
            port=int(smtp.get("port", 465 if security == "ssl" else 587)), security=security,
            username=str(smtp.get("username", "")), password_env=str(smtp.get("password_env", "")),
            cafile=str(smtp.get("cafile", "")), timeout=float(smtp.get("timeout", 30)),
            retries=int(raw.get("retries", 3)), retry_delay=float(raw.get("retry_delay", 10)),
            attach_tables=bool(raw.get("attach_tables", False)), report=str(raw.get("report", "highlight_report")),
        )
    except (TypeError, ValueError) as exc:
        raise ParamsError(f"{src}: email: {exc}") from None


def _sampling(raw: dict[str, Any], src: Path) -> SamplingSettings:
    rules = {}
    for cohort, rule in (raw.get("cohort_rules") or {}).items():
        if not isinstance(rule, dict) or not rule.get("plan_type"):
            raise ParamsError(f"{src}: cohort_rules {cohort!r} needs plan_type: [...]")
        rules[str(cohort)] = {k: tuple(str(v).lower() for v in (vals if isinstance(vals, list) else [vals]))
                              for k, vals in rule.items()}
    s = raw.get("sampling") or {}
    if not isinstance(s, dict):
        raise ParamsError(f"{src}: 'sampling' must be a mapping (window_months, exclusions, max_sample)")
    try:
        cap = s.get("max_sample")
        return SamplingSettings(
            cohort_rules=rules,
            plan_precedence=tuple(str(p).lower() for p in raw.get("plan_precedence") or SamplingSettings.plan_precedence),
            window_months=int(s.get("window_months", 6)),
            exclusions=tuple(str(c).strip() for c in s.get("exclusions") or []),
            max_sample=int(cap) if cap not in (None, "", "null") else None,
        )
    except (TypeError, ValueError) as exc:
        raise ParamsError(f"{src}: sampling: {exc}") from None
