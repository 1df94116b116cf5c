"""Linkage of victim records across sources, and estimation of totals."""
