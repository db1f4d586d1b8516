"""Disclosure control for packs shared beyond the QA team (`audience: wider`), as one protection problem per run.

- `problem`: every count the wider pack publishes (and the complements its definitions imply) as variables,
  with the linear relations between them written out (totals, parts, links between tables).
- `relations`: builds that problem from the run's figures.
- `attacker`: for each suppressed count, the smallest and largest value an integer program (HiGHS, through
  scipy's `milp`) finds consistent with everything published.
- `suppress`: primary suppression of small counts, then secondary suppression until the attacker fails.
- `published`: the published figures (each count a number or `c`), from which everything in a wider pack
  is drawn, and the runner's last audit before publishing.
"""
