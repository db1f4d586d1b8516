"""Sections 2.3 and 3.1.1: moderation, agreement and overall grades. One module per concern: figures (the
numbers), words (drafted sentences), display (tables for people), charts, tables (the contract CSVs) and
report (what a notebook shows)."""
