"""Section 3.1.2: practice standards month on month. One module per concern: figures (the numbers), words
(drafted sentences), display (tables for people), charts, tables (the contract CSVs) and report (what a
notebook shows)."""
