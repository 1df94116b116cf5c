"""Multiple-systems estimation: how many people no list recorded, with honest uncertainty.

``overlap`` reads the tables, ``lcmcr`` is the Bayesian latent-class model (Manrique-Vallier
2016), ``loglinear`` the classical baseline, ``identifiability`` decides when no number should
be given, ``service`` runs them (and strata), ``simulate`` checks them on known totals.
"""

from .lcmcr import LcmcrSettings, lcmcr_estimate
from .loglinear import loglinear_estimate
from .overlap import OverlapError, OverlapTable, read_overlap, table_from_patterns
from .result import Estimate
from .service import estimate

__all__ = [
    "Estimate",
    "LcmcrSettings",
    "OverlapError",
    "OverlapTable",
    "estimate",
    "lcmcr_estimate",
    "loglinear_estimate",
    "read_overlap",
    "table_from_patterns",
]
