"""Commentary the QA lead owns: the drafted text of each report section written to a Markdown file
(`qa-pack commentary --write FILE`), edited freely, and used in place of the draft section by section
(`qa-pack run --commentary FILE`).

- `drafts`: each section's drafted text, from the run's figures: the one definition the report shows when a
  section is left as drafted.
- `document`: the Markdown file: one heading per section, each with the fingerprint of the draft it holds.
- `check`: before anything is published: sections whose figures changed since drafting, and identifiers,
  e-mail addresses or phone numbers in the lead's text (named by section, never by value).
"""
