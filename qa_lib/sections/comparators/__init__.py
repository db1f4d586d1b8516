"""Sections 3.1.3 to 3.1.5: the same cohort across its audit months. One module per concern: figures (the
numbers), words (drafted sentences), display (tables for people), charts, tables (the contract CSVs) and
report (what a notebook shows)."""
