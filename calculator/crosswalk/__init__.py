"""The crosswalk to the grading scales that preceded ASTCT 2019 (clinical-rules.md
section 13; cli-contract.md ``crosswalk``)."""

from calculator.crosswalk.engine import crosswalk
from calculator.crosswalk.models import CrosswalkInput, CrosswalkResult, ScaleGrade

__all__ = ["CrosswalkInput", "CrosswalkResult", "ScaleGrade", "crosswalk"]
