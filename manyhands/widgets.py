"""The course's interactive views, one import for the lessons: ``from manyhands import widgets``.

The views live in ``manyhands.views``, one module per lesson (``lesson00`` … ``lesson05``) and ``records`` (the
learner's records file: where it is, download, upload), on top of
``views.base`` (display, wiring), ``views.describe`` (each chart in words) and ``views.a11y`` (accessible
names, pressed states, focus ring).  Each view exposes ``controls``, ``figure``, ``description`` and ``view``;
tests set control values and read the figure, and learners can do the same in code.
"""

from __future__ import annotations

from .views import describe
from .views.base import DescribedFigure, described
from .views.lesson00 import ClaimSorter, DebateMap, StanceScale
from .views.lesson01 import ChainOfCommand, MembershipChart, apparatus_chart
from .views.lesson02 import DecisionTimeline, ProcurementCalculator
from .views.lesson03 import QuotaModel, RepressionChart, lists_chart
from .views.lesson04 import ComparisonGrid, RadicalisationModel
from .views.lesson05 import EarlierPosition, Ledger, NetworkView
from .views.records import RecordsPanel
from .views.table import table

__all__ = ["ChainOfCommand", "ClaimSorter", "ComparisonGrid", "DebateMap", "DecisionTimeline", "DescribedFigure", "EarlierPosition", "Ledger",
           "MembershipChart", "NetworkView", "ProcurementCalculator", "QuotaModel", "RadicalisationModel", "RecordsPanel",
           "RepressionChart", "StanceScale", "apparatus_chart", "describe", "described",
           "lists_chart", "table"]
