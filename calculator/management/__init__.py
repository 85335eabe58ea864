"""Suggested management by grade (clinical-rules.md section 6)."""

from calculator.management.models import Action, RecommendInput, RecommendResult
from calculator.management.recommend import DISCLAIMER, recommend

__all__ = ["DISCLAIMER", "Action", "RecommendInput", "RecommendResult", "recommend"]
