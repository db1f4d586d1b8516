"""Sections 3.2 and 4: key and recurring themes, and actions. One module per concern: figures (the numbers),
words (drafted sentences), display (tables for people), charts, tables (the contract CSVs) and report (what a
notebook shows)."""
