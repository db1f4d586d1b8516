"""`qa-pack init FOLDER`: a council's own params to start from, with nothing of the demo's in them: the pack's
settings (standards, areas, cohorts, themes) to edit, an empty action register, and the author, recipients and
audits file left for the QA lead to fill, with a short checklist. Never writes over a file."""

from __future__ import annotations

import shutil
from pathlib import Path

from qa_lib.errors import QAPackError
from qa_lib.inputs import resources
from qa_lib.sections.themes.register import COLUMNS

COPIED = ("pack.yml", "themes.yml", "cohorts.yml")

PARAMS = """# Your council's params, written by `qa-pack init`. Fill in each line marked TODO (CHECKLIST.md says how).
include: [pack.yml, themes.yml, cohorts.yml]   # standards, service areas, cohorts and themes: edit them there

programme:
  name: Quality Assurance Framework – Findings of Monthly Case File Audits
  directorate: ""          # TODO: your directorate
  author: ""               # TODO: who the report is from (a team or a role, never a person's name)

# audits: returns/audits.csv   # TODO: your audits file, relative to this file (or pass --audits on each run)
# period: {from: "2022-01", to: "2022-03"}   # TODO: the months reported on (or pass --from and --to)
target_return_rate: 80     # percent
output: ../outputs/qa      # relative to this file; or pass --out

notebooks: [highlight_report, compliance, grades, comparators, themes]
actions: register.csv      # section 4: your action register (empty to start)
history: {keep: 12}        # earlier runs kept in <output>/history/
execution_timeout: 600
audience: internal         # or wider: small counts hidden (see the README)

# E-mail (qa-pack email --run <output> [--send]): TODO, if you e-mail the report
# email:
#   subject: "QA Highlight Report: {period}"
#   from: qa-team@your-council.gov.uk
#   to: [head-of-service@your-council.gov.uk]
#   smtp: {host: smtp.your-council.gov.uk, port: 587, security: starttls, username: qa-team, password_env: QA_SMTP_PASSWORD}
"""

CHECKLIST = """# Before your first real run

1. `params.yml`: set `programme: directorate` and `author` (a team or a role).
2. Your audits file: set `audits:` in `params.yml`, or pass `--audits FILE` (data contract section 1).
3. The period: set `period:`, or pass `--from YYYY-MM --to YYYY-MM`.
4. `pack.yml`: your practice standards, service areas and non-participation reason categories;
   `cohorts.yml`: your cohorts; `themes.yml`: the themes auditors' comments are counted against.
5. `register.csv`: your action register for section 4 (one row per action; the header names the columns).
6. E-mail (optional): uncomment `email:` in `params.yml` with your own addresses.
7. Check the file: `qa-pack validate --params params.yml FILE`; then run:
   `qa-pack run --params params.yml`.

A run whose audits file is not the demo's refuses the demo's register, author and e-mail addresses, so nothing
made up reaches a real report.
"""


def init(folder: Path) -> list[Path]:
    """Write a council's params into `folder` (made if missing); refuse to write over anything."""
    folder = Path(folder)
    targets = [folder / "params.yml", folder / "register.csv", folder / "CHECKLIST.md", *(folder / n for n in COPIED)]
    taken = [p.name for p in targets if p.exists() or p.is_symlink()]
    if taken:
        raise QAPackError(f"{folder} already holds {', '.join(taken)}; choose a new folder (qa-pack init never writes over a file)")
    folder.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        shutil.copyfile(resources.default_params(name), folder / name)
    (folder / "params.yml").write_text(PARAMS, encoding="utf-8")
    (folder / "register.csv").write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    (folder / "CHECKLIST.md").write_text(CHECKLIST, encoding="utf-8")
    return targets
