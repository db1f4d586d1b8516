"""Plain English where managers read (issue 26, item 2): no statistical term in the highlight report's body (the
appendices name the methods) or in the e-mail."""

from __future__ import annotations

import json
import re

from run.test_conclusions_rendered import visible

from qa_lib.inputs.params import EmailSettings
from qa_lib.run.emailer import _bodies

TERMS = [
    "p-chart",
    "p′",
    "sigma",
    "σ",
    "special cause",
    "common cause",
    "Benjamini",
    "Hochberg",
    "Fisher",
    "kappa",
    "AC2",
    "Laney",
    "Spiegelhalter",
    "funnel",
    "p-value",
    "q-value",
    "over-dispersion",
    "Wilson",
    "z-score",
    "spc.csv",
    "≈",
    "G/O",
    "statistically significant",
]


def found_terms(text: str) -> list[str]:
    return [t for t in TERMS if re.search(rf"(?<![\w-]){re.escape(t)}(?![\w-])", text, flags=re.I)]


def test_the_term_finder_finds_them():
    assert found_terms("a p-chart with 3 sigma limits (special cause) and ≈") == ["p-chart", "sigma", "special cause", "≈"]
    assert found_terms("the usual range; more than chance would explain; stands out") == []


def test_no_statistical_term_in_the_highlights_body_or_the_email(published):
    page = visible(published / "highlight_report.html")
    body = page.split("Appendix: data quality ¶")[0]  # the heading (the contents list names it too)
    assert len(body) > 5000  # the body is there, and the split found the appendix
    assert found_terms(body) == []
    head = json.loads((published / "headlines.json").read_text(encoding="utf-8"))
    plain, html = _bodies(head, EmailSettings())
    assert found_terms(plain) == [] and found_terms(html) == []
