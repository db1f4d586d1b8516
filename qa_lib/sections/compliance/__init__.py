"""Sections 1, 2.1 and 2.2: audit returns, exemptions and social worker participation. One module per concern:
figures (the numbers), words (drafted sentences), display (tables for people), charts, tables (the contract
CSVs) and report (what a notebook shows)."""
