"""The report's sections, one package each: figures, words, display tables, charts and contract tables."""
