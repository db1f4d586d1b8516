"""Drawing the monthly sample. One module per concern: figures (the numbers), words (drafted sentences), display
(tables for people), charts, tables (the contract CSVs) and report (what a notebook shows)."""
