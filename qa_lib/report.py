"""The report's sections as the notebooks show them: one module per section, each a few calls that draw its
text, tables and charts from the section's own figures, words, display tables and charts. The section
notebooks and the highlight report both call these, so no notebook repeats another's cells."""

from qa_lib.sections.calibration import report as calibration
from qa_lib.sections.comparators import report as comparators
from qa_lib.sections.compliance import report as compliance
from qa_lib.sections.grades import report as grades
from qa_lib.sections.outcomes import report as outcomes
from qa_lib.sections.quality import report as quality
from qa_lib.sections.sampling import report as sampling
from qa_lib.sections.standards import report as standards
from qa_lib.sections.themes import report as themes

__all__ = ["calibration", "comparators", "compliance", "grades", "outcomes", "quality", "sampling", "standards", "themes"]
