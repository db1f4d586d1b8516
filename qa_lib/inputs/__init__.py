"""Everything that comes in: params, the period, the audits and caseload files (read, normalised, validated), the
demo data, the hand-off to notebooks, and the files the pack ships."""
