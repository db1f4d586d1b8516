"""Sections 3.2 and 4: themes.csv (an addition to the contract), from the section's figures."""

from __future__ import annotations

import pandas as pd

from qa_lib.sections.themes.figures import ThemesFigures


def theme_tables(f: ThemesFigures) -> dict[str, pd.DataFrame]:
    """Per month and theme, audits whose comments mention it."""
    return {"themes": f.counts[["audit_month", "theme", "audits", "returned", "percent"]]}
